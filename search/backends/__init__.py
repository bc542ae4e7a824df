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


class MirroredWriter:
    """Writes every change to each backend in turn; fails as a whole when one fails (the outbox
    then retries all of them, which is harmless: writes are idempotent)."""

    def __init__(self, *backends: IndexWriter) -> None:
        self.backends = backends

    def index(self, doc_type: str, documents: Sequence[Mapping[str, Any]]) -> None:
        for backend in self.backends:
            backend.index(doc_type, documents)

    def delete(self, doc_type: str, ids: Sequence[int]) -> None:
        for backend in self.backends:
            backend.delete(doc_type, ids)


@functools.cache
def _elasticsearch(url: str, index_prefix: str, timeout: float) -> SearchBackend:
    # One client per process (it holds a connection pool); imported here so that the embedded
    # default never loads the Elasticsearch client.
    from search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend(url, index_prefix=index_prefix, timeout=timeout)
