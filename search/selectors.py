"""Reads of search: queries with fallback (for pages, the API and matching), the engine's health,
and the index outbox's state."""

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from search.backends import (
    BackendUnavailable,
    EmbeddedBackend,
    configured_backend,
    engine_mark_down,
    engine_mark_up,
    engine_marked_down,
)
from search.models import IndexJob
from search.query import Hit, SearchQuery, SearchResults, Suggestion

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxStats:
    pending: int  # not marked failed: due, backing off, or being applied
    due: int  # pending and due now
    failed: int  # marked failed after the maximum attempts; retried only on request
    oldest_pending_age: timedelta | None  # how far the index lags behind the database


def index_outbox_stats(*, now: datetime | None = None) -> OutboxStats:
    """One aggregate query."""
    now = now or timezone.now()
    pending = Q(failed_at__isnull=True)
    row = IndexJob.objects.aggregate(
        pending=Count("id", filter=pending),
        due=Count("id", filter=pending & Q(next_attempt_at__lte=now)),
        failed=Count("id", filter=Q(failed_at__isnull=False)),
        oldest=Min("created_at", filter=pending),
    )
    return OutboxStats(
        pending=row["pending"],
        due=row["due"],
        failed=row["failed"],
        oldest_pending_age=now - row["oldest"] if row["oldest"] else None,
    )


# --- Searching -------------------------------------------------------------------------------
#
# Pages and the API search through these functions, never through a backend directly: when the
# configured engine (Elasticsearch) is unreachable they answer from the embedded index, which the
# outbox keeps current too (search.backends), and mark the answer degraded so that the page can
# say results may be incomplete. After a failure the engine is skipped for
# search.backends.ENGINE_RETRY_SECONDS, so that while it is down each search costs one database
# query, not a timeout.


def search_run(query: SearchQuery) -> SearchResults:
    """Results of `query` (see search.query), from the engine or, degraded, the fallback."""
    return _with_fallback(lambda backend: backend.search(query))


def search_suggest(
    text: str,
    *,
    doc_types: Sequence[str],
    filters: Mapping[str, Sequence[str]] | None = None,
    limit: int = 8,
) -> list[Suggestion]:
    return _with_fallback(
        lambda backend: backend.suggest(text, doc_types=doc_types, filters=filters, limit=limit)
    )


def search_more_like_this(
    doc_type: str,
    object_id: int,
    *,
    doc_types: Sequence[str],
    filters: Mapping[str, Sequence[str]] | None = None,
    limit: int = 20,
) -> list[Hit]:
    return _with_fallback(
        lambda backend: backend.more_like_this(
            doc_type, object_id, doc_types=doc_types, filters=filters, limit=limit
        )
    )


@dataclass(frozen=True)
class SearchHealth:
    backend: str  # the configured engine's name
    available: bool  # it answered just now
    degraded: bool  # searches are being answered by the fallback
    outbox: OutboxStats


def search_health() -> SearchHealth:
    """Asks the configured engine (bounded by its timeout) and reads the outbox."""
    backend = configured_backend()
    try:
        backend.ping()
    except BackendUnavailable:
        available = False
    else:
        available = True
        engine_mark_up()
    return SearchHealth(
        backend=backend.name,
        available=available,
        degraded=not available and not isinstance(backend, EmbeddedBackend),
        outbox=index_outbox_stats(),
    )


def _with_fallback(ask):
    backend = configured_backend()
    if isinstance(backend, EmbeddedBackend):
        return ask(backend)
    if not engine_marked_down():
        try:
            return ask(backend)
        except BackendUnavailable as exc:
            logger.warning("Search engine unavailable, answering from the fallback: %s", exc)
            engine_mark_down(str(exc))
    answer = ask(EmbeddedBackend())
    if isinstance(answer, SearchResults):
        return dataclasses.replace(answer, degraded=True)
    return answer
