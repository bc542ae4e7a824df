"""Reads about meeting requests: an organization's lists, one request for a member of either
side, and the questions the request buttons and the services ask (may these two meet, is a
request already open between them, how many requests are waiting on others)."""

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext

from accounts.models import Membership, Organization, OrganizationKind
from matchmaking.models import (
    OPEN_MEETING_STATES,
    MeetingRequest,
    MeetingRequestEvent,
    MeetingState,
    Profile,
    Visibility,
)

# Who may ask whom for a meeting: exporters meet platforms and service providers.
PARTNER_KINDS = frozenset(
    {
        frozenset({OrganizationKind.EXPORTER, OrganizationKind.PLATFORM}),
        frozenset({OrganizationKind.EXPORTER, OrganizationKind.SERVICE_PROVIDER}),
    }
)

# The tabs of the meetings page, in their order.
MEETING_TABS = ("awaiting_us", "awaiting_them", "accepted", "closed")
CLOSED_MEETING_STATES = (MeetingState.DECLINED, MeetingState.WITHDRAWN, MeetingState.EXPIRED)


def meeting_times_parse(values: list[str]) -> list[datetime.datetime]:
    """Stored proposed times (ISO 8601 strings) as aware datetimes."""
    return [datetime.datetime.fromisoformat(value) for value in values]


def meeting_kinds_are_partners(*, first_kind: str, second_kind: str) -> bool:
    return frozenset({first_kind, second_kind}) in PARTNER_KINDS


def meeting_organization_can_request(*, organization: Organization | None) -> bool:
    """Whether an organization may ask anyone for a meeting at all (for showing buttons)."""
    return (
        organization is not None
        and organization.is_active
        and organization.is_verified
        and any(organization.kind in kinds for kinds in PARTNER_KINDS)
    )


def meeting_request_refusal(*, requester: Organization, receiver: Organization) -> str | None:
    """Why `requester` may not ask `receiver` for a meeting, or None when it may.

    Does not look at open requests or the pending limit (the service checks those under its
    lock); only at who the two organizations are.
    """
    if requester.pk == receiver.pk:
        return gettext("An organization cannot request a meeting with itself.")
    if not requester.is_active or not requester.is_verified:
        return gettext("Your organization can request meetings once the bureau has verified it.")
    if (
        not receiver.is_active
        or not receiver.is_verified
        or Profile.objects.filter(organization=receiver, visibility=Visibility.HIDDEN).exists()
    ):
        # A hidden profile is not to be found by others, nor asked for meetings.
        return gettext("This organization does not take meeting requests at the moment.")
    if not meeting_kinds_are_partners(first_kind=requester.kind, second_kind=receiver.kind):
        return gettext(
            "Meetings are arranged between exporters and platforms or service providers."
        )
    return None


def _requests() -> QuerySet[MeetingRequest]:
    return MeetingRequest.objects.select_related(
        "requester", "receiver", "awaiting", "requested_by"
    )


def _involving(organization: Organization) -> Q:
    return Q(requester_id=organization.pk) | Q(receiver_id=organization.pk)


def meeting_request_list(*, organization: Organization, tab: str) -> QuerySet[MeetingRequest]:
    """The organization's requests on one tab of the meetings page, most recent first:
    - awaiting_us: open, and it is this organization's turn to answer;
    - awaiting_them: open, and the other side's turn;
    - accepted;
    - closed: declined, withdrawn or expired.
    """
    involving = _requests().filter(_involving(organization))
    if tab == "awaiting_us":
        return involving.filter(state__in=OPEN_MEETING_STATES, awaiting_id=organization.pk)
    if tab == "awaiting_them":
        return involving.filter(state__in=OPEN_MEETING_STATES).exclude(awaiting_id=organization.pk)
    if tab == "accepted":
        return involving.filter(state=MeetingState.ACCEPTED)
    if tab == "closed":
        return involving.filter(state__in=CLOSED_MEETING_STATES)
    raise ValueError(f"unknown tab {tab!r}")


def meeting_request_tab_counts(*, organization: Organization) -> dict[str, int]:
    """How many requests each tab holds, in one query."""
    return MeetingRequest.objects.filter(_involving(organization)).aggregate(
        awaiting_us=Count(
            "pk", filter=Q(state__in=OPEN_MEETING_STATES, awaiting_id=organization.pk)
        ),
        awaiting_them=Count(
            "pk", filter=Q(state__in=OPEN_MEETING_STATES) & ~Q(awaiting_id=organization.pk)
        ),
        accepted=Count("pk", filter=Q(state=MeetingState.ACCEPTED)),
        closed=Count("pk", filter=Q(state__in=CLOSED_MEETING_STATES)),
    )


def meeting_request_get_for_user(*, pk: int, user) -> MeetingRequest | None:
    """One request with its history, for a member of either side; None for anyone else
    (the page answers 404, not a hint that the request exists)."""
    if not user.is_authenticated:
        return None
    request = (
        _requests()
        .prefetch_related(
            Prefetch(
                "events",
                queryset=MeetingRequestEvent.objects.select_related("organization", "user"),
            ),
            "outcomes",
        )
        .filter(pk=pk)
        .first()
    )
    if request is None:
        return None
    sides = meeting_request_user_sides(request=request, user=user)
    return request if sides else None


def meeting_request_user_sides(*, request: MeetingRequest, user) -> list[Organization]:
    """The sides of the request the user belongs to (usually one; both for someone who is a
    member of the two organizations)."""
    if not user.is_authenticated:
        return []
    member_of = set(
        Membership.objects.filter(
            user=user, organization_id__in=(request.requester_id, request.receiver_id)
        ).values_list("organization_id", flat=True)
    )
    return [side for side in (request.requester, request.receiver) if side.pk in member_of]


def meeting_request_open_between(
    *, first: Organization, second: Organization
) -> MeetingRequest | None:
    """The open request between two organizations, whichever side asked."""
    return (
        _requests()
        .filter(pair=MeetingRequest.pair_of(first.pk, second.pk), state__in=OPEN_MEETING_STATES)
        .first()
    )


def meeting_request_open_by_partner(*, organization: Organization) -> dict[int, MeetingRequest]:
    """The organization's open and accepted requests by the other side's id, in one query:
    what the request buttons on profile cards show instead of a new request. The most recent
    wins where there are several (an accepted one and a newer open one)."""
    found: dict[int, MeetingRequest] = {}
    rows = (
        MeetingRequest.objects.filter(_involving(organization))
        .filter(Q(state__in=OPEN_MEETING_STATES) | Q(state=MeetingState.ACCEPTED))
        .order_by("updated_at", "pk")
    )
    for request in rows:
        other = (
            request.receiver_id
            if request.requester_id == organization.pk
            else (request.requester_id)
        )
        found[other] = request
    return found


def meeting_request_pending_outgoing_count(*, organization: Organization) -> int:
    """Open requests the organization sent, whoever's turn it is: what the limit counts."""
    return MeetingRequest.objects.filter(
        requester=organization, state__in=OPEN_MEETING_STATES
    ).count()


def meeting_request_contacts(*, request: MeetingRequest) -> list[Profile]:
    """Both sides' profiles (contact persons), requester first; a side without a profile is
    left out."""
    profiles = {
        profile.organization_id: profile
        for profile in Profile.objects.filter(
            organization_id__in=(request.requester_id, request.receiver_id)
        ).select_related("organization")
    }
    return [profiles[pk] for pk in (request.requester_id, request.receiver_id) if pk in profiles]
