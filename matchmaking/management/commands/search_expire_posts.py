"""Bring the search index up to date with the calendar: supply and demand posts leave the
listings when their end date passes, and enter them when their start date arrives, without any
write that would enqueue their documents. This command enqueues them.

    manage.py search_expire_posts [--days N]

Run it daily from cron, soon after midnight (TIME_ZONE), for example
`5 0 * * * manage.py search_expire_posts`. It looks back --days days (default 2), so a run that
is missed or late is caught up by the next one; after a longer outage pass a larger --days.
The index jobs are drained after commit like any other (the worker, or inline on the embedded
default).
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matchmaking.services.posts import EXPIRY_CHECK_DAYS, post_index_expired


class Command(BaseCommand):
    help = (
        "Enqueue search index updates for supply and demand posts whose end date passed or "
        "whose start date arrived in the last --days days. Run daily from cron, soon after "
        "midnight; a missed run is caught up by the next one within the window."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=EXPIRY_CHECK_DAYS,
            help=f"How many days back to look (default {EXPIRY_CHECK_DAYS}); raise it after "
            "an outage longer than a day.",
        )

    def handle(self, *args, days: int, **options) -> None:
        if days < 1:
            raise CommandError("--days must be at least 1.")
        count = post_index_expired(days=days)
        self.stdout.write(f"Enqueued {count} post(s) for the search index.")
