"""Chat benchmark (issue 7): a message's round trip through the app against its unavoidable parts.

```
.venv/bin/python -m bench.chat_bench --database sqlite|postgres --layer memory|redis
    [--messages 500] [--warm-up 50] [--fan-out 50] [--fan-out-messages 100]
    [--throughput-pairs 4] [--throughput-messages 250] [--conn-max-age 60]
    [--redis-url URL] [--profile] [--queries]
```

1. Sets up its own database (`/tmp/xbec_bench_chat.sqlite3` or `xbec_bench_chat` on the local
   PostgreSQL), migrates it, and replaces the previous run's bench users, organizations and
   conversations with new ones; each gets a real session (stored in the database, as a login
   stores it). `--layer redis` flushes the Redis database of `--redis-url` (the channel layer
   and the cache); `memory` is the embedded default (in-memory layer, local-memory cache).
2. Starts two daphne processes on 127.0.0.1 (bench/chat_server.py, `python -m daphne` as
   production runs it): the app (`config.asgi:application`, DEBUG off, the rate limit raised
   so that the benchmark can send faster than a person types; it is still checked) and a bare
   echo (bench/chat_echo.py: a raw ASGI app sending each frame back).
3. Measures, interleaved in blocks so that a change in the machine's load hits all of them
   alike, after `--warm-up` rounds of each:
   - echo: one text frame of a message's size to the echo server and back (websockets client);
   - insert: the INSERT of the same row into chat_message with its commit, on a plain cursor of
     the same database in autocommit (one statement, RETURNING id);
   - layer: a group_send of the same event to a group of two channels (sender and receiver, as
     in a pair conversation) and the receiver's receive, on the same channel layer (the
     in-memory one in this process: the app's is in the server process and the same code);
   - app: a "message" frame from Alice until Bob's socket receives the message (and until
     Alice's receives the ack), both signed in, on a pair conversation.
   Target (issue 7): app p50 at most 2x the sum of the parts' p50, p99 at most 3x their p99.
4. Fan-out: `--fan-out` members of an event lobby (one organization each) connected, plus the
   sender; time from the send until every member has received the message.
5. Throughput: `--throughput-pairs` pair conversations, each sender keeping up to 20 messages
   unacknowledged; messages delivered per second to the receivers.
6. Checks every phase for lost or duplicated messages (each receiver gets each message once, in
   order; each is stored once, acknowledged with its stored id) and fails when any is.

Writes bench/results/chat-<database>-<layer>.json. `--profile` runs the app server under yappi
(installed into /tmp/xbec-bench-yappi, not into the project) and prints the top functions;
`--queries` prints the SQL statements the server ran per message.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import pstats
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.search_bench import _postgres_database_create

DATABASE_URLS = {
    "sqlite": "sqlite:////tmp/xbec_bench_chat.sqlite3",
    "postgres": "postgres://postgres@127.0.0.1:5432/xbec_bench_chat",
}
BASE_DIR = Path(__file__).resolve().parents[1]
RESULTS_DIR = BASE_DIR / "bench" / "results"
HOST = "127.0.0.1"
ORIGIN = f"http://{HOST}"
TARGET_P50_RATIO = 2.0
TARGET_P99_RATIO = 3.0
BLOCK = 25  # rounds of each measurement before switching to the next
WINDOW = 20  # unacknowledged messages per sender in the throughput phase
TIMEOUT = 30
PRESENCE = {"presence", "join", "leave", "typing"}
TEXT = "您好，我们对贵公司的跨境物流方案很感兴趣。Could we meet at the fair on Thursday? 谢谢！"
SOURCE_PREFIX = "bench.chat:"
EMAIL_DOMAIN = "@chat-bench.invalid"
YAPPI_DIR = Path("/tmp/xbec-bench-yappi")


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    environment = _django_setup(args)
    fixtures = _fixtures(args.fan_out, args.throughput_pairs)
    report: dict[str, Any] = {
        "database": args.database,
        "layer": args.layer,
        "conn_max_age": args.conn_max_age,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": os.getloadavg(),
        "messages": args.messages,
    }
    with tempfile.TemporaryDirectory(prefix="xbec-chat-bench-") as directory:
        servers = _Servers(Path(directory), environment, args)
        try:
            servers.start()
            report.update(asyncio.run(_measure(args, servers, fixtures)))
        finally:
            servers.stop()
        if args.profile:
            report["profile_file"] = str(servers.profile_path)
            _print_profile(servers.profile_path)
        if args.queries:
            report["queries"] = _print_queries(servers.queries_path, report["server_messages"])
    report["stored"] = _stored_check(fixtures, report["sent_client_ids"])
    del report["sent_client_ids"]
    report["load_average_after"] = os.getloadavg()
    ok = _print_report(report)
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"chat-{args.database}-{args.layer}.json"
    path.write_text(json.dumps(report, indent=1, default=str))
    print(f"\nWritten to {path.relative_to(BASE_DIR)}.")
    return 0 if ok else 1


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=sorted(DATABASE_URLS), default="sqlite")
    parser.add_argument("--layer", choices=["memory", "redis"], default="memory")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--warm-up", type=int, default=50)
    parser.add_argument("--fan-out", type=int, default=50)
    parser.add_argument("--fan-out-messages", type=int, default=100)
    parser.add_argument("--throughput-pairs", type=int, default=4)
    parser.add_argument("--throughput-messages", type=int, default=250, help="per pair")
    parser.add_argument(
        "--conn-max-age",
        default="60",
        help="DATABASE_CONN_MAX_AGE of the app server (seconds; 0 closes the connection after "
        "each database_sync_to_async call, as the settings' default does)",
    )
    parser.add_argument("--profile", action="store_true", help="profile the app server (yappi)")
    parser.add_argument("--queries", action="store_true", help="count the server's statements")
    return parser.parse_args(argv)


# --- Setup -----------------------------------------------------------------------------------


def _django_setup(args: argparse.Namespace) -> dict[str, str]:
    """Configure Django in this process on the bench database and layer; returns the app
    server's environment."""
    url = DATABASE_URLS[args.database]
    os.environ["DATABASE_URL"] = url
    os.environ.pop("DATABASE_CONN_MAX_AGE", None)  # this process keeps one connection anyway
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.pop("ELASTICSEARCH_URL", None)
    if args.layer == "redis":
        os.environ["REDIS_URL"] = args.redis_url
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
    else:
        os.environ.pop("REDIS_URL", None)
    if args.database == "postgres":
        _postgres_database_create(url)

    import warnings

    import django
    from django.conf import settings
    from django.core.management import call_command

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    settings.DEBUG = False
    call_command("migrate", verbosity=0, interactive=False)
    environment = dict(os.environ)
    environment.update(
        DJANGO_DEBUG="0",
        DATABASE_CONN_MAX_AGE=str(args.conn_max_age),
        PYTHONUNBUFFERED="1",
        CHAT_MESSAGES_PER_SECOND="1000000",
        # Secure cookies are only sent over https; the benchmark's clients send them anyway.
        DJANGO_SECURE_COOKIES="0",
    )
    # This process uses its own connection from the event loop's thread, one call at a time
    # (the bare INSERT is timed alone, blocking the loop is what it measures).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    return environment


class _Fixtures:
    def __init__(self):
        self.pair: Any = None
        self.alice: Any = None
        self.bob: Any = None
        self.bare: Any = None  # a conversation of its own for the bare inserts
        self.lobby: Any = None
        self.lobby_users: list = []
        self.throughput: list[tuple[Any, Any, Any]] = []  # (conversation, sender, receiver)
        self.cookies: dict[int, str] = {}


def _fixtures(fan_out: int, pairs: int) -> _Fixtures:
    """Fresh users, organizations and conversations (the previous run's are deleted first)."""
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from accounts.models import Membership, Organization, OrganizationKind, User
    from chat.models import Conversation, ConversationKind
    from chat.services import conversation_open

    Conversation.objects.filter(source__startswith=SOURCE_PREFIX).delete()
    Membership.objects.filter(user__email__endswith=EMAIL_DOMAIN).delete()
    User.objects.filter(email__endswith=EMAIL_DOMAIN).delete()
    Organization.objects.filter(name_en__startswith="Chat Bench ").delete()
    run = uuid.uuid4().hex[:8]
    serial = iter(range(10**6))

    def member(name: str, kind: str = OrganizationKind.EXPORTER):
        number = next(serial)
        organization = Organization.objects.create(
            kind=kind,
            name_zh=f"聊天测试公司{number}",
            name_en=f"Chat Bench {number}",
            credit_code=f"9111{run}{number:06d}",
            district="chaoyang",
            verification_state="verified",
        )
        user = User.objects.create_user(
            email=f"{name}-{number}{EMAIL_DOMAIN}", password=None, full_name=name
        )
        Membership.objects.create(user=user, organization=organization, role="member")
        user.active_organization = organization
        user.save(update_fields=["active_organization"])
        return user, organization

    def pair(name: str):
        sender, first = member(f"{name}-a")
        receiver, second = member(f"{name}-b", OrganizationKind.PLATFORM)
        conversation = conversation_open(
            kind=ConversationKind.PAIR,
            organizations=[first, second],
            source=f"{SOURCE_PREFIX}{name}:{run}",
        )
        return conversation, sender, receiver

    fixtures = _Fixtures()
    with transaction.atomic():
        fixtures.pair, fixtures.alice, fixtures.bob = pair("pair")
        fixtures.bare = pair("bare")[0]
        members = [member(f"lobby{i}") for i in range(fan_out + 1)]
        fixtures.lobby = conversation_open(
            kind=ConversationKind.EVENT_LOBBY,
            organizations=[organization for _user, organization in members],
            source=f"{SOURCE_PREFIX}lobby:{run}",
        )
        fixtures.lobby_users = [user for user, _organization in members]
        fixtures.throughput = [pair(f"throughput{i}") for i in range(pairs)]
    users = [fixtures.alice, fixtures.bob, *fixtures.lobby_users]
    users += [user for _c, sender, receiver in fixtures.throughput for user in (sender, receiver)]
    for user in users:
        client = Client()
        client.force_login(user)
        fixtures.cookies[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return fixtures


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class _Servers:
    """The app and the echo, each a daphne process on a port of its own."""

    def __init__(self, directory: Path, environment: dict[str, str], args: argparse.Namespace):
        self.directory = directory
        self.environment = dict(environment)
        self.profile_path = RESULTS_DIR / f"chat-{args.database}-{args.layer}.pstats"
        self.queries_path = directory / "queries.json"
        if args.profile:
            _yappi_install()
            self.environment["BENCH_CHAT_PROFILE"] = str(self.profile_path)
            self.environment["PYTHONPATH"] = os.pathsep.join(
                filter(None, [str(YAPPI_DIR), self.environment.get("PYTHONPATH")])
            )
        if args.queries:
            self.environment["BENCH_CHAT_QUERIES"] = str(self.queries_path)
        self.app_port = _free_port()
        self.echo_port = _free_port()
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        for name, port, application in (
            ("app", self.app_port, "config.asgi:application"),
            ("echo", self.echo_port, "bench.chat_echo:application"),
        ):
            log = (self.directory / f"{name}.log").open("wb")
            command = [sys.executable, "-m", "bench.chat_server"]
            command += ["-b", HOST, "-p", str(port), application]
            self.processes.append(
                subprocess.Popen(
                    command,
                    cwd=BASE_DIR,
                    env=self.environment,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        asyncio.run(self._wait_ready())

    async def _wait_ready(self) -> None:
        from websockets.asyncio.client import connect

        for port, path in ((self.app_port, "/ws/health/"), (self.echo_port, "/")):
            deadline = time.monotonic() + 60
            while True:
                try:
                    async with connect(f"ws://{HOST}:{port}{path}", origin=ORIGIN, proxy=None):
                        break
                except Exception as error:  # refused, reset: not up yet
                    exited = any(process.poll() is not None for process in self.processes)
                    if time.monotonic() > deadline or exited:
                        raise RuntimeError(
                            f"daphne on {port} did not start:\n{self.log_tail()}"
                        ) from error
                    await asyncio.sleep(0.1)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log_tail(self) -> str:
        return "\n".join(
            (self.directory / f"{name}.log").read_text(errors="replace")[-3000:]
            for name in ("app", "echo")
        )


def _yappi_install() -> None:
    if not (YAPPI_DIR / "yappi.py").exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--target", str(YAPPI_DIR), "yappi"],
            check=True,
        )


# --- Clients ---------------------------------------------------------------------------------


class _Client:
    """A signed-in chat socket that records every message frame it receives."""

    def __init__(self, port: int, conversation_id: int, cookie: str):
        from django.conf import settings

        self.url = f"ws://{HOST}:{port}/ws/chat/{conversation_id}/"
        self.headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}
        self.received: list[dict] = []  # message payloads, in arrival order
        self.acks: dict[str, int] = {}
        self.errors: list[dict] = []
        self.waiters: dict[str, asyncio.Future] = {}  # client_id -> arrival of the message
        self.ack_waiters: dict[str, asyncio.Future] = {}
        self.ack_window = asyncio.Semaphore(WINDOW)

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        self.websocket = await connect(
            self.url, origin=ORIGIN, additional_headers=self.headers, proxy=None,
            open_timeout=TIMEOUT, max_queue=None,
        )  # fmt: skip
        first = json.loads(await asyncio.wait_for(self.websocket.recv(), TIMEOUT))
        if first["type"] != "presence":
            raise RuntimeError(f"not let in: {first}")
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.websocket:
            now = time.perf_counter()
            frame = json.loads(raw)
            kind = frame["type"]
            if kind == "message":
                self.received.append(frame["message"])
                waiter = self.waiters.pop(frame["message"]["client_id"], None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(now)
            elif kind == "ack":
                self.acks[frame["client_id"]] = frame["id"]
                waiter = self.ack_waiters.pop(frame["client_id"], None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(now)
            elif kind not in PRESENCE:  # errors, closes: counted as faults
                self.errors.append(frame)

    def expect(self, client_id: str) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiters[client_id] = future
        return future

    def expect_ack(self, client_id: str) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.ack_waiters[client_id] = future
        return future

    async def send_message(self, client_id: str) -> float:
        frame = json.dumps({"type": "message", "client_id": client_id, "text": TEXT})
        started = time.perf_counter()
        await self.websocket.send(frame)
        return started

    async def close(self) -> None:
        await self.websocket.close()
        self.reader.cancel()


# --- Measurements ----------------------------------------------------------------------------


async def _measure(args: argparse.Namespace, servers: _Servers, fixtures: _Fixtures) -> dict:
    sent: dict[str, list[str]] = {}  # conversation id -> client ids, in sending order
    result: dict[str, Any] = {}
    parts = _Parts(servers.echo_port, fixtures)
    await parts.start()
    alice = _Client(servers.app_port, fixtures.pair.pk, fixtures.cookies[fixtures.alice.pk])
    bob = _Client(servers.app_port, fixtures.pair.pk, fixtures.cookies[fixtures.bob.pk])
    await alice.connect()
    await bob.connect()
    pair_sent = sent.setdefault(str(fixtures.pair.pk), [])

    async def app_round(record: dict | None) -> None:
        client_id = uuid.uuid4().hex
        pair_sent.append(client_id)
        received, acked, own = (
            bob.expect(client_id),
            alice.expect_ack(client_id),
            alice.expect(client_id),
        )
        started = await alice.send_message(client_id)
        arrived, ack = await asyncio.wait_for(asyncio.gather(received, acked), TIMEOUT)
        await asyncio.wait_for(own, TIMEOUT)
        if record is not None:
            record["app"].append((arrived - started) * 1000)
            record["ack"].append((ack - started) * 1000)

    samples: dict[str, list[float]] = {"echo": [], "insert": [], "layer": [], "app": [], "ack": []}
    steps = [
        ("echo", parts.echo),
        ("insert", parts.insert),
        ("layer", parts.layer),
    ]
    for _round in range(args.warm_up):
        for _name, step in steps:
            await step()
        await app_round(None)
    server_before = len(pair_sent)
    started = time.perf_counter()
    done = 0
    while done < args.messages:
        block = min(BLOCK, args.messages - done)
        for name, step in steps:
            for _ in range(block):
                samples[name].append(await step())
        for _ in range(block):
            await app_round(samples)
        done += block
    result["round_trip_seconds"] = time.perf_counter() - started
    result["server_messages"] = len(pair_sent) - server_before + args.warm_up
    result["latency_ms"] = {name: _percentiles(values) for name, values in samples.items()}
    await parts.stop()
    checks = {"pair": _delivery_check([bob, alice], pair_sent, [alice])}
    await alice.close()
    await bob.close()

    result["fan_out"], checks["fan_out"] = await _fan_out(args, servers, fixtures, sent)
    result["throughput"], checks["throughput"] = await _throughput(args, servers, fixtures, sent)
    result["delivery"] = checks
    result["sent_client_ids"] = sent
    return result


class _Parts:
    """The unavoidable parts of a message's round trip, each alone."""

    def __init__(self, echo_port: int, fixtures: _Fixtures):
        self.echo_port = echo_port
        self.fixtures = fixtures
        self.frame = json.dumps({"type": "message", "client_id": uuid.uuid4().hex, "text": TEXT})
        self.counter = 0

    async def start(self) -> None:
        from channels.layers import get_channel_layer
        from django.db import connection
        from websockets.asyncio.client import connect

        self.websocket = await connect(f"ws://{HOST}:{self.echo_port}/", origin=ORIGIN, proxy=None)
        self.channel_layer = get_channel_layer()
        self.sender_channel = await self.channel_layer.new_channel()
        self.receiver_channel = await self.channel_layer.new_channel()
        self.group = f"bench.chat.{uuid.uuid4().hex}"
        for channel in (self.sender_channel, self.receiver_channel):
            await self.channel_layer.group_add(self.group, channel)
        # This process's own connection, used from this thread only (autocommit).
        connection.ensure_connection()
        self.cursor = connection.connection.cursor()
        self.vendor = connection.vendor
        from chat.events import message_payload
        from chat.models import Message

        self.payload = message_payload(
            Message.objects.select_related("author", "organization")
            .filter(conversation=self.fixtures.pair)
            .first()
            or Message(pk=1, conversation=self.fixtures.bare, author=self.fixtures.alice, text=TEXT)
        )

    async def echo(self) -> float:
        started = time.perf_counter()
        await self.websocket.send(self.frame)
        await self.websocket.recv()
        return (time.perf_counter() - started) * 1000

    async def insert(self) -> float:
        """The same row as the app's INSERT (same columns and values but the client id), in
        autocommit: one statement, committed."""
        from django.utils import timezone

        self.counter += 1
        placeholder = "%s" if self.vendor == "postgresql" else "?"
        columns = (
            "conversation_id, author_id, organization_id, text, attachment, attachment_name, "
            "attachment_type, attachment_size, client_id, created_at, edited_at, deleted_at, "
            "hidden_at, hidden_reason, hidden_by_id"
        )
        values = ", ".join([placeholder] * 15)
        created = timezone.now()
        if self.vendor != "postgresql":
            created = created.isoformat(sep=" ").replace("+00:00", "")
        alice = self.fixtures.alice
        params = (
            self.fixtures.bare.pk, alice.pk, alice.active_organization_id,
            TEXT, "", "", "", None, uuid.uuid4().hex, created, None, None, None, "", None,
        )  # fmt: skip
        sql = f"INSERT INTO chat_message ({columns}) VALUES ({values}) RETURNING id"
        started = time.perf_counter()
        self.cursor.execute(sql, params)
        self.cursor.fetchone()
        if self.vendor != "postgresql":
            self.cursor.connection.commit()  # sqlite3 opened the transaction implicitly
        return (time.perf_counter() - started) * 1000

    async def layer(self) -> float:
        self.counter += 1
        event = {"type": "chat.message", "message": self.payload, "previous_id": self.counter}
        started = time.perf_counter()
        await self.channel_layer.group_send(self.group, event)
        await self.channel_layer.receive(self.receiver_channel)
        elapsed = (time.perf_counter() - started) * 1000
        await self.channel_layer.receive(self.sender_channel)
        return elapsed

    async def stop(self) -> None:
        await self.websocket.close()
        for channel in (self.sender_channel, self.receiver_channel):
            await self.channel_layer.group_discard(self.group, channel)


async def _fan_out(args, servers: _Servers, fixtures: _Fixtures, sent: dict) -> tuple[dict, dict]:
    sender_user, *member_users = fixtures.lobby_users
    sender = _Client(servers.app_port, fixtures.lobby.pk, fixtures.cookies[sender_user.pk])
    members = [
        _Client(servers.app_port, fixtures.lobby.pk, fixtures.cookies[user.pk])
        for user in member_users
    ]
    started = time.perf_counter()
    for client in [sender, *members]:
        await client.connect()
    connect_seconds = time.perf_counter() - started
    lobby_sent = sent.setdefault(str(fixtures.lobby.pk), [])
    all_ms, first_ms = [], []
    warm_up = max(1, args.warm_up // 5)
    for number in range(warm_up + args.fan_out_messages):
        client_id = uuid.uuid4().hex
        lobby_sent.append(client_id)
        waiters = [member.expect(client_id) for member in members]
        own, acked = sender.expect(client_id), sender.expect_ack(client_id)
        begun = await sender.send_message(client_id)
        arrivals = await asyncio.wait_for(asyncio.gather(*waiters), TIMEOUT)
        await asyncio.wait_for(asyncio.gather(own, acked), TIMEOUT)
        if number >= warm_up:
            all_ms.append((max(arrivals) - begun) * 1000)
            first_ms.append((min(arrivals) - begun) * 1000)
    check = _delivery_check([*members, sender], lobby_sent, [sender])
    for client in [sender, *members]:
        await client.close()
    return {
        "members": len(members),
        "connect_all_seconds": connect_seconds,
        "all_received_ms": _percentiles(all_ms),
        "first_received_ms": _percentiles(first_ms),
    }, check


async def _throughput(
    args, servers: _Servers, fixtures: _Fixtures, sent: dict
) -> tuple[dict, dict]:
    pairs = []
    for conversation, sender_user, receiver_user in fixtures.throughput:
        sender = _Client(servers.app_port, conversation.pk, fixtures.cookies[sender_user.pk])
        receiver = _Client(servers.app_port, conversation.pk, fixtures.cookies[receiver_user.pk])
        await sender.connect()
        await receiver.connect()
        pairs.append((conversation, sender, receiver))

    async def run(conversation, sender: _Client, receiver: _Client) -> None:
        client_ids = sent.setdefault(str(conversation.pk), [])
        last = None
        for _ in range(args.throughput_messages):
            await sender.ack_window.acquire()
            client_id = uuid.uuid4().hex
            client_ids.append(client_id)
            last = receiver.expect(client_id)
            sender.expect_ack(client_id).add_done_callback(lambda _f: sender.ack_window.release())
            await sender.send_message(client_id)
        await asyncio.wait_for(last, TIMEOUT * 4)

    started = time.perf_counter()
    await asyncio.gather(*(run(*pair) for pair in pairs))
    seconds = time.perf_counter() - started
    checks = {}
    for conversation, sender, receiver in pairs:
        await asyncio.sleep(0)
        checks[str(conversation.pk)] = _delivery_check(
            [receiver], sent[str(conversation.pk)], [sender]
        )
    for _conversation, sender, receiver in pairs:
        await sender.close()
        await receiver.close()
    total = len(pairs) * args.throughput_messages
    merged = {
        "lost": sum(c["lost"] for c in checks.values()),
        "duplicated": sum(c["duplicated"] for c in checks.values()),
        "out_of_order": sum(c["out_of_order"] for c in checks.values()),
        "errors": sum(c["errors"] for c in checks.values()),
        "unacknowledged": sum(c["unacknowledged"] for c in checks.values()),
    }
    return {
        "pairs": len(pairs),
        "messages": total,
        "seconds": seconds,
        "messages_per_second": total / seconds,
    }, merged


def _delivery_check(
    receivers: list[_Client], client_ids: list[str], senders: list[_Client]
) -> dict:
    """Each receiver got each message once, in id order; each was acknowledged once."""
    lost = duplicated = out_of_order = 0
    wanted = set(client_ids)
    for receiver in receivers:
        got = [m["client_id"] for m in receiver.received if m["client_id"] in wanted]
        duplicated += len(got) - len(set(got))
        lost += len(wanted - set(got))
        ids = [m["id"] for m in receiver.received]
        out_of_order += sum(1 for a, b in itertools.pairwise(ids) if b <= a)
    acks = {}
    for sender in senders:
        acks.update(sender.acks)
    errors = sum(len(client.errors) for client in {*receivers, *senders})
    return {
        "receivers": len(receivers),
        "messages": len(client_ids),
        "lost": lost,
        "duplicated": duplicated,
        "out_of_order": out_of_order,
        "unacknowledged": len(wanted - set(acks)),
        "errors": errors,
    }


def _stored_check(fixtures: _Fixtures, sent: dict[str, list[str]]) -> dict:
    """Every message sent is in the database once."""
    from django.db.models import Count

    from chat.models import Message

    missing = duplicated = 0
    for conversation_id, client_ids in sent.items():
        counts = dict(
            Message.objects.filter(conversation_id=int(conversation_id))
            .values_list("client_id")
            .annotate(n=Count("id"))
            .values_list("client_id", "n")
        )
        missing += sum(1 for client_id in client_ids if client_id not in counts)
        duplicated += sum(n - 1 for n in counts.values() if n > 1)
    return {"missing": missing, "duplicated": duplicated}


def _percentiles(values: list[float]) -> dict:
    if not values:
        return {}
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))],
        "mean": statistics.fmean(ordered),
        "max": ordered[-1],
    }


# --- Output ----------------------------------------------------------------------------------


def _print_report(report: dict) -> bool:
    latency = report["latency_ms"]
    print(
        f"\nChat on {report['database']}, {report['layer']} layer "
        f"(server DATABASE_CONN_MAX_AGE={report['conn_max_age']}, {report['cpus']} cpus, "
        f"load {report['load_average_before'][0]:.1f} -> {report['load_average_after'][0]:.1f})"
    )
    print(f"{'':28}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}")
    for name, label in (
        ("echo", "bare WebSocket echo"),
        ("insert", "bare INSERT + commit"),
        ("layer", "bare layer send+receive"),
        ("app", "app: sender -> receiver"),
        ("ack", "app: sender -> ack"),
    ):
        figures = latency[name]
        print(f"{label:28}{figures['p50']:9.2f}{figures['p99']:9.2f}{figures['mean']:9.2f}")
    parts_p50 = sum(latency[name]["p50"] for name in ("echo", "insert", "layer"))
    parts_p99 = sum(latency[name]["p99"] for name in ("echo", "insert", "layer"))
    ratio_p50 = latency["app"]["p50"] / parts_p50
    ratio_p99 = latency["app"]["p99"] / parts_p99
    print(f"{'sum of the parts':28}{parts_p50:9.2f}{parts_p99:9.2f}")
    latency_ok = ratio_p50 <= TARGET_P50_RATIO and ratio_p99 <= TARGET_P99_RATIO
    print(
        f"ratio app / parts: p50 {ratio_p50:.2f}x (target {TARGET_P50_RATIO:g}x), "
        f"p99 {ratio_p99:.2f}x (target {TARGET_P99_RATIO:g}x): "
        f"{'met' if latency_ok else 'NOT met'}"
    )
    report["ratio"] = {"p50": ratio_p50, "p99": ratio_p99, "met": latency_ok}
    fan = report["fan_out"]
    print(
        f"\nfan-out to {fan['members']} lobby members: all received p50 "
        f"{fan['all_received_ms']['p50']:.1f} ms, p99 {fan['all_received_ms']['p99']:.1f} ms "
        f"(first p50 {fan['first_received_ms']['p50']:.1f} ms); "
        f"{fan['members'] + 1} sockets connected in {fan['connect_all_seconds']:.1f} s"
    )
    throughput = report["throughput"]
    print(
        f"throughput: {throughput['messages_per_second']:.0f} messages/s delivered "
        f"({throughput['messages']} messages over {throughput['pairs']} pairs in "
        f"{throughput['seconds']:.1f} s, {WINDOW} in flight per sender)"
    )
    faults = 0
    for phase, check in report["delivery"].items():
        bad = {k: v for k, v in check.items() if k not in ("receivers", "messages") and v}
        faults += sum(bad.values())
        print(f"delivery {phase}: {bad or 'ok'}")
    stored = report["stored"]
    faults += stored["missing"] + stored["duplicated"]
    print(f"stored: {stored['missing']} missing, {stored['duplicated']} duplicated")
    print(f"lost or duplicated: {faults} (expected 0): {'ok' if not faults else 'FAILED'}")
    report["faults"] = faults
    return faults == 0 and latency_ok


def _print_profile(path: Path, limit: int = 40) -> None:
    if not path.exists():
        print("no profile written")
        return
    print(f"\nServer profile ({path}), by own time:")
    stats = pstats.Stats(str(path))
    stats.sort_stats("tottime").print_stats(limit)


def _print_queries(path: Path, messages: int) -> list:
    if not path.exists():
        print("no query counts written")
        return []
    counts = json.loads(path.read_text())
    print(f"\nServer SQL statements (whole run; {messages} pair messages):")
    for statement, count in counts[:25]:
        print(f"{count:8}  {statement}")
    return counts


if __name__ == "__main__":
    sys.exit(main())
