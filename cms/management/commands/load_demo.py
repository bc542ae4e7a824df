from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from cms.demo.accounts import DEMO_PASSWORD, ROLE_LOGINS, SITE_ADMIN_EMAIL, load_accounts
from cms.demo.chat import load_chat
from cms.demo.events import load_events
from cms.demo.pages import load_pages
from cms.demo.posts import load_posts
from cms.demo.profiles import load_profiles
from matchmaking.services.suggestions import suggestions_compute_all
from taxonomy.selectors import country_list

ROLE_LABELS = {
    "exporter": "exporter (owner)",
    "exporter_admin": "exporter (admin)",
    "exporter_member": "exporter (member)",
    "platform": "e-commerce platform (owner)",
    "service_provider": "service provider (owner)",
    "bureau_staff": "bureau staff (sets up TOTP at first sign-in)",
}


class Command(BaseCommand):
    help = (
        "Load the bilingual demo: organizations, users, pages, capability profiles, "
        "supply and demand posts, and events with registrations. Safe to run again."
    )

    def handle(self, *args, **options):
        if not country_list().exists():  # profiles and posts name HS headings, markets
            call_command("load_taxonomy", verbosity=0)
        # The demo's invitations and verification notices would otherwise flood the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            organizations = load_accounts()
            load_pages()
            profiles = load_profiles(organizations)  # needs the owners load_accounts made
            posts = load_posts(organizations)
            events = load_events(organizations)  # after the pages: the index goes under home
            chat_messages = load_chat(organizations)  # an accepted meeting and its conversation
            # Everyone's suggested partners at once, from the profiles and posts just loaded.
            suggestions = suggestions_compute_all()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {len(organizations)} organizations, site pages; new: "
                f"{profiles['profiles']} capability profiles, {profiles['products']} products, "
                f"{profiles['warehouses']} warehouses, {profiles['lanes']} logistics lanes, "
                f"{posts} supply and demand posts, {events['events']} events with "
                f"{events['registrations']} registrations, {chat_messages} chat messages; "
                f"{suggestions.suggestions} suggested partners for {suggestions.organizations} "
                "organizations."
            )
        )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for key, (email, _slug, _role) in ROLE_LOGINS.items():
            self.stdout.write(f"  {ROLE_LABELS[key]:<48} {email}")
        self.stdout.write(
            f"  {'site administrator (sets up TOTP at first sign-in)':<48} {SITE_ADMIN_EMAIL}"
        )
