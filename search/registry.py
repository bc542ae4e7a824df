"""Which document types exist, and how to read them from the database.

`search/` imports no domain app; each app declares what it indexes instead, in its documents.py,
imported from its AppConfig.ready():

    # matchmaking/documents.py
    from search import registry

    registry.register("profile", load=profile_documents_load, all_ids=profile_ids_indexable)

`load(ids)` returns the documents (dicts with "id" and fields) of those ids that belong in the
index right now. An id it leaves out (deleted, hidden, not public) means "remove it from the
index": the app decides visibility, and the outbox turns absence into a delete. Only what
visibility allows may be put in a document; private contact data never is.
`all_ids()` yields every id that belongs in the index, for a full rebuild.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# Lower-case slug; the length matches IndexJob.doc_type.
DOC_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class DocumentType:
    name: str
    load: Callable[[Iterable[int]], Iterable[dict[str, Any]]]
    all_ids: Callable[[], Iterable[int]]


_document_types: dict[str, DocumentType] = {}


def register(
    doc_type: str,
    *,
    load: Callable[[Iterable[int]], Iterable[dict[str, Any]]],
    all_ids: Callable[[], Iterable[int]],
) -> DocumentType:
    """Declare a document type. Registering the same callables again is a no-op (ready() may run
    twice in some test setups); registering other callables under a taken name is an error."""
    if not DOC_TYPE_RE.match(doc_type):
        raise ValueError(
            f"Document type {doc_type!r} must be a lower-case slug of at most 64 characters."
        )
    document_type = DocumentType(name=doc_type, load=load, all_ids=all_ids)
    existing = _document_types.get(doc_type)
    if existing is not None and existing != document_type:
        raise ValueError(f"Document type {doc_type!r} is already registered by other code.")
    _document_types[doc_type] = document_type
    return document_type


def unregister(doc_type: str) -> None:
    """Forget a document type (tests register temporary ones)."""
    _document_types.pop(doc_type, None)


def get(doc_type: str) -> DocumentType:
    """The registered document type; LookupError names the known ones when it is missing."""
    try:
        return _document_types[doc_type]
    except KeyError:
        known = ", ".join(doc_types()) or "none"
        raise LookupError(
            f"Unknown search document type {doc_type!r} (registered: {known})."
        ) from None


def doc_types() -> list[str]:
    return sorted(_document_types)
