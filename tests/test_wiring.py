"""The embedded default and the production services are wired as the settings say."""

import os

import pytest
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection


async def test_channel_layer_round_trip():
    """In-memory by default; Redis (channels-redis) when REDIS_URL is set."""
    layer = get_channel_layer()
    expected = "RedisChannelLayer" if settings.REDIS_URL else "InMemoryChannelLayer"
    assert type(layer).__name__ == expected
    channel = await layer.new_channel()
    await layer.group_add("wiring-test", channel)
    await layer.group_send("wiring-test", {"type": "wiring.ping", "text": "你好"})
    assert await layer.receive(channel) == {"type": "wiring.ping", "text": "你好"}
    await layer.group_discard("wiring-test", channel)


def test_cache_backend_follows_redis_url():
    expected = "RedisCache" if settings.REDIS_URL else "LocMemCache"
    assert type(caches["default"]).__name__ == expected
    cache.set("wiring", "海外仓", 5)
    assert cache.get("wiring") == "海外仓"


@pytest.mark.django_db
def test_database_follows_database_url():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected
