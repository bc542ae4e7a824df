"""Reads of the index outbox, for the health endpoint and `manage.py search_drain`."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from search.models import IndexJob


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
