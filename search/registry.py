"""Which document types exist, and how to read them from the database.

`search/` imports no domain app; each app declares what it indexes instead, in its documents.py,
imported from its AppConfig.ready():

    # matchmaking/documents.py
    from search import registry

    registry.register(
        "profile", load=profile_documents_load, all_ids=profile_ids_indexable, schema=SCHEMA
    )

`load(ids)` returns the documents (dicts with "id" and fields) of those ids that belong in the
index right now. An id it leaves out (deleted, hidden, not public) means "remove it from the
index": the app decides visibility, and the outbox turns absence into a delete. Only what
visibility allows may be put in a document; private contact data never is.
`all_ids()` yields every id that belongs in the index, for a full rebuild.

`schema` (a DocumentSchema) tells backends what each field is for: searched text (with a weight),
keywords to filter and count, the date that "recent" sorts by, autocomplete phrases, and the
fields returned with a hit. Fields a schema does not name are neither indexed nor returned.
Document types searched together should give a keyword the same meaning (for example "kind" is
the organization's kind on organizations and on posts), since one facet counts them all.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Lower-case slug; the length matches IndexJob.doc_type.
DOC_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


# Weights of text fields: a word in a name counts more than the same word in a long description.
TITLE = 3
SUMMARY = 2
BODY = 1
WEIGHTS = (TITLE, SUMMARY, BODY)


@dataclass(frozen=True)
class DocumentSchema:
    """Field roles of a document type. Values may be strings or lists of strings; a date is an
    ISO 8601 string or None."""

    # Text field -> weight (TITLE, SUMMARY or BODY).
    text: Mapping[str, int] = field(default_factory=dict)
    # Exact values to filter on and count (codes, kinds, districts).
    keywords: tuple[str, ...] = ()
    # What SORT_RECENT orders by, newest first.
    date: str | None = None
    # When the document stops matching any search (a post's end date), as an ISO datetime or
    # None: expiry needs no write, so no job, and cannot wait for one.
    expires: str | None = None
    # Phrases offered by autocomplete (names, titles).
    suggest: tuple[str, ...] = ()
    # Returned with each hit, for display; text fields here can be highlighted.
    stored: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name, weight in self.text.items():
            if weight not in WEIGHTS:
                raise ValueError(f"Text field {name!r} has weight {weight!r}; use {WEIGHTS}.")

    def fields_of_weight(self, weight: int) -> list[str]:
        return [name for name, field_weight in self.text.items() if field_weight == weight]


@dataclass(frozen=True)
class DocumentType:
    name: str
    load: Callable[[Iterable[int]], Iterable[dict[str, Any]]]
    all_ids: Callable[[], Iterable[int]]
    schema: DocumentSchema = DocumentSchema()


_document_types: dict[str, DocumentType] = {}


def register(
    doc_type: str,
    *,
    load: Callable[[Iterable[int]], Iterable[dict[str, Any]]],
    all_ids: Callable[[], Iterable[int]],
    schema: DocumentSchema | None = None,
) -> DocumentType:
    """Declare a document type. Registering the same callables again is a no-op (ready() may run
    twice in some test setups); registering other callables under a taken name is an error."""
    if not DOC_TYPE_RE.match(doc_type):
        raise ValueError(
            f"Document type {doc_type!r} must be a lower-case slug of at most 64 characters."
        )
    document_type = DocumentType(
        name=doc_type, load=load, all_ids=all_ids, schema=schema or DocumentSchema()
    )
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
