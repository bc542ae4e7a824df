"""The ASGI WebSocket stack: origin validation and session authentication."""

from channels.testing import WebsocketCommunicator
from django.conf import settings

from config.asgi import application
from tests.factories import UserFactory
from tests.markers import transactional_db

pytestmark = transactional_db


async def connect(headers):
    communicator = WebsocketCommunicator(application, "/ws/health/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


async def test_a_foreign_origin_is_refused():
    communicator, connected = await connect([(b"origin", b"https://evil.example.com")])
    assert not connected
    await communicator.disconnect()


async def test_an_allowed_origin_connects_anonymously():
    communicator, connected = await connect([(b"origin", b"http://127.0.0.1:8000")])
    assert connected
    assert await communicator.receive_json_from() == {"type": "hello", "authenticated": False}
    await communicator.disconnect()


async def test_the_session_cookie_authenticates_the_socket(async_client):
    from asgiref.sync import sync_to_async

    user = await sync_to_async(UserFactory)()
    await async_client.aforce_login(user)
    cookie = async_client.cookies[settings.SESSION_COOKIE_NAME].value
    headers = [
        (b"origin", b"http://localhost:8000"),
        (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
    ]
    communicator, connected = await connect(headers)
    assert connected
    assert await communicator.receive_json_from() == {"type": "hello", "authenticated": True}
    await communicator.disconnect()
