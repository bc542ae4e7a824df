"""Background tasks of search, run by django-tasks (inline after commit on the immediate backend
of the embedded default, by the worker in production)."""

import dataclasses
import logging

from django_tasks import task

from search.backends import configured_writer
from search.services import DrainReport, index_outbox_drain

logger = logging.getLogger(__name__)

# On the immediate backend the drain runs inside the request that saved: bound it. A larger
# backlog is left to the next run, the worker, or `manage.py search_drain`.
MAX_BATCHES_PER_RUN = 20


def drain_until_empty(*, max_batches: int = MAX_BATCHES_PER_RUN) -> DrainReport:
    """Drain due jobs into the configured writer, batch after batch, until none is due (or
    max_batches were applied)."""
    backend = configured_writer()
    total = DrainReport()
    for _batch in range(max_batches):
        report = index_outbox_drain(backend=backend)
        total += report
        if not report.claimed:
            break
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
