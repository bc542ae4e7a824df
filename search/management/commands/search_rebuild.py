"""Rebuild the search index from the database (the source of truth), with progress bars.

Each document type is rebuilt into the configured backend, and into the embedded fallback index
too when the configured backend is Elasticsearch. Searches keep answering from the old documents
until each new set is complete; changes saved meanwhile wait in the outbox and are applied at
the end.
"""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from search import registry
from search.backends import BackendUnavailable
from search.management.commands._targets import (
    add_doc_type_argument,
    chosen_doc_types,
    index_targets,
)
from search.services import index_rebuild
from search.tasks import drain_until_empty


class Command(BaseCommand):
    help = "Rebuild the search index from the database."

    def add_arguments(self, parser: CommandParser) -> None:
        add_doc_type_argument(parser)
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, doc_types: list[str] | None, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        backends = index_targets()
        for doc_type in chosen_doc_types(doc_types):
            expected = sum(1 for _ in registry.get(doc_type).all_ids())
            for target in backends:
                started = time.perf_counter()
                with tqdm(
                    total=expected,
                    unit="doc",
                    desc=f"{doc_type} → {target.name}",
                    file=self.stderr,
                    disable=None,
                ) as bar:
                    try:
                        count = index_rebuild(
                            backend=target,
                            doc_type=doc_type,
                            batch_size=batch_size,
                            progress=bar.update,
                        )
                    except BackendUnavailable as exc:
                        raise CommandError(f"{target.name} is unavailable: {exc}") from exc
                self.stdout.write(
                    f"{doc_type}: {count} document(s) indexed in {target.name} "
                    f"in {time.perf_counter() - started:.1f}s."
                )
        report = drain_until_empty(max_batches=None)
        self.stdout.write(f"Changes saved during the rebuild: {report.indexed + report.deleted}.")
