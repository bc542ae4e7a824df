"""Search backends and how to pick one.

The Elasticsearch and embedded backends arrive in a later step of issue 4. Until then a backend
is named by a dotted path to a zero-argument callable returning a SearchBackend (a backend class
is such a callable): the `search_drain --backend` option, or the `SEARCH_BACKEND` setting, which
the after-commit drain reads. This is temporary: once the backends land, the configured backend
follows `ELASTICSEARCH_URL` like the rest of the settings.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from search.backends.base import BackendUnavailable, SearchBackend

__all__ = ["BackendUnavailable", "SearchBackend", "backend_from_path", "configured_backend"]


def backend_from_path(path: str) -> SearchBackend:
    """Build the backend that the callable at dotted `path` returns.

    Raises ImportError when the path names nothing, TypeError when the result is not a backend.
    """
    backend = import_string(path)()
    if not isinstance(backend, SearchBackend):
        raise TypeError(f"{path}() returned {backend!r}, which has no index() and delete().")
    return backend


def configured_backend() -> SearchBackend | None:
    """The backend named by the SEARCH_BACKEND setting, or None while none is configured."""
    path = getattr(settings, "SEARCH_BACKEND", "")
    return backend_from_path(path) if path else None
