"""Chat sockets in tests: real ASGI application (origin check, session auth), real layer."""

import json

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import AsyncClient

from config.asgi import application

ORIGIN = b"http://localhost:8000"
TIMEOUT = 5
# Frames that arrive whenever someone comes or goes; most tests look past them.
PRESENCE = {"presence", "join", "leave", "typing"}


async def session_cookie(user) -> str:
    client = AsyncClient()
    await client.aforce_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class Socket:
    """A communicator on ws/chat/<id>/, signed in as `user` (anonymous when None)."""

    def __init__(self, conversation_id: int, cookie: str | None = None, origin: bytes = ORIGIN):
        headers = [(b"origin", origin)]
        if cookie:
            headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
        self.communicator = WebsocketCommunicator(
            application, f"/ws/chat/{conversation_id}/", headers=headers
        )

    async def connect(self) -> bool:
        connected, _ = await self.communicator.connect(timeout=TIMEOUT)
        return connected

    async def send(self, frame: dict) -> None:
        await self.communicator.send_json_to(frame)

    async def receive(self, *, skip: set[str] = PRESENCE) -> dict:
        """The next frame (not one of `skip`); a close arrives as {"type": "close", "code"}."""
        while True:
            output = await self.communicator.receive_output(TIMEOUT)
            if output["type"] == "websocket.close":
                return {"type": "close", "code": output.get("code")}
            frame = _json(output)
            if frame["type"] not in skip:
                return frame

    async def nothing(self, *, skip: set[str] = PRESENCE, wait: float = 0.3) -> bool:
        """True when no frame (other than `skip`) arrives within `wait` seconds."""
        while not await self.communicator.receive_nothing(timeout=wait):
            output = await self.communicator.receive_output()
            if output["type"] == "websocket.close" or _json(output)["type"] not in skip:
                return False
        return True

    async def close(self) -> None:
        await self.communicator.disconnect()


def _json(output: dict) -> dict:
    return json.loads(output["text"])


async def open_socket(user, conversation_id: int) -> Socket:
    """A connected socket of a member, past its first frame (the presence list)."""
    socket = Socket(conversation_id, await session_cookie(user))
    assert await socket.connect()
    presence = await socket.receive(skip=set())
    assert presence["type"] == "presence", presence
    return socket
