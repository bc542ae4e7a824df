"""The bureau's review of registrations in the Wagtail admin: who may use it, the list and its
filters, bulk approve and decline, the waitlist, the .xlsx export, check-in at the door, and
events that keep their registrations."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import Page
from wagtail.users.models import UserProfile

from accounts.models import MembershipRole, OrganizationKind
from accounts.services import BUREAU_STAFF_GROUP
from events.models import (
    ExpoCallPage,
    MatchmakingSessionPage,
    PlaceCounter,
    Registration,
    RegistrationState,
)
from events.selectors import ticket_check_in_path
from events.services.registrations import registration_cancel, registration_create
from tests.factories import MembershipFactory
from tests.factories.events import event_index, event_publish, registrant
from tests.factories.two_factor import activate_totp, sign_in_superuser, sign_in_with_totp

pytestmark = pytest.mark.django_db

State = RegistrationState
EXPORTER = OrganizationKind.EXPORTER
PLATFORM = OrganizationKind.PLATFORM


def register(event, kind=EXPORTER, **organization_fields) -> Registration:
    user, organization = registrant(kind, **organization_fields)
    return registration_create(
        event=event,
        organization=organization,
        user=user,
        attendees=[{"name": "张三", "position": "外贸经理", "phone": "13800000000"}],
    )


def list_url(event, **query) -> str:
    url = reverse("events_admin:registration_list", kwargs={"event_id": event.pk})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def check_in_url(event) -> str:
    return reverse("events_admin:check_in", kwargs={"event_id": event.pk})


def listed_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-registration="(\d+)"', response.text)]


def message_texts(response) -> list[str]:
    """The messages the response left, the sign-in greeting of the first request excepted."""
    texts = [str(message.message).strip() for message in get_messages(response.wsgi_request)]
    return [text for text in texts if "登录" not in text and "signed in" not in text.lower()]


def states(*registrations) -> list[str]:
    return [Registration.objects.get(pk=row.pk).state for row in registrations]


@pytest.fixture
def expo():
    """An expo call with two exporter booths, and three pending applications."""
    event = event_publish(ExpoCallPage, places={EXPORTER: 2}, expo="ciftis")
    applications = [register(event) for _ in range(3)]
    return event, applications


# --- Who may use it ------------------------------------------------------------------------


def all_urls(event) -> list[str]:
    return [
        reverse("events_admin:event_list"),
        list_url(event),
        reverse("events_admin:registration_export", kwargs={"event_id": event.pk}),
        check_in_url(event),
    ]


def test_the_pages_live_at_the_addresses_the_issue_gives():
    event = event_publish()
    assert list_url(event) == f"/admin/events/{event.pk}/registrations/"
    assert check_in_url(event) == f"/admin/events/{event.pk}/check-in/"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    event = event_publish()
    for url in all_urls(event):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


def test_company_members_are_turned_away_and_change_nothing(client, expo):
    """Wagtail sends accounts without admin access back to sign in; nothing is shown."""
    event, applications = expo
    user, _organization = registrant()
    client.force_login(user)
    for url in all_urls(event):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    client.post(list_url(event), {"action": "approve", "registrations": [applications[0].pk]})
    assert states(*applications) == [State.PENDING] * 3


def test_admin_access_alone_is_not_enough(client, expo):
    """An editor in the admin group who is no member of the bureau gets 403 everywhere."""
    event, applications = expo
    editor = MembershipFactory(role=MembershipRole.OWNER).user
    editor.groups.add(Group.objects.get(name=BUREAU_STAFF_GROUP))
    sign_in_with_totp(client, editor, activate_totp(editor))
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert reverse("events_admin:event_list") not in home.text
    for url in all_urls(event):
        assert client.get(url).status_code == 403, url
    response = client.post(
        list_url(event), {"action": "approve", "registrations": [applications[0].pk]}
    )
    assert response.status_code == 403
    confirmed = register(event_publish())
    response = client.post(check_in_url(confirmed.event), {"code": confirmed.ticket_code})
    assert response.status_code == 403
    assert states(*applications, confirmed) == [State.PENDING] * 3 + [State.CONFIRMED]


def test_bureau_staff_see_the_menu_item_and_the_events_upcoming_first(staff_client):
    past = event_publish(starts_in=datetime.timedelta(days=-30), title_en="Past fair")
    later = event_publish(starts_in=datetime.timedelta(days=40), title_en="Later session")
    sooner = event_publish(starts_in=datetime.timedelta(days=5), title_en="Sooner session")
    register(sooner)
    register(sooner)
    home = staff_client.get(reverse("wagtailadmin_home"))
    assert reverse("events_admin:event_list") in home.text

    response = staff_client.get(reverse("events_admin:event_list"))

    assert response.status_code == 200
    order = [response.text.index(list_url(event)) for event in (sooner, later, past)]
    assert order == sorted(order)
    row = response.text[order[0] : order[1]]
    # Pending, confirmed, waitlisted, declined, cancelled, checked in.
    assert re.findall(r'class="review-number">(\d+)</td>', row) == ["0", "2", "0", "0", "0", "0"]


def test_event_pages_carry_a_registrations_button_for_staff(staff_client):
    event = event_publish()
    edit = staff_client.get(reverse("wagtailadmin_pages:edit", args=[event.pk]))
    assert edit.status_code == 200
    assert list_url(event) in edit.text
    listing = staff_client.get(reverse("wagtailadmin_explore", args=[event_index().pk]))
    assert listing.status_code == 200
    assert list_url(event) in listing.text


def test_the_pages_render_in_chinese_too(client, bureau_staff):
    bureau_staff.groups.add(Group.objects.get(name=BUREAU_STAFF_GROUP))
    sign_in_with_totp(client, bureau_staff, bureau_staff.totp_secret)
    registration = register(event_publish())
    ticket = f"{check_in_url(registration.event)}?code={registration.ticket_code}"
    for url in [*all_urls(registration.event)[:2], ticket]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="zh-hans"' in response.text, url


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_each_registration_with_its_details(staff_client):
    event = event_publish(places={EXPORTER: 1})
    first = register(event, name_zh="北京首家贸易有限公司")
    second = register(event)
    response = staff_client.get(list_url(event))
    assert response.status_code == 200
    assert listed_ids(response) == [first.pk, second.pk]
    assert "北京首家贸易有限公司" in response.text
    assert "外贸经理" in response.text
    assert "No. 1 on the waitlist" in response.text
    places = re.search(
        r'data-testid="review-places-exporter">(.*?)</tr>', response.text, re.S
    ).group(1)
    assert "1 / 1" in places


def test_filters_by_state_kind_and_name(staff_client):
    event = event_publish(places={EXPORTER: 1, PLATFORM: 5})
    confirmed = register(event, name_zh="北京长城电子有限公司", name_en="Great Wall Electronics")
    waitlisted = register(event, name_zh="北京黄河家具有限公司")
    platform = register(event, PLATFORM, name_zh="跨境优选平台", name_en="Cross Pick")

    def ids(**query):
        return listed_ids(staff_client.get(list_url(event, **query)))

    assert ids() == [confirmed.pk, waitlisted.pk, platform.pk]
    assert ids(state=State.WAITLISTED) == [waitlisted.pk]
    assert ids(kind=PLATFORM) == [platform.pk]
    assert ids(q="长城") == [confirmed.pk]
    assert ids(q="cross") == [platform.pk]
    assert ids(state=State.CONFIRMED, kind=EXPORTER) == [confirmed.pk]
    assert ids(state=State.DECLINED) == []
    assert ids(state="nonsense") == [confirmed.pk, waitlisted.pk, platform.pk]


def test_the_list_pages_and_its_queries_do_not_grow_with_rows(staff_client):
    event = event_publish(places={EXPORTER: 100})
    register(event)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(list_url(event)).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(5):
        register(event)
    assert queries() == few
    for _ in range(50):
        register(event)
    assert len(listed_ids(staff_client.get(list_url(event)))) == 50
    assert len(listed_ids(staff_client.get(list_url(event, p=2)))) == 6


# --- Deciding --------------------------------------------------------------------------------


def test_bulk_approve_confirms_while_places_last_then_waitlists(staff_client, staff, expo):
    event, applications = expo
    response = staff_client.post(
        list_url(event, state=State.PENDING),
        {"action": "approve", "registrations": [row.pk for row in applications]},
    )
    assert response.status_code == 302
    assert response["Location"] == list_url(event, state=State.PENDING)
    assert states(*applications) == [State.CONFIRMED, State.CONFIRMED, State.WAITLISTED]
    assert PlaceCounter.objects.get(event=event, organization_kind=EXPORTER).taken == 2
    assert Registration.objects.get(pk=applications[0].pk).decided_by == staff
    assert message_texts(response) == [
        "Approved 3 registrations: 2 confirmed, 1 waitlisted (no place free)."
    ]


def test_bulk_approve_reports_the_ones_it_could_not_change(staff_client, expo):
    event, applications = expo
    staff_client.post(list_url(event), {"action": "approve", "registrations": [applications[0].pk]})
    response = staff_client.post(
        list_url(event),
        {"action": "approve", "registrations": [applications[0].pk, applications[1].pk]},
        follow=True,
    )
    assert states(*applications) == [State.CONFIRMED, State.CONFIRMED, State.PENDING]
    assert "Approved 1 registration: 1 confirmed, 0 waitlisted" in response.text
    assert "1 registration was left as it was" in response.text
    assert "Only pending registrations can be approved." in response.text


def test_bulk_decline_needs_a_reason_and_stores_it(staff_client, staff, expo, mailoutbox):
    event, applications = expo
    chosen = [applications[0].pk, applications[2].pk]

    response = staff_client.post(
        list_url(event), {"action": "decline", "registrations": chosen, "reason": "  "}
    )
    assert response.status_code == 200
    assert "Give a reason for declining." in response.text
    for pk in chosen:  # the ticks survive the error
        assert re.search(rf'value="{pk}" data-review-select checked', response.text)
    assert states(*applications) == [State.PENDING] * 3

    response = staff_client.post(
        list_url(event),
        {"action": "decline", "registrations": chosen, "reason": "展品不符合本届主题"},
    )
    assert response.status_code == 302
    assert states(*applications) == [State.DECLINED, State.PENDING, State.DECLINED]
    declined = Registration.objects.get(pk=applications[0].pk)
    assert declined.decision_reason == "展品不符合本届主题"
    assert declined.decided_by == staff
    assert message_texts(response) == ["Declined 2 registrations."]


def test_a_decision_needs_a_ticked_registration_of_this_event(staff_client, expo):
    event, applications = expo
    response = staff_client.post(list_url(event), {"action": "approve"})
    assert "Select at least one registration." in response.text
    other = register(event_publish(ExpoCallPage, expo="ciftis"))
    response = staff_client.post(
        list_url(event), {"action": "approve", "registrations": [other.pk]}
    )
    assert response.status_code == 200
    assert states(other, *applications) == [State.PENDING] * 4


def test_declining_a_confirmed_registration_gives_its_place_to_the_waitlist(staff_client):
    event = event_publish(places={EXPORTER: 1})
    confirmed, waiting = register(event), register(event)
    staff_client.post(
        list_url(event),
        {"action": "decline", "registrations": [confirmed.pk], "reason": "重复报名"},
    )
    assert states(confirmed, waiting) == [State.DECLINED, State.CONFIRMED]


def test_staff_fill_new_places_from_the_waitlist(staff_client):
    event = event_publish(places={EXPORTER: 1})
    confirmed, first, second = register(event), register(event), register(event)
    # Places added since (as publishing a page with more places does, before it promotes).
    PlaceCounter.objects.filter(event=event).update(capacity=2)
    page = staff_client.get(list_url(event))
    assert reverse("events_admin:waitlist_promote", kwargs={"event_id": event.pk}) in page.text

    response = staff_client.post(
        reverse("events_admin:waitlist_promote", kwargs={"event_id": event.pk}),
        {"kind": EXPORTER},
    )
    assert response["Location"] == list_url(event)
    assert states(confirmed, first, second) == [
        State.CONFIRMED,
        State.CONFIRMED,
        State.WAITLISTED,
    ]
    assert message_texts(response) == ["1 registration moved from the waitlist to confirmed."]


# --- Export ----------------------------------------------------------------------------------


def test_export_writes_the_filtered_list_with_formula_text_escaped(staff_client):
    event = event_publish(places={EXPORTER: 1})
    confirmed = register(event, name_zh='=HYPERLINK("http://evil.example","点我")')
    user, organization = registrant(name_zh="北京安全贸易有限公司")
    waitlisted = registration_create(
        event=event,
        organization=organization,
        user=user,
        attendees=[{"name": "@李四", "phone": "+86 10 6512 3456"}],
    )
    declined = register(event)
    staff_client.post(
        list_url(event),
        {"action": "decline", "registrations": [declined.pk], "reason": "-不符合条件"},
    )

    response = staff_client.get(
        reverse("events_admin:registration_export", kwargs={"event_id": event.pk})
        + "?state=confirmed&state=waitlisted"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]

    everything = staff_client.get(
        reverse("events_admin:registration_export", kwargs={"event_id": event.pk})
    )
    sheet = load_workbook(io.BytesIO(everything.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:7] == (
        "No.",
        "Organization (Chinese)",
        "Organization (English)",
        "Unified social credit code",
        "Organization kind",
        "State",
        "Waitlist position",
    )
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_id) == {confirmed.pk, waitlisted.pk, declined.pk}
    assert by_id[confirmed.pk]["Organization (Chinese)"] == (
        '\'=HYPERLINK("http://evil.example","点我")'
    )
    assert by_id[confirmed.pk]["State"] == "Confirmed"
    assert by_id[waitlisted.pk]["Waitlist position"] == 1
    assert by_id[waitlisted.pk]["Attendees"] == "'@李四 / +86 10 6512 3456"
    assert by_id[declined.pk]["Reason"] == "'-不符合条件"
    # No cell is a formula, nor text a spreadsheet program would take for one.
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)
        assert not any(str(cell.value or "").startswith(("=", "+", "-", "@")) for cell in row)

    filtered = load_workbook(
        io.BytesIO(
            staff_client.get(
                reverse("events_admin:registration_export", kwargs={"event_id": event.pk})
                + f"?state={State.WAITLISTED}"
            ).content
        )
    ).active
    assert [row[0] for row in filtered.iter_rows(min_row=2, values_only=True)] == [waitlisted.pk]


# --- Check-in --------------------------------------------------------------------------------


def test_the_tickets_qr_code_opens_this_check_in_page(staff_client):
    registration = register(event_publish())
    assert ticket_check_in_path(registration=registration) == (
        f"{check_in_url(registration.event)}?code={registration.ticket_code}"
    )
    response = staff_client.get(ticket_check_in_path(registration=registration))
    assert response.status_code == 200
    assert registration.organization.name_zh in response.text
    assert "张三" in response.text
    assert 'data-testid="check-in-form"' in response.text
    assert "0 of 1 checked in" in response.text
    assert "events/check-in.js" in response.text


def test_checking_in_a_confirmed_ticket(staff_client, staff):
    registration = register(event_publish())
    response = staff_client.post(
        check_in_url(registration.event), {"code": registration.ticket_code}
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"{check_in_url(registration.event)}?code={registration.ticket_code}"
    )
    registration.refresh_from_db()
    assert registration.state == State.CHECKED_IN
    assert registration.checked_in_by == staff
    [message] = message_texts(response)
    assert message.startswith(f"{registration.organization.name_en} checked in at ")

    page = staff_client.get(response["Location"])
    assert "1 of 1 checked in" in page.text
    assert 'data-testid="check-in-form"' not in page.text


def test_a_code_typed_or_pasted_as_the_whole_address(staff_client):
    registration = register(event_publish())
    address = "https://example.org" + ticket_check_in_path(registration=registration)
    response = staff_client.get(check_in_url(registration.event), {"code": address})
    assert 'data-testid="check-in-form"' in response.text
    response = staff_client.post(check_in_url(registration.event), {"code": address})
    assert states(registration) == [State.CHECKED_IN]


def test_an_unknown_code(staff_client):
    event = event_publish()
    response = staff_client.get(check_in_url(event), {"code": "not-a-ticket"})
    assert response.status_code == 200
    assert 'data-testid="check-in-unknown"' in response.text
    response = staff_client.post(check_in_url(event), {"code": "not-a-ticket"})
    assert message_texts(response) == ["No ticket has this code."]


def test_a_ticket_for_another_event(staff_client):
    here = event_publish(title_en="Here")
    elsewhere = register(event_publish(title_en="Elsewhere"))
    response = staff_client.get(check_in_url(here), {"code": elsewhere.ticket_code})
    assert "This ticket is for another event: Elsewhere." in response.text
    assert 'data-testid="check-in-form"' not in response.text
    response = staff_client.post(check_in_url(here), {"code": elsewhere.ticket_code})
    [message] = message_texts(response)
    assert message.startswith("This ticket is for another event:")
    assert states(elsewhere) == [State.CONFIRMED]


def test_a_ticket_already_checked_in(staff_client):
    registration = register(event_publish())
    staff_client.post(check_in_url(registration.event), {"code": registration.ticket_code})
    checked_in_at = Registration.objects.get(pk=registration.pk).checked_in_at
    response = staff_client.post(
        check_in_url(registration.event), {"code": registration.ticket_code}
    )
    assert re.fullmatch(r"Already checked in at \d\d:\d\d\.", message_texts(response)[-1])
    assert Registration.objects.get(pk=registration.pk).checked_in_at == checked_in_at


def test_a_waitlisted_ticket_is_not_admitted(staff_client):
    event = event_publish(places={EXPORTER: 1})
    register(event)
    waitlisted = register(event)
    response = staff_client.get(check_in_url(event), {"code": waitlisted.ticket_code})
    assert 'data-testid="check-in-form"' not in response.text
    response = staff_client.post(check_in_url(event), {"code": waitlisted.ticket_code})
    assert message_texts(response) == ["This registration is Waitlisted, not confirmed."]
    assert states(waitlisted) == [State.WAITLISTED]


# --- Deleting events -------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    user = sign_in_superuser(client)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return client


def test_an_event_with_registrations_cannot_be_deleted(admin_client):
    registration = register(event_publish())
    event = registration.event
    delete_url = reverse("wagtailadmin_pages:delete", args=[event.pk])

    response = admin_client.get(delete_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[event.pk])
    assert message_texts(response) == [
        "Events with registrations cannot be deleted: the registrations are the record of "
        "who applied and who came. Unpublish the event instead."
    ]
    response = admin_client.post(delete_url)
    assert response.status_code == 302
    # Nor the index above it, nor through the listing's bulk delete.
    index_response = admin_client.post(
        reverse("wagtailadmin_pages:delete", args=[event_index().pk])
    )
    assert index_response.status_code == 302
    bulk = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    admin_client.post(f"{bulk}?id={event.pk}")
    assert Page.objects.filter(pk__in=[event.pk, event_index().pk]).count() == 2


def test_an_event_without_registrations_can_be_deleted(admin_client):
    event = event_publish(MatchmakingSessionPage)
    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[event.pk]))
    assert response.status_code == 302
    assert not Page.objects.filter(pk=event.pk).exists()


def test_a_cancelled_registration_still_protects_its_event(admin_client):
    registration = register(event_publish())
    registration_cancel(registration=registration, by=registration.submitted_by)
    admin_client.post(reverse("wagtailadmin_pages:delete", args=[registration.event_id]))
    assert Page.objects.filter(pk=registration.event_id).exists()
