"""Chat reads: membership, the conversation list with unread counts, message pages."""

import pytest

from chat.selectors import (
    conversation_get_for_user,
    conversation_list_for_user,
    conversation_member_list,
    is_member,
    message_list_after,
    message_list_before,
)
from chat.services import message_delete, participant_remove, read_mark
from tests.factories import MembershipFactory, UserFactory
from tests.factories.chat import MessageFactory, pair_conversation

pytestmark = pytest.mark.django_db


def test_members_of_participant_organizations_are_members():
    pair = pair_conversation()
    colleague = MembershipFactory(organization=pair.first).user
    assert is_member(user=pair.alice, conversation=pair.conversation)
    assert is_member(user=colleague, conversation=pair.conversation)
    assert not is_member(user=MembershipFactory().user, conversation=pair.conversation)
    assert conversation_get_for_user(user=pair.bob, pk=pair.conversation.pk) == pair.conversation


def test_anonymous_users_removed_organizations_and_inactive_users_are_not_members():
    from django.contrib.auth.models import AnonymousUser

    pair = pair_conversation()
    assert not is_member(user=AnonymousUser(), conversation=pair.conversation)
    assert conversation_get_for_user(user=AnonymousUser(), pk=pair.conversation.pk) is None
    pair.bob.is_active = False
    pair.bob.save()
    assert not is_member(user=pair.bob, conversation=pair.conversation)
    participant_remove(conversation=pair.conversation, organization=pair.first)
    assert not is_member(user=pair.alice, conversation=pair.conversation)
    assert conversation_get_for_user(user=pair.alice, pk=pair.conversation.pk) is None


def test_a_missing_conversation_is_none():
    assert conversation_get_for_user(user=UserFactory(), pk=999999) is None


def test_unread_counts_skip_own_deleted_and_read_messages():
    pair = pair_conversation()
    other = pair_conversation()
    MembershipFactory(user=pair.bob, organization=other.first)
    # Messages elsewhere first, so that no id of one table happens to match one of another.
    elsewhere = [MessageFactory(conversation=other.conversation, author=other.alice) for _ in "ab"]
    from_alice = [MessageFactory(conversation=pair.conversation, author=pair.alice) for _ in "abc"]
    MessageFactory(conversation=pair.conversation, author=pair.bob)
    message_delete(user=pair.alice, message=from_alice[2])
    unread = {c.pk: c.unread_count for c in conversation_list_for_user(user=pair.bob)}
    assert unread == {pair.conversation.pk: 2, other.conversation.pk: 2}
    read_mark(user=pair.bob, conversation=pair.conversation, message_id=from_alice[0].pk)
    read_mark(user=pair.bob, conversation=other.conversation, message_id=elsewhere[1].pk)
    unread = {c.pk: c.unread_count for c in conversation_list_for_user(user=pair.bob)}
    assert unread == {pair.conversation.pk: 1, other.conversation.pk: 0}
    assert conversation_list_for_user(user=pair.alice).get().unread_count == 1


def test_the_list_puts_the_latest_activity_first_in_constant_queries(django_assert_num_queries):
    pair = pair_conversation()
    older = pair_conversation()
    MembershipFactory(user=pair.alice, organization=older.first)
    MessageFactory(conversation=pair.conversation, author=pair.alice)
    MessageFactory(conversation=older.conversation, author=older.alice)
    with django_assert_num_queries(2):
        listed = list(conversation_list_for_user(user=pair.alice))
        names = [[p.organization.name for p in c.participants.all()] for c in listed]
    assert [c.pk for c in listed] == [older.conversation.pk, pair.conversation.pk]
    assert len(names[0]) == 2


def test_pages_after_and_before_are_in_id_order():
    pair = pair_conversation()
    messages = [MessageFactory(conversation=pair.conversation, author=pair.alice) for _ in range(7)]
    MessageFactory(conversation=pair_conversation().conversation, author=pair.alice)
    ids = [m.pk for m in messages]
    after = message_list_after(conversation=pair.conversation, after_id=ids[2], limit=3)
    assert [m.pk for m in after] == ids[3:6]
    assert [m.pk for m in message_list_before(conversation=pair.conversation, limit=3)] == ids[4:]
    before = message_list_before(conversation=pair.conversation, before_id=ids[4], limit=3)
    assert [m.pk for m in before] == ids[1:4]


def test_the_member_list_names_each_user_once_with_their_organization():
    pair = pair_conversation()
    MembershipFactory(user=pair.alice, organization=pair.second)
    members = conversation_member_list(conversation=pair.conversation)
    assert sorted(m["id"] for m in members) == sorted([pair.alice.pk, pair.bob.pk])
    bob = next(m for m in members if m["id"] == pair.bob.pk)
    assert bob["name"] == "Bob"
    assert bob["organization"]["id"] == pair.second.pk
    assert "email" not in bob
