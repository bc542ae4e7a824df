"""A newcomer's first visit, in a real browser: sign up, verify the e-mail, register the company,
switch to English and back. Screenshots of the home page land in screenshots/."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect
from wagtail.models import Locale, Site

from accounts.models import Organization
from tests.factories import credit_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "zhang.wei@silkroad-home.example.cn"
PASSWORD = "Tr4de-Bridge-2026"


@pytest.fixture
def english_home(migrated_data):
    """The home page's English translation, as an editor would make it in the admin."""
    home = Site.objects.get(is_default_site=True).root_page
    english = home.copy_for_translation(Locale.objects.get_or_create(language_code="en")[0])
    english.title = "Beijing Cross-border E-commerce Matchmaking Platform"
    english.hero_text = "Exporters, e-commerce platforms and service providers meet here."
    english.save_revision().publish()
    return english


def test_sign_up_verify_register_and_switch_language(
    live_server, page: Page, screenshot_dir, english_home
):
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()

    confirmation = next(m for m in mail.outbox if EMAIL in m.to)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", confirmation.body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/me/organizations/new/")
    page.select_option("select[name=kind]", "exporter")
    page.fill("input[name=name_zh]", "北京丝路家居用品有限公司")
    page.fill("input[name=name_en]", "Beijing Silk Road Home Goods Co., Ltd.")
    page.fill("input[name=credit_code]", credit_code(7).lower())
    page.select_option("select[name=district]", "tongzhou")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("h1")).to_have_text("北京丝路家居用品有限公司")
    expect(page.get_by_test_id("verification-state")).to_be_visible()
    organization = Organization.objects.get(credit_code=credit_code(7))
    assert organization.memberships.get().user.email == EMAIL

    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^zh", re.I))
    page.screenshot(path=str(screenshot_dir / "home-zh-hans.png"), full_page=True)

    page.get_by_test_id("lang-en").first.click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert "/en/" in page.url
    page.screenshot(path=str(screenshot_dir / "home-en.png"), full_page=True)

    page.get_by_test_id("lang-zh-hans").first.click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^zh", re.I))
    assert "/en/" not in page.url
