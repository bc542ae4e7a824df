"""E-mails to registrants, each in the language the registering person chose, with the
event's .ics attached on confirmation.

Called after commit (events.services), never inside a transaction; each call reads the
registration afresh, so a message describes the state it was sent for.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from events import ics
from events.models import Registration, RegistrationState


def _ticket_url(registration: Registration) -> str:
    return ics.absolute_url(reverse("events:ticket", kwargs={"pk": registration.pk}))


def _send(*, registration: Registration, template: str, attach_ics: bool) -> None:
    user = registration.submitted_by
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        event = registration.event.specific
        context = {
            "registration": registration,
            "event": event,
            "user": user,
            "state": registration.state,
            "States": RegistrationState,
            "ticket_url": _ticket_url(registration),
            "event_url": ics.absolute_url(event.url or ""),
        }
        subject = render_to_string(f"events/email/{template}_subject.txt", context)
        body = render_to_string(f"events/email/{template}_body.txt", context)
        message = EmailMessage(
            " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email]
        )
        if attach_ics:
            message.attach(ics.event_filename(event), ics.calendar_bytes([event]), "text/calendar")
    message.send()


def _registration(registration_id: int) -> Registration | None:
    return (
        Registration.objects.select_related("event", "organization", "submitted_by")
        .filter(pk=registration_id)
        .first()
    )


def send_registration_state(*, registration_id: int) -> None:
    """Tell the registrant the registration's current state (checked-in needs no e-mail)."""
    registration = _registration(registration_id)
    if registration is None or registration.state == RegistrationState.CHECKED_IN:
        return
    _send(
        registration=registration,
        template="registration_state",
        attach_ics=registration.state == RegistrationState.CONFIRMED,
    )


def send_reminder(*, registration: Registration) -> None:
    """The day before: where and when, with the ticket and the calendar entry again."""
    _send(registration=registration, template="reminder", attach_ics=True)
