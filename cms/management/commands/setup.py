from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Bring a database and a checkout up to date: migrations, taxonomy, translations, "
        "static files, (unless --no-demo) the demo data, and the search index. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="skip the demo data")
        parser.add_argument("--no-static", action="store_true", help="skip collectstatic")

    def handle(self, *args, no_demo: bool, no_static: bool, **options):
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("load_taxonomy", verbosity=verbosity)
        call_command("compiletranslations", verbosity=verbosity)
        if not no_static:
            call_command("collectstatic", interactive=False, verbosity=0)
        if not no_demo:
            call_command("load_demo", verbosity=verbosity)
        # The index follows the database through the outbox; a rebuild also picks up data
        # written before this version indexed it, or by an earlier tokenizer.
        call_command("search_rebuild", verbosity=verbosity)
