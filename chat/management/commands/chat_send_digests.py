"""E-mail each offline participant a digest of the chat messages they have not read.

    manage.py chat_send_digests

One e-mail per user, with a section per conversation; each conversation at most once per
CHAT_DIGEST_PERIOD_MINUTES (chat.digests). Safe to run at any time and as often as you like:
a second run within the period sends nothing new. The scheduler in docker-compose.yml runs it
every five minutes.
"""

from django.core.management.base import BaseCommand

from chat.digests import digests_send


class Command(BaseCommand):
    help = (
        "E-mail participants who are offline a digest of their unread chat messages (each "
        "conversation at most once per CHAT_DIGEST_PERIOD_MINUTES). Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        sent = digests_send()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Chat digests sent: {sent}.")
