"""Chat writes: opening conversations, sending, editing, deleting, read markers, broadcasts."""

import pytest

from accounts.models import Organization
from accounts.services import membership_remove
from accounts.signals import organization_changed
from chat import events
from chat.models import Conversation, ConversationKind, Message, Participant, ReadMarker
from chat.services import (
    ChatError,
    conversation_open,
    message_delete,
    message_edit,
    message_send,
    participant_add,
    participant_remove,
    read_mark,
)
from tests.chat.layer import Listener
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.factories.chat import MessageFactory, pair_conversation

pytestmark = pytest.mark.django_db


def test_opening_with_the_same_source_returns_the_same_conversation():
    first, second = OrganizationFactory(), OrganizationFactory()
    opened = conversation_open(
        kind=ConversationKind.PAIR,
        organizations=[first, second],
        title="会谈",
        source="matchmaking.meeting_request:42",
    )
    again = conversation_open(
        kind=ConversationKind.PAIR,
        organizations=[first, second],
        source="matchmaking.meeting_request:42",
    )
    assert again.pk == opened.pk
    assert Conversation.objects.count() == 1
    assert set(Participant.objects.values_list("organization_id", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_conversations_without_a_source_are_each_new():
    organizations = [OrganizationFactory(), OrganizationFactory()]
    conversation_open(kind=ConversationKind.PAIR, organizations=organizations)
    conversation_open(kind=ConversationKind.PAIR, organizations=organizations)
    assert Conversation.objects.count() == 2


def test_a_pair_takes_exactly_two_organizations():
    with pytest.raises(ValueError):
        conversation_open(kind=ConversationKind.PAIR, organizations=[OrganizationFactory()])


def test_participants_are_added_once_and_removed(django_capture_on_commit_callbacks):
    pair = pair_conversation()
    third = OrganizationFactory()
    participant_add(conversation=pair.conversation, organization=third)
    participant_add(conversation=pair.conversation, organization=third)
    assert pair.conversation.participants.count() == 3
    listener = Listener(events.conversation_group(pair.conversation.pk))
    with django_capture_on_commit_callbacks(execute=True):
        participant_remove(conversation=pair.conversation, organization=third)
    assert pair.conversation.participants.count() == 2
    # Open sockets check their membership again.
    assert listener.events() == [{"type": "chat.access"}]


def test_ending_a_membership_tells_the_user_s_sockets(django_capture_on_commit_callbacks):
    pair = pair_conversation()
    listener = Listener(events.user_group(pair.bob.pk))
    membership = pair.bob.memberships.get()
    with django_capture_on_commit_callbacks(execute=True):
        membership_remove(membership=membership, by=pair.bob)
    assert listener.events() == [{"type": "chat.revoke", "session_key": None}]


def test_logging_out_tells_the_sockets_of_that_session(client, django_capture_on_commit_callbacks):
    pair = pair_conversation()
    client.force_login(pair.alice)
    session_key = client.session.session_key
    listener = Listener(events.user_group(pair.alice.pk))
    with django_capture_on_commit_callbacks(execute=True):
        client.logout()
    assert listener.events() == [{"type": "chat.revoke", "session_key": session_key}]


def test_deactivating_an_organization_tells_its_members_sockets(
    django_capture_on_commit_callbacks,
):
    pair = pair_conversation()
    listener = Listener(events.user_group(pair.alice.pk))
    with django_capture_on_commit_callbacks(execute=True):
        pair.first.is_active = False
        pair.first.save()
        organization_changed.send(
            sender=Organization, organization=pair.first, changed_fields=frozenset({"is_active"})
        )
    assert listener.events() == [{"type": "chat.revoke", "session_key": None}]


def test_a_message_is_stored_and_broadcast_after_commit(django_capture_on_commit_callbacks):
    pair = pair_conversation()
    listener = Listener(events.conversation_group(pair.conversation.pk))
    with django_capture_on_commit_callbacks() as callbacks:
        message, created = message_send(
            user=pair.alice, conversation=pair.conversation, text="  你好，Bob  ", client_id="c1"
        )
        assert listener.events(wait=0.05) == []  # nothing before the commit
    assert created
    assert message.text == "你好，Bob"
    assert message.organization == pair.first
    for callback in callbacks:
        callback()
    [event] = listener.events()
    assert event["type"] == "chat.message"
    assert event["previous_id"] is None
    assert event["message"]["id"] == message.pk
    assert event["message"]["text"] == "你好，Bob"
    assert event["message"]["author"] == {"id": pair.alice.pk, "name": "Alice"}
    pair.conversation.refresh_from_db()
    assert pair.conversation.last_message_id == message.pk


def test_each_broadcast_names_the_message_before_it(django_capture_on_commit_callbacks):
    pair = pair_conversation()
    listener = Listener(events.conversation_group(pair.conversation.pk))
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = message_send(user=pair.alice, conversation=pair.conversation, text="一")
    with django_capture_on_commit_callbacks(execute=True):
        second, _ = message_send(user=pair.bob, conversation=pair.conversation, text="二")
    received = listener.events()
    assert [(e["message"]["id"], e["previous_id"]) for e in received] == [
        (first.pk, None),
        (second.pk, first.pk),
    ]


def test_a_retried_client_id_is_stored_once_and_broadcast_once(
    django_capture_on_commit_callbacks,
):
    pair = pair_conversation()
    listener = Listener(events.conversation_group(pair.conversation.pk))
    with django_capture_on_commit_callbacks(execute=True):
        message, created = message_send(
            user=pair.alice, conversation=pair.conversation, text="报价单", client_id="abc"
        )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again, created_again = message_send(
            user=pair.alice, conversation=pair.conversation, text="报价单", client_id="abc"
        )
    assert created and not created_again
    assert again.pk == message.pk
    assert callbacks == []
    assert Message.objects.count() == 1
    assert len(listener.events()) == 1


def test_the_same_client_id_from_another_author_is_another_message():
    pair = pair_conversation()
    message_send(user=pair.alice, conversation=pair.conversation, text="a", client_id="same")
    message_send(user=pair.bob, conversation=pair.conversation, text="b", client_id="same")
    assert Message.objects.count() == 2


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "empty"), ("   \n ", "empty"), ("x" * 4001, "too_long"), ("a\x00b", "invalid")],
)
def test_invalid_texts_are_refused(text, code):
    pair = pair_conversation()
    with pytest.raises(ChatError) as refused:
        message_send(user=pair.alice, conversation=pair.conversation, text=text)
    assert refused.value.code == code
    assert Message.objects.count() == 0


def test_windows_and_old_mac_line_breaks_are_stored_as_newlines():
    pair = pair_conversation()
    message, _ = message_send(
        user=pair.alice, conversation=pair.conversation, text="第一行\r\n第二行\r第三行\r\n"
    )
    assert message.text == "第一行\n第二行\n第三行"


def test_the_length_limit_is_a_setting(settings):
    settings.CHAT_MESSAGE_MAX_LENGTH = 10
    pair = pair_conversation()
    message_send(user=pair.alice, conversation=pair.conversation, text="一二三四五六七八九十")
    with pytest.raises(ChatError, match="10"):
        message_send(user=pair.alice, conversation=pair.conversation, text="x" * 11)


def test_non_members_cannot_send():
    pair = pair_conversation()
    outsider = MembershipFactory().user
    with pytest.raises(ChatError) as refused:
        message_send(user=outsider, conversation=pair.conversation, text="hi")
    assert refused.value.code == "not_member"


def test_members_of_a_deactivated_organization_cannot_send():
    pair = pair_conversation()
    pair.first.is_active = False
    pair.first.save()
    with pytest.raises(ChatError):
        message_send(user=pair.alice, conversation=pair.conversation, text="hi")


def test_a_user_in_both_organizations_speaks_for_the_active_one():
    pair = pair_conversation()
    MembershipFactory(user=pair.alice, organization=pair.second)
    pair.alice.active_organization = pair.second
    pair.alice.save()
    message, _ = message_send(user=pair.alice, conversation=pair.conversation, text="hi")
    assert message.organization == pair.second


def test_the_author_edits_and_deletes_softly(django_capture_on_commit_callbacks):
    pair = pair_conversation()
    message, _ = message_send(user=pair.alice, conversation=pair.conversation, text="原文")
    listener = Listener(events.conversation_group(pair.conversation.pk))
    with django_capture_on_commit_callbacks(execute=True):
        message_edit(user=pair.alice, message=message, text="改过")
    with django_capture_on_commit_callbacks(execute=True):
        message_delete(user=pair.alice, message=message)
    edited, deleted = listener.events()
    assert edited["type"] == "chat.update"
    assert edited["message"]["text"] == "改过" and edited["message"]["edited"]
    assert deleted["message"]["deleted"] and deleted["message"]["text"] == ""
    message.refresh_from_db()
    assert message.deleted_at is not None
    assert message.text == "改过"  # kept for moderation, never sent again
    with pytest.raises(ChatError) as refused:
        message_edit(user=pair.alice, message=message, text="再改")
    assert refused.value.code == "deleted"


def test_others_cannot_edit_or_delete():
    pair = pair_conversation()
    message, _ = message_send(user=pair.alice, conversation=pair.conversation, text="原文")
    for attempt in (
        lambda: message_edit(user=pair.bob, message=message, text="x"),
        lambda: message_delete(user=pair.bob, message=message),
    ):
        with pytest.raises(ChatError) as refused:
            attempt()
        assert refused.value.code == "not_author"


def test_read_markers_only_move_forward(django_capture_on_commit_callbacks):
    pair = pair_conversation()
    first = MessageFactory(conversation=pair.conversation, author=pair.alice)
    second = MessageFactory(conversation=pair.conversation, author=pair.alice)
    listener = Listener(events.conversation_group(pair.conversation.pk))
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            read_mark(
                user=pair.bob, conversation=pair.conversation, message_id=second.pk
            ).last_read_id
            == second.pk
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            read_mark(
                user=pair.bob, conversation=pair.conversation, message_id=first.pk
            ).last_read_id
            == second.pk
        )
    assert ReadMarker.objects.get().last_read_id == second.pk
    assert listener.events() == [{"type": "chat.read", "user_id": pair.bob.pk, "id": second.pk}]


def test_reading_past_the_newest_message_stops_at_it():
    pair = pair_conversation()
    newest = MessageFactory(conversation=pair.conversation, author=pair.alice)
    marker = read_mark(user=pair.bob, conversation=pair.conversation, message_id=newest.pk + 1000)
    assert marker.last_read_id == newest.pk


def test_non_members_cannot_mark_read():
    pair = pair_conversation()
    with pytest.raises(ChatError):
        read_mark(user=UserFactory(), conversation=pair.conversation, message_id=1)
