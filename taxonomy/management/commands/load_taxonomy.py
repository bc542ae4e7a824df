from django.core.management.base import BaseCommand

from taxonomy.services import taxonomy_load


class Command(BaseCommand):
    help = "Create or update HS chapters and headings, countries and regions. Safe to run again."

    def handle(self, *args, **options):
        counts = taxonomy_load()
        if options["verbosity"] > 0:
            for kind, count in counts.items():
                self.stdout.write(f"{kind}: {count}")
            self.stdout.write(self.style.SUCCESS("taxonomy loaded"))
