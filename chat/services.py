"""Every write to conversations, participants, messages and read markers.

Each write commits first and broadcasts after commit (chat.events), so nobody sees a message
that was rolled back, and a broadcast lost with the channel layer costs nothing: clients resume
from the database. Refusals raise ChatError with a message for the person who asked.
"""

import unicodedata
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from chat import events
from chat.attachments import attachment_check
from chat.models import (
    CLIENT_ID_MAX_LENGTH,
    Conversation,
    ConversationKind,
    Message,
    Participant,
    ReadMarker,
)
from chat.selectors import acting_organization_get, conversation_last_message_id, is_member


class ChatError(Exception):
    """A refused chat write, with a message for the person who asked.

    `code` names the refusal for code, clients and tests: "not_member", "empty", "too_long",
    "invalid", "attachment", "not_author", "deleted", "rate_limited".
    """

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def message_max_length() -> int:
    return settings.CHAT_MESSAGE_MAX_LENGTH


def _text_clean(text: str, *, allow_empty: bool = False) -> str:
    """Plain text, trimmed; refuses empty (unless a file says it all), too long, and control
    characters other than line breaks and tabs (NUL cannot even be stored by PostgreSQL)."""
    if not isinstance(text, str):
        raise ChatError(_("A message must be text."), "invalid")
    # Line breaks as \n, whatever the client's system sends (\r is a control character).
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text and not allow_empty:
        raise ChatError(_("A message cannot be empty."), "empty")
    limit = message_max_length()
    if len(text) > limit:
        raise ChatError(
            _("A message can be at most %(limit)d characters long.") % {"limit": limit},
            "too_long",
        )
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise ChatError(_("The message contains characters that are not allowed."), "invalid")
    return text


def _client_id_clean(client_id: str) -> str:
    if not isinstance(client_id, str) or len(client_id) > CLIENT_ID_MAX_LENGTH:
        raise ChatError(
            _("The client id must be text of at most %(limit)d characters.")
            % {"limit": CLIENT_ID_MAX_LENGTH},
            "invalid",
        )
    return client_id


def _not_member() -> ChatError:
    return ChatError(_("You do not take part in this conversation."), "not_member")


@transaction.atomic
def conversation_open(
    *,
    kind: str,
    organizations: Iterable[Organization],
    title: str = "",
    source: str = "",
) -> Conversation:
    """Open a conversation between `organizations`, or return the one `source` already opened.

    `source` names what opens it ("matchmaking.meeting_request:42"); a second call with the same
    source returns the first conversation unchanged (participants are then managed with
    participant_add / participant_remove). A pair conversation takes exactly two organizations.
    """
    if kind not in ConversationKind.values:
        raise ValueError(f"unknown conversation kind {kind!r}")
    organizations = list({organization.pk: organization for organization in organizations}.values())
    if kind == ConversationKind.PAIR and len(organizations) != 2:
        raise ValueError("a pair conversation takes exactly two organizations")
    if source:
        existing = Conversation.objects.filter(source=source).first()
        if existing is not None:
            return existing
    conversation = Conversation(kind=kind, title=title.strip(), source=source)
    try:
        # A savepoint: a concurrent open with the same source makes the unique index refuse
        # this one, and we return the winner's conversation.
        with transaction.atomic():
            conversation.save()
    except IntegrityError:
        existing = Conversation.objects.filter(source=source).first() if source else None
        if existing is None:
            raise
        return existing
    Participant.objects.bulk_create(
        Participant(conversation=conversation, organization=organization)
        for organization in organizations
    )
    return conversation


@transaction.atomic
def participant_add(*, conversation: Conversation, organization: Organization) -> Participant:
    """Let an organization's members take part (idempotent)."""
    participant, _created = Participant.objects.get_or_create(
        conversation=conversation, organization=organization
    )
    return participant


@transaction.atomic
def participant_remove(*, conversation: Conversation, organization: Organization) -> None:
    """Take an organization out; its members' open sockets close after commit (4403)."""
    deleted, _counts = Participant.objects.filter(
        conversation=conversation, organization=organization
    ).delete()
    if deleted:
        transaction.on_commit(
            partial(
                events.send,
                events.conversation_group(conversation.pk),
                {"type": "chat.access"},
            )
        )


def _conversation_locked(conversation: Conversation) -> Conversation:
    """The conversation's row, locked until commit: its messages are written one at a time.

    NO KEY: each new message's foreign key takes a key-share lock on this row, which a plain
    FOR UPDATE would conflict with."""
    return Conversation.objects.select_for_update(no_key=True).get(pk=conversation.pk)


def _broadcast_message(message: Message, previous_id: int | None) -> None:
    events.send(
        events.conversation_group(message.conversation_id),
        {
            "type": "chat.message",
            "message": events.message_payload(message),
            "previous_id": previous_id,
        },
    )


@transaction.atomic
def message_send(
    *,
    user: User,
    conversation: Conversation,
    text: str,
    client_id: str = "",
    attachment: UploadedFile | None = None,
) -> tuple[Message, bool]:
    """Store a message from `user` and broadcast it after commit; returns (message, created).

    With an `attachment` (an upload over HTTP; chat.attachments checks it) the text may be
    empty. A retry with a `client_id` this user already used in this conversation returns the stored
    message (created False) and broadcasts nothing. The conversation's row is locked while the
    message is written, so its messages commit in id order and each broadcast can name the
    message before it (consumers use that to relay without gaps).
    """
    organization = acting_organization_get(user=user, conversation=conversation)
    if organization is None:
        raise _not_member()
    client_id = _client_id_clean(client_id)
    locked = _conversation_locked(conversation)
    # Under the lock: a concurrent retry of the same message waits here, then finds it.
    if client_id:
        stored = Message.objects.filter(
            conversation=conversation, author=user, client_id=client_id
        ).first()
        if stored is not None:
            return stored, False
    message = Message(
        conversation=locked,
        author=user,
        organization=organization,
        text=_text_clean(text, allow_empty=attachment is not None),
        client_id=client_id,
        created_at=timezone.now(),
    )
    if attachment is not None:
        _attach(message, attachment)
    message.save()
    previous_id = locked.last_message_id
    Conversation.objects.filter(pk=locked.pk).update(last_message_id=message.pk)
    transaction.on_commit(partial(_broadcast_message, message, previous_id))
    return message, True


def _attach(message: Message, upload: UploadedFile) -> None:
    """Check the upload and set it on the unsaved message (saved with it, under a random name).

    A message refused after this point leaves no file: the file is written by message.save()."""
    try:
        message.attachment_type, message.attachment_name = attachment_check(upload)
    except ValueError as error:
        raise ChatError(str(error), "attachment") from None
    message.attachment_size = upload.size
    message.attachment = upload


def _own_message_locked(user: User, message: Message) -> Message:
    locked = (
        Message.objects.select_for_update(of=("self",))
        .select_related("conversation", "author", "organization")
        .get(pk=message.pk)
    )
    if locked.author_id != user.pk:
        raise ChatError(_("You can only change your own messages."), "not_author")
    if not is_member(user=user, conversation=locked.conversation_id):
        raise _not_member()
    if locked.deleted_at is not None:
        raise ChatError(_("This message has been deleted."), "deleted")
    return locked


def _broadcast_update(message: Message) -> None:
    events.send(
        events.conversation_group(message.conversation_id),
        {"type": "chat.update", "message": events.message_payload(message)},
    )


@transaction.atomic
def message_edit(*, user: User, message: Message, text: str) -> Message:
    """Change the text of one's own message; broadcast after commit."""
    message = _own_message_locked(user, message)
    message.text = _text_clean(text)
    message.edited_at = timezone.now()
    message.save(update_fields=["text", "edited_at"])
    transaction.on_commit(partial(_broadcast_update, message))
    return message


@transaction.atomic
def message_delete(*, user: User, message: Message) -> Message:
    """Delete one's own message (softly: it keeps its place, loses its text for everyone)."""
    message = _own_message_locked(user, message)
    message.deleted_at = timezone.now()
    message.save(update_fields=["deleted_at"])
    transaction.on_commit(partial(_broadcast_update, message))
    return message


@transaction.atomic
def read_mark(*, user: User, conversation: Conversation, message_id: int) -> ReadMarker:
    """Record that `user` has read up to `message_id`. Never moves back; a read receipt is
    broadcast after commit when it moves forward. An id past the newest message counts as the
    newest message."""
    if not is_member(user=user, conversation=conversation):
        raise _not_member()
    if not isinstance(message_id, int) or isinstance(message_id, bool) or message_id < 0:
        raise ChatError(_("Invalid message id."), "invalid")
    message_id = min(message_id, conversation_last_message_id(conversation=conversation))
    marker, _created = ReadMarker.objects.get_or_create(user=user, conversation=conversation)
    # A conditional UPDATE, not read-compare-write: two tabs marking at once cannot move it back.
    moved = ReadMarker.objects.filter(pk=marker.pk, last_read_id__lt=message_id).update(
        last_read_id=message_id, updated_at=timezone.now()
    )
    if moved:
        marker.last_read_id = message_id
        transaction.on_commit(
            partial(
                events.send,
                events.conversation_group(conversation.pk),
                {"type": "chat.read", "user_id": user.pk, "id": message_id},
            )
        )
    else:
        marker.refresh_from_db()
    return marker


def user_access_revoke(*, user_id: int, session_key: str | None = None) -> None:
    """Tell the user's open sockets, after commit, that their access may have shrunk.

    With `session_key` (the user logged out of that session), the sockets opened with it close
    (4401). Without it (a membership ended, an organization was deactivated), each socket of the
    user checks its membership again and closes (4403) where it is gone.
    """
    transaction.on_commit(
        partial(
            events.send,
            events.user_group(user_id),
            {"type": "chat.revoke", "session_key": session_key},
        )
    )
