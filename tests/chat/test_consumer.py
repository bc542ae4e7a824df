"""The chat WebSocket: who may connect, sending and receiving, resume, limits, revocation."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from accounts.services import membership_remove
from chat.models import Message
from chat.services import participant_remove
from tests.chat.sockets import PRESENCE, Socket, open_socket, session_cookie
from tests.factories import MembershipFactory
from tests.factories.chat import MessageFactory, pair_conversation
from tests.markers import transactional_db

pytestmark = transactional_db


@pytest.fixture
async def pair():
    return await sync_to_async(pair_conversation)()


async def message(socket: Socket, text: str, client_id: str) -> dict:
    """Send a message; the answer (ack or error), past the broadcasts of earlier messages."""
    await socket.send({"type": "message", "client_id": client_id, "text": text})
    return await socket.receive(skip=PRESENCE | {"message"})


async def test_anonymous_users_are_closed_with_4401(pair):
    socket = Socket(pair.conversation.pk)
    assert await socket.connect()
    assert await socket.receive() == {"type": "close", "code": 4401}


async def test_non_members_are_closed_with_4403(pair):
    outsider = await sync_to_async(lambda: MembershipFactory().user)()
    socket = Socket(pair.conversation.pk, await session_cookie(outsider))
    assert await socket.connect()
    assert await socket.receive() == {"type": "close", "code": 4403}


async def test_a_missing_conversation_is_closed_with_4403(pair):
    socket = Socket(pair.conversation.pk + 1000, await session_cookie(pair.alice))
    assert await socket.connect()
    assert await socket.receive() == {"type": "close", "code": 4403}


async def test_a_foreign_origin_is_refused(pair):
    socket = Socket(
        pair.conversation.pk, await session_cookie(pair.alice), origin=b"https://evil.example"
    )
    assert not await socket.connect()


async def test_presence_lists_who_is_online_and_announces_comings_and_goings(pair):
    alice = await open_socket(pair.alice, pair.conversation.pk)
    bob = Socket(pair.conversation.pk, await session_cookie(pair.bob))
    assert await bob.connect()
    presence = await bob.receive(skip=set())
    assert presence["type"] == "presence"
    assert [(u["id"], u["name"], u["organization"]["id"]) for u in presence["online"]] == [
        (pair.alice.pk, "Alice", pair.first.pk)
    ]
    joined = await alice.receive(skip=set())
    assert joined["type"] == "join" and joined["user"]["id"] == pair.bob.pk
    await bob.close()
    left = await alice.receive(skip={"join"})
    assert left["type"] == "leave" and left["user"]["id"] == pair.bob.pk
    await alice.close()


async def test_a_message_is_acknowledged_with_its_id_and_reaches_the_other_side(pair):
    alice = await open_socket(pair.alice, pair.conversation.pk)
    bob = await open_socket(pair.bob, pair.conversation.pk)
    ack = await message(alice, "你好", "c-1")
    stored = await sync_to_async(Message.objects.get)()
    assert ack == {
        "type": "ack",
        "client_id": "c-1",
        "id": stored.pk,
        "created": stored.created_at.isoformat(),
    }
    received = await bob.receive()
    assert received["type"] == "message"
    assert received["message"]["id"] == stored.pk
    assert received["message"]["text"] == "你好"
    assert received["message"]["author"] == {"id": pair.alice.pk, "name": "Alice"}
    # The sender's socket gets the broadcast too (other tabs rely on it), once.
    assert (await alice.receive())["message"]["id"] == stored.pk
    assert await alice.nothing() and await bob.nothing()
    await alice.close()
    await bob.close()


async def test_invalid_messages_are_answered_with_an_error_and_the_socket_stays(pair):
    alice = await open_socket(pair.alice, pair.conversation.pk)
    error = await message(alice, "   ", "c-1")
    assert error["type"] == "error"
    assert error["client_id"] == "c-1" and error["code"] == "empty"
    assert error["message"]
    await alice.send({"type": "nonsense"})
    assert (await alice.receive())["code"] == "invalid"
    await alice.communicator.send_to(text_data="not json")
    assert (await alice.receive())["code"] == "invalid"
    assert (await message(alice, "still here", "c-2"))["type"] == "ack"
    await alice.close()


async def test_a_retried_client_id_is_stored_once(pair):
    alice = await open_socket(pair.alice, pair.conversation.pk)
    bob = await open_socket(pair.bob, pair.conversation.pk)
    first = await message(alice, "报价", "same")
    again = await message(alice, "报价", "same")
    assert again["type"] == "ack" and again["id"] == first["id"]
    assert await sync_to_async(Message.objects.count)() == 1
    assert (await bob.receive())["message"]["id"] == first["id"]
    assert await bob.nothing()
    await alice.close()
    await bob.close()


async def test_resume_after_reconnect_returns_exactly_the_missed_messages_in_order(pair):
    alice = await open_socket(pair.alice, pair.conversation.pk)
    bob = await open_socket(pair.bob, pair.conversation.pk)
    seen = (await message(alice, "before", "c-0"))["id"]
    assert (await bob.receive())["message"]["id"] == seen
    await bob.close()
    missed = [(await message(alice, f"missed {n}", f"c-{n}"))["id"] for n in range(1, 4)]

    bob = await open_socket(pair.bob, pair.conversation.pk)
    await bob.send({"type": "resume", "after": seen})
    resumed = [await bob.receive() for _ in missed]
    assert [frame["message"]["id"] for frame in resumed] == missed
    assert [frame["message"]["text"] for frame in resumed] == ["missed 1", "missed 2", "missed 3"]
    assert await bob.receive() == {"type": "resumed", "last_id": missed[-1]}
    # A cursor past the newest message is taken as the newest: nothing is skipped later.
    await bob.send({"type": "resume", "after": missed[-1] + 1000})
    assert await bob.receive() == {"type": "resumed", "last_id": missed[-1]}
    # Later messages arrive live, each once.
    later = (await message(alice, "later", "c-9"))["id"]
    assert (await bob.receive())["message"]["id"] == later
    assert await bob.nothing()
    await alice.close()
    await bob.close()


async def test_a_message_whose_broadcast_was_lost_is_relayed_before_the_next(pair):
    alice = await open_socket(pair.alice, pair.conversation.pk)
    bob = await open_socket(pair.bob, pair.conversation.pk)
    # Stored without a broadcast, as when the channel layer was down at its commit.
    lost = await sync_to_async(MessageFactory)(conversation=pair.conversation, author=pair.alice)
    next_id = (await message(alice, "next", "c-1"))["id"]
    assert [(await bob.receive())["message"]["id"] for _ in range(2)] == [lost.pk, next_id]
    assert await bob.nothing()
    await alice.close()
    await bob.close()


async def test_typing_and_read_receipts_reach_the_other_side(pair):
    alice = await open_socket(pair.alice, pair.conversation.pk)
    bob = await open_socket(pair.bob, pair.conversation.pk)
    sent = (await message(alice, "看一下", "c-1"))["id"]
    await bob.receive()
    await alice.receive()
    await bob.send({"type": "typing"})
    typing = await alice.receive(skip={"presence", "join", "leave"})
    assert typing["user"]["id"] == pair.bob.pk and typing["user"]["name"] == "Bob"
    assert typing["user"]["organization"]["id"] == pair.second.pk
    await bob.send({"type": "read", "id": sent})
    assert await alice.receive() == {"type": "read", "user_id": pair.bob.pk, "id": sent}
    await bob.send({"type": "ping"})
    assert await bob.receive() == {"type": "read", "user_id": pair.bob.pk, "id": sent}
    assert await bob.receive() == {"type": "pong"}
    await alice.close()
    await bob.close()


async def test_an_oversized_frame_is_closed_with_1009(pair, settings):
    settings.CHAT_MAX_FRAME_BYTES = 1024
    alice = await open_socket(pair.alice, pair.conversation.pk)
    await alice.communicator.send_to(text_data="x" * 1025)
    assert await alice.receive() == {"type": "close", "code": 1009}
    assert await sync_to_async(Message.objects.count)() == 0


async def test_too_many_messages_per_second_are_refused_without_closing(pair, settings):
    settings.CHAT_MESSAGES_PER_SECOND = 2
    alice = await open_socket(pair.alice, pair.conversation.pk)
    for n in range(7):
        await alice.send({"type": "message", "client_id": f"c-{n}", "text": f"m{n}"})
    answers = [await alice.receive(skip={"presence", "join", "leave", "message"}) for _ in range(7)]
    acks = [a for a in answers if a["type"] == "ack"]
    refused = [a for a in answers if a["type"] == "error"]
    # Seven sends fall into one or two one-second windows: at most four pass.
    assert 2 <= len(acks) <= 4 and len(acks) + len(refused) == 7
    assert {a["code"] for a in refused} == {"rate_limited"}
    assert await sync_to_async(Message.objects.count)() == len(acks)
    await asyncio.sleep(1.1)
    assert (await message(alice, "after a pause", "c-late"))["type"] == "ack"
    await alice.close()


async def test_connections_per_user_are_limited(pair, settings):
    settings.CHAT_MAX_CONNECTIONS_PER_USER = 2
    first = await open_socket(pair.alice, pair.conversation.pk)
    second = await open_socket(pair.alice, pair.conversation.pk)
    third = Socket(pair.conversation.pk, await session_cookie(pair.alice))
    assert await third.connect()
    assert await third.receive() == {"type": "close", "code": 4429}
    await first.close()
    fourth = await open_socket(pair.alice, pair.conversation.pk)
    await second.close()
    await fourth.close()


async def test_a_removed_member_s_open_socket_is_closed_at_once(pair):
    alice = await open_socket(pair.alice, pair.conversation.pk)
    bob = await open_socket(pair.bob, pair.conversation.pk)
    membership = await sync_to_async(pair.bob.memberships.get)()
    await sync_to_async(membership_remove)(membership=membership, by=pair.bob)
    assert await bob.receive() == {"type": "close", "code": 4403}
    left = await alice.receive(skip={"join"})
    assert left["type"] == "leave" and left["user"]["id"] == pair.bob.pk
    await alice.close()


async def test_removing_a_participant_closes_its_members_sockets(pair):
    alice = await open_socket(pair.alice, pair.conversation.pk)
    bob = await open_socket(pair.bob, pair.conversation.pk)
    await sync_to_async(participant_remove)(
        conversation=pair.conversation, organization=pair.second
    )
    assert await bob.receive() == {"type": "close", "code": 4403}
    assert (await message(alice, "still here", "c-1"))["type"] == "ack"
    await alice.close()


async def test_a_member_removed_without_a_notice_is_refused_at_the_next_frame(pair):
    alice = await open_socket(pair.alice, pair.conversation.pk)
    # A queryset update sends no signal: the per-frame check still catches it.
    await sync_to_async(
        lambda: pair.first.__class__.objects.filter(pk=pair.first.pk).update(is_active=False)
    )()
    await alice.send({"type": "message", "client_id": "c-1", "text": "hi"})
    assert await alice.receive() == {"type": "close", "code": 4403}
    assert await sync_to_async(Message.objects.count)() == 0


async def test_logging_out_closes_the_sockets_of_that_session_only(pair):
    client = Client()
    await sync_to_async(client.force_login)(pair.alice)
    from django.conf import settings as django_settings

    logged_out = Socket(
        pair.conversation.pk, client.cookies[django_settings.SESSION_COOKIE_NAME].value
    )
    assert await logged_out.connect()
    assert (await logged_out.receive(skip=set()))["type"] == "presence"
    other_session = await open_socket(pair.alice, pair.conversation.pk)
    await sync_to_async(client.logout)()
    assert await logged_out.receive() == {"type": "close", "code": 4401}
    assert (await message(other_session, "still here", "c-1"))["type"] == "ack"
    await other_session.close()
