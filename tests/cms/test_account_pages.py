"""django-allauth's pages and the signed-in header wear the site's layout."""

import pytest
from allauth.mfa.models import Authenticator
from bs4 import BeautifulSoup
from django.urls import reverse

from accounts.models import MembershipRole
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

SITE_NAME = "Beijing Cross-border E-commerce Matchmaking Platform"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def assert_site_layout(response) -> BeautifulSoup:
    assert response.status_code == 200
    html = soup(response)
    assert html.select_one('[data-testid="site-header"]')
    assert html.select_one('[data-testid="site-footer"]')
    assert SITE_NAME in html.select_one('[data-testid="site-name"]').get_text()
    assert html.select_one('link[rel="stylesheet"]')["href"].endswith("css/site.css")
    return html


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_entrance_pages_use_the_site_layout(client, home, url_name, prefix):
    html = assert_site_layout(client.get(prefix + reverse(url_name)))
    assert html.html["lang"] == ("en" if prefix else "zh-Hans")
    card = html.select_one('[data-testid="account-entrance"]')
    form = card.select_one("form.form")
    assert form.select_one("button.btn.btn-primary")
    # Every visible input has a label (allauth's "unlabeled" fields get one too).
    for field in form.select("input:not([type=hidden])"):
        assert form.select_one(f'label[for="{field["id"]}"]'), field


def test_login_errors_are_shown_as_an_alert(client, home):
    user = UserFactory()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "wrong password"}
    )
    html = assert_site_layout(response)
    assert html.select_one('.alert.alert-error[role="alert"]')


@pytest.fixture
def signed_in(client):
    """A user signed in through allauth's form, so that reauthentication is not asked for."""
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return user


@pytest.mark.parametrize("url_name", ["account_email", "account_change_password", "mfa_index"])
def test_manage_pages_use_the_site_layout(client, home, signed_in, url_name):
    html = assert_site_layout(client.get(reverse(url_name)))
    nav = html.select_one('[data-testid="account-manage-nav"]')
    assert nav.select_one(f'a[href="{reverse(url_name)}"][aria-current="page"]')


def test_totp_activation_after_reauthentication_shows_the_qr_code(client, home, signed_in):
    activate = reverse("mfa_activate_totp")
    response = client.get(activate)
    assert response.status_code == 302
    reauthenticate = response["Location"]
    assert reauthenticate.startswith(reverse("account_reauthenticate"))

    html = assert_site_layout(client.get(reauthenticate))
    assert html.select_one('[data-testid="account-entrance"] input[type="password"]')
    response = client.post(reauthenticate, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == activate

    html = assert_site_layout(client.get(activate))
    qr = html.select_one('img[data-testid="totp-qr"]')
    assert qr["src"].startswith("data:image/svg+xml")
    assert qr["alt"]
    assert html.select_one("#authenticator_secret")["value"] == qr["alt"]


def test_sign_in_message_is_a_status_alert(client, home, signed_in):
    html = soup(client.get("/"))
    message = html.select_one('[data-testid="messages"] .alert')
    assert "alert-success" in message["class"]
    assert message["role"] == "status"


def test_header_for_a_member_of_two_organizations(client, home):
    acting = OrganizationFactory(name_zh="北京甲贸易有限公司")
    other = OrganizationFactory(name_zh="北京乙科技有限公司")
    user = MembershipFactory(organization=acting, role=MembershipRole.OWNER).user
    MembershipFactory(user=user, organization=other, role=MembershipRole.MEMBER)
    user.active_organization = acting
    user.save()
    client.force_login(user)

    html = soup(client.get("/?from=test"))
    switcher = html.select_one('[data-testid="org-switcher"]')
    assert "北京甲贸易有限公司" in switcher.select_one("summary").get_text()
    forms = switcher.select("form")
    assert [form["action"] for form in forms] == [
        reverse("accounts:organization_switch", args=[other.pk])
    ]
    assert forms[0].select_one('input[name="next"]')["value"] == "/?from=test"

    nav = html.select_one('[data-testid="main-nav"]')
    assert nav.select_one(f'a[href="{reverse("dashboard")}"]')
    assert not nav.select_one('[data-testid="nav-verification"]')
    assert html.select_one('[data-testid="sign-out"]')
    assert not html.select_one('[data-testid="sign-in"]')
    panel = html.select_one('[data-testid="welcome-panel"]')
    assert panel.select_one(f'a[href="{reverse("dashboard")}"]')


def test_switching_organization_from_the_header_returns_to_the_page(client, home):
    first, second = OrganizationFactory(), OrganizationFactory()
    user = MembershipFactory(organization=first).user
    MembershipFactory(user=user, organization=second)
    user.active_organization = first
    user.save()
    client.force_login(user)

    form = soup(client.get("/")).select_one('[data-testid="org-switcher"] form')
    data = {field["name"]: field["value"] for field in form.select("input[name]")}
    response = client.post(form["action"], data)
    assert response.status_code == 302
    assert response["Location"] == "/"
    user.refresh_from_db()
    assert user.active_organization == second


def test_bureau_staff_see_the_verification_link(bureau_client, home):
    html = soup(bureau_client.get("/"))
    link = html.select_one('[data-testid="nav-verification"]')
    assert link["href"] == reverse("accounts:verification_queue")


def test_bureau_staff_without_two_factor_are_sent_to_totp_setup(client, home, bureau_staff):
    Authenticator.objects.filter(user=bureau_staff).delete()
    client.force_login(bureau_staff)
    response = client.get("/", follow=True)
    assert response.redirect_chain[0][0] == reverse("mfa_activate_totp")
    html = assert_site_layout(response)
    assert html.select_one('[data-testid="messages"] .alert-warning[role="alert"]')
