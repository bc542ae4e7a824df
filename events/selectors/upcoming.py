"""Registrations for events still to come: an organization's (for its signed-in home), and
those due the day-before reminder."""

import datetime
import zoneinfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Organization
from events.models import Registration, RegistrationState


def registration_upcoming_list(
    *, organization: Organization | None, limit: int = 10
) -> QuerySet[Registration]:
    """Registrations of `organization` for events not yet ended, soonest first, in every state
    but cancelled (a cancellation is the organization's own doing; a decline is news to it).
    One query: the rows carry their event (its common fields, no page subclass)."""
    if organization is None:
        return Registration.objects.none()
    return (
        Registration.objects.filter(organization=organization, event__ends_at__gt=timezone.now())
        .exclude(state=RegistrationState.CANCELLED)
        .select_related("event")
        .order_by("event__starts_at", "pk")[:limit]
    )


def registration_reminder_due_list(*, day: datetime.date) -> QuerySet[Registration]:
    """Confirmed registrations not reminded yet, for live events starting on `day` (a date in
    Beijing time, whatever the venue's zone)."""
    beijing = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    starts = datetime.datetime.combine(day, datetime.time.min, tzinfo=beijing)
    return (
        Registration.objects.filter(
            state=RegistrationState.CONFIRMED,
            reminded_at__isnull=True,
            event__live=True,
            event__starts_at__gte=starts,
            event__starts_at__lt=starts + datetime.timedelta(days=1),
        )
        .select_related("event", "organization", "submitted_by")
        .order_by("event__starts_at", "pk")
    )
