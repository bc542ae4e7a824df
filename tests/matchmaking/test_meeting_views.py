"""The meeting pages: the list, the request form, one request's page with its actions, and the
"Request a meeting" buttons on profile pages and directory cards."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import VerificationState
from matchmaking.models import (
    MeetingDeclineReason,
    MeetingOutcome,
    MeetingOutcomeKind,
    MeetingRequest,
    MeetingSource,
    MeetingState,
)
from matchmaking.services.meetings import meeting_request_accept
from tests.factories.meetings import (
    ExporterFactory,
    MeetingRequestFactory,
    PlatformFactory,
    in_days,
    member_of,
    profile_with_contact,
)

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def url(name: str, *args, language: str = "zh-hans", query: str = "") -> str:
    with translation.override(language):
        return reverse(name, args=args) + query


def beijing_input(moment: datetime.datetime) -> str:
    """How a datetime-local input sends a time, typed in Beijing time."""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def exporter():
    organization = ExporterFactory(name_zh="北京木器出口有限公司", name_en="Beijing Woodware")
    profile_with_contact(organization, contact_name="李出口")
    return organization


@pytest.fixture
def platform():
    organization = PlatformFactory(name_zh="北京跨境优选平台", name_en="Crossborder Select")
    profile_with_contact(organization, contact_name="张平台", contact_wechat="zhang-wx")
    return organization


@pytest.fixture
def exporter_user(exporter):
    return member_of(exporter)


@pytest.fixture
def platform_user(platform):
    return member_of(platform, language="en")


@pytest.fixture
def pending(exporter, platform, exporter_user):
    return MeetingRequestFactory(requester=exporter, receiver=platform, requested_by=exporter_user)


# --- Asking -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_request_form_renders_in_both_languages(client, exporter_user, platform, language):
    client.force_login(exporter_user)
    response = client.get(url("matchmaking:meeting_request_create", platform.pk, language=language))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="meeting-request-form"' in html
    assert ("Crossborder Select" if language == "en" else "北京跨境优选平台") in html
    assert 'type="datetime-local"' in html


def test_a_member_sends_a_request_with_times_in_beijing_time(
    client, exporter, exporter_user, platform
):
    client.force_login(exporter_user)
    moment = in_days(5).astimezone(BEIJING).replace(hour=10, minute=30, second=0)
    response = client.post(
        url("matchmaking:meeting_request_create", platform.pk, query="?source=profile"),
        {"note": "希望洽谈入驻", "time_1": beijing_input(moment), "time_2": "", "time_3": ""},
    )
    request = MeetingRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("matchmaking:meeting_request_detail", request.pk)
    assert (request.requester, request.receiver) == (exporter, platform)
    assert request.source == MeetingSource.PROFILE
    assert request.note == "希望洽谈入驻"
    # 10:30 in Beijing is 02:30 UTC.
    assert request.proposed_times == [moment.astimezone(datetime.UTC).isoformat()]
    assert request.proposed_times[0].endswith("02:30:00+00:00")


def test_an_invalid_request_form_comes_back_with_its_errors(client, exporter_user, platform):
    client.force_login(exporter_user)
    response = client.post(
        url("matchmaking:meeting_request_create", platform.pk),
        {"note": "x" * 1001, "time_1": beijing_input(in_days(-2)), "time_2": "not a time"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"note", "time_1", "time_2"}
    assert 'class="errorlist' in response.content.decode()
    assert not MeetingRequest.objects.exists()


def test_a_refused_request_shows_why_and_creates_nothing(client, exporter_user):
    client.force_login(exporter_user)
    other_exporter = ExporterFactory()
    page = client.get(url("matchmaking:meeting_request_create", other_exporter.pk))
    assert page.status_code == 200
    assert 'data-testid="meeting-refusal"' in page.content.decode()
    assert "form" not in page.context or page.context.get("form") is None
    posted = client.post(url("matchmaking:meeting_request_create", other_exporter.pk), {})
    assert posted.status_code == 200
    assert not MeetingRequest.objects.exists()


def test_the_pending_limit_is_a_form_error_not_a_crash(client, exporter, exporter_user, settings):
    settings.MEETING_PENDING_LIMIT = 1
    MeetingRequestFactory(requester=exporter, receiver=PlatformFactory())
    client.force_login(exporter_user)
    response = client.post(url("matchmaking:meeting_request_create", PlatformFactory().pk), {})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert MeetingRequest.objects.count() == 1


def test_asking_again_leads_to_the_open_request(client, pending, platform, platform_user):
    client.force_login(platform_user)
    # The platform, the other side, asks the exporter: the open request is shown instead.
    response = client.get(url("matchmaking:meeting_request_create", pending.requester.pk))
    assert response.status_code == 302
    assert response["Location"] == url("matchmaking:meeting_request_detail", pending.pk)


def test_hidden_organizations_and_strangers_get_no_form(client, exporter_user):
    unverified = PlatformFactory(verification_state=VerificationState.PENDING)
    assert client.get(url("matchmaking:meeting_request_create", unverified.pk)).status_code == 302
    client.force_login(exporter_user)
    assert client.get(url("matchmaking:meeting_request_create", unverified.pk)).status_code == 404
    assert client.get(url("matchmaking:meeting_request_create", 999999)).status_code == 404


# --- The list -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_list_shows_each_request_on_its_tab(
    client, pending, exporter, exporter_user, platform_user, language
):
    accepted = MeetingRequestFactory(requester=exporter, state=MeetingState.ACCEPTED, awaiting=None)
    client.force_login(exporter_user)
    them = client.get(url("matchmaking:meetings", language=language, query="?tab=awaiting_them"))
    assert them.status_code == 200
    assert [m.pk for m in them.context["page"].object_list] == [pending.pk]
    us = client.get(url("matchmaking:meetings", language=language))
    assert us.context["tab"] == "awaiting_us"
    assert 'data-testid="meetings-empty"' in us.content.decode()
    done = client.get(url("matchmaking:meetings", language=language, query="?tab=accepted"))
    assert [m.pk for m in done.context["page"].object_list] == [accepted.pk]
    closed = client.get(url("matchmaking:meetings", language=language, query="?tab=closed"))
    assert 'data-testid="meetings-empty"' in closed.content.decode()
    # The platform sees the same request as waiting for its answer.
    client.force_login(platform_user)
    platform_view = client.get(url("matchmaking:meetings", language=language))
    assert [m.pk for m in platform_view.context["page"].object_list] == [pending.pk]


def test_the_list_runs_the_same_queries_for_many_requests(client, exporter, exporter_user):
    client.force_login(exporter_user)
    MeetingRequestFactory(requester=exporter)
    list_url = url("matchmaking:meetings", query="?tab=awaiting_them")
    client.get(list_url)
    with CaptureQueriesContext(connection) as few:
        client.get(list_url)
    for _number in range(5):
        MeetingRequestFactory(requester=exporter)
    with CaptureQueriesContext(connection) as many:
        response = client.get(list_url)
    assert len(response.context["page"].object_list) == 6
    assert len(many) == len(few)


# --- One request ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_receiver_sees_the_answers_and_the_requester_can_withdraw(
    client, pending, exporter_user, platform_user, language
):
    detail = url("matchmaking:meeting_request_detail", pending.pk, language=language)
    client.force_login(platform_user)
    html = client.get(detail).content.decode()
    assert 'data-testid="accept-form"' in html
    assert 'data-testid="decline-form"' in html
    assert 'data-testid="counter-form"' in html
    assert 'data-testid="withdraw-form"' not in html
    assert 'data-testid="meeting-contacts"' not in html
    client.force_login(exporter_user)
    html = client.get(detail).content.decode()
    assert 'data-testid="accept-form"' not in html
    assert 'data-testid="withdraw-form"' in html
    assert 'data-testid="meeting-history"' in html


def test_others_do_not_see_a_request(client, pending, outsider):
    detail = url("matchmaking:meeting_request_detail", pending.pk)
    assert client.get(detail).status_code == 302
    client.force_login(outsider)
    assert client.get(detail).status_code == 404
    accept = url("matchmaking:meeting_request_accept", pending.pk)
    assert client.post(accept, {"time": ""}).status_code == 404
    pending.refresh_from_db()
    assert pending.state == MeetingState.PENDING


def test_accepting_through_the_page_shows_both_contact_persons(
    client, pending, exporter_user, platform_user
):
    chosen = pending.proposed_times[0]
    client.force_login(platform_user)
    response = client.post(url("matchmaking:meeting_request_accept", pending.pk), {"time": chosen})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == MeetingState.ACCEPTED
    assert pending.agreed_time == datetime.datetime.fromisoformat(chosen)
    for user in (platform_user, exporter_user):
        client.force_login(user)
        html = client.get(url("matchmaking:meeting_request_detail", pending.pk)).content.decode()
        assert 'data-testid="meeting-contacts"' in html
        assert "李出口" in html and "张平台" in html and "zhang-wx" in html
        assert 'data-testid="outcome-form"' in html
        assert 'data-testid="agreed-time"' in html


def test_the_requester_cannot_accept_its_own_request(client, pending, exporter_user):
    client.force_login(exporter_user)
    response = client.post(url("matchmaking:meeting_request_accept", pending.pk), {"time": ""})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == MeetingState.PENDING
    page = client.get(response["Location"])
    assert [str(message) for message in page.context["messages"]]


def test_an_unknown_time_re_renders_the_page(client, pending, platform_user):
    client.force_login(platform_user)
    response = client.post(
        url("matchmaking:meeting_request_accept", pending.pk), {"time": "2031-01-01T00:00:00"}
    )
    assert response.status_code == 400
    assert response.context["accept_form"].errors
    pending.refresh_from_db()
    assert pending.state == MeetingState.PENDING


def test_declining_for_another_reason_without_a_note_re_renders_the_form(
    client, pending, platform_user
):
    client.force_login(platform_user)
    decline = url("matchmaking:meeting_request_decline", pending.pk)
    response = client.post(decline, {"reason": MeetingDeclineReason.OTHER, "note": ""})
    assert response.status_code == 400
    assert "note" in response.context["decline_form"].errors
    assert '<details class="details" open>' in response.content.decode()
    response = client.post(decline, {"reason": MeetingDeclineReason.TIMING, "note": ""})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == MeetingState.DECLINED


def test_proposing_other_times_through_the_page(client, pending, exporter, platform_user):
    client.force_login(platform_user)
    counter = url("matchmaking:meeting_request_counter", pending.pk)
    empty = client.post(counter, {"note": "下周"})
    assert empty.status_code == 400
    assert empty.context["counter_form"].non_field_errors()
    moment = in_days(7).astimezone(BEIJING).replace(hour=15, minute=0, second=0)
    response = client.post(counter, {"time_1": beijing_input(moment), "note": "下周"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == MeetingState.COUNTERED
    assert pending.awaiting == exporter


def test_withdrawing_through_the_page(client, pending, exporter_user):
    client.force_login(exporter_user)
    assert client.get(url("matchmaking:meeting_request_withdraw", pending.pk)).status_code == 405
    response = client.post(url("matchmaking:meeting_request_withdraw", pending.pk))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == MeetingState.WITHDRAWN


def test_reporting_the_outcome_through_the_page(
    client, pending, exporter, exporter_user, platform_user
):
    client.force_login(exporter_user)
    outcome = url("matchmaking:meeting_outcome_report", pending.pk)
    early = client.post(outcome, {"outcome": MeetingOutcomeKind.NEGOTIATING})
    assert early.status_code == 302
    assert not MeetingOutcome.objects.exists()
    meeting_request_accept(request=pending, by=platform_user)
    invalid = client.post(outcome, {"outcome": "bribed"})
    assert invalid.status_code == 400
    assert "outcome" in invalid.context["outcome_form"].errors
    client.post(outcome, {"outcome": MeetingOutcomeKind.AGREEMENT, "note": "签约"})
    report = MeetingOutcome.objects.get()
    assert (report.organization, report.outcome, report.note) == (
        exporter,
        MeetingOutcomeKind.AGREEMENT,
        "签约",
    )


# --- Buttons ----------------------------------------------------------------------------------


def test_the_profile_page_offers_a_request_then_shows_the_open_one(
    client, exporter, exporter_user, platform
):
    profile_url = url("matchmaking:organization_profile", platform.pk)
    client.force_login(exporter_user)
    html = client.get(profile_url).content.decode()
    assert 'data-testid="meeting-request-link"' in html
    assert url("matchmaking:meeting_request_create", platform.pk, query="?source=profile") in html
    request = MeetingRequestFactory(requester=exporter, receiver=platform)
    html = client.get(profile_url).content.decode()
    assert 'data-testid="meeting-request-link"' not in html
    assert url("matchmaking:meeting_request_detail", request.pk) in html


def test_no_button_for_visitors_the_same_kind_or_an_unverified_organization(
    client, exporter, platform
):
    profile_url = url("matchmaking:organization_profile", platform.pk)
    assert 'data-testid="meeting-request' not in client.get(profile_url).content.decode()
    other_platform_user = member_of(PlatformFactory())
    client.force_login(other_platform_user)
    assert 'data-testid="meeting-request' not in client.get(profile_url).content.decode()
    unverified = ExporterFactory(verification_state=VerificationState.PENDING)
    client.force_login(member_of(unverified))
    assert 'data-testid="meeting-request' not in client.get(profile_url).content.decode()


def test_directory_cards_carry_the_button_at_a_constant_query_count(
    client, exporter, exporter_user
):
    first = PlatformFactory()
    profile_with_contact(first)
    MeetingRequestFactory(requester=exporter, receiver=first)
    client.force_login(exporter_user)
    directory = url("matchmaking:directory")
    client.get(directory)
    with CaptureQueriesContext(connection) as few:
        response = client.get(directory)
    html = response.content.decode()
    assert html.count('data-testid="meeting-request-state"') == 1
    for _number in range(4):
        profile_with_contact(PlatformFactory())
    with CaptureQueriesContext(connection) as many:
        html = client.get(directory).content.decode()
    # The exporter's own card has no button; each new platform a link; the first its state.
    assert html.count('data-testid="meeting-request-link"') == 4
    assert html.count('data-testid="meeting-request-state"') == 1
    assert len(many) == len(few)
