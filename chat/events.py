"""Real-time events: the groups they go to, their fields, and sending them.

Services send these after commit (never from inside a transaction: a rolled-back message must
not be seen). A failed send is logged, not raised: the write is already committed, and clients
catch up with "resume" from the database.

Channel-layer events (the "type" routes them to the ChatConsumer method of the same name with
the dot made an underscore):

- ``chat.message``: a new message. Fields: ``message`` (see message_payload), ``previous_id``
  (the id of the conversation's message before it, or None), which lets a consumer notice a
  message it has not relayed yet and fetch it from the database before this one; ``members``
  (the ids of the users taking part when it was written: a listed recipient relays without
  asking the database, an unlisted one checks its membership first).
- ``chat.update``: a message edited or deleted. Fields: ``message``.
- ``chat.read``: a read receipt. Fields: ``user_id``, ``id`` (the last message read).
- ``chat.typing``: someone is typing. Fields: ``user`` (see user_payload).
- ``chat.presence``: someone's first socket joined, or last socket left. Fields: ``user``,
  ``online`` (bool).
- ``chat.access``: who may take part has changed (a participant was removed): every socket
  checks its user's membership again. No fields.
- ``chat.revoke`` (to a user's group): the user's access may have shrunk. Fields:
  ``session_key`` (when set, the sockets opened with that session close: the user logged out;
  when None, every socket of the user checks its membership again).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.urls import reverse

from chat.attachments import IMAGE_TYPES
from chat.models import Message

logger = logging.getLogger(__name__)


def conversation_group(conversation_id: int) -> str:
    return f"chat.conversation.{conversation_id}"


def user_group(user_id: int) -> str:
    return f"chat.user.{user_id}"


def user_payload(user, organization=None) -> dict:
    """Who someone is, as the other side sees them (never their e-mail address)."""
    payload = {"id": user.pk, "name": user.full_name or user.get_short_name()}
    if organization is not None:
        payload["organization"] = organization_payload(organization)
    return payload


def organization_payload(organization) -> dict | None:
    if organization is None:
        return None
    return {"id": organization.pk, "name": organization.name_zh, "name_en": organization.name_en}


def _isoformat(value) -> str | None:
    return value.isoformat() if value is not None else None


def message_payload(message: Message) -> dict:
    """A message as clients receive it. Deleted and hidden messages keep their place (id, time,
    author) but lose their text. Fields: id, conversation, author ({id, name} or None),
    organization ({id, name, name_en} or None), text, client_id, created, edited (ISO 8601 or
    None), deleted, hidden (bool), attachment ({name, type, size, url, image} or None; the url
    serves the file to participants only)."""
    author = message.author
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "author": user_payload(author) if author is not None else None,
        "organization": organization_payload(message.organization),
        "text": message.text if message.is_visible else "",
        "client_id": message.client_id,
        "created": _isoformat(message.created_at),
        "edited": _isoformat(message.edited_at),
        "deleted": message.deleted_at is not None,
        "hidden": message.hidden_at is not None,
        "attachment": _attachment_payload(message) if message.is_visible else None,
    }


def _attachment_payload(message: Message) -> dict | None:
    if not message.attachment:
        return None
    return {
        "name": message.attachment_name,
        "type": message.attachment_type,
        "size": message.attachment_size,
        "url": reverse("chat:attachment", args=[message.pk]),
        "image": message.attachment_type in IMAGE_TYPES,
    }


def send(group: str, event: dict) -> None:
    """Send an event to a group from synchronous code (an on_commit callback)."""
    try:
        async_to_sync(get_channel_layer().group_send)(group, event)
    except Exception:  # the layer is down: the write stands, clients resume from the database
        logger.exception("chat: could not send %s to %s", event.get("type"), group)
