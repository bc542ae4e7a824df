import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import translation

from accounts.models import MembershipRole, OrganizationKind
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def test_failed_logins_lock_the_account_for_a_while(client):
    """allauth counts failures per account in the cache (Redis when REDIS_URL is set)."""
    user = UserFactory(email="target@example.com")
    with translation.override("en"):
        login_url = reverse("account_login")
    for attempt in range(5):
        response = client.post(login_url, {"login": user.email, "password": f"wrong-{attempt}"})
        assert "Too many failed login attempts" not in response.content.decode()
    # Even the right password is refused while the limit holds.
    response = client.post(login_url, {"login": user.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_requests_are_rate_limited_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    statuses = [
        client.post(
            reverse("account_login"), {"login": f"nobody{n}@example.com", "password": "x"}
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


class TestBureauStaffTwoFactor:
    @pytest.fixture
    def clerk(self):
        bureau = OrganizationFactory(kind=OrganizationKind.BUREAU)
        return MembershipFactory(organization=bureau, role=MembershipRole.MEMBER).user

    def sign_in(self, client, user):
        """A real sign-in: allauth asks a force_login()ed user to reauthenticate for MFA setup."""
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )
        assert response.status_code == 302

    def assert_totp_setup_reachable(self, client, user):
        """allauth asks for the password again before MFA setup; that page must not loop."""
        response = client.get(reverse("mfa_activate_totp"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        response = client.post(response["Location"], {"password": PASSWORD})
        assert response.status_code == 302
        response = client.get(reverse("mfa_activate_totp"))
        assert response.status_code == 200
        assert "svg" in response.content.decode()  # the QR code to scan

    def test_bureau_staff_without_totp_are_sent_to_set_it_up(self, client, clerk):
        self.sign_in(client, clerk)
        for url in (reverse("accounts:dashboard"), reverse("accounts:verification_queue"), "/"):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"] == reverse("mfa_activate_totp")
        self.assert_totp_setup_reachable(client, clerk)

    def test_bureau_staff_with_totp_go_through(self, client, clerk):
        Authenticator.objects.create(user=clerk, type=Authenticator.Type.TOTP, data={"secret": "x"})
        client.force_login(clerk)
        assert client.get(reverse("accounts:verification_queue")).status_code == 200

    def test_other_users_may_use_totp_but_are_not_forced(self, client, member):
        self.sign_in(client, member)
        assert client.get(reverse("accounts:dashboard")).status_code == 200
        self.assert_totp_setup_reachable(client, member)
