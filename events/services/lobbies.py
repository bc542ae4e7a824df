"""The chat lobby of each matchmaking session: organizations whose registration holds a place
talk there before and during the session.

The lobby opens with the first registration of the session that is confirmed (on registering,
on approval by staff, or on promotion from the waitlist); each organization takes part from its
confirmation until its registration is cancelled or declined, when its members' open sockets
close. Check-in keeps the seat. Trainings and expo calls have no lobby.

Call `lobby_registration_sync` inside the transaction that changes the registration's state:
the seat changes with it or not at all, and chat broadcasts only after commit.
"""

from chat.models import Conversation, ConversationKind
from chat.services import conversation_open, participant_add, participant_remove
from events.models import EventPage, MatchmakingSessionPage, Registration, RegistrationState
from events.selectors.lobbies import lobby_get, lobby_source

# States after which the organization leaves the lobby. Pending and waitlisted registrations
# never had a seat; a checked-in one keeps it.
LEAVING_STATES = (RegistrationState.CANCELLED, RegistrationState.DECLINED)


def _has_lobby(registration: Registration) -> bool:
    return issubclass(registration.event.specific_class or object, MatchmakingSessionPage)


def lobby_open(*, event: EventPage) -> Conversation:
    """The session's lobby, opened on first call (idempotent by source, also under concurrent
    confirmations: chat.services.conversation_open returns the winner's conversation)."""
    return conversation_open(
        kind=ConversationKind.EVENT_LOBBY,
        organizations=[],
        title=event.title,
        source=lobby_source(event.pk),
    )


def lobby_registration_sync(*, registration: Registration) -> None:
    """Give the registrant organization its seat in the session's lobby when `registration`
    has just been confirmed, or take the seat back when it has just been cancelled or declined.

    Call inside the transaction that saved the new state.
    """
    if registration.state == RegistrationState.CONFIRMED:
        if not _has_lobby(registration):
            return
        lobby = lobby_open(event=registration.event)
        participant_add(conversation=lobby, organization=registration.organization)
    elif registration.state in LEAVING_STATES:
        if not _has_lobby(registration):
            return
        lobby = lobby_get(event=registration.event_id)
        if lobby is not None:
            participant_remove(conversation=lobby, organization=registration.organization)
