"""Apply every due index job to a search backend, with a progress bar.

The jobs go where the after-commit drain sends them (search.backends.configured_writer), unless
`--backend` names another one by the dotted path of a zero-argument callable returning it.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from search.backends import backend_from_path, configured_writer
from search.selectors import index_outbox_stats
from search.services import index_outbox_retry_failed
from search.tasks import drain_until_empty


class Command(BaseCommand):
    help = "Apply the due jobs of the search index outbox until none is due, then print its state."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--backend",
            default="",
            help="Dotted path to a callable returning the backend to drain into "
            "(default: the configured backend).",
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="First make the jobs marked failed due again.",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, backend: str, retry_failed: bool, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            search_backend = backend_from_path(backend) if backend else configured_writer()
        except (ImportError, TypeError) as exc:
            raise CommandError(f"Cannot use backend {backend!r}: {exc}") from exc

        if retry_failed:
            count = index_outbox_retry_failed()
            self.stdout.write(f"Re-queued {count} failed job(s).")

        with tqdm(
            total=index_outbox_stats().due,
            unit="job",
            desc="Draining",
            file=self.stderr,
            disable=None,  # no bar when stderr is not a terminal (cron, CI)
        ) as bar:
            total = drain_until_empty(
                backend=search_backend,
                batch_size=batch_size,
                max_batches=None,
                progress=bar.update,
            )

        if not (options["verbosity"] or total.claimed):
            return  # quiet when run every few seconds with nothing to do (the scheduler)
        self.stdout.write(
            f"Indexed {total.indexed}, deleted {total.deleted}, failed {total.failed} "
            f"(marked failed: {total.gave_up})."
        )
        stats = index_outbox_stats()
        line = f"Outbox: {stats.pending} pending ({stats.due} due), {stats.failed} failed"
        if stats.oldest_pending_age is not None:
            line += f"; oldest pending change: {stats.oldest_pending_age.total_seconds():.0f}s ago"
        self.stdout.write(line + ".")
        if total.failed or stats.failed:
            self.stdout.write(
                self.style.WARNING(
                    "Some jobs failed; see IndexJob.last_error. "
                    "Failed jobs are retried with --retry-failed."
                )
            )
