"""Remind confirmed registrants, the day before, of the events they registered for.

    manage.py events_send_reminders [--date YYYY-MM-DD]

Without --date, the events starting tomorrow (Beijing date, TIME_ZONE) are reminded. Each
registration is reminded once: it is marked in the transaction that sends its e-mail, so a
second run sends nothing, two overlapping runs do not both send, and a failed send leaves it
unmarked for the next run. That makes it safe to run every hour of the day before (the
scheduler in docker-compose.yml does), which also reminds registrations confirmed later that
day, from the waitlist or by review.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from events import emails
from events.selectors import registration_reminder_due_list
from events.services.registrations import registration_mark_reminded


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {text!r}.") from None


class Command(BaseCommand):
    help = (
        "E-mail the day-before reminder to confirmed registrations for the events starting "
        "tomorrow (Beijing date), or on --date. Sends each reminder once: safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=_date,
            help="The day (YYYY-MM-DD, Beijing date) whose events to remind; default tomorrow.",
        )

    def handle(self, *args, date: datetime.date | None, **options) -> None:
        beijing = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        day = date or timezone.localdate(timezone=beijing) + datetime.timedelta(days=1)
        due = list(registration_reminder_due_list(day=day))
        sent, failed = 0, []
        for registration in due:
            try:
                with transaction.atomic():
                    # False when another run got there first; its mark is committed.
                    if not registration_mark_reminded(registration=registration):
                        continue
                    emails.send_reminder(registration=registration)
            except OSError as error:  # smtplib's errors are OSErrors; the next one may go
                failed.append(f"registration {registration.pk}: {error}")
                continue
            sent += 1
        self.stdout.write(
            f"Reminders for events on {day.isoformat()}: {len(due)} due, {sent} sent."
        )
        if failed:
            for line in failed:
                self.stderr.write(f"Not sent, will be retried: {line}")
            raise CommandError(f"{len(failed)} reminder(s) could not be sent.")
