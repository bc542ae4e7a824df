import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation

from accounts.models import MembershipRole, OrganizationKind
from accounts.services import BUREAU_STAFF_GROUP
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.factories.accounts import PASSWORD
from tests.factories.two_factor import activate_totp, sign_in_with_totp

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
        for url in (reverse("dashboard"), reverse("accounts:verification_queue"), "/"):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"] == reverse("mfa_activate_totp")
        self.assert_totp_setup_reachable(client, clerk)

    def test_bureau_staff_sign_in_with_password_and_code(self, client, clerk):
        secret = activate_totp(clerk)
        Group.objects.get(name=BUREAU_STAFF_GROUP).user_set.add(clerk)  # as the services do
        sign_in_with_totp(client, clerk, secret)
        assert client.get(reverse("accounts:verification_queue")).status_code == 200
        assert client.get("/admin/").status_code == 200

    def test_a_session_that_skipped_the_code_is_signed_out(self, client, clerk):
        activate_totp(clerk)
        client.force_login(clerk)  # as any sign-in path that does not ask for the code would
        response = client.get(reverse("accounts:verification_queue"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session

    def test_the_admin_login_forms_lead_to_the_sign_in_that_asks_for_the_code(self, client, clerk):
        activate_totp(clerk)
        response = client.post("/admin/login/", {"username": clerk.email, "password": PASSWORD})
        assert response.status_code in (301, 302)
        assert response["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session
        response = client.get("/django-admin/login/")
        assert response["Location"].startswith(reverse("account_login"))

    @pytest.mark.parametrize("power", ["is_staff", "is_superuser", "admin_group"])
    def test_anyone_who_can_reach_an_admin_needs_totp(self, client, power):
        user = UserFactory()
        if power == "admin_group":
            group = Group.objects.create(name="editors")
            group.permissions.add(Permission.objects.get(codename="access_admin"))
            user.groups.add(group)
        else:
            setattr(user, power, True)
            user.save()
        self.sign_in(client, user)
        response = client.get(reverse("dashboard"))
        assert response["Location"] == reverse("mfa_activate_totp")

    def test_other_users_may_use_totp_but_are_not_forced(self, client, member):
        self.sign_in(client, member)
        assert client.get(reverse("dashboard")).status_code == 200
        self.assert_totp_setup_reachable(client, member)
