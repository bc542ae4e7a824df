"""Background tasks of search, run by django-tasks (inline after commit on the immediate backend
of the embedded default, by the worker in production)."""

import dataclasses
import itertools
import logging
from collections.abc import Callable

from django_tasks import task

from search.backends import IndexWriter, configured_writer
from search.services import DrainReport, index_outbox_drain

logger = logging.getLogger(__name__)

# On the immediate backend the drain runs inside the request that saved: bound it. A larger
# backlog is left to the next run, the worker, or `manage.py search_drain`.
MAX_BATCHES_PER_RUN = 20


def drain_until_empty(
    *,
    backend: IndexWriter | None = None,
    batch_size: int = 500,
    max_batches: int | None = MAX_BATCHES_PER_RUN,
    progress: Callable[[int], None] | None = None,
) -> DrainReport:
    """Drain due jobs into `backend` (default: the configured writer), batch after batch, until
    none is due or max_batches (None: no limit) were applied; `progress` gets each batch's
    number of jobs."""
    backend = backend or configured_writer()
    total = DrainReport()
    batches = itertools.count() if max_batches is None else range(max_batches)
    for _batch in batches:
        report = index_outbox_drain(backend=backend, batch_size=batch_size)
        if not report.claimed:
            break
        total += report
        if progress:
            progress(report.claimed)
    return total


@task()
def index_outbox_drain_task() -> dict[str, int]:
    """Drain the due index jobs into the configured backend; returns the DrainReport's counts."""
    try:
        total = drain_until_empty()
    except Exception:
        # The immediate backend records a task's exception without logging it.
        logger.exception("Draining the index outbox failed.")
        raise
    return dataclasses.asdict(total)
