import pytest
from django.core.cache import cache

from accounts.models import MembershipRole, OrganizationKind
from taxonomy.services import taxonomy_load
from tests.factories import MembershipFactory, OrganizationFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache (Redis in CI): no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


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
    from allauth.mfa.models import Authenticator

    bureau = OrganizationFactory(kind=OrganizationKind.BUREAU, name_zh="北京市商务局")
    user = MembershipFactory(organization=bureau, role=MembershipRole.MEMBER).user
    # Bureau staff must have two-factor set up before they can use the site (see middleware).
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def taxonomy(db) -> dict[str, int]:
    """The whole taxonomy, loaded as `manage.py setup` loads it; returns the counts per kind.

    Cheap enough to load per test (a fraction of a second on SQLite), so each test starts from
    the real data rather than a hand-made subset.
    """
    return taxonomy_load()
