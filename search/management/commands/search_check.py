"""Compare the search index with the database and report missing, stale and extra documents.

Read-only unless --repair, which enqueues every differing id so that the next drain fixes it.
Exits with status 1 while differences remain, so that a scheduler can alert on it.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from search.backends import BackendUnavailable
from search.management.commands._targets import (
    add_doc_type_argument,
    chosen_doc_types,
    index_targets,
)
from search.services import index_check, index_check_repair

SHOWN_IDS = 20


class Command(BaseCommand):
    help = "Compare the search index with the database; --repair enqueues what differs."

    def add_arguments(self, parser: CommandParser) -> None:
        add_doc_type_argument(parser)
        parser.add_argument(
            "--repair", action="store_true", help="Enqueue every differing document."
        )

    def handle(self, *args, doc_types: list[str] | None, repair: bool, **options) -> None:
        backends = index_targets()
        differing = 0
        for doc_type in chosen_doc_types(doc_types):
            for target in backends:
                with tqdm(
                    unit="doc", desc=f"{doc_type} ↔ {target.name}", file=self.stderr, disable=None
                ) as bar:
                    try:
                        report = index_check(backend=target, doc_type=doc_type, progress=bar.update)
                    except BackendUnavailable as exc:
                        raise CommandError(f"{target.name} is unavailable: {exc}") from exc
                self.stdout.write(
                    f"{doc_type} in {target.name}: {report.expected} expected, "
                    f"{len(report.missing)} missing, {len(report.stale)} stale, "
                    f"{len(report.extra)} extra."
                )
                for label, ids in (
                    ("missing", report.missing),
                    ("stale", report.stale),
                    ("extra", report.extra),
                ):
                    if ids:
                        shown = ", ".join(str(pk) for pk in ids[:SHOWN_IDS])
                        more = f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else ""
                        self.stdout.write(f"  {label}: {shown}{more}")
                if report.ok:
                    continue
                if repair:
                    count = index_check_repair(report=report)
                    self.stdout.write(f"  enqueued {count} document(s) for the next drain.")
                else:
                    differing += 1
        if differing:
            raise CommandError(
                "The index differs from the database; run with --repair, or search_rebuild."
            )
