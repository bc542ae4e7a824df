"""Which search backend this process uses.

Elasticsearch when ELASTICSEARCH_URL is set, the embedded database backend otherwise (DESIGN:
embedded unless configured). The SEARCH_BACKEND setting, a dotted path to a zero-argument
callable returning a backend, overrides both (tests use it to plug in a recording or failing
backend; `manage.py search_drain --backend` takes the same form).

With Elasticsearch configured, the index outbox writes to both: the embedded index is what
searches fall back to while Elasticsearch is unreachable (search.selectors), so it is kept
current too. It costs a few rows per change in the database that holds the data anyway.
"""

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

from search.backends.base import BackendUnavailable, IndexWriter, SearchBackend
from search.backends.embedded import EmbeddedBackend

__all__ = [
    "BackendUnavailable",
    "EmbeddedBackend",
    "IndexWriter",
    "SearchBackend",
    "backend_from_path",
    "configured_backend",
    "configured_writer",
    "engine_mark_down",
    "engine_mark_up",
    "engine_marked_down",
]


def backend_from_path(path: str) -> IndexWriter:
    """Build the backend that the callable at dotted `path` returns.

    Raises ImportError when the path names nothing, TypeError when the result is not a backend.
    """
    backend = import_string(path)()
    if not isinstance(backend, IndexWriter):
        raise TypeError(f"{path}() returned {backend!r}, which has no index() and delete().")
    return backend


def configured_backend() -> SearchBackend:
    """The backend searches ask first."""
    path = getattr(settings, "SEARCH_BACKEND", "")
    if path:
        return backend_from_path(path)
    url = getattr(settings, "ELASTICSEARCH_URL", "")
    if url:
        return _elasticsearch(url, settings.ELASTICSEARCH_INDEX_PREFIX, settings.SEARCH_TIMEOUT)
    return EmbeddedBackend()


def configured_writer() -> IndexWriter:
    """What the outbox writes to: the configured backend, plus the embedded fallback index when
    that backend is Elasticsearch."""
    backend = configured_backend()
    if getattr(settings, "SEARCH_BACKEND", "") or isinstance(backend, EmbeddedBackend):
        return backend
    return MirroredWriter(EmbeddedBackend(), backend)


# After the engine failed to answer, searches and writes skip it for this long: each costs a
# database query instead of a timeout. Kept in the cache, so shared by processes on Redis.
ENGINE_RETRY_SECONDS = 30
_ENGINE_DOWN_KEY = "search:engine-down"


def engine_marked_down() -> str | None:
    """Why the engine was marked down (its last error), or None while it is not."""
    return cache.get(_ENGINE_DOWN_KEY)


def engine_mark_down(reason: str) -> None:
    cache.set(_ENGINE_DOWN_KEY, reason or "unavailable", ENGINE_RETRY_SECONDS)


def engine_mark_up() -> None:
    cache.delete(_ENGINE_DOWN_KEY)


class MirroredWriter:
    """Writes every change to the embedded fallback index, then to the engine; fails as a whole
    when the engine fails (the outbox then retries both, which is harmless: writes are
    idempotent). While the engine is marked down it is not even asked."""

    def __init__(self, fallback: IndexWriter, engine: IndexWriter) -> None:
        self.fallback = fallback
        self.engine = engine

    def index(self, doc_type: str, documents: Sequence[Mapping[str, Any]]) -> None:
        self.fallback.index(doc_type, documents)
        self._to_engine(lambda: self.engine.index(doc_type, documents))

    def delete(self, doc_type: str, ids: Sequence[int]) -> None:
        self.fallback.delete(doc_type, ids)
        self._to_engine(lambda: self.engine.delete(doc_type, ids))

    def _to_engine(self, write) -> None:
        reason = engine_marked_down()
        if reason:
            raise BackendUnavailable(f"{reason} (not asked again for {ENGINE_RETRY_SECONDS} s)")
        try:
            write()
        except BackendUnavailable as exc:
            engine_mark_down(str(exc))
            raise


@functools.cache
def _elasticsearch(url: str, index_prefix: str, timeout: float) -> SearchBackend:
    # One client per process (it holds a connection pool); imported here so that the embedded
    # default never loads the Elasticsearch client.
    from search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend(url, index_prefix=index_prefix, timeout=timeout)
