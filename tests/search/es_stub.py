"""Local stand-ins for an Elasticsearch server that is down, failing or hanging.

Each is a context manager yielding the URL to give the client. They answer nothing that looks
like Elasticsearch: they exist to show what the backend does when the engine does not answer.
"""

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def refusing_url() -> Iterator[str]:
    """A local port nothing listens on: connections are refused at once.

    The port is one the kernel just handed out and took back; another process could bind it in
    between, which is as unlikely as it is harmless to these tests (they would time out
    instead of being refused, and still expect BackendUnavailable).
    """
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield f"http://127.0.0.1:{port}"


@contextmanager
def answering_url(status: int) -> Iterator[str]:
    """A local HTTP server answering every request with `status` and a JSON error body."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            body = json.dumps({"error": "stub", "status": status}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

        def log_message(self, format: str, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll interval: shutdown() waits for the loop to notice.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def silent_url() -> Iterator[str]:
    """A local port that accepts connections and never answers.

    The socket listens but the test never calls accept(): the kernel completes the handshake
    for up to `backlog` clients, which then wait for an answer that never comes.
    """
    with closing(socket.socket()) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
