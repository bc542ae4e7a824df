"""Registrations as their viewers may see them, places left, the ticket."""

from django.db.models import QuerySet
from django.urls import reverse

from accounts.models import Organization
from accounts.selectors import active_organization_get, membership_get, user_is_bureau_staff
from events.models import (
    ACTIVE_STATES,
    EventPage,
    PlaceCounter,
    Registration,
)
from events.selectors.lobbies import lobby_id_for_registration, registrations_with_lobby_id


def registration_can_view(*, user, registration: Registration) -> bool:
    """Members of the registering organization and bureau staff."""
    return user_is_bureau_staff(user) or (
        membership_get(user=user, organization=registration.organization) is not None
    )


def registration_get(*, pk: int) -> Registration | None:
    return (
        Registration.objects.select_related("event", "organization", "submitted_by")
        .prefetch_related("documents")
        .filter(pk=pk)
        .first()
    )


def registration_list_for_organization(*, organization: Organization) -> QuerySet[Registration]:
    """The organization's registrations, latest event first, each with the id of the event's
    chat lobby where the organization has a seat (`lobby_conversation_id`, else None)."""
    return registrations_with_lobby_id(
        Registration.objects.filter(organization=organization)
        .select_related("event")
        .order_by("-event__starts_at", "-pk")
    )


def registration_active_for(*, event: EventPage, organization: Organization | None):
    if organization is None:
        return None
    return Registration.objects.filter(
        event=event, organization=organization, state__in=ACTIVE_STATES
    ).first()


def places_left(*, event: EventPage) -> dict[str, int]:
    """Free places per organization kind, from the counters (the published capacity where no
    registration has been made yet)."""
    left = {row.organization_kind: row.places for row in event.places.all()}
    for counter in PlaceCounter.objects.filter(event=event, organization_kind__in=left):
        left[counter.organization_kind] = counter.free
    return left


def waitlist_position(*, registration: Registration) -> int | None:
    """1 for the next registration a freed place goes to."""
    if registration.waitlisted_at is None or registration.state != "waitlisted":
        return None
    return (
        Registration.objects.filter(
            event_id=registration.event_id,
            organization_kind=registration.organization_kind,
            state="waitlisted",
            waitlisted_at__lte=registration.waitlisted_at,
        )
        .exclude(waitlisted_at=registration.waitlisted_at, pk__gt=registration.pk)
        .count()
    )


def ticket_check_in_path(*, registration: Registration) -> str:
    """What the ticket's QR code holds: the staff check-in page for this ticket, so that a
    phone's camera opens it directly."""
    path = reverse("events_admin:check_in", kwargs={"event_id": registration.event_id})
    return f"{path}?code={registration.ticket_code}"


def event_page_context(*, event: EventPage, user) -> dict:
    """What an event page shows beside the event: places left, the viewer's registration and
    the chat lobby it gives them a seat in (its id, or None)."""
    organization = active_organization_get(user=user)
    registration = registration_active_for(event=event, organization=organization)
    return {
        "places_left": places_left(event=event),
        "acting_organization": organization,
        "my_registration": registration,
        "lobby_conversation_id": (
            lobby_id_for_registration(registration=registration, user=user)
            if registration is not None
            else None
        ),
        "registration_open": event.registration_is_open(),
    }
