"""E-mails for every state change, in the registrant's language, with the .ics on confirmation;
the day-before reminder command."""

import datetime
import zoneinfo
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from icalendar import Calendar

from accounts.models import OrganizationKind
from events import ics
from events.models import ExpoCallPage, Registration, TrainingPage
from events.services.registrations import (
    registration_approve,
    registration_cancel,
    registration_create,
    registration_decline,
)
from tests.factories.events import event_publish, registrant

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo(settings.TIME_ZONE)
ATTENDEES = [{"name": "王建国"}]
TITLES = {"title": "跨境电商资源对接会", "title_en": "Cross-border resource-docking meeting"}


def person(language: str, kind: str = OrganizationKind.EXPORTER):
    user, organization = registrant(kind)
    user.preferred_language = language
    user.save()
    return user, organization


def register(event, user, organization) -> Registration:
    return registration_create(
        event=event, organization=organization, user=user, attendees=ATTENDEES
    )


def calendar_attachments(message) -> list[Calendar]:
    return [
        Calendar.from_ical(content)
        for _name, content, mimetype in message.attachments
        if mimetype == "text/calendar"
    ]


def assert_in_language(message, language: str, event) -> None:
    """The subject names the event in the registrant's language, and the body greets them in
    it."""
    if language == "en":
        assert event.title_en in message.subject
        assert event.title not in message.subject
        assert message.body.startswith("Hello ")
    else:
        assert event.title in message.subject
        assert event.title_en not in message.subject
        assert "您好" in message.body.splitlines()[0]


# --- One e-mail per state change -------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_review_states_each_send_one_email_in_the_registrants_language(
    language, bureau_staff, mailoutbox, django_capture_on_commit_callbacks
):
    expo = event_publish(ExpoCallPage, **TITLES)
    user, organization = person(language)
    other_user, other_organization = person(language)

    with django_capture_on_commit_callbacks(execute=True):
        registration = register(expo, user, organization)
    [pending] = mailoutbox
    assert pending.to == [user.email]
    assert_in_language(pending, language, expo)
    assert calendar_attachments(pending) == []

    with django_capture_on_commit_callbacks(execute=True):
        registration_approve(registration=registration, by=bureau_staff)
    confirmed = mailoutbox[1]
    assert_in_language(confirmed, language, expo)
    [calendar] = calendar_attachments(confirmed)
    assert str(calendar.walk("VEVENT")[0]["UID"]) == ics.event_uid(expo)

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration, by=user)
    cancelled = mailoutbox[2]
    assert_in_language(cancelled, language, expo)
    assert calendar_attachments(cancelled) == []

    with django_capture_on_commit_callbacks(execute=True):
        other = register(expo, other_user, other_organization)
        registration_decline(registration=other, by=bureau_staff, reason="展品与专区主题不符")
    declined = mailoutbox[4]
    assert declined.to == [other_user.email]
    assert_in_language(declined, language, expo)
    assert "展品与专区主题不符" in declined.body
    assert calendar_attachments(declined) == []
    assert len(mailoutbox) == 5


def test_the_ics_comes_only_with_the_confirmation_and_parses(
    mailoutbox, django_capture_on_commit_callbacks
):
    session = event_publish(
        places={OrganizationKind.EXPORTER: 1}, venue_zh="国家会议中心", **TITLES
    )
    first_user, first = person("zh-hans")
    second_user, second = person("en")
    with django_capture_on_commit_callbacks(execute=True):
        register(session, first_user, first)
        register(session, second_user, second)  # no place left: waitlisted

    confirmed, waitlisted = mailoutbox
    [calendar] = calendar_attachments(confirmed)
    [entry] = calendar.walk("VEVENT")
    assert str(entry["UID"]) == ics.event_uid(session)
    assert str(entry["SUMMARY"]) == session.title  # in the registrant's language
    assert entry.decoded("DTSTART") == session.starts_at
    assert str(entry["LOCATION"]) == "国家会议中心"
    assert confirmed.attachments[0][0].endswith(".ics")

    assert waitlisted.to == [second_user.email]
    assert_in_language(waitlisted, "en", session)
    assert waitlisted.attachments == []


def test_a_promotion_from_the_waitlist_emails_the_promoted_registrant(
    mailoutbox, django_capture_on_commit_callbacks
):
    session = event_publish(places={OrganizationKind.EXPORTER: 1}, **TITLES)
    holder_user, holder = person("zh-hans")
    waiting_user, waiting = person("en")
    first = register(session, holder_user, holder)
    second = register(session, waiting_user, waiting)
    assert second.state == "waitlisted"
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=first, by=holder_user)

    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [holder_user.email, waiting_user.email]
    )
    [promoted] = [message for message in mailoutbox if message.to == [waiting_user.email]]
    assert_in_language(promoted, "en", session)
    assert "Registration confirmed" in promoted.subject
    [calendar] = calendar_attachments(promoted)
    assert str(calendar.walk("VEVENT")[0]["SUMMARY"]) == session.title_en
    [released] = [message for message in mailoutbox if message.to == [holder_user.email]]
    assert calendar_attachments(released) == []


# --- The reminder command --------------------------------------------------------------------


def beijing_day(days_from_today: int) -> datetime.date:
    return timezone.localdate(timezone=BEIJING) + datetime.timedelta(days=days_from_today)


def event_on(day: datetime.date, at: datetime.time, page_class=TrainingPage, **fields):
    """A published event starting at `at` Beijing time on `day` (or a second later), taking
    registrations until an hour after it starts, so that the test never finds it closed."""
    starts = datetime.datetime.combine(day, at, tzinfo=BEIJING)
    return event_publish(
        page_class,
        starts_in=starts - timezone.now().replace(microsecond=0),
        closes_before_start=-datetime.timedelta(hours=1),
        **fields,
    )


def run_reminders(*args) -> str:
    out = StringIO()
    call_command("events_send_reminders", *args, stdout=out)
    return out.getvalue()


def test_reminders_go_once_to_confirmed_registrations_for_tomorrows_events(mailoutbox):
    tomorrow, after = beijing_day(1), beijing_day(2)
    early = event_on(tomorrow, datetime.time(0, 0), title_en="Early training")
    late = event_on(tomorrow, datetime.time(23, 59), places={OrganizationKind.EXPORTER: 1})
    next_day = event_on(after, datetime.time(0, 0))
    confirmed_user, confirmed = person("en")
    reminded = [
        register(early, confirmed_user, confirmed),
        register(late, *person("zh-hans")),
    ]
    waitlisted = register(late, *person("zh-hans"))
    assert waitlisted.state == "waitlisted"
    cancel_user, cancel_organization = person("zh-hans")
    cancelled = register(early, cancel_user, cancel_organization)
    registration_cancel(registration=cancelled, by=cancel_user)
    not_yet = register(next_day, *person("en"))
    mailoutbox.clear()

    output = run_reminders()

    assert "2 sent" in output
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        registration.submitted_by.email for registration in reminded
    )
    [english] = [message for message in mailoutbox if message.to == [confirmed_user.email]]
    assert english.subject == "Tomorrow: Early training"
    assert str(calendar_attachments(english)[0].walk("VEVENT")[0]["SUMMARY"]) == "Early training"
    assert Registration.objects.filter(reminded_at__isnull=False).count() == 2

    mailoutbox.clear()
    assert "0 sent" in run_reminders()
    assert mailoutbox == []

    assert "1 sent" in run_reminders("--date", after.isoformat())
    assert [message.to for message in mailoutbox] == [[not_yet.submitted_by.email]]


def test_the_date_must_be_a_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("events_send_reminders", "--date", "tomorrow")
