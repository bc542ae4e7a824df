"""Recompute the suggested partners of every organization (or of the ones named), with a
progress bar. Run nightly; changes to one profile or its posts recompute that organization's own
suggestions as they happen."""

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from matchmaking.services.suggestions import suggestions_compute_all, suggestions_compute_for


class Command(BaseCommand):
    help = "Recompute suggested partners for all organizations (or those given by id)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "organization_ids", nargs="*", type=int, help="Only these organizations."
        )

    def handle(self, *args, organization_ids: list[int], **options) -> None:
        if organization_ids:
            report = suggestions_compute_for(organization_ids=organization_ids)
        else:
            bars: dict[str, tqdm] = {}

            def progress(stage: str, done: int, total: int) -> None:
                bar = bars.get(stage)
                if bar is None:
                    bar = bars[stage] = tqdm(
                        total=total, desc=stage, unit="row", file=self.stderr, disable=None
                    )
                bar.update(done - bar.n)

            try:
                report = suggestions_compute_all(progress=progress)
            finally:
                for bar in bars.values():
                    bar.close()
        timings = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in report.seconds.items())
        self.stdout.write(
            f"{report.suggestions} suggestion(s) for {report.organizations} organization(s) "
            f"among {report.candidates} candidate(s)" + (f" ({timings})." if timings else ".")
        )
