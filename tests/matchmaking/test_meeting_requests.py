"""The meeting-request state machine (matchmaking.services.meetings): every transition, who may
take it, expiry, the pending limit, duplicates, and the notices each one sends."""

import datetime
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone, translation

from accounts.models import Notification, OrganizationKind, VerificationState
from accounts.selectors import notification_text
from chat.models import Conversation, ConversationKind
from matchmaking.models import (
    MeetingDeclineReason,
    MeetingOutcome,
    MeetingOutcomeKind,
    MeetingRequest,
    MeetingRequestEvent,
    MeetingSource,
    MeetingState,
    Profile,
    Visibility,
)
from matchmaking.services import meetings as meeting_services
from matchmaking.services.meetings import (
    MeetingError,
    meeting_outcome_report,
    meeting_request_accept,
    meeting_request_counter,
    meeting_request_create,
    meeting_request_decline,
    meeting_request_withdraw,
    meeting_requests_expire,
)
from tests.factories.meetings import (
    ExporterFactory,
    MeetingRequestFactory,
    PlatformFactory,
    ServiceProviderFactory,
    in_days,
    member_of,
)
from tests.markers import transactional_db

pytestmark = pytest.mark.django_db


@pytest.fixture
def exporter():
    return ExporterFactory(name_zh="北京木器出口有限公司", name_en="Beijing Woodware Export")


@pytest.fixture
def platform():
    return PlatformFactory(name_zh="北京跨境优选平台", name_en="Beijing Crossborder Select")


@pytest.fixture
def exporter_user(exporter):
    return member_of(exporter, language="zh-hans")


@pytest.fixture
def platform_user(platform):
    return member_of(platform, language="en")


@pytest.fixture
def platform_colleague(platform):
    return member_of(platform, language="zh-hans")


@pytest.fixture
def pending(exporter, platform, exporter_user, platform_user, platform_colleague):
    """A request from the exporter to the platform made through the service (no notices
    sent: on-commit callbacks do not run outside django_capture_on_commit_callbacks)."""
    return meeting_request_create(
        requester=exporter,
        receiver=platform,
        by=exporter_user,
        note="想与贵平台洽谈入驻。",
        proposed_times=[in_days(5), in_days(3)],
        source=MeetingSource.PROFILE,
    )


def error_code(call) -> str:
    with pytest.raises(MeetingError) as caught:
        call()
    return caught.value.code


# --- Asking -----------------------------------------------------------------------------------


def test_a_member_requests_a_meeting_and_the_receiver_is_awaited(
    exporter, platform, exporter_user, platform_user, settings
):
    settings.MEETING_EXPIRY_DAYS = 10
    early, late = in_days(3), in_days(5)
    request = meeting_request_create(
        requester=exporter,
        receiver=platform,
        by=exporter_user,
        note="  想与贵平台洽谈入驻。 ",
        proposed_times=[late, early, early],
        source=MeetingSource.SUGGESTION,
    )
    request.refresh_from_db()
    assert request.state == MeetingState.PENDING
    assert request.awaiting == platform
    assert request.pair == MeetingRequest.pair_of(platform.pk, exporter.pk)
    assert request.note == "想与贵平台洽谈入驻。"
    assert request.source == MeetingSource.SUGGESTION
    assert request.requested_by == exporter_user
    # Sorted, each once, in UTC.
    assert request.proposed_times == [
        early.astimezone(datetime.UTC).isoformat(),
        late.astimezone(datetime.UTC).isoformat(),
    ]
    expected_expiry = timezone.now() + datetime.timedelta(days=10)
    assert abs(request.expires_at - expected_expiry) < datetime.timedelta(minutes=1)
    [event] = request.events.all()
    assert (event.state, event.organization, event.user) == (
        MeetingState.PENDING,
        exporter,
        exporter_user,
    )


@pytest.mark.parametrize(
    "case",
    ["itself", "unverified_receiver", "inactive_receiver", "unverified_requester", "same_kind"],
)
def test_requests_between_organizations_that_may_not_meet_are_refused(
    case, exporter, platform, exporter_user
):
    receiver = platform
    if case == "itself":
        receiver = exporter
    elif case == "unverified_receiver":
        platform.verification_state = VerificationState.PENDING
        platform.save()
    elif case == "inactive_receiver":
        platform.is_active = False
        platform.save()
    elif case == "unverified_requester":
        exporter.verification_state = VerificationState.REJECTED
        exporter.save()
    elif case == "same_kind":
        receiver = ExporterFactory()
    code = error_code(
        lambda: meeting_request_create(requester=exporter, receiver=receiver, by=exporter_user)
    )
    assert code == "not_allowed"
    assert not MeetingRequest.objects.exists()


def test_platforms_and_service_providers_do_not_meet_but_exporters_meet_both(db):
    platform, provider, exporter = PlatformFactory(), ServiceProviderFactory(), ExporterFactory()
    platform_user = member_of(platform)
    assert (
        error_code(
            lambda: meeting_request_create(requester=platform, receiver=provider, by=platform_user)
        )
        == "not_allowed"
    )
    # The other direction of a partner pair works too: a provider asks an exporter.
    provider_user = member_of(provider)
    request = meeting_request_create(requester=provider, receiver=exporter, by=provider_user)
    assert request.awaiting == exporter
    bureau = ExporterFactory(kind=OrganizationKind.BUREAU)
    assert (
        error_code(
            lambda: meeting_request_create(requester=provider, receiver=bureau, by=provider_user)
        )
        == "not_allowed"
    )


def test_only_members_ask_for_their_organization(exporter, platform, platform_user):
    code = error_code(
        lambda: meeting_request_create(requester=exporter, receiver=platform, by=platform_user)
    )
    assert code == "not_member"


def test_proposed_times_must_be_few_and_in_the_future(exporter, platform, exporter_user):
    def create(times):
        return meeting_request_create(
            requester=exporter, receiver=platform, by=exporter_user, proposed_times=times
        )

    assert error_code(lambda: create([in_days(1), in_days(2), in_days(3), in_days(4)])) == (
        "too_many_times"
    )
    assert error_code(lambda: create([in_days(-1)])) == "past_time"
    with pytest.raises(ValueError):
        create([datetime.datetime(2030, 1, 1, 10, 0)])
    assert not MeetingRequest.objects.exists()


def test_a_second_open_request_is_refused_in_both_directions(
    pending, exporter, platform, exporter_user, platform_user
):
    same_way = pytest.raises(MeetingError)
    with same_way as caught:
        meeting_request_create(requester=exporter, receiver=platform, by=exporter_user)
    assert caught.value.code == "duplicate"
    assert caught.value.request == pending
    with pytest.raises(MeetingError) as caught:
        meeting_request_create(requester=platform, receiver=exporter, by=platform_user)
    assert caught.value.code == "duplicate"
    assert MeetingRequest.objects.count() == 1


def test_a_request_that_races_past_the_check_is_refused_by_the_database(
    pending, exporter, platform, platform_user, monkeypatch
):
    """The constraint is the guard: when the check misses a concurrent request (simulated by
    the first look finding nothing), the database refuses the insert and the service says
    why instead of failing."""
    real = meeting_services.meeting_request_open_between
    looks = []

    def first_look_misses(**kwargs):
        looks.append(kwargs)
        return None if len(looks) == 1 else real(**kwargs)

    monkeypatch.setattr(meeting_services, "meeting_request_open_between", first_look_misses)
    with pytest.raises(MeetingError) as caught:
        meeting_request_create(requester=platform, receiver=exporter, by=platform_user)
    assert caught.value.code == "duplicate"
    assert caught.value.request == pending
    assert len(looks) == 2
    assert MeetingRequest.objects.count() == 1


def test_a_closed_request_does_not_block_a_new_one(pending, exporter, platform, exporter_user):
    meeting_request_withdraw(request=pending, by=exporter_user)
    again = meeting_request_create(requester=exporter, receiver=platform, by=exporter_user)
    assert again.pk != pending.pk
    assert again.state == MeetingState.PENDING


def test_the_pending_limit_counts_open_outgoing_requests(exporter, exporter_user, settings):
    settings.MEETING_PENDING_LIMIT = 2
    first = meeting_request_create(requester=exporter, receiver=PlatformFactory(), by=exporter_user)
    second = meeting_request_create(
        requester=exporter, receiver=ServiceProviderFactory(), by=exporter_user
    )
    # A counter-proposal keeps the request open: it still counts.
    meeting_request_counter(
        request=first, by=member_of(first.receiver), proposed_times=[in_days(2)]
    )
    assert (
        error_code(
            lambda: meeting_request_create(
                requester=exporter, receiver=PlatformFactory(), by=exporter_user
            )
        )
        == "pending_limit"
    )
    # Requests received do not count, and a closed one frees a place.
    MeetingRequestFactory(requester=PlatformFactory(), receiver=exporter)
    meeting_request_withdraw(request=second, by=exporter_user)
    assert meeting_request_create(
        requester=exporter, receiver=PlatformFactory(), by=exporter_user
    ).is_open


def test_the_pending_limit_defaults_to_ten(exporter, exporter_user, settings):
    del settings.MEETING_PENDING_LIMIT
    for _number in range(10):
        meeting_request_create(requester=exporter, receiver=PlatformFactory(), by=exporter_user)
    assert (
        error_code(
            lambda: meeting_request_create(
                requester=exporter, receiver=PlatformFactory(), by=exporter_user
            )
        )
        == "pending_limit"
    )


# --- Answering --------------------------------------------------------------------------------


def test_the_receiver_accepts_one_of_the_proposed_times(pending, platform, platform_user):
    chosen = datetime.datetime.fromisoformat(pending.proposed_times[1])
    accepted = meeting_request_accept(request=pending, by=platform_user, time=chosen)
    accepted.refresh_from_db()
    assert accepted.state == MeetingState.ACCEPTED
    assert accepted.agreed_time == chosen
    assert accepted.awaiting is None
    assert accepted.closed_at is not None
    last = accepted.events.last()
    assert (last.state, last.organization, last.user) == (
        MeetingState.ACCEPTED,
        platform,
        platform_user,
    )


def test_the_receiver_may_accept_and_leave_the_time_for_later(pending, platform_user):
    accepted = meeting_request_accept(request=pending, by=platform_user)
    assert accepted.state == MeetingState.ACCEPTED
    assert accepted.agreed_time is None


def test_only_the_awaited_side_accepts(pending, exporter_user, outsider):
    assert error_code(lambda: meeting_request_accept(request=pending, by=exporter_user)) == (
        "not_your_turn"
    )
    assert error_code(lambda: meeting_request_accept(request=pending, by=outsider)) == (
        "not_your_turn"
    )
    assert (
        error_code(
            lambda: meeting_request_decline(
                request=pending, by=exporter_user, reason=MeetingDeclineReason.TIMING
            )
        )
        == "not_your_turn"
    )
    assert (
        error_code(
            lambda: meeting_request_counter(
                request=pending, by=exporter_user, proposed_times=[in_days(2)]
            )
        )
        == "not_your_turn"
    )
    pending.refresh_from_db()
    assert pending.state == MeetingState.PENDING
    assert pending.events.count() == 1


def test_a_time_that_was_not_proposed_is_refused(pending, platform_user):
    assert (
        error_code(
            lambda: meeting_request_accept(request=pending, by=platform_user, time=in_days(9))
        )
        == "unknown_time"
    )


def test_a_request_is_answered_once(pending, platform_user, platform_colleague):
    """Two members click at nearly the same moment: the second finds it answered."""
    stale = MeetingRequest.objects.get(pk=pending.pk)
    meeting_request_accept(request=pending, by=platform_user)
    assert (
        error_code(
            lambda: meeting_request_decline(
                request=stale, by=platform_colleague, reason=MeetingDeclineReason.TIMING
            )
        )
        == "not_open"
    )
    assert error_code(lambda: meeting_request_accept(request=stale, by=platform_colleague)) == (
        "not_open"
    )
    assert MeetingRequestEvent.objects.filter(state=MeetingState.ACCEPTED).count() == 1


def test_the_receiver_declines_with_a_reason(pending, platform_user):
    declined = meeting_request_decline(
        request=pending, by=platform_user, reason=MeetingDeclineReason.MARKETS, note="  "
    )
    declined.refresh_from_db()
    assert declined.state == MeetingState.DECLINED
    assert declined.decline_reason == MeetingDeclineReason.MARKETS
    assert declined.decline_note == ""
    assert declined.awaiting is None
    assert declined.events.last().state == MeetingState.DECLINED


def test_declining_for_another_reason_needs_a_note(pending, platform_user):
    assert (
        error_code(
            lambda: meeting_request_decline(
                request=pending, by=platform_user, reason=MeetingDeclineReason.OTHER
            )
        )
        == "note_required"
    )
    assert (
        error_code(
            lambda: meeting_request_decline(request=pending, by=platform_user, reason="rude")
        )
        == "invalid_reason"
    )
    declined = meeting_request_decline(
        request=pending, by=platform_user, reason=MeetingDeclineReason.OTHER, note="暂停招商"
    )
    assert declined.decline_note == "暂停招商"


def test_a_counter_proposal_passes_the_turn_and_restarts_the_clock(
    pending, exporter, platform, exporter_user, platform_user
):
    MeetingRequest.objects.filter(pk=pending.pk).update(expires_at=in_days(1))
    new_time = in_days(6)
    countered = meeting_request_counter(
        request=pending, by=platform_user, proposed_times=[new_time], note="下周更方便"
    )
    countered.refresh_from_db()
    assert countered.state == MeetingState.COUNTERED
    assert countered.awaiting == exporter
    assert countered.proposed_times == [new_time.astimezone(datetime.UTC).isoformat()]
    assert countered.expires_at > timezone.now() + datetime.timedelta(days=13)
    event = countered.events.last()
    assert (event.state, event.organization, event.note) == (
        MeetingState.COUNTERED,
        platform,
        "下周更方便",
    )
    # Now the requester answers, and the platform waits.
    assert error_code(lambda: meeting_request_accept(request=countered, by=platform_user)) == (
        "not_your_turn"
    )
    accepted = meeting_request_accept(request=countered, by=exporter_user, time=new_time)
    assert accepted.state == MeetingState.ACCEPTED
    assert accepted.agreed_time == new_time


def test_accepting_opens_one_conversation_for_the_two_organizations(
    pending, exporter, platform, exporter_user, platform_user
):
    meeting_request_accept(request=pending, by=platform_user)
    conversation = Conversation.objects.get()
    assert conversation.kind == ConversationKind.PAIR
    participants = conversation.participants.values_list("organization_id", flat=True)
    assert sorted(participants) == sorted([exporter.pk, platform.pk])

    # Later, the platform asks the exporter: the two keep talking in the same conversation.
    again = meeting_request_create(
        requester=platform, receiver=exporter, by=platform_user, proposed_times=[in_days(9)]
    )
    meeting_request_accept(request=again, by=exporter_user)
    assert list(Conversation.objects.all()) == [conversation]


def test_a_counter_proposal_needs_a_time(pending, platform_user):
    assert (
        error_code(
            lambda: meeting_request_counter(request=pending, by=platform_user, proposed_times=[])
        )
        == "no_times"
    )


def test_the_requester_withdraws_while_open(pending, exporter_user, platform_user):
    assert error_code(lambda: meeting_request_withdraw(request=pending, by=platform_user)) == (
        "not_member"
    )
    withdrawn = meeting_request_withdraw(request=pending, by=exporter_user)
    withdrawn.refresh_from_db()
    assert withdrawn.state == MeetingState.WITHDRAWN
    assert withdrawn.closed_at is not None
    assert error_code(lambda: meeting_request_withdraw(request=pending, by=exporter_user)) == (
        "not_open"
    )


# --- Expiry -----------------------------------------------------------------------------------


def test_open_requests_past_their_date_expire_once(pending, exporter, platform):
    countered = MeetingRequestFactory(
        requester=ExporterFactory(), receiver=platform, state=MeetingState.COUNTERED
    )
    fresh = MeetingRequestFactory(requester=ExporterFactory(), receiver=platform)
    answered = MeetingRequestFactory(
        requester=ExporterFactory(), receiver=platform, state=MeetingState.ACCEPTED, awaiting=None
    )
    MeetingRequest.objects.filter(pk__in=[pending.pk, countered.pk, answered.pk]).update(
        expires_at=in_days(-1)
    )
    assert meeting_requests_expire() == 2
    assert meeting_requests_expire() == 0
    states = dict(MeetingRequest.objects.values_list("pk", "state"))
    assert states[pending.pk] == MeetingState.EXPIRED
    assert states[countered.pk] == MeetingState.EXPIRED
    assert states[fresh.pk] == MeetingState.PENDING
    assert states[answered.pk] == MeetingState.ACCEPTED
    event = MeetingRequest.objects.get(pk=pending.pk).events.last()
    assert (event.state, event.organization, event.user) == (MeetingState.EXPIRED, None, None)


def test_an_expired_request_cannot_be_answered_before_the_command_runs(pending, platform_user):
    MeetingRequest.objects.filter(pk=pending.pk).update(expires_at=in_days(-1))
    assert error_code(lambda: meeting_request_accept(request=pending, by=platform_user)) == (
        "expired"
    )


def test_the_expiry_command_calls_the_service(pending, capsys):
    MeetingRequest.objects.filter(pk=pending.pk).update(expires_at=in_days(-1))
    call_command("meetings_expire")
    assert "expired: 1" in capsys.readouterr().out
    pending.refresh_from_db()
    assert pending.state == MeetingState.EXPIRED


# --- Outcomes ---------------------------------------------------------------------------------


def test_both_sides_report_an_outcome_after_acceptance(
    pending, exporter, platform, exporter_user, platform_user
):
    assert (
        error_code(
            lambda: meeting_outcome_report(
                request=pending,
                organization=exporter,
                by=exporter_user,
                outcome=MeetingOutcomeKind.NEGOTIATING,
            )
        )
        == "not_accepted"
    )
    meeting_request_accept(request=pending, by=platform_user)
    meeting_outcome_report(
        request=pending,
        organization=exporter,
        by=exporter_user,
        outcome=MeetingOutcomeKind.NEGOTIATING,
    )
    meeting_outcome_report(
        request=pending,
        organization=exporter,
        by=exporter_user,
        outcome=MeetingOutcomeKind.ONBOARDED,
        note="已入驻",
    )
    meeting_outcome_report(
        request=pending,
        organization=platform,
        by=platform_user,
        outcome=MeetingOutcomeKind.AGREEMENT,
    )
    reports = dict(MeetingOutcome.objects.values_list("organization_id", "outcome"))
    assert reports == {
        exporter.pk: MeetingOutcomeKind.ONBOARDED,
        platform.pk: MeetingOutcomeKind.AGREEMENT,
    }
    assert MeetingOutcome.objects.get(organization=exporter).note == "已入驻"


def test_only_members_report_for_their_side(pending, exporter, platform_user, outsider):
    meeting_request_accept(request=pending, by=platform_user)
    assert (
        error_code(
            lambda: meeting_outcome_report(
                request=pending,
                organization=exporter,
                by=platform_user,
                outcome=MeetingOutcomeKind.NEGOTIATING,
            )
        )
        == "not_member"
    )
    stranger = outsider.memberships.get().organization
    assert (
        error_code(
            lambda: meeting_outcome_report(
                request=pending,
                organization=stranger,
                by=outsider,
                outcome=MeetingOutcomeKind.NEGOTIATING,
            )
        )
        == "not_member"
    )
    assert not MeetingOutcome.objects.exists()


# --- Notices ----------------------------------------------------------------------------------


def test_each_transition_notifies_the_other_side_once_in_each_members_language(
    exporter,
    platform,
    exporter_user,
    platform_user,
    platform_colleague,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        request = meeting_request_create(
            requester=exporter,
            receiver=platform,
            by=exporter_user,
            note="想与贵平台洽谈入驻。",
            proposed_times=[in_days(3)],
        )
    assert len(callbacks) == 1
    # Both platform members, none of the exporter's.
    notices = Notification.objects.filter(kind="meeting_request.pending")
    assert sorted(notices.values_list("user_id", flat=True)) == sorted(
        [platform_user.pk, platform_colleague.pk]
    )
    assert {n.organization_id for n in notices} == {platform.pk}
    assert {n.url for n in notices} == {f"/me/meetings/{request.pk}/"}
    english = notices.get(user=platform_user)
    with translation.override("en"):
        assert notification_text(english) == (
            "Beijing Woodware Export requests a meeting with you."
        )
    with translation.override("zh-hans"):
        assert "北京木器出口有限公司" in notification_text(english)

    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {platform_user.email, platform_colleague.email}
    english_mail = by_address[platform_user.email]
    assert "Beijing Woodware Export" in english_mail.subject
    assert f"/en/me/meetings/{request.pk}/" in english_mail.body
    assert "想与贵平台洽谈入驻。" in english_mail.body
    chinese_mail = by_address[platform_colleague.email]
    assert "北京木器出口有限公司" in chinese_mail.subject
    assert "/en/" not in chinese_mail.body
    assert f"/me/meetings/{request.pk}/" in chinese_mail.body

    # The platform answers: the exporter's member hears of it, once; the platform does not.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_request_accept(request=request, by=platform_user)
    accepted = Notification.objects.filter(kind="meeting_request.accepted")
    assert list(accepted.values_list("user_id", flat=True)) == [exporter_user.pk]
    [mail] = mailoutbox
    assert mail.to == [exporter_user.email]
    assert "北京跨境优选平台" in mail.subject
    assert Notification.objects.count() == 3


@pytest.mark.parametrize("transition", ["decline", "counter", "withdraw"])
def test_every_other_transition_notifies_the_other_side_once(
    transition,
    pending,
    exporter_user,
    platform_user,
    platform_colleague,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    if transition == "decline":
        act = lambda: meeting_request_decline(  # noqa: E731
            request=pending, by=platform_user, reason=MeetingDeclineReason.NO_CAPACITY
        )
        recipients = {exporter_user}
    elif transition == "counter":
        act = lambda: meeting_request_counter(  # noqa: E731
            request=pending, by=platform_user, proposed_times=[in_days(8)]
        )
        recipients = {exporter_user}
    else:
        act = lambda: meeting_request_withdraw(request=pending, by=exporter_user)  # noqa: E731
        recipients = {platform_user, platform_colleague}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        act()
    assert len(callbacks) == 1
    state = MeetingRequest.objects.get(pk=pending.pk).state
    notices = Notification.objects.all()
    assert {n.kind for n in notices} == {f"meeting_request.{state}"}
    assert sorted(n.user_id for n in notices) == sorted(user.pk for user in recipients)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        user.email for user in recipients
    )


def test_the_counter_proposal_mail_carries_its_note_and_times(
    pending, exporter_user, platform_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting_request_counter(
            request=pending, by=platform_user, proposed_times=[in_days(8)], note="下周三上午更方便"
        )
    [mail] = mailoutbox
    assert mail.to == [exporter_user.email]
    assert "下周三上午更方便" in mail.body
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    assert in_days(8).astimezone(beijing).strftime("%Y-%m-%d %H:%M") in mail.body


def test_a_refused_transition_notifies_nobody(
    pending, exporter_user, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(MeetingError),
    ):
        meeting_request_accept(request=pending, by=exporter_user)
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_an_expiry_tells_both_sides_once(
    pending,
    exporter_user,
    platform_user,
    platform_colleague,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    MeetingRequest.objects.filter(pk=pending.pk).update(expires_at=in_days(-1))
    with django_capture_on_commit_callbacks(execute=True):
        meeting_requests_expire()
        meeting_requests_expire()
    notices = Notification.objects.filter(kind="meeting_request.expired")
    assert sorted(notices.values_list("user_id", flat=True)) == sorted(
        [exporter_user.pk, platform_user.pk, platform_colleague.pk]
    )
    assert len(mailoutbox) == 3
    for_exporter = notices.get(user=exporter_user)
    with translation.override("en"):
        assert "Beijing Crossborder Select" in notification_text(for_exporter)


# --- Races (real commits, a connection per thread) --------------------------------------------


def at_once(*calls) -> list:
    """Run `calls` in threads released together by a barrier; each one's result, or the
    MeetingError it raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(number: int, call) -> None:
        try:
            barrier.wait(timeout=30)
            try:
                results[number] = call()
            except MeetingError as error:
                results[number] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def slowly(function):
    """`function`, then a pause: widens the window between a check and the write after it."""

    def slow(*args, **kwargs):
        result = function(*args, **kwargs)
        time.sleep(0.5)
        return result

    return slow


def _answer_twice_at_once(pending, platform_user, platform_colleague) -> list:
    return at_once(
        lambda: meeting_request_accept(request=pending, by=platform_user),
        lambda: meeting_request_decline(
            request=pending, by=platform_colleague, reason=MeetingDeclineReason.TIMING
        ),
    )


@transactional_db
def test_two_members_answering_at_once_give_one_answer_and_one_notice(
    pending, exporter_user, platform_user, platform_colleague, monkeypatch, mailoutbox
):
    monkeypatch.setattr(meeting_services, "_require_turn", slowly(meeting_services._require_turn))
    results = _answer_twice_at_once(pending, platform_user, platform_colleague)
    refused = [result for result in results if isinstance(result, MeetingError)]
    assert len(refused) == 1
    assert refused[0].code == "not_open"
    assert MeetingRequestEvent.objects.filter(request=pending).count() == 2
    # One notice of the one answer (the creation's ran when the fixture committed it).
    answers = Notification.objects.exclude(kind="meeting_request.pending")
    assert list(answers.values_list("user_id", flat=True)) == [exporter_user.pk]


@transactional_db
def test_without_the_row_lock_both_answers_would_pass(
    pending, platform_user, platform_colleague, monkeypatch
):
    """Negative control: the same race with the lock taken away lets both answers through,
    so the test above would catch a missing lock. PostgreSQL only: SQLite runs here with
    IMMEDIATE transactions, which serialize the two answers whatever the code does."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes whole transactions: no race to observe")

    def unlocked(request):
        return MeetingRequest.objects.select_related("requester", "receiver", "awaiting").get(
            pk=request.pk
        )

    monkeypatch.setattr(meeting_services, "_locked", unlocked)
    monkeypatch.setattr(meeting_services, "_require_turn", slowly(meeting_services._require_turn))
    results = _answer_twice_at_once(pending, platform_user, platform_colleague)
    assert not any(isinstance(result, MeetingError) for result in results)
    assert MeetingRequestEvent.objects.filter(request=pending).count() == 3


@transactional_db
def test_two_organizations_asking_each_other_at_once_get_one_request(
    exporter, platform, exporter_user, platform_user, monkeypatch
):
    looks = []
    real_look = meeting_services.meeting_request_open_between

    def counted_look(**kwargs):
        looks.append(kwargs)
        return real_look(**kwargs)

    monkeypatch.setattr(meeting_services, "meeting_request_open_between", counted_look)
    monkeypatch.setattr(
        meeting_services,
        "meeting_request_pending_outgoing_count",
        slowly(meeting_services.meeting_request_pending_outgoing_count),
    )
    results = at_once(
        lambda: meeting_request_create(requester=exporter, receiver=platform, by=exporter_user),
        lambda: meeting_request_create(requester=platform, receiver=exporter, by=platform_user),
    )
    refused = [result for result in results if isinstance(result, MeetingError)]
    assert [error.code for error in refused] == ["duplicate"]
    assert MeetingRequest.objects.count() == 1
    assert refused[0].request == MeetingRequest.objects.get()
    if connection.vendor == "postgresql":
        # Both passed the first look; the database refused the second insert, and the
        # service looked again to name the request that won.
        assert len(looks) == 3


def test_a_failing_mail_server_loses_no_notice_and_undoes_nothing(
    exporter, platform, exporter_user, settings, django_capture_on_commit_callbacks
):
    """The step commits, every member of the other side still gets the in-app notice, and the
    failure is logged rather than raised (the request was saved; its answer is not a 500)."""
    settings.EMAIL_BACKEND = "tests.matchmaking.failing_mail.FailingEmailBackend"
    receivers = [member_of(platform, language="en"), member_of(platform)]
    with django_capture_on_commit_callbacks(execute=True):
        request = meeting_request_create(
            requester=exporter, receiver=platform, by=exporter_user, note="想洽谈入驻条件"
        )
    assert MeetingRequest.objects.get(pk=request.pk).state == MeetingState.PENDING
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted(
        user.pk for user in receivers
    )


def test_an_organization_with_a_hidden_profile_takes_no_requests(exporter, platform, exporter_user):
    Profile.objects.update_or_create(
        organization=platform, defaults={"visibility": Visibility.HIDDEN}
    )
    with pytest.raises(MeetingError):
        meeting_request_create(requester=exporter, receiver=platform, by=exporter_user)
    assert not MeetingRequest.objects.exists()
