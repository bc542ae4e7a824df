"""Real server processes for the chat tests that cross process boundaries.

A redis-server of the test's own (on a free port, nothing persisted, so a test may kill and
restart it without touching anyone else's data) and daphne processes that serve
config.asgi:application as production does, on the test's database and that Redis. The servers
are other processes: they see only what the test has committed (use transactional_db), and the
test database must be one they can open (a file on SQLite, see config/settings.py).

Every process started here is killed when its context manager exits, whatever happened; the
test modules wrap these context managers in fixtures. A server that does not come up fails the
test with the tail of its log.
"""

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import redis
from django.conf import settings
from django.db import connection
from django.test import Client
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as sync_connect

BASE_DIR = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
ORIGIN = f"http://{HOST}"  # an allowed host (ALLOWED_HOSTS): the origin check lets it in
# Starting daphne imports Django, Wagtail and every app: seconds on a loaded machine.
START_TIMEOUT = 60
STOP_TIMEOUT = 10
PORT_ATTEMPTS = 3
LOG_TAIL = 12000  # characters: enough for a traceback or two


def free_port() -> int:
    """A port nothing listens on now (another process may still take it before we do: starting
    a server retries on another port when its own is taken)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _tail(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-LOG_TAIL:]
    except OSError:
        return ""


def _stop(*processes: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    """End processes we started (by their own handles; signalled together, then waited for),
    killing any that does not leave in time."""
    running = [process for process in processes if process and process.poll() is None]
    for process in running:
        process.send_signal(sig)
    for process in running:
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT)


# --- Redis -----------------------------------------------------------------------------------


def redis_server_binary() -> str | None:
    return shutil.which("redis-server")


class RedisServer:
    """A redis-server on its own port; kill() and start() again keep the port (and lose the
    data, as a crashed Redis without persistence does)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = directory / "redis.log"

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        """Start, on the same port when it ran before (the servers know only that one)."""
        self.restarting = self.process is not None
        for _attempt in range(PORT_ATTEMPTS):
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    [
                        redis_server_binary() or "redis-server",
                        "--port", str(self.port),
                        "--bind", HOST,
                        "--save", "",
                        "--appendonly", "no",
                        "--dir", str(self.directory),
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.directory,
                )  # fmt: skip
            if self._wait_ready():
                return
            taken = "Address already in use" in _tail(self.log) and self.process.poll() is not None
            if not taken or self.restarting:
                break
            self.port = free_port()  # taken meanwhile by someone else: another port
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {self.port}:\n{_tail(self.log)}")

    def _wait_ready(self) -> bool:
        client = redis.Redis(host=HOST, port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + START_TIMEOUT
        try:
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    if client.ping():
                        return True
                except redis.exceptions.ConnectionError:
                    time.sleep(0.05)
            return False
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL: the server vanishes mid-conversation, its connections reset."""
        _stop(self.process, sig=signal.SIGKILL)

    def stop(self) -> None:
        _stop(self.process)


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    """A running redis-server of the test's own, killed on exit."""
    with tempfile.TemporaryDirectory(prefix="xbec-redis-") as directory:
        server = RedisServer(Path(directory))
        try:
            server.start()
            yield server
        finally:
            server.stop()


# --- ASGI servers ----------------------------------------------------------------------------


def database_url() -> str:
    """The test database as a DATABASE_URL (config/settings.py reads it): the name Django
    actually created (pytest-xdist adds a suffix per worker)."""
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = str(database["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            raise RuntimeError("the test database is in memory: another process cannot open it")
        return f"sqlite:///{name}"
    if database["ENGINE"] == "django.db.backends.postgresql":
        credentials = quote(database["USER"] or "", safe="")
        if database["PASSWORD"]:
            credentials += ":" + quote(database["PASSWORD"], safe="")
        port = f":{database['PORT']}" if database["PORT"] else ""
        host = database["HOST"] or "localhost"
        return f"postgres://{credentials}@{host}{port}/{quote(database['NAME'], safe='')}"
    raise RuntimeError(f"no DATABASE_URL for {database['ENGINE']}")


def server_environment(redis_url: str, **overrides: str) -> dict[str, str]:
    """The environment of a server process: the test's database and the test's Redis (channel
    layer and cache are Redis only when REDIS_URL is set), the rest as the test's own."""
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url,
        PYTHONUNBUFFERED="1",
        # The tests send faster than a person types: the rate limit is not what they check.
        CHAT_MESSAGES_PER_SECOND="1000",
    )
    environment.update(overrides)
    return environment


class AsgiServer:
    """`daphne config.asgi:application` on a free port of 127.0.0.1."""

    def __init__(self, environment: dict[str, str], directory: Path, name: str):
        self.environment = environment
        self.port = free_port()
        self.name = name
        self.log = directory / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def url(self, path: str) -> str:
        return f"ws://{HOST}:{self.port}{path}"

    def launch(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "daphne",
                    "-b", HOST, "-p", str(self.port),
                    "config.asgi:application",
                ],
                cwd=BASE_DIR,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip

    def wait_ready(self) -> None:
        """Until ws/health/ answers through the whole stack (routing, origin check, session
        middleware): a retry on another port when this one was taken meanwhile."""
        for _attempt in range(PORT_ATTEMPTS):
            if self._poll_health():
                return
            if "Address already in use" not in _tail(self.log) or self.process.poll() is None:
                break
            self.port = free_port()
            self.launch()
        self.stop()
        raise RuntimeError(
            f"daphne ({self.name}) did not answer on port {self.port}:\n{_tail(self.log)}"
        )

    def _poll_health(self) -> bool:
        """Synchronous (no event loop of its own: the caller's thread may run one)."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with sync_connect(
                    self.url("/ws/health/"), origin=ORIGIN, proxy=None, open_timeout=5
                ) as websocket:
                    if json.loads(websocket.recv(timeout=5)).get("type") == "hello":
                        return True
            except Exception:  # refused, reset, closed, timed out: not up yet
                time.sleep(0.1)
        return False

    def stop(self) -> None:
        _stop(self.process)

    def log_tail(self) -> str:
        return _tail(self.log)


@contextlib.contextmanager
def asgi_servers(redis_url: str, count: int = 2, **overrides: str) -> Iterator[list[AsgiServer]]:
    """`count` daphne processes on the test's database and the given Redis, started together and
    ready; killed on exit. Their logs are printed on exit (pytest shows them when a test
    fails)."""
    environment = server_environment(redis_url, **overrides)
    with tempfile.TemporaryDirectory(prefix="xbec-daphne-") as directory:
        servers = [AsgiServer(environment, Path(directory), f"server-{i}") for i in range(count)]
        try:
            for server in servers:
                server.launch()
            for server in servers:
                server.wait_ready()
            yield servers
        finally:
            _stop(*(server.process for server in servers))
            for server in servers:
                print(f"--- {server.name} (port {server.port}) ---\n{server.log_tail()}")


# --- Clients ---------------------------------------------------------------------------------

# Frames that arrive whenever someone comes or goes; most tests look past them.
PRESENCE = {"presence", "join", "leave", "typing"}
RECEIVE_TIMEOUT = 10


def session_cookie(user) -> str:
    """A session of `user` stored in the database, where the servers read it (synchronous)."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class ChatClient:
    """A WebSocket on ws/chat/<id>/ of one server, signed in with a session cookie."""

    def __init__(self, server: AsgiServer, conversation_id: int, cookie: str):
        self.url = server.url(f"/ws/chat/{conversation_id}/")
        self.cookie = cookie
        self.websocket: ClientConnection | None = None

    async def connect(self) -> dict:
        """Open the socket; returns the first frame (the presence list, or a close)."""
        self.websocket = await connect(
            self.url,
            origin=ORIGIN,
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={self.cookie}"},
            proxy=None,
            open_timeout=RECEIVE_TIMEOUT,
        )
        return await self.receive(skip=set())

    async def send(self, frame: dict) -> None:
        await self.websocket.send(json.dumps(frame))

    async def receive(self, *, skip: set[str] = PRESENCE, timeout: float = RECEIVE_TIMEOUT):
        """The next frame (not one of `skip`); a closed socket reads {"type": "close", "code"}."""
        while True:
            try:
                frame = json.loads(await asyncio.wait_for(self.websocket.recv(), timeout))
            except ConnectionClosed as closed:
                return {"type": "close", "code": closed.rcvd.code if closed.rcvd else None}
            if frame["type"] not in skip:
                return frame

    async def close(self) -> None:
        if self.websocket is not None:
            await self.websocket.close()
