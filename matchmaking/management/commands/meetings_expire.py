"""Close meeting requests nobody answered in time, and tell both sides.

    manage.py meetings_expire

Safe to run as often as wanted (a schedule runs it every hour or so): a request is closed
once, and a run that finds nothing to close changes nothing.
"""

from django.core.management.base import BaseCommand

from matchmaking.services.meetings import meeting_requests_expire


class Command(BaseCommand):
    help = "Mark open meeting requests past their expiry date as expired and notify both sides."

    def handle(self, *args, **options):
        count = meeting_requests_expire()
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(f"expired: {count}"))
