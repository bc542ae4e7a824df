"""The chat WebSocket: ws/chat/<conversation_id>/.

Close codes (the socket is accepted first, so browsers see the code): 4401 not signed in (or
signed out), 4403 not taking part (or no longer), 4429 too many open sockets for this user,
1009 a frame larger than CHAT_MAX_FRAME_BYTES.

Frames from the client (JSON objects):
- {"type": "message", "client_id", "text"}: answered {"type": "ack", "client_id", "id",
  "created"}, or {"type": "error", "client_id", "code", "message"} (the socket stays open).
- {"type": "resume", "after": last id seen}: every later message, in order, then
  {"type": "resumed", "last_id"}.
- {"type": "read", "id"}, {"type": "typing"}, {"type": "ping"} (answered {"type": "pong"}).

Frames to the client: {"type": "presence", "online": [user, ...]} once on connect;
{"type": "message", "message"}, {"type": "update", "message"}; {"type": "read", "user_id",
"id"}; {"type": "typing", "user"}; {"type": "join" | "leave", "user"} (chat.events describes
the fields). Each message reaches a socket once (again only when the client resumes from an
earlier id), in id order: the consumer remembers the last id it relayed (`cursor`) and fetches
from the database any message a broadcast skipped.
"""

import asyncio
import json
import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import translation
from django.utils.translation import gettext as _

from chat import events, limits
from chat.models import Conversation
from chat.selectors import (
    acting_organization_get,
    conversation_get_for_user,
    conversation_last_message_id,
    conversation_member_list,
    is_member,
    message_list_after,
)
from chat.services import ChatError, message_send, read_mark

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY_CONNECTIONS = 4429
CLOSE_TOO_BIG = 1009
RESUME_PAGE = 200


@database_sync_to_async
def _connect_state(user, conversation_id: int):
    """The conversation, the user's organization in it, and who takes part (or None)."""
    conversation = conversation_get_for_user(user=user, pk=conversation_id)
    if conversation is None:
        return None
    organization = acting_organization_get(user=user, conversation=conversation)
    return conversation, organization, conversation_member_list(conversation=conversation)


class ChatConsumer(AsyncJsonWebsocketConsumer):
    conversation: Conversation | None = None
    counted = False
    joined = False
    cursor = 0
    renewed_at = 0.0  # time.monotonic() of the last renewal of this socket's counts

    # The channel layer (Redis in production) may go away and come back. Channels reads this
    # socket's channel through `channel_receive`, and a failed read would end the consumer
    # (the socket closes with 1011); instead the read waits for the layer, joins the groups
    # again (a restarted Redis has none) and hands over a "chat.layer_back" event, which fills
    # from the database what the broadcasts missed meanwhile.
    @property
    def channel_receive(self):
        return self._receive_surviving_the_layer

    @channel_receive.setter
    def channel_receive(self, receive):
        self._layer_receive = receive

    async def _receive_surviving_the_layer(self):
        delay = 0.5
        lost = False
        while True:
            try:
                if lost and self.joined and not await self._join_groups():
                    raise ConnectionError("the channel layer is still unreachable")
                if lost:
                    return {"type": "chat.layer_back"}
                return await self._layer_receive()
            except asyncio.CancelledError:
                raise
            except Exception:
                if not lost:
                    logger.warning("chat: channel layer unreachable; socket waits for it")
                lost = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5)

    async def _layer(self, method: str, *args) -> bool:
        """A channel-layer call that logs instead of raising when the layer is unreachable
        (a lost broadcast costs nothing: clients resume from the database)."""
        try:
            await getattr(self.channel_layer, method)(*args)
        except Exception:
            logger.warning("chat: channel layer unreachable in %s", method)
            return False
        return True

    async def _join_groups(self) -> bool:
        return await self._layer("group_add", self.group, self.channel_name) and await self._layer(
            "group_add", events.user_group(self.user.pk), self.channel_name
        )

    async def chat_layer_back(self, event):
        if await self._still_member():
            await self._relay_after(None)

    async def connect(self):
        await self.accept()
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        state = await _connect_state(
            self.user, self.scope["url_route"]["kwargs"]["conversation_id"]
        )
        if state is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.conversation, self.organization, members = state
        if not await limits.connection_open(self.user.pk):
            await self.close(code=CLOSE_TOO_MANY_CONNECTIONS)
            return
        self.counted = True
        self.cursor = self.conversation.last_message_id or 0
        self.group = events.conversation_group(self.conversation.pk)
        await self._join_groups()
        self.me = events.user_payload(self.user, self.organization)
        others = [member for member in members if member["id"] != self.user.pk]
        online = await limits.presence_online(self.conversation.pk, [m["id"] for m in others])
        await self.send_json(
            {"type": "presence", "online": [m for m in others if m["id"] in online]}
        )
        first = await limits.presence_join(self.conversation.pk, self.user.pk)
        self.renewed_at = time.monotonic()
        self.joined = True
        if first:
            await self._layer(
                "group_send", self.group, {"type": "chat.presence", "user": self.me, "online": True}
            )

    async def disconnect(self, code):
        await self._leave()

    async def _leave(self) -> None:
        """Leave the groups and give back the counts, once (on disconnect, or on a revoke)."""
        if self.joined:
            self.joined = False
            await self._layer("group_discard", self.group, self.channel_name)
            await self._layer("group_discard", events.user_group(self.user.pk), self.channel_name)
            if await limits.presence_leave(self.conversation.pk, self.user.pk):
                await self._layer(
                    "group_send",
                    self.group,
                    {"type": "chat.presence", "user": self.me, "online": False},
                )
        if self.counted:
            self.counted = False
            await limits.connection_close(self.user.pk)

    # Frames from the client.

    async def receive(self, text_data=None, bytes_data=None):
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > limits.max_frame_bytes():
            await self.close(code=CLOSE_TOO_BIG)
            return
        if not self.joined:
            return
        try:
            content = json.loads(text_data or "")
        except ValueError:
            content = None
        if not isinstance(content, dict):
            content = {"type": None}
        # A message's sender is checked by message_send itself (_on_message closes the socket
        # when it refuses a non-member), and its counts renewed in the same thread hop.
        if content.get("type") != "message":
            if not await self._still_member():
                return
            if limits.renew_due(self.renewed_at):
                self.renewed_at = time.monotonic()
                await limits.renew(self.conversation.pk, self.user.pk)
        # Errors read in the user's language (services translate with the active one).
        with translation.override(self.user.preferred_language):
            await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        handler = {
            "message": self._on_message,
            "resume": self._on_resume,
            "read": self._on_read,
            "typing": self._on_typing,
            "ping": self._on_ping,
        }.get(content.get("type"))
        if handler is None:
            await self._error(None, "invalid", _("This frame is not understood."))
            return
        await handler(content)

    def _message_write(self, content, renew: bool, outbox: list):
        """The message path's one thread hop: renew the counts (when due), the rate limit, then
        message_send (which checks the membership). None when the rate limit refuses."""
        if renew:
            limits.renew_sync(self.conversation.pk, self.user.pk)
        if not limits.message_allowed_sync(self.user.pk):
            return None
        message, _created = message_send(
            user=self.user,
            conversation=self.conversation,
            text=content.get("text", ""),
            client_id=content.get("client_id", ""),
            organization=self.organization,
            outbox=outbox,
        )
        return message

    async def _on_message(self, content):
        client_id = content.get("client_id", "")
        renew = limits.renew_due(self.renewed_at)
        if renew:
            self.renewed_at = time.monotonic()
        outbox = []  # the broadcast, put there by message_send once its transaction committed
        try:
            message = await database_sync_to_async(self._message_write)(content, renew, outbox)
            if message is None:
                await self._error(
                    client_id,
                    "rate_limited",
                    _("You are sending messages too fast. Wait a moment."),
                )
                return
        except ChatError as error:
            if error.code == "not_member":  # no longer taking part: as _still_member does
                await self._leave()
                await self.close(code=CLOSE_FORBIDDEN)
                return
            await self._error(client_id, error.code, error.message)
            return
        for group, event in outbox:  # before the ack: the others' wait is the longer one
            try:
                await self.channel_layer.group_send(group, event)
            except Exception:  # as chat.events.send: the message stands, clients resume
                logger.exception("chat: could not broadcast message %s", event["message"]["id"])
        await self.send_json(
            {
                "type": "ack",
                "client_id": message.client_id,
                "id": message.pk,
                "created": message.created_at.isoformat(),
            }
        )

    async def _on_resume(self, content):
        after = content.get("after") or 0
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            await self._error(None, "invalid", _("Invalid message id."))
            return
        # Never past the newest message: a cursor beyond it would skip the next broadcasts.
        newest = await database_sync_to_async(conversation_last_message_id)(
            conversation=self.conversation.pk
        )
        self.cursor = min(after, newest)
        await self._relay_after(None)
        await self.send_json({"type": "resumed", "last_id": self.cursor})

    async def _on_read(self, content):
        try:
            await database_sync_to_async(read_mark)(
                user=self.user, conversation=self.conversation, message_id=content.get("id")
            )
        except ChatError as error:
            await self._error(None, error.code, error.message)

    async def _on_typing(self, content):
        if await limits.typing_allowed(self.user.pk, self.conversation.pk):
            await self._layer("group_send", self.group, {"type": "chat.typing", "user": self.me})

    async def _on_ping(self, content):
        await self.send_json({"type": "pong"})

    # Events from the channel layer (chat.events lists their fields).

    async def chat_message(self, event):
        if not self.joined:
            return
        # The sender's transaction listed who took part (`members`); anyone else (added since,
        # or an event without the list) is checked against the database, and closed if gone.
        # Membership that ends later closes the socket through chat.access / chat.revoke.
        members = event.get("members")
        if (members is None or self.user.pk not in members) and not await self._still_member():
            return
        message = event["message"]
        if message["id"] <= self.cursor:
            return  # already relayed (by a resume, or a fill)
        previous_id = event.get("previous_id")
        if previous_id is not None and previous_id > self.cursor:
            # A message committed before this one has not reached us yet (its broadcast is
            # late or lost): take both from the database, in order.
            await self._relay_after(message["id"])
            return
        await self.send_json({"type": "message", "message": message})
        self.cursor = message["id"]

    async def chat_update(self, event):
        if await self._still_member():
            await self.send_json({"type": "update", "message": event["message"]})

    async def chat_read(self, event):
        if await self._still_member():
            await self.send_json({"type": "read", "user_id": event["user_id"], "id": event["id"]})

    async def chat_typing(self, event):
        if event["user"]["id"] != self.user.pk:
            await self.send_json({"type": "typing", "user": event["user"]})

    async def chat_presence(self, event):
        if event["user"]["id"] != self.user.pk:
            kind = "join" if event["online"] else "leave"
            await self.send_json({"type": kind, "user": event["user"]})

    async def chat_access(self, event):
        await self._still_member()

    async def chat_revoke(self, event):
        session_key = event.get("session_key")
        if session_key is None:
            await self._still_member()
        elif session_key == getattr(self.scope.get("session"), "session_key", None):
            await self._leave()
            await self.close(code=CLOSE_UNAUTHENTICATED)

    # Helpers.

    async def _still_member(self) -> bool:
        """Check the membership again (it may have ended since connect); close 4403 if gone."""
        if not self.joined:
            return False
        if await database_sync_to_async(is_member)(
            user=self.user, conversation=self.conversation.pk
        ):
            return True
        await self._leave()
        await self.close(code=CLOSE_FORBIDDEN)
        return False

    async def _relay_after(self, until_id: int | None) -> None:
        """Send every message after the cursor from the database, in order (up to `until_id`
        when given), advancing the cursor."""
        while True:
            page = await database_sync_to_async(message_list_after)(
                conversation=self.conversation.pk, after_id=self.cursor, limit=RESUME_PAGE
            )
            for message in page:
                if until_id is not None and message.pk > until_id:
                    return
                await self.send_json(
                    {"type": "message", "message": events.message_payload(message)}
                )
                self.cursor = message.pk
            if len(page) < RESUME_PAGE:
                return

    async def _error(self, client_id, code: str, message: str) -> None:
        await self.send_json(
            {"type": "error", "client_id": client_id, "code": code, "message": str(message)}
        )
