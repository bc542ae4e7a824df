"""Two daphne processes on one Redis channel layer: a message crosses from one to the other.

Production runs several ASGI server processes behind the load balancer; two people in one
conversation are often on different ones. Only the channel layer (Redis) joins them.
"""

import pytest
from channels.db import database_sync_to_async

from chat.models import Message
from tests.chat import servers
from tests.factories.chat import pair_conversation
from tests.markers import transactional_db

pytestmark = [
    transactional_db,
    pytest.mark.skipif(
        servers.redis_server_binary() is None, reason="needs the redis-server binary"
    ),
]


async def test_a_message_sent_through_one_process_reaches_a_client_on_the_other(two_servers):
    pair = await database_sync_to_async(pair_conversation)()
    first, second = two_servers
    cookie = database_sync_to_async(servers.session_cookie)
    alice = servers.ChatClient(first, pair.conversation.pk, await cookie(pair.alice))
    bob = servers.ChatClient(second, pair.conversation.pk, await cookie(pair.bob))
    try:
        assert (await alice.connect())["type"] == "presence"
        presence = await bob.connect()
        # Alice's presence, counted in the cache both processes share (Redis).
        assert [user["id"] for user in presence["online"]] == [pair.alice.pk]

        await alice.send({"type": "message", "client_id": "c-1", "text": "你好, Bob"})
        ack = await alice.receive(skip=servers.PRESENCE | {"message"})
        relayed = await bob.receive()

        stored = await database_sync_to_async(Message.objects.get)()
        assert ack["type"] == "ack" and ack["client_id"] == "c-1" and ack["id"] == stored.pk
        assert relayed["type"] == "message"
        assert relayed["message"]["id"] == stored.pk
        assert relayed["message"]["text"] == "你好, Bob"
        assert relayed["message"]["author"]["id"] == pair.alice.pk

        # And back, through the other process.
        await bob.send({"type": "message", "client_id": "c-2", "text": "Hello, Alice"})
        answer = await bob.receive(skip=servers.PRESENCE | {"message"})
        assert answer["type"] == "ack"
        # Alice's own message comes back to her too (every member's sockets get every message).
        own = await alice.receive()
        assert own["type"] == "message" and own["message"]["id"] == stored.pk
        reply = await alice.receive()
        assert reply["type"] == "message" and reply["message"]["id"] == answer["id"]
    finally:
        await alice.close()
        await bob.close()
