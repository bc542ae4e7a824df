"""The contract every search backend fulfils (Elasticsearch and the embedded database backend).

This first part covers what the index outbox needs: putting documents into the index and taking
them out. Query methods (text + filters + facets, suggest, more-like-this) join the contract
together with the backends that implement them.

Both methods are idempotent: indexing a document that is already there replaces it, deleting an
id that is not there is not an error. The outbox relies on that, because after a crash or an
expired lease a batch may be applied twice.
"""

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable


class BackendUnavailable(Exception):
    """The search engine is down, too slow (timed out) or answering errors.

    Backends translate their client's connection, timeout and server errors into this exception,
    so that callers (the outbox drain, the search page's fallback) need not know any client
    library. The outbox keeps the jobs and retries them with backoff.
    """


@runtime_checkable
class SearchBackend(Protocol):
    """What the outbox drain calls. Documents are plain dicts: "id" (int) plus fields."""

    def index(self, doc_type: str, documents: Sequence[Mapping[str, Any]]) -> None:
        """Add or replace `documents` (all of type `doc_type`) in the index, in bulk.

        Raises BackendUnavailable when the engine cannot take them; the whole call then counts
        as failed (the drain retries every document of the call).
        """
        ...

    def delete(self, doc_type: str, ids: Sequence[int]) -> None:
        """Remove the documents of type `doc_type` with these ids; unknown ids are ignored.

        Raises BackendUnavailable when the engine cannot be reached.
        """
        ...
