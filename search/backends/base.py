"""The contract every search backend fulfils (Elasticsearch and the embedded database backend).

IndexWriter is what the index outbox needs: putting documents into the index and taking them out.
SearchBackend adds the queries (search.query explains their semantics) and what the rebuild and
check commands need. tests/search/test_backend_contract.py holds every backend to the same
answers.

index() and delete() are idempotent: indexing a document that is already there replaces it,
deleting an id that is not there is not an error. The outbox relies on that, because after a
crash or an expired lease a batch may be applied twice.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from search.query import Hit, SearchQuery, SearchResults, Suggestion


class BackendUnavailable(Exception):
    """The search engine is down, too slow (timed out) or answering errors.

    Backends translate their client's connection, timeout and server errors into this exception,
    so that callers (the outbox drain, the search page's fallback) need not know any client
    library. The outbox keeps the jobs and retries them with backoff.
    """


@runtime_checkable
class IndexWriter(Protocol):
    """What the outbox drain calls. Documents are plain dicts: "id" (int) plus fields, read
    according to the document type's schema (search.registry.DocumentSchema)."""

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


@runtime_checkable
class SearchBackend(IndexWriter, Protocol):
    """A search engine: the outbox's writes plus queries and maintenance.

    Every method raises BackendUnavailable when the engine cannot answer in time.
    """

    name: str  # "embedded" or "elasticsearch", shown by the health endpoint and the commands

    def search(self, query: SearchQuery) -> SearchResults: ...

    def suggest(
        self,
        text: str,
        *,
        doc_types: Sequence[str],
        filters: Mapping[str, Sequence[str]] | None = None,
        limit: int = 8,
    ) -> list[Suggestion]:
        """Autocomplete: phrases from the suggest fields of matching documents that start with
        `text` or have a word starting with it, best documents first, no phrase twice."""
        ...

    def more_like_this(
        self,
        doc_type: str,
        object_id: int,
        *,
        doc_types: Sequence[str],
        filters: Mapping[str, Sequence[str]] | None = None,
        limit: int = 20,
    ) -> list[Hit]:
        """Documents whose text resembles the indexed document (doc_type, object_id), most
        similar first, the document itself left out; [] when it is not indexed."""
        ...

    def rebuild(self, doc_type: str, batches: Iterable[Sequence[Mapping[str, Any]]]) -> int:
        """Replace every document of `doc_type` with those in `batches`; returns how many.

        Searches keep answering from the old documents until the new set is complete (an alias
        swap on Elasticsearch, one transaction on the embedded backend).
        """
        ...

    def fingerprints(self, doc_type: str) -> dict[int, str]:
        """Indexed id -> fingerprint of the document as indexed (search.fingerprint.fingerprint),
        for comparing the index with the database."""
        ...

    def ping(self) -> None:
        """Return when the engine answers; raise BackendUnavailable otherwise."""
        ...
