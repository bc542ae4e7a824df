from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.utils import translation
from wagtail.users.models import UserProfile

from accounts.models import MembershipRole, OrganizationKind
from accounts.services import BUREAU_STAFF_GROUP
from taxonomy.services import taxonomy_load
from tests.factories import MembershipFactory, OrganizationFactory
from tests.factories.two_factor import activate_totp, sign_in_with_totp


def pytest_sessionstart(session):
    """Pages render in Chinese by default: compile the message catalog before any test runs.

    Only in the controlling process: xdist workers start after it and find the .mo in place.
    """
    if not hasattr(session.config, "workerinput"):
        call_command("compiletranslations", verbosity=0)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last, after pytest-django's own ordering.

    Playwright's sync API keeps an event loop running in the main thread from its first use to
    the end of the session; an async test (Channels consumers) scheduled after it could not run.
    """
    items.sort(key=lambda item: "browser" in item.keywords)


@pytest.fixture(scope="session", autouse=True)
def database_snapshot(django_db_setup) -> dict[str, str]:
    """What the migrations wrote (Wagtail's page tree, locales, groups), serialized by Django
    when it created the test databases, taken before any test can run an event loop.

    Django's serialized rollback keeps this snapshot on the connection object. Under a running
    event loop (Playwright's sync API keeps one in the main thread) Django hands out another
    connection object, without the snapshot, so browser tests restore from this copy instead.
    """
    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if getattr(connections[alias], "_test_serialized_contents", None)
    }


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Chinese): a request to an English page
    leaves English active in the thread, and reverse() would then build /en/ URLs."""
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_cache(settings, worker_id):
    """Rate-limit counters live in the cache (Redis in CI): no test inherits another's.

    On Redis, clearing the cache flushes the whole database, so each xdist worker gets a
    database of its own (the configured one + the worker's number); otherwise one worker's
    clear() would wipe the counters of a test running in the other.
    """
    if settings.REDIS_URL:
        url = urlsplit(settings.REDIS_URL)
        base = int(url.path.strip("/") or 0)
        number = int(worker_id[2:]) if worker_id.startswith("gw") else 0
        location = urlunsplit(url._replace(path=f"/{base + 1 + number}"))
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": location}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_prepared_facts(monkeypatch):
    """The process's copy of the matching facts (matchmaking.services.suggestions) starts
    empty in every test: a rolled-back test may leave ids and timestamps it no longer has."""
    from matchmaking.services import suggestions

    monkeypatch.setattr(suggestions, "_prepared", suggestions._PreparedFactsCache())


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def owner(organization):
    return MembershipFactory(organization=organization, role=MembershipRole.OWNER).user


@pytest.fixture
def org_admin(organization, owner):
    return MembershipFactory(organization=organization, role=MembershipRole.ADMIN).user


@pytest.fixture
def member(organization, owner):
    return MembershipFactory(organization=organization, role=MembershipRole.MEMBER).user


@pytest.fixture
def outsider(db):
    """A member of another organization."""
    return MembershipFactory(role=MembershipRole.OWNER).user


@pytest.fixture
def bureau_staff(db):
    """A member of the commerce bureau, with the TOTP authenticator such accounts must have."""
    bureau = OrganizationFactory(kind=OrganizationKind.BUREAU, name_zh="北京市商务局")
    user = MembershipFactory(organization=bureau, role=MembershipRole.MEMBER).user
    user.totp_secret = activate_totp(user)
    return user


@pytest.fixture
def bureau_client(client, bureau_staff):
    """A client signed in as bureau staff through the password + authenticator code flow."""
    sign_in_with_totp(client, bureau_staff, bureau_staff.totp_secret)
    return client


@pytest.fixture
def staff(bureau_staff):
    """Bureau staff as accounts.services makes them (in the group that opens the admin),
    reading the admin in English so that the messages the tests check read as written."""
    bureau_staff.groups.add(Group.objects.get(name=BUREAU_STAFF_GROUP))
    profile = UserProfile.get_for_user(bureau_staff)
    profile.preferred_language = "en"
    profile.save()
    return bureau_staff


@pytest.fixture
def staff_client(client, staff):
    """The Wagtail admin, signed in as `staff`."""
    sign_in_with_totp(client, staff, staff.totp_secret)
    return client


@pytest.fixture
def taxonomy(db) -> dict[str, int]:
    """The whole taxonomy, loaded as `manage.py setup` loads it; returns the counts per kind.

    Cheap enough to load per test (a fraction of a second on SQLite), so each test starts from
    the real data rather than a hand-made subset.
    """
    return taxonomy_load()
