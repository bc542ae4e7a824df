"""Counters the consumer keeps in the Django cache: connections per user, presence, the message
rate. The cache is shared by every server process on Redis (and per process on the local-memory
default), so the limits hold across processes.

Every counter expires: a process that crashes never decrements its counts, and expiry is what
clears them. Live sockets renew their counts when they receive a frame and a third of
CHAT_PRESENCE_TTL has passed since they last did (renew_due): clients send a "ping" every 30
seconds or so, well within CHAT_PRESENCE_TTL.

Django's cache runs the async methods (aadd, aincr...) of the local-memory and Redis backends in
a thread, one hop each; the consumer's message path calls the synchronous functions here
(message_allowed_sync, renew_sync) from the one thread hop that also writes the message.
"""

import functools
import inspect
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _fail_open(default):
    """While the cache (Redis) is unreachable, a limit lets the action through and presence
    knows nobody, rather than closing every socket: chat keeps storing and acknowledging
    messages, and the limits hold again as soon as the cache is back."""

    def decorate(function):
        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def guarded_async(*args, **kwargs):
                try:
                    return await function(*args, **kwargs)
                except Exception:
                    logger.warning("chat: cache unavailable in %s", function.__name__)
                    return default

            return guarded_async

        @functools.wraps(function)
        def guarded(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception:
                logger.warning("chat: cache unavailable in %s", function.__name__)
                return default

        return guarded

    return decorate


# The limits are settings (config/settings.py, from the environment), read at each use so
# that tests and operators can change them.


def max_connections_per_user() -> int:
    return settings.CHAT_MAX_CONNECTIONS_PER_USER


def messages_per_second() -> int:
    return settings.CHAT_MESSAGES_PER_SECOND


def max_frame_bytes() -> int:
    return settings.CHAT_MAX_FRAME_BYTES


def presence_ttl() -> int:
    return settings.CHAT_PRESENCE_TTL


async def _increment(key: str, timeout: int) -> int:
    await cache.aadd(key, 0, timeout)
    try:
        return await cache.aincr(key)
    except ValueError:  # expired between add and incr
        await cache.aset(key, 1, timeout)
        return 1


async def _decrement(key: str) -> int:
    try:
        count = await cache.adecr(key)
    except ValueError:  # already expired: nothing left to count
        return 0
    if count <= 0:
        await cache.adelete(key)
    return count


def _connections_key(user_id: int) -> str:
    return f"chat:connections:{user_id}"


@_fail_open(True)
async def connection_open(user_id: int) -> bool:
    """Count a new socket of the user; False (and not counted) when they are at the limit."""
    key = _connections_key(user_id)
    if await _increment(key, presence_ttl()) > max_connections_per_user():
        await _decrement(key)
        return False
    return True


@_fail_open(None)
async def connection_close(user_id: int) -> None:
    await _decrement(_connections_key(user_id))


def presence_key(conversation_id: int, user_id: int) -> str:
    return f"chat:presence:{conversation_id}:{user_id}"


@_fail_open(False)
async def presence_join(conversation_id: int, user_id: int) -> bool:
    """Count one more socket of the user in the conversation; True when it is their first."""
    return await _increment(presence_key(conversation_id, user_id), presence_ttl()) == 1


@_fail_open(False)
async def presence_leave(conversation_id: int, user_id: int) -> bool:
    """Count one socket fewer; True when it was their last."""
    return await _decrement(presence_key(conversation_id, user_id)) <= 0


@_fail_open(set())
async def presence_online(conversation_id: int, user_ids: list[int]) -> set[int]:
    """Which of `user_ids` have a socket open in the conversation."""
    keys = {presence_key(conversation_id, user_id): user_id for user_id in user_ids}
    found = await cache.aget_many(list(keys))
    return {keys[key] for key, count in found.items() if count and count > 0}


def renew_due(renewed_at: float) -> bool:
    """Whether a socket that last renewed its counts at `renewed_at` (time.monotonic()) should
    renew them now: every third of their lifetime, so that two renewals can be missed."""
    return time.monotonic() - renewed_at >= presence_ttl() / 3


@_fail_open(None)
async def renew(conversation_id: int, user_id: int) -> None:
    """Push back the expiry of a live socket's counts."""
    ttl = presence_ttl()
    await cache.atouch(_connections_key(user_id), ttl)
    await cache.atouch(presence_key(conversation_id, user_id), ttl)


@_fail_open(None)
def renew_sync(conversation_id: int, user_id: int) -> None:
    """renew, from synchronous code."""
    ttl = presence_ttl()
    cache.touch(_connections_key(user_id), ttl)
    cache.touch(presence_key(conversation_id, user_id), ttl)


def _rate_key(user_id: int) -> str:
    return f"chat:rate:{user_id}:{int(time.time())}"


@_fail_open(True)
async def message_allowed(user_id: int) -> bool:
    """Whether the user may send one more message this second (a fixed one-second window,
    shared by all their sockets)."""
    return await _increment(_rate_key(user_id), 2) <= messages_per_second()


@_fail_open(True)
def message_allowed_sync(user_id: int) -> bool:
    """message_allowed, from synchronous code."""
    key = _rate_key(user_id)
    cache.add(key, 0, 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 2)
        count = 1
    return count <= messages_per_second()


@_fail_open(False)
async def typing_allowed(user_id: int, conversation_id: int) -> bool:
    """At most one typing notice per user and conversation per second."""
    return await cache.aadd(f"chat:typing:{conversation_id}:{user_id}", 1, 1)
