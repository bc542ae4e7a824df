"""What bureau staff read when they review registrations in the Wagtail admin: events with
their counts per state, an event's registrations filtered, places per kind, waitlist order,
and the ticket behind a scanned code."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone
from wagtail.models import Page

from events.models import (
    PLACE_STATES,
    REGISTRANT_KINDS,
    EventPage,
    EventPlaces,
    PlaceCounter,
    Registration,
    RegistrationState,
)

KIND_LABELS = dict(REGISTRANT_KINDS)


def state_count_field(state: str) -> str:
    """The name of the annotation that counts `state` on each event of event_review_list."""
    return f"count_{state}"


def event_review_list() -> QuerySet[EventPage]:
    """Every event with its registrations counted per state: events not yet over first,
    soonest first, then those over, latest first. One query."""
    now = timezone.now()
    counts = {
        state_count_field(state): Count("registrations", filter=Q(registrations__state=state))
        for state in RegistrationState.values
    }
    is_over = Case(
        When(ends_at__lt=now, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    return (
        EventPage.objects.annotate(is_over=is_over, **counts)
        .select_related("content_type")
        .order_by(
            "is_over",
            Case(When(is_over=False, then=F("starts_at"))).asc(nulls_last=True),
            F("starts_at").desc(),
            "pk",
        )
    )


def event_review_get(*, event_id: int) -> EventPage | None:
    return EventPage.objects.filter(pk=event_id).first()


def registration_review_list(
    *, event: EventPage, state: str = "", kind: str = "", query: str = ""
) -> QuerySet[Registration]:
    """The event's registrations in the order they came in, narrowed by state, organization
    kind (the kind the places were taken as) and words of the organization's name."""
    registrations = Registration.objects.filter(event=event)
    if state:
        registrations = registrations.filter(state=state)
    if kind:
        registrations = registrations.filter(organization_kind=kind)
    query = query.strip()
    if query:
        registrations = registrations.filter(
            Q(organization__name_zh__icontains=query) | Q(organization__name_en__icontains=query)
        )
    return (
        registrations.select_related("organization")
        .prefetch_related("documents")
        .order_by("created_at", "pk")
    )


def waitlist_positions(*, event: EventPage) -> dict[int, int]:
    """Each waitlisted registration's place in its kind's queue (1 = the next place freed).

    One query for the whole event, in the order events.services promotes."""
    positions: dict[int, int] = {}
    seen: dict[str, int] = {}
    waiting = (
        Registration.objects.filter(event=event, state=RegistrationState.WAITLISTED)
        .order_by("waitlisted_at", "pk")
        .values_list("pk", "organization_kind")
    )
    for pk, kind in waiting:
        seen[kind] = seen.get(kind, 0) + 1
        positions[pk] = seen[kind]
    return positions


@dataclass(frozen=True)
class KindPlaces:
    kind: str
    label: str
    taken: int
    capacity: int
    pending: int
    waitlisted: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)


def places_summary(*, event: EventPage) -> list[KindPlaces]:
    """Places taken and offered per organization kind, with the registrations still waiting
    for one (pending review, waitlisted). Kinds the page no longer lists keep a row while they
    hold places. Three queries."""
    capacity = dict(
        EventPlaces.objects.filter(event=event)
        .order_by("sort_order")
        .values_list("organization_kind", "places")
    )
    taken = dict.fromkeys(capacity, 0)
    for counter in PlaceCounter.objects.filter(event=event):
        capacity[counter.organization_kind] = counter.capacity
        taken[counter.organization_kind] = counter.taken
    waiting = {
        (row["organization_kind"], row["state"]): row["number"]
        for row in Registration.objects.filter(
            event=event, state__in=[RegistrationState.PENDING, RegistrationState.WAITLISTED]
        )
        .values("organization_kind", "state")
        .annotate(number=Count("pk"))
    }
    return [
        KindPlaces(
            kind=kind,
            label=KIND_LABELS.get(kind, kind),
            taken=taken[kind],
            capacity=capacity[kind],
            pending=waiting.get((kind, RegistrationState.PENDING), 0),
            waitlisted=waiting.get((kind, RegistrationState.WAITLISTED), 0),
        )
        for kind in capacity
    ]


@dataclass(frozen=True)
class CheckInCounts:
    checked_in: int
    expected: int


def check_in_counts(*, event: EventPage) -> CheckInCounts:
    """Registrations checked in, out of those holding a place (confirmed or checked in)."""
    counts = Registration.objects.filter(event=event, state__in=PLACE_STATES).aggregate(
        checked_in=Count("pk", filter=Q(state=RegistrationState.CHECKED_IN)),
        expected=Count("pk"),
    )
    return CheckInCounts(checked_in=counts["checked_in"], expected=counts["expected"])


def registration_for_ticket(*, code: str) -> Registration | None:
    """The registration whose ticket carries `code` (for any event), or None."""
    code = code.strip()
    if not code:
        return None
    return (
        Registration.objects.select_related("organization", "event")
        .filter(ticket_code=code)
        .first()
    )


def pages_hold_registrations(*, pages: Iterable[Page]) -> bool:
    """Whether an event among `pages` or below them has a registration, in any state (the
    foreign key protects them all, cancelled and declined ones included). One query."""
    under = Q()
    for page in pages:
        under |= Q(event__path__startswith=page.path)
    return bool(under) and Registration.objects.filter(under).exists()
