"""The chat lobby of a matchmaking session, as its registrants reach it.

A lobby is a chat conversation (kind "event lobby") that events.services.lobbies opens with the
source `lobby_source(event_id)`; chat knows nothing of events, so the source is the only link.
An organization takes part while its registration holds a place (confirmed or checked in).
"""

from django.db.models import (
    Case,
    CharField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat

from accounts.selectors import membership_get
from chat.models import Conversation, Participant
from events.models import PLACE_STATES, EventPage, Registration

LOBBY_SOURCE_PREFIX = "events.lobby:"


def lobby_source(event_id: int) -> str:
    """The `source` the lobby of event `event_id` is opened with (unique among conversations)."""
    return f"{LOBBY_SOURCE_PREFIX}{event_id}"


def lobby_get(*, event: EventPage | int) -> Conversation | None:
    """The event's lobby, or None when no registration of it has been confirmed yet."""
    event_id = event.pk if isinstance(event, EventPage) else event
    return Conversation.objects.filter(source=lobby_source(event_id)).first()


def lobby_id_for_registration(*, registration: Registration, user) -> int | None:
    """The id of the lobby the registration gives `user` a seat in, or None: the registration
    holds a place, its organization takes part in the event's lobby, and `user` is a member of
    that organization (bureau staff read lobbies in the admin instead)."""
    if registration.state not in PLACE_STATES or not user.is_authenticated:
        return None
    if membership_get(user=user, organization=registration.organization) is None:
        return None
    return (
        Participant.objects.filter(
            organization_id=registration.organization_id,
            conversation__source=lobby_source(registration.event_id),
        )
        .values_list("conversation_id", flat=True)
        .first()
    )


def registrations_with_lobby_id(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """`registrations` annotated with `lobby_conversation_id`: the event's lobby when the
    registration holds a place and its organization takes part, else None. One subquery, so
    a list's query count does not grow with its rows. For lists of the viewer's own
    organization (the caller has checked the membership)."""
    lobby = Participant.objects.filter(
        organization_id=OuterRef("organization_id"),
        conversation__source=Concat(
            Value(LOBBY_SOURCE_PREFIX),
            Cast(OuterRef("event_id"), output_field=CharField()),
            output_field=CharField(),
        ),
    ).values("conversation_id")[:1]
    return registrations.annotate(
        lobby_conversation_id=Case(
            When(state__in=PLACE_STATES, then=Subquery(lobby)),
            default=None,
            output_field=IntegerField(),
        )
    )
