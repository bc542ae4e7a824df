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


@task()
def index_outbox_drain_task() -> dict[str, int]:
    """Drain the due index jobs into the configured backend; returns the DrainReport's counts."""
    backend = configured_writer()
    total = DrainReport()
    try:
        for _batch in range(MAX_BATCHES_PER_RUN):
            report = index_outbox_drain(backend=backend)
            total += report
            if not report.claimed:
                break
    except Exception:
        # The immediate backend records a task's exception without logging it.
        logger.exception("Draining the index outbox failed.")
        raise
    return dataclasses.asdict(total)
