"""A company registers for a matchmaking session in a real browser, receives the e-mail, opens
its ticket; bureau staff open the ticket's QR address on a phone-sized screen and check the
company in. Screenshots land in screenshots/.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from accounts.models import MembershipRole, OrganizationKind
from events.models import Registration, RegistrationState
from events.selectors import ticket_check_in_path
from tests.factories import MembershipFactory, OrganizationFactory
from tests.factories.accounts import PASSWORD
from tests.factories.events import event_publish
from tests.factories.two_factor import activate_totp, sign_in_with_totp

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}


def _watch(page: Page, origin: str) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    external: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "request",
        lambda request: (
            request.url.startswith((origin, "data:", "blob:")) or external.append(request.url)
        ),
    )
    return errors, external


def test_register_receive_ticket_and_check_in(
    migrated_data, live_server, page: Page, browser: Browser, client, screenshot_dir
):
    event = event_publish(
        places={OrganizationKind.EXPORTER: 20},
        title="跨境电商平台与传统外贸企业资源对接会",
        title_en="Platforms meet exporters: resource-docking meeting",
        venue_zh="北京市朝阳区商务中心",
        venue_en="Chaoyang business centre, Beijing",
    )
    exporter = OrganizationFactory(
        kind=OrganizationKind.EXPORTER, name_zh="北京丝路家居用品有限公司"
    )
    owner = MembershipFactory(organization=exporter, role=MembershipRole.OWNER).user
    errors, external = _watch(page, live_server.url)

    # The company signs in and registers from the event page.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    page.goto(live_server.url + event.url)
    expect(page.get_by_role("heading", name=event.title)).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "event-session-zh-hans.png"), full_page=True)
    page.get_by_test_id("register-link").click()
    page.fill("input[name=attendees-0-name]", "王经理")
    page.fill("input[name=attendees-0-position]", "外贸部经理")
    page.check("input[name=accept_terms]")
    page.get_by_test_id("registration-submit").click()
    expect(page.get_by_test_id("registration-state")).to_have_class(re.compile("confirmed"))
    qr = page.get_by_test_id("ticket-qr")
    expect(qr).to_be_visible()
    # Visible is not yet loaded: wait for the image itself (a busy CI machine showed 0).
    loaded_width = qr.evaluate(
        """image => image.complete ? image.naturalWidth : new Promise(resolve =>
            image.addEventListener("load", () => resolve(image.naturalWidth), {once: true}))"""
    )
    assert loaded_width > 0
    page.screenshot(path=str(screenshot_dir / "event-ticket-zh-hans.png"), full_page=True)
    registration = Registration.objects.get(organization=exporter)
    assert registration.state == RegistrationState.CONFIRMED

    # The confirmation e-mail, with the calendar entry, leads back to the ticket.
    (message,) = [m for m in mail.outbox if owner.email in m.to]
    assert event.title in message.subject
    assert [attachment[0] for attachment in message.attachments] == [f"event-{event.pk}.ics"]
    ticket_path = re.search(r"https?://[^/\s]+(/me/registrations/\d+/)", message.body).group(1)
    page.goto(live_server.url + ticket_path)
    expect(page.get_by_test_id("ticket-code")).to_have_text(registration.ticket_code)
    assert not errors, errors
    assert not external, external

    # Bureau staff, signed in with the authenticator code, open the QR code's address on a phone.
    bureau = OrganizationFactory(kind=OrganizationKind.BUREAU, name_zh="北京市商务局")
    staff = MembershipFactory(organization=bureau, role=MembershipRole.MEMBER).user
    # accounts.services puts bureau members in this group (Wagtail admin access); the factory
    # does not.
    staff.groups.add(Group.objects.get(name="Bureau staff"))
    sign_in_with_totp(client, staff, activate_totp(staff))
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    phone.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    door = phone.new_page()
    door_errors, door_external = _watch(door, live_server.url)
    door.goto(live_server.url + ticket_check_in_path(registration=registration))
    expect(door.get_by_test_id("check-in-registration")).to_contain_text("北京丝路家居用品有限公司")
    expect(door.get_by_test_id("check-in-registration")).to_contain_text("王经理")
    door.screenshot(path=str(screenshot_dir / "event-check-in-phone.png"), full_page=True)
    door.get_by_test_id("check-in-form").locator("button").click()
    expect(door.get_by_test_id("check-in-state")).to_have_text(re.compile(r"\S"))
    expect(door.get_by_test_id("check-in-count")).to_contain_text("1")
    door.screenshot(path=str(screenshot_dir / "event-checked-in-phone.png"), full_page=True)
    registration.refresh_from_db()
    assert registration.state == RegistrationState.CHECKED_IN
    assert registration.checked_in_by == staff
    assert not door_errors, door_errors
    assert not door_external, door_external
    phone.close()
