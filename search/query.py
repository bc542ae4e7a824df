"""What a search asks for and what it gets back: the query half of the backend contract.

Plain frozen dataclasses, the same for every backend, so that pages, the API and the matching
engine never see a client library. A backend answers a SearchQuery with a SearchResults.

Text
    The user's text goes through search.analysis (query_tokens, expand_query): every group of
    alternatives must match somewhere in a document's text fields (AND between groups, OR within
    a group). When no document matches every group, backends answer the query with any group
    matching instead (OR) and say so with `relaxed=True`, so that a long query still finds the
    closest documents. Blank text (or text with no letters or digits) matches every document:
    the filters alone decide, and "relevance" falls back to recency.

Filters and facets
    Filters map a keyword field to the values allowed: a document passes when it has at least one
    of the values of each filtered field (OR within a field, AND across fields). A facet counts,
    per value, the documents that match the query and every filter of the other fields (so a
    user can widen a choice already made); counts are sorted by count, then value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SORT_RELEVANCE = "relevance"
SORT_RECENT = "recent"
SORTS = (SORT_RELEVANCE, SORT_RECENT)

PER_PAGE_MAX = 100
FACET_SIZE_MAX = 200
# Deep pages cost every backend more and no person reads them; Elasticsearch refuses past 10,000.
RESULT_WINDOW = 10_000


def plain_text(text: str) -> str:
    """User text with what no database or engine accepts removed (NUL, lone surrogates)."""
    return (text or "").replace("\x00", "").encode("utf-8", "ignore").decode("utf-8")


@dataclass(frozen=True)
class SearchQuery:
    """One search. `doc_types` are registered document types (search.registry); the others
    are validated by `clean()`, which backends call first."""

    doc_types: tuple[str, ...]
    text: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    facets: tuple[str, ...] = ()
    sort: str = SORT_RELEVANCE
    page: int = 1
    per_page: int = 20
    facet_size: int = 50

    def clean(self) -> SearchQuery:
        """The same query with page and sizes clamped to what backends accept.

        Raises ValueError for an unknown sort or an empty doc_types: those are programming errors,
        while page numbers come from users and are clamped rather than refused.
        """
        if self.sort not in SORTS:
            raise ValueError(f"Unknown sort {self.sort!r}; expected one of {SORTS}.")
        if not self.doc_types:
            raise ValueError("A search needs at least one document type.")
        per_page = min(max(int(self.per_page), 1), PER_PAGE_MAX)
        last_page = max(RESULT_WINDOW // per_page, 1)
        return SearchQuery(
            doc_types=tuple(self.doc_types),
            text=plain_text(self.text),
            filters={name: tuple(values) for name, values in self.filters.items() if values},
            facets=tuple(self.facets),
            sort=self.sort,
            page=min(max(int(self.page), 1), last_page),
            per_page=per_page,
            facet_size=min(max(int(self.facet_size), 1), FACET_SIZE_MAX),
        )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Hit:
    """One matching document.

    `source` holds the document's stored fields (those its schema lists as `stored`);
    `highlights` maps a text field to HTML-escaped fragments with the matched words in <mark>
    (safe to render as they are).
    """

    doc_type: str
    id: int
    score: float
    source: Mapping[str, Any]
    highlights: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResults:
    query: SearchQuery
    hits: Sequence[Hit]
    total: int
    facets: Mapping[str, Sequence[FacetValue]] = field(default_factory=dict)
    # True when no document matched every word and the results match some of them (see above).
    relaxed: bool = False
    # True when the configured engine was unreachable and another backend answered (search.router).
    degraded: bool = False

    @property
    def page_count(self) -> int:
        return max(-(-min(self.total, RESULT_WINDOW) // self.query.per_page), 1)


@dataclass(frozen=True)
class Suggestion:
    """An autocomplete entry: the phrase to put into the box, and the document it came from."""

    text: str
    doc_type: str
    id: int
