"""Redis dies in the middle of a conversation and comes back: no acknowledged message is lost.

Alice and Bob talk through two daphne processes joined by the test's own Redis (channel layer
and cache). The test kills that Redis (SIGKILL, nothing persisted), Alice keeps sending, Redis
starts again on the same port, and both sides reconnect as the browser client does: Bob resumes
from the last id he saw, Alice sends again (same client id) whatever was not acknowledged.

What happens meanwhile (seen with the code of this commit): every chat socket closes with 1011
when Redis dies (the channel layer's receive fails inside the consumer, and the cache counts
in chat.limits fail too), and a new socket is closed with 1011 until Redis is back (the cache
and group_add in connect); the first connect after the restart may still fail once on a stale
pooled connection. So messages sent during the outage wait in the client until it reconnects.
"""

import asyncio
import contextlib
import time
from collections import Counter

import pytest
from channels.db import database_sync_to_async
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from chat.models import Message
from tests.chat import servers
from tests.factories.chat import Pair, pair_conversation
from tests.markers import transactional_db

pytestmark = [
    transactional_db,
    pytest.mark.skipif(
        servers.redis_server_binary() is None, reason="needs the redis-server binary"
    ),
]

RECONNECT_TIMEOUT = 20
ACK_TIMEOUT = 5


class Participant:
    """One person's client, as the page's script behaves: it remembers the ids it has seen,
    resumes from the last one after a reconnect, and keeps each message until it is
    acknowledged (sending it again, with the same client id, on the next socket)."""

    def __init__(self, server: servers.AsgiServer, conversation_id: int, cookie: str):
        self.client = servers.ChatClient(server, conversation_id, cookie)
        self.connected = False
        self.seen: list[int] = []  # ids of message frames, in arrival order, every socket
        self.acked: dict[str, int] = {}  # client id -> stored id
        self.pending: dict[str, str] = {}  # client id -> text, not acknowledged yet
        self.closes: list[int | None] = []  # close codes the server sent

    @property
    def last_seen(self) -> int:
        return max(self.seen, default=0)

    def _record(self, frame: dict) -> None:
        if frame["type"] == "message":
            self.seen.append(frame["message"]["id"])
        elif frame["type"] == "ack":
            self.acked[frame["client_id"]] = frame["id"]
            self.pending.pop(frame["client_id"], None)
        elif frame["type"] == "close":
            self.connected = False
            self.closes.append(frame["code"])

    async def _next(self, timeout: float) -> dict:
        frame = await self.client.receive(timeout=timeout)
        self._record(frame)
        return frame

    async def try_connect(self) -> bool:
        """One attempt: open a socket and resume from the last id seen (False when refused)."""
        await self.client.close()
        try:
            first = await self.client.connect()
        except (OSError, TimeoutError, InvalidHandshake):
            return False
        if first["type"] != "presence":
            self._record(first)
            return False
        self.connected = True
        await self.client.send({"type": "resume", "after": self.last_seen})
        while (frame := await self._next(ACK_TIMEOUT))["type"] != "resumed":
            if frame["type"] == "close":
                return False
        return True

    async def reconnect(self) -> None:
        """Attempts with a short backoff until one succeeds (Redis is back)."""
        deadline = time.monotonic() + RECONNECT_TIMEOUT
        delay = 0.1
        while not await self.try_connect():
            assert time.monotonic() < deadline, f"no socket within {RECONNECT_TIMEOUT} s"
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    async def say(self, client_id: str, text: str) -> bool:
        """Send a message (kept until acknowledged); True when it was acknowledged."""
        self.pending[client_id] = text
        return await self._send(client_id)

    async def _send(self, client_id: str) -> bool:
        if not self.connected:
            return False
        try:
            await self.client.send(
                {"type": "message", "client_id": client_id, "text": self.pending[client_id]}
            )
            while client_id in self.pending:
                frame = await self._next(ACK_TIMEOUT)
                assert frame["type"] != "error", frame
                if frame["type"] == "close":
                    return False
        except (ConnectionClosed, TimeoutError):
            self.connected = False
            return False
        return True

    async def send_pending(self) -> None:
        for client_id in list(self.pending):
            assert await self._send(client_id), f"{client_id} not acknowledged after reconnect"

    async def wait_for(self, ids: set[int]) -> None:
        """Read frames until every id in `ids` has arrived (or the socket closes, or nothing
        more comes)."""
        while not ids <= set(self.seen):
            try:
                frame = await self._next(ACK_TIMEOUT)
            except TimeoutError:
                return  # the caller's assertion shows what is missing
            if frame["type"] == "close":
                return

    async def listen(self, seconds: float) -> None:
        """Read whatever comes for `seconds` (or until the socket closes)."""
        if self.connected:
            with contextlib.suppress(TimeoutError):
                while (await self._next(seconds))["type"] != "close":
                    pass

    async def close(self) -> None:
        await self.client.close()


async def participants(two_servers) -> tuple[Pair, Participant, Participant]:
    pair = await database_sync_to_async(pair_conversation)()
    first, second = two_servers
    cookie = database_sync_to_async(servers.session_cookie)
    alice = Participant(first, pair.conversation.pk, await cookie(pair.alice))
    bob = Participant(second, pair.conversation.pk, await cookie(pair.bob))
    return pair, alice, bob


def stored_messages(conversation_id: int) -> list[tuple[int, str]]:
    return list(
        Message.objects.filter(conversation_id=conversation_id)
        .order_by("pk")
        .values_list("pk", "client_id")
    )


async def test_no_acknowledged_message_is_lost_or_duplicated_when_redis_restarts(
    two_servers, redis_server
):
    pair, alice, bob = await participants(two_servers)
    try:
        assert await alice.try_connect()
        assert await bob.try_connect()
        for number in range(1, 4):
            assert await alice.say(f"c-{number}", f"before {number}")
        before = dict(alice.acked)
        await bob.wait_for(set(before.values()))
        assert bob.seen == sorted(before.values())  # across the processes, through Redis

        redis_server.kill()
        # Alice keeps typing; her client tries a new socket whenever its socket is gone.
        for number in range(4, 9):
            if not alice.connected:
                await alice.try_connect()
            await alice.say(f"c-{number}", f"during {number}")
            await asyncio.sleep(0.1)
        await bob.listen(1)
        # Shown when the test fails: what the outage did to the sockets.
        print(f"acknowledged during the outage: {sorted(set(alice.acked) - set(before))}")
        print(f"close codes during the outage: alice {alice.closes}, bob {bob.closes}")

        redis_server.start()
        await bob.reconnect()  # resumes from the last id Bob saw before the outage
        if not alice.connected:
            await alice.reconnect()
        await alice.send_pending()
        for number in range(9, 12):
            assert await alice.say(f"c-{number}", f"after {number}")

        assert not alice.pending
        acked_ids = set(alice.acked.values())
        await bob.wait_for(acked_ids)
        stored = await database_sync_to_async(stored_messages)(pair.conversation.pk)
    finally:
        await alice.close()
        await bob.close()

    # Every message Alice typed was acknowledged once it could be, and stored exactly once.
    assert set(alice.acked) == {f"c-{number}" for number in range(1, 12)}
    counts = Counter(client_id for _pk, client_id in stored)
    assert set(counts) == set(alice.acked) and set(counts.values()) == {1}, counts
    assert {client_id: pk for pk, client_id in stored} == alice.acked
    # Bob got every acknowledged message, exactly once, in id order, across his sockets.
    assert bob.seen == sorted(acked_ids)


@pytest.fixture
def one_server(redis_server):
    with servers.asgi_servers(redis_server.url, count=1) as started:
        yield started[0]


async def test_a_message_sent_while_redis_is_down_is_stored_and_acknowledged(
    one_server, redis_server
):
    pair = await database_sync_to_async(pair_conversation)()
    cookie = await database_sync_to_async(servers.session_cookie)(pair.alice)
    alice = Participant(one_server, pair.conversation.pk, cookie)
    try:
        assert await alice.try_connect()
        redis_server.kill()
        acknowledged = await alice.say("c-1", "Redis is down")
        stored = await database_sync_to_async(stored_messages)(pair.conversation.pk)
    finally:
        await alice.close()
    assert acknowledged, f"closed with {alice.closes}"
    assert stored == [(alice.acked["c-1"], "c-1")]
