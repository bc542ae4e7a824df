"""Fixtures for the chat tests that run real processes (tests/chat/servers.py)."""

import pytest

from tests.chat import servers


@pytest.fixture
def redis_server():
    with servers.redis_server() as redis:
        yield redis


@pytest.fixture
def two_servers(redis_server):
    with servers.asgi_servers(redis_server.url, count=2) as started:
        yield started
