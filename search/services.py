"""Every write to the index outbox (search.models.IndexJob).

A data change and its index job commit together or not at all; the search engine is only called
after commit, by the drain, which never raises into the code that saved. So a save succeeds
whether the engine is up, down, slow or answering errors, and no change is lost: a job leaves the
outbox only once the backend took it.

Settings (optional): SEARCH_OUTBOX_MAX_ATTEMPTS (default 10) failed attempts before a job is
marked failed; SEARCH_OUTBOX_LEASE_SECONDS (default 300) how long a drain owns the jobs it claimed
(a drain that dies mid-batch leaves them due again after that).
"""

import logging
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from search import registry
from search.backends.base import BackendUnavailable, IndexWriter, SearchBackend
from search.fingerprint import fingerprint
from search.models import IndexJob

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = timedelta(hours=1)
LAST_ERROR_MAX_CHARS = 2000


@dataclass(frozen=True)
class DrainReport:
    """What one index_outbox_drain() call did."""

    claimed: int = 0  # due jobs taken
    indexed: int = 0  # documents sent to backend.index()
    deleted: int = 0  # ids sent to backend.delete() (the app no longer wants them indexed)
    failed: int = 0  # jobs whose attempt failed: retried later, or given up (below)
    gave_up: int = 0  # jobs marked failed by this call (max attempts reached)
    released: int = 0  # jobs changed again while in flight: due again at once

    def __add__(self, other: "DrainReport") -> "DrainReport":
        return DrainReport(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


def outbox_max_attempts() -> int:
    return getattr(settings, "SEARCH_OUTBOX_MAX_ATTEMPTS", 10)


def _lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "SEARCH_OUTBOX_LEASE_SECONDS", 300))


def retry_delay(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failure: 2**attempts seconds, at most an hour, minus up to a
    quarter at random so that jobs that failed together do not all come back together."""
    delay = min(timedelta(seconds=2**attempts), MAX_RETRY_DELAY)
    return delay * random.uniform(0.75, 1.0)


def _drain_after_commit() -> None:
    # Imported here because search.tasks imports this module.
    from search.tasks import index_outbox_drain_task

    try:
        index_outbox_drain_task.enqueue()
    except Exception:
        # The save has committed and must stay a success; the jobs wait in the outbox for the
        # next drain (the next save, the worker, or `manage.py search_drain`).
        logger.exception("Could not schedule the index outbox drain.")


def index_job_enqueue(*, doc_type: str, object_ids: Iterable[int]) -> None:
    """Record that these objects' search documents must be refreshed, and drain after commit.

    Precondition: call inside the transaction that changes the objects (a service decorated with
    @transaction.atomic), so that the job commits with the change or not at all. Raises
    TransactionManagementError otherwise, and LookupError for an unregistered doc_type.

    Enqueueing an object that already has a job coalesces into it (an upsert on
    (doc_type, object_id), on SQLite and PostgreSQL alike); the new token tells a drain that is
    applying the old state to leave the job in place. A job that is backing off or marked failed
    keeps its schedule: the change is applied by its next attempt.
    """
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            "index_job_enqueue() must run inside the transaction that changes the objects."
        )
    registry.get(doc_type)
    # Sorted, so that concurrent transactions lock the same rows in the same order (no deadlock).
    ids = sorted({int(object_id) for object_id in object_ids})
    if not ids:
        return
    now = timezone.now()
    IndexJob.objects.bulk_create(
        [
            IndexJob(doc_type=doc_type, object_id=object_id, created_at=now, next_attempt_at=now)
            for object_id in ids
        ],
        update_conflicts=True,
        unique_fields=["doc_type", "object_id"],
        update_fields=["token"],
        batch_size=500,
    )
    _schedule_drain_once()


class _DrainAfterCommit:
    """The on-commit callback that drains, marked once it ran (tests may run callbacks of a
    transaction that then stays open, leaving them in the pending list)."""

    def __init__(self) -> None:
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        _drain_after_commit()


def _schedule_drain_once() -> None:
    """One drain per transaction, however many enqueues it made (a bulk import, the demo
    loader). Django keeps the pending on-commit callbacks of the connection in run_on_commit as
    (savepoint ids, callable, robust) tuples."""
    pending = transaction.get_connection().run_on_commit
    if not any(isinstance(entry[1], _DrainAfterCommit) and not entry[1].ran for entry in pending):
        transaction.on_commit(_DrainAfterCommit())


def _claim(*, now: datetime, batch_size: int) -> list[IndexJob]:
    """Take up to batch_size due jobs and lease them, in a short transaction of its own.

    The lease (next_attempt_at moved past the batch's expected duration) keeps other drains off
    these jobs without holding row locks while the search engine is called, which would make
    saves of the same objects wait for the engine.
    """
    with transaction.atomic():
        due = (
            IndexJob.objects.filter(failed_at__isnull=True, next_attempt_at__lte=now)
            .exclude(doc_type__in=_doc_types_being_rebuilt())
            .order_by("next_attempt_at", "id")
        )
        if connection.features.has_select_for_update_skip_locked:
            # PostgreSQL: parallel drains split the due jobs instead of waiting for each other.
            # SQLite serializes writers anyway; a job taken twice is only indexed twice.
            due = due.select_for_update(skip_locked=True)
        jobs = list(due.only("id", "doc_type", "object_id", "token", "attempts")[:batch_size])
        if jobs:
            IndexJob.objects.filter(pk__in=[job.pk for job in jobs]).update(
                next_attempt_at=now + _lease()
            )
    return jobs


def _apply(*, backend: IndexWriter, doc_type: str, object_ids: list[int]) -> tuple[int, int]:
    """Send the current documents to the backend; returns (indexed, deleted)."""
    documents = list(registry.get(doc_type).load(object_ids))
    absent = sorted(set(object_ids) - {document["id"] for document in documents})
    if documents:
        backend.index(doc_type, documents)
    if absent:
        backend.delete(doc_type, absent)
    return len(documents), len(absent)


def _complete(jobs: list[IndexJob], *, now: datetime) -> int:
    """Delete the jobs the backend took; returns how many changed meanwhile and stay due."""
    with transaction.atomic():
        IndexJob.objects.filter(token__in=[job.token for job in jobs]).delete()
        # A job whose token changed got a newer change after we loaded the documents: release
        # the lease so that the next batch applies it.
        return IndexJob.objects.filter(pk__in=[job.pk for job in jobs]).update(next_attempt_at=now)


def _record_failure(jobs: list[IndexJob], *, error: str, now: datetime) -> int:
    """Back the jobs off; returns how many reached the maximum and are now marked failed.

    One UPDATE per distinct attempt count (at most SEARCH_OUTBOX_MAX_ATTEMPTS of them), not one
    per job.
    """
    max_attempts = outbox_max_attempts()
    by_attempts: dict[int, list[int]] = defaultdict(list)
    for job in jobs:
        by_attempts[job.attempts + 1].append(job.pk)
    gave_up = 0
    with transaction.atomic():
        for attempts, pks in by_attempts.items():
            changes = {
                "attempts": attempts,
                "last_error": error,
                "next_attempt_at": now + retry_delay(attempts),
            }
            if attempts >= max_attempts:
                changes["failed_at"] = now
                gave_up += len(pks)
            IndexJob.objects.filter(pk__in=pks).update(**changes)
    return gave_up


def index_outbox_drain(
    *, backend: IndexWriter, batch_size: int = 500, now: datetime | None = None
) -> DrainReport:
    """Apply one batch of due jobs to `backend`; call again until `claimed` is 0.

    Jobs are grouped per document type; each group's documents are loaded through the registry
    (the database's state at this moment) and indexed, and the ids the app left out are deleted.
    A group that fails (BackendUnavailable, or any other error, such as a bug in `load`) backs
    off without affecting the other groups, and never raises from here. Call outside of other
    transactions: the claim must commit before the engine is called.
    """
    now = now or timezone.now()
    jobs = _claim(now=now, batch_size=batch_size)
    groups: dict[str, list[IndexJob]] = defaultdict(list)
    for job in jobs:
        groups[job.doc_type].append(job)

    indexed = deleted = failed = gave_up = released = 0
    for doc_type, group in groups.items():
        try:
            group_indexed, group_deleted = _apply(
                backend=backend, doc_type=doc_type, object_ids=[job.object_id for job in group]
            )
        except Exception as exc:
            if isinstance(exc, BackendUnavailable):
                logger.warning("Search backend unavailable for %s documents: %s", doc_type, exc)
            else:
                logger.exception("Indexing %s documents failed.", doc_type)
            error = f"{type(exc).__name__}: {exc}"[:LAST_ERROR_MAX_CHARS]
            failed += len(group)
            gave_up += _record_failure(group, error=error, now=now)
        else:
            indexed += group_indexed
            deleted += group_deleted
            released += _complete(group, now=now)
    return DrainReport(
        claimed=len(jobs),
        indexed=indexed,
        deleted=deleted,
        failed=failed,
        gave_up=gave_up,
        released=released,
    )


@transaction.atomic
def index_outbox_retry_failed(*, doc_type: str | None = None) -> int:
    """Make the jobs marked failed due again, with a fresh attempt count; returns how many.

    last_error stays until a drain succeeds, as a record of what went wrong.
    """
    jobs = IndexJob.objects.filter(failed_at__isnull=False)
    if doc_type is not None:
        jobs = jobs.filter(doc_type=doc_type)
    count = jobs.update(failed_at=None, attempts=0, next_attempt_at=timezone.now())
    if count:
        transaction.on_commit(_drain_after_commit)
    return count


# --- Rebuild and check ------------------------------------------------------------------------


def _chunks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    chunk: list[int] = []
    for object_id in ids:
        chunk.append(int(object_id))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _documents_in_batches(
    doc_type: str, *, batch_size: int, progress: Callable[[int], None] | None
) -> Iterator[list[dict[str, Any]]]:
    document_type = registry.get(doc_type)
    for ids in _chunks(document_type.all_ids(), batch_size):
        documents = list(document_type.load(ids))
        if progress:
            progress(len(ids))
        yield documents


# While a document type is rebuilt, drains leave its jobs alone: on Elasticsearch they would
# update the index that the rebuild is about to replace, and be lost with it. The flag lives in
# the cache (Redis in production, so every process sees it) and expires by itself should the
# rebuilding process die.
REBUILD_FLAG_SECONDS = 6 * 3600


def _rebuild_flag(doc_type: str) -> str:
    return f"search:rebuilding:{doc_type}"


def _doc_types_being_rebuilt() -> list[str]:
    flags = cache.get_many([_rebuild_flag(doc_type) for doc_type in registry.doc_types()])
    return [doc_type for doc_type in registry.doc_types() if _rebuild_flag(doc_type) in flags]


def index_rebuild(
    *,
    backend: SearchBackend,
    doc_type: str,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Replace the index's documents of `doc_type` with the database's; returns how many.

    Searches keep working throughout (the backend swaps the new set in at the end). Changes
    saved meanwhile wait in the outbox (drains skip this type until the rebuild ends) and are
    applied to the new index afterwards. `progress` is called with each batch's size.
    """
    cache.set(_rebuild_flag(doc_type), True, REBUILD_FLAG_SECONDS)
    try:
        return backend.rebuild(
            doc_type, _documents_in_batches(doc_type, batch_size=batch_size, progress=progress)
        )
    finally:
        cache.delete(_rebuild_flag(doc_type))


@dataclass(frozen=True)
class CheckReport:
    """How the index differs from the database for one document type (object ids, sorted)."""

    doc_type: str
    expected: int  # documents the database says belong in the index
    missing: list[int]  # belong in the index, absent from it
    stale: list[int]  # indexed, but not as the database has them now
    extra: list[int]  # indexed, but no longer belong there

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def index_check(
    *,
    backend: SearchBackend,
    doc_type: str,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> CheckReport:
    """Compare the index with the database by document fingerprints (read-only)."""
    indexed = backend.fingerprints(doc_type)
    expected: dict[int, str] = {}
    for documents in _documents_in_batches(doc_type, batch_size=batch_size, progress=progress):
        expected.update({document["id"]: fingerprint(document) for document in documents})
    return CheckReport(
        doc_type=doc_type,
        expected=len(expected),
        missing=sorted(set(expected) - set(indexed)),
        stale=sorted(pk for pk in expected.keys() & indexed.keys() if expected[pk] != indexed[pk]),
        extra=sorted(set(indexed) - set(expected)),
    )


def index_check_repair(*, report: CheckReport) -> int:
    """Enqueue every id the check found wrong; the drain then fixes each (absent ones are
    deleted). Returns how many were enqueued."""
    ids = [*report.missing, *report.stale, *report.extra]
    with transaction.atomic():
        index_job_enqueue(doc_type=report.doc_type, object_ids=ids)
    return len(ids)
