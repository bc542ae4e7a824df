"""The message path's shortcuts (bench/chat_bench.py measures them) keep its guarantees.

- A broadcast lists who took part when the message was written; a socket relays it without
  asking the database when its user is listed, and asks (closing 4403 if gone) when not.
- message_send's `organization` hint is used only while it is still the acting organization.
- message_send's `outbox` receives the broadcast after commit, and nothing otherwise.
- Counts are renewed when a third of their lifetime has passed, not on every frame.
"""

import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from accounts.models import Organization
from chat import events, limits
from chat.models import Message
from chat.services import ChatError, message_send
from tests.chat.sockets import PRESENCE, open_socket
from tests.factories import MembershipFactory, OrganizationFactory
from tests.factories.chat import pair_conversation
from tests.markers import transactional_db

pytestmark = transactional_db


@pytest.fixture
async def pair():
    return await sync_to_async(pair_conversation)()


async def test_a_broadcast_lists_the_members_and_reaches_them_once(pair):
    alice = await open_socket(pair.alice, pair.conversation.pk)
    bob = await open_socket(pair.bob, pair.conversation.pk)
    await alice.send({"type": "message", "client_id": "c-1", "text": "你好"})
    received = await bob.receive()
    assert received["type"] == "message" and received["message"]["text"] == "你好"
    assert await bob.nothing()
    await alice.close()
    await bob.close()


async def test_a_member_gone_without_a_notice_does_not_receive_and_is_closed(pair):
    alice = await open_socket(pair.alice, pair.conversation.pk)
    bob = await open_socket(pair.bob, pair.conversation.pk)
    # A queryset update sends no signal (no chat.access, no chat.revoke): the member list the
    # broadcast carries leaves Bob out, and his socket checks the database.
    await sync_to_async(
        lambda: Organization.objects.filter(pk=pair.second.pk).update(is_active=False)
    )()
    await alice.send({"type": "message", "client_id": "c-1", "text": "secret"})
    assert (await alice.receive(skip=PRESENCE | {"message"}))["type"] == "ack"
    assert await bob.receive(skip=PRESENCE) == {"type": "close", "code": 4403}
    await alice.close()


async def test_a_member_missing_from_the_list_is_checked_and_still_receives(pair):
    """A member added after the list was read (here: a list that leaves them out) gets the
    message once the database confirms they take part."""
    bob = await open_socket(pair.bob, pair.conversation.pk)
    message = await sync_to_async(Message.objects.create)(
        conversation=pair.conversation, author=pair.alice, organization=pair.first, text="晚到"
    )
    await sync_to_async(
        lambda: pair.conversation.__class__.objects.filter(pk=pair.conversation.pk).update(
            last_message_id=message.pk
        )
    )()
    await get_channel_layer().group_send(
        events.conversation_group(pair.conversation.pk),
        {
            "type": "chat.message",
            "message": await sync_to_async(events.message_payload)(message),
            "previous_id": None,
            "members": [pair.alice.pk],
        },
    )
    received = await bob.receive()
    assert received["type"] == "message" and received["message"]["id"] == message.pk
    await bob.close()


def test_the_organization_hint_is_used_only_while_it_is_the_acting_one(
    django_capture_on_commit_callbacks,
):
    pair = pair_conversation()
    # Alice also belongs to the other side and now acts for it: a socket's hint from before
    # (her first organization) gives way.
    MembershipFactory(user=pair.alice, organization=pair.second)
    pair.alice.active_organization = pair.second
    pair.alice.save(update_fields=["active_organization"])
    message, created = message_send(
        user=pair.alice, conversation=pair.conversation, text="hi", organization=pair.first
    )
    assert created and message.organization == pair.second
    pair.alice.active_organization = pair.first
    message, _ = message_send(
        user=pair.alice, conversation=pair.conversation, text="hi", organization=pair.first
    )
    assert message.organization == pair.first


def test_a_non_member_with_a_hint_is_refused():
    pair = pair_conversation()
    stranger = MembershipFactory(organization=OrganizationFactory()).user
    with pytest.raises(ChatError) as refused:
        message_send(
            user=stranger, conversation=pair.conversation, text="hi", organization=pair.first
        )
    assert refused.value.code == "not_member"
    assert Message.objects.count() == 0


def test_the_outbox_receives_the_broadcast_after_commit_and_only_then():
    pair = pair_conversation()
    outbox = []
    with transaction.atomic():
        message, _ = message_send(
            user=pair.alice,
            conversation=pair.conversation,
            text="一",
            client_id="c-1",
            outbox=outbox,
        )
        assert outbox == []  # not before the commit
    [(group, event)] = outbox
    assert group == events.conversation_group(pair.conversation.pk)
    assert event["type"] == "chat.message" and event["message"]["id"] == message.pk
    assert event["previous_id"] is None
    assert sorted(event["members"]) == sorted([pair.alice.pk, pair.bob.pk])
    # A retry of the same client id stores and broadcasts nothing.
    retried = []
    again, created = message_send(
        user=pair.alice, conversation=pair.conversation, text="一", client_id="c-1", outbox=retried
    )
    assert (again.pk, created, retried) == (message.pk, False, [])
    # A rolled-back message puts nothing there.
    rolled_back = []
    with pytest.raises(RuntimeError), transaction.atomic():
        message_send(user=pair.alice, conversation=pair.conversation, text="二", outbox=rolled_back)
        raise RuntimeError
    assert rolled_back == []
    assert Message.objects.count() == 1


def test_counts_are_renewed_every_third_of_their_lifetime(settings):
    settings.CHAT_PRESENCE_TTL = 90
    now = time.monotonic()
    assert not limits.renew_due(now)
    assert not limits.renew_due(now - 29)
    assert limits.renew_due(now - 30)
