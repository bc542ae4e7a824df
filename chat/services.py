"""Every write to conversations, participants, messages and read markers.

Each write commits first and broadcasts after commit (chat.events), so nobody sees a message
that was rolled back, and a broadcast lost with the channel layer costs nothing: clients resume
from the database. Refusals raise ChatError with a message for the person who asked.
"""

import functools
import unicodedata
from collections.abc import Iterable
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organization, User
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
from chat.selectors import conversation_last_message_id, is_member


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


# The statements message_send runs on every message, written as SQL: building them with the ORM
# took longer than running them (about 0.5 ms each, 2 ms for the members' joins with the client
# id's subquery, on a loaded two-core machine; bench/chat_bench.py measures the whole path).
# Each says what the ORM version would be.


class _Locked(NamedTuple):
    pk: int
    last_message_id: int | None


@functools.cache
def _sql() -> dict[str, str]:
    quote = connection.ops.quote_name
    conversation = quote(Conversation._meta.db_table)
    if connection.vendor == "postgresql":
        # NO KEY: each new message's foreign key takes a key-share lock on this row, which a
        # plain FOR UPDATE would conflict with.
        lock = " FOR NO KEY UPDATE"
    elif connection.features.has_select_for_update:
        lock = " FOR UPDATE"
    else:  # SQLite: a write transaction holds the database's lock from BEGIN (IMMEDIATE)
        lock = ""
    # Two tables joined, and the activity of the user and of the organization read by
    # subqueries on their primary keys (filtered in Python): as a four-table join it took
    # PostgreSQL longer to plan (about 0.4 ms) than to run.
    members = (
        "SELECT m.user_id, m.organization_id,"
        " (SELECT o.is_active FROM {organization} o WHERE o.id = m.organization_id),"
        " (SELECT u.is_active FROM {user} u WHERE u.id = m.user_id){stored}"
        " FROM {participant} p JOIN {membership} m ON m.organization_id = p.organization_id"
        " WHERE p.conversation_id = %s"
    )
    tables = {
        "membership": quote(Membership._meta.db_table),
        "participant": quote(Participant._meta.db_table),
        "organization": quote(Organization._meta.db_table),
        "user": quote(User._meta.db_table),
    }
    # `client_id <> ''` repeats the partial unique index's condition, so that SQLite uses it
    # for a parameter (PostgreSQL proves it from the value).
    stored = (
        f", (SELECT id FROM {quote(Message._meta.db_table)} WHERE conversation_id = %s"
        " AND author_id = %s AND client_id = %s AND client_id <> '' LIMIT 1)"
    )
    return {
        "lock": f"SELECT last_message_id FROM {conversation} WHERE id = %s{lock}",
        "members": members.format(stored="", **tables),
        "members_stored": members.format(stored=stored, **tables),
        "newest": f"UPDATE {conversation} SET last_message_id = %s WHERE id = %s",
        "insert": "INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {pk}".format(
            table=quote(Message._meta.db_table),
            columns=", ".join(quote(field.column) for field in _insert_fields()),
            values=", ".join(["%s"] * len(_insert_fields())),
            pk=quote(Message._meta.pk.column),
        ),
    }


def _insert_fields() -> list:
    return [field for field in Message._meta.concrete_fields if not field.primary_key]


def _message_insert(message: Message) -> None:
    """message.save() for a new message without a file: every field's value prepared as the
    ORM prepares it, one INSERT ... RETURNING (PostgreSQL, SQLite). Nothing listens to
    Message's save signals; a message with a file takes save(), which writes the file."""
    if message.attachment or not connection.features.can_return_columns_from_insert:
        message.save()
        return
    values = [
        field.get_db_prep_save(field.pre_save(message, True), connection)
        for field in _insert_fields()
    ]
    with connection.cursor() as cursor:
        cursor.execute(_sql()["insert"], values)
        message.pk = cursor.fetchone()[0]
    message._state.adding = False
    message._state.db = connection.alias


def _conversation_locked(conversation: Conversation) -> _Locked:
    """The conversation's row, locked until commit (its messages are written one at a time):
    its id and newest message's id. The ORM's
    `Conversation.objects.select_for_update(no_key=True).get(pk=...)`."""
    with connection.cursor() as cursor:
        cursor.execute(_sql()["lock"], [conversation.pk])
        row = cursor.fetchone()
    if row is None:
        raise Conversation.DoesNotExist
    return _Locked(conversation.pk, row[0])


def _members_and_stored(
    conversation: Conversation, user: User, client_id: str
) -> tuple[dict[int, list[int]], int | None]:
    """Who takes part now (as is_member decides: {user id: their organization ids, ascending})
    and the id of the sender's message with `client_id` if it is stored already: one query,
    the ORM's `Membership.objects.filter(organization__chat_participations__conversation=...,
    organization__is_active=True, user__is_active=True)` with a Subquery of Message.

    Read under the lock: a concurrent retry of the same message committed while this one
    waited for it is seen."""
    with connection.cursor() as cursor:
        if client_id:
            cursor.execute(
                _sql()["members_stored"], [conversation.pk, user.pk, client_id, conversation.pk]
            )
        else:
            cursor.execute(_sql()["members"], [conversation.pk])
        rows = cursor.fetchall()
    members: dict[int, list[int]] = {}
    stored_id = None
    for user_id, organization_id, organization_active, user_active, *found in rows:
        if organization_active and user_active:
            members.setdefault(user_id, []).append(organization_id)
        stored_id = found[0] if found else None
    for organizations in members.values():
        organizations.sort()
    return members, stored_id


def _broadcast_message(
    message: Message, previous_id: int | None, members: list[int], outbox: list | None
) -> None:
    group = events.conversation_group(message.conversation_id)
    event = {
        "type": "chat.message",
        "message": events.message_payload(message),
        "previous_id": previous_id,
        "members": members,
    }
    if outbox is None:
        events.send(group, event)
    else:
        outbox.append((group, event))


def _acting_organization(
    user: User, organization_ids: list[int], hint: Organization | None
) -> Organization:
    """The organization the user speaks for (as acting_organization_get chooses it) among the
    ids of their organizations taking part; `hint` when it is that one (no query)."""
    chosen = (
        user.active_organization_id
        if user.active_organization_id in organization_ids
        else organization_ids[0]
    )
    if hint is not None and hint.pk == chosen:
        return hint
    return Organization.objects.get(pk=chosen)


@transaction.atomic
def message_send(
    *,
    user: User,
    conversation: Conversation,
    text: str,
    client_id: str = "",
    attachment: UploadedFile | None = None,
    organization: Organization | None = None,
    outbox: list | None = None,
) -> tuple[Message, bool]:
    """Store a message from `user` and broadcast it after commit; returns (message, created).

    With an `attachment` (an upload over HTTP; chat.attachments checks it) the text may be
    empty. A retry with a `client_id` this user already used in this conversation returns the stored
    message (created False) and broadcasts nothing. The conversation's row is locked while the
    message is written, so its messages commit in id order and each broadcast can name the
    message before it (consumers use that to relay without gaps).

    `organization`: the one the caller expects the user to speak for (a socket keeps the one
    it found at connect); used only when it still is, saving a query. The broadcast lists who
    took part when the message was written (`members`), so that sockets need not ask the
    database before relaying it.

    `outbox`: a list where the broadcast is put, as (group, event), after commit, instead of
    being sent from this thread: the caller sends it (a socket, from its event loop, which
    saves a hop from this thread back to the loop). Nothing is put there when the transaction
    rolls back or the message was stored already.

    Four statements: the lock; who takes part, with the client id's message if stored; the
    insert; the update.
    """
    locked = _conversation_locked(conversation)
    # Under the lock: a concurrent retry of the same message waits, then finds it.
    usable = isinstance(client_id, str) and len(client_id) <= CLIENT_ID_MAX_LENGTH
    members, stored_id = _members_and_stored(conversation, user, client_id if usable else "")
    organization_ids = members.get(user.pk)
    if not organization_ids:  # refused first, whatever else is wrong with the message
        raise _not_member()
    client_id = _client_id_clean(client_id)
    if stored_id is not None:
        return Message.objects.get(pk=stored_id), False
    message = Message(
        conversation_id=locked.pk,
        author=user,
        organization=_acting_organization(user, organization_ids, organization),
        text=_text_clean(text, allow_empty=attachment is not None),
        client_id=client_id,
        created_at=timezone.now(),
    )
    if attachment is not None:
        _attach(message, attachment)
    _message_insert(message)
    previous_id = locked.last_message_id
    with connection.cursor() as cursor:  # .filter(pk=...).update(last_message_id=...)
        cursor.execute(_sql()["newest"], [message.pk, locked.pk])
    transaction.on_commit(partial(_broadcast_message, message, previous_id, list(members), outbox))
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


def message_update_broadcast(message: Message) -> None:
    """Tell the conversation's sockets that a message changed (edited, deleted or hidden);
    called after commit."""
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
    transaction.on_commit(partial(message_update_broadcast, message))
    return message


@transaction.atomic
def message_delete(*, user: User, message: Message) -> Message:
    """Delete one's own message (softly: it keeps its place, loses its text for everyone)."""
    message = _own_message_locked(user, message)
    message.deleted_at = timezone.now()
    message.save(update_fields=["deleted_at"])
    transaction.on_commit(partial(message_update_broadcast, message))
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
