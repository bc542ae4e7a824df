"""An exporter opens its suggested partners in a real browser, reads why a platform fits it (and
why it fits the platform), and requests a meeting with a proposed time; the platform, in a
browser of its own, sees the notification, accepts the time; both then see the accepted meeting
with each other's contact person. Screenshots land in screenshots/.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import OrganizationKind
from matchmaking.models import MeetingRequest, MeetingState
from matchmaking.services.suggestions import suggestions_compute_all
from tests.factories.accounts import PASSWORD
from tests.factories.matching import organization_with_profile

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def _sign_in(page: Page, origin: str, email: str) -> None:
    page.goto(f"{origin}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def _errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_suggestion_reasons_request_and_acceptance(
    migrated_data, taxonomy, live_server, page: Page, browser: Browser, screenshot_dir
):
    exporter, exporter_owner = organization_with_profile(
        OrganizationKind.EXPORTER,
        name_zh="北京京南实木家具有限公司",
        headings=["9403", "9401"],
        countries=["DE", "FR"],
        summary_zh="实木餐桌与办公椅出口，寻找欧洲电商平台",
        summary_en="Solid wood tables and office chairs, looking for European marketplaces",
        channels_wanted=["marketplace"],
        contact_name="王建国",
        contact_phone="+86 10 6500 0001",
    )
    platform, platform_owner = organization_with_profile(
        OrganizationKind.PLATFORM,
        name_zh="欧家优选跨境电商平台",
        headings=["9403", "9401", "9404"],
        countries=["DE", "FR", "IT"],
        summary_zh="欧洲家居电商平台，招募家具卖家",
        summary_en="European home furnishing marketplace recruiting furniture sellers",
        channels_offered=["marketplace"],
        contact_name="Anna Müller",
        contact_email="anna@example.eu",
    )
    suggestions_compute_all()
    errors = _errors(page)
    origin = live_server.url

    # The exporter reads its suggestions: the platform comes first, explained both ways.
    _sign_in(page, origin, exporter_owner.email)
    page.goto(f"{origin}/me/suggestions/")
    card = page.get_by_test_id("suggestion").first
    expect(card).to_contain_text(platform.name_zh)
    expect(card.get_by_test_id("reasons-you")).to_contain_text("德国")
    expect(card.get_by_test_id("reasons-them")).to_contain_text("9403")
    page.screenshot(path=str(screenshot_dir / "matching-suggestions-zh-hans.png"), full_page=True)

    # It asks for a meeting, proposing a time three days ahead at 10:00 Beijing time.
    card.get_by_test_id("meeting-request-link").click()
    proposed = (timezone.now().astimezone(BEIJING) + datetime.timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    page.fill("textarea[name=note]", "希望洽谈入驻欧家优选的条件与物流方案。")
    page.fill("input[name=time_1]", proposed.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("meeting-request-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("meeting-state")).to_be_visible()
    meeting = MeetingRequest.objects.get(requester=exporter, receiver=platform)
    assert meeting.state == MeetingState.PENDING
    page.screenshot(path=str(screenshot_dir / "matching-request-sent-zh-hans.png"), full_page=True)

    # The platform, in a browser of its own, sees the notice and accepts the proposed time.
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    platform_page = other.new_page()
    platform_errors = _errors(platform_page)
    _sign_in(platform_page, origin, platform_owner.email)
    expect(platform_page.get_by_test_id("unread-count")).to_contain_text("1")
    platform_page.goto(f"{origin}/me/meetings/{meeting.pk}/")
    accept = platform_page.get_by_test_id("accept-form")
    accept.locator("input[type=radio]").first.check()
    accept.locator("button[type=submit]").click()
    expect(platform_page.get_by_test_id("meeting-contacts")).to_contain_text("王建国")
    platform_page.screenshot(
        path=str(screenshot_dir / "matching-accepted-platform-zh-hans.png"), full_page=True
    )

    meeting.refresh_from_db()
    assert meeting.state == MeetingState.ACCEPTED
    assert meeting.agreed_time == proposed

    # The exporter sees the acceptance, the agreed time and the platform's contact person.
    page.reload()
    expect(page.get_by_test_id("meeting-contacts")).to_contain_text("Anna Müller")
    expect(page.get_by_test_id("agreed-time")).to_contain_text(proposed.strftime("%Y-%m-%d %H:%M"))
    page.screenshot(
        path=str(screenshot_dir / "matching-accepted-exporter-zh-hans.png"), full_page=True
    )
    other.close()
    assert errors == [] and platform_errors == []
