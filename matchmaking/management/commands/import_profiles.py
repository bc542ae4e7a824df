"""Import organizations and profiles from an .xlsx or CSV file, as the import page does.

    manage.py import_profiles organizations.xlsx --user staff@example.com [--dry-run]

Exit status: 0 when every row was imported (created, updated or unchanged); 1 when the file
or the arguments are refused (nothing changed); 2 when some rows were rejected (the others
were imported, and the report lists the rejected ones with their reasons), so that a script
can tell a partial import from a complete one.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from accounts.models import User
from matchmaking.services import organization_profile_import
from matchmaking.spreadsheets import SpreadsheetError, read_rows

PARTIAL_IMPORT_STATUS = 2


class Command(BaseCommand):
    help = (
        "Create or update organizations and their capability profiles from an .xlsx or .csv "
        "file in the import template's format, acting as --user."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .xlsx or .csv file.")
        parser.add_argument(
            "--user",
            required=True,
            help="E-mail of the acting user: bureau staff, or an organization's administrator.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and print the report, but save nothing.",
        )

    def handle(self, *args, path, user, dry_run, **options):
        acting = User.objects.filter(email__iexact=user.strip(), is_active=True).first()
        if acting is None:
            raise CommandError(f"No active user with the e-mail {user}.")
        file_path = Path(path)
        if not file_path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            with file_path.open("rb") as handle:
                rows = read_rows(File(handle, name=file_path.name))
        except SpreadsheetError as error:
            raise CommandError(f"The file is refused: {error.message}") from None
        show_progress = options["verbosity"] > 0
        with tqdm(total=len(rows), unit="row", file=self.stderr, disable=not show_progress) as bar:
            try:
                with transaction.atomic():
                    report = organization_profile_import(
                        rows=rows, by=acting, on_row=lambda _result: bar.update()
                    )
                    if dry_run:
                        transaction.set_rollback(True)
            except PermissionDenied as error:
                raise CommandError(str(error)) from None
        self._print(report, dry_run=dry_run)
        if report.rejected:
            raise CommandError(
                f"{report.rejected} of {len(report.rows)} rows were rejected.",
                returncode=PARTIAL_IMPORT_STATUS,
            )

    def _print(self, report, *, dry_run: bool) -> None:
        for row in report.rejected_rows:
            self.stdout.write(f"row {row.number} ({row.credit_code or '-'}): rejected")
            for reason in row.reasons:
                self.stdout.write(f"  - {reason}")
        summary = (
            f"created: {report.created}, updated: {report.updated}, "
            f"unchanged: {report.unchanged}, rejected: {report.rejected}"
        )
        if dry_run:
            summary += " (dry run: nothing was saved)"
        style = self.style.WARNING if report.rejected else self.style.SUCCESS
        self.stdout.write(style(summary))
