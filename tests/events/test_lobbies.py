"""The chat lobby of a matchmaking session: it opens with the first confirmed registration,
organizations take part while their registration holds a place, and registrants find the way in
from their registrations."""

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from accounts.models import OrganizationKind
from chat.models import Conversation, ConversationKind, Participant
from events.models import (
    ExpoCallPage,
    MatchmakingSessionPage,
    Registration,
    RegistrationState,
    TrainingPage,
)
from events.selectors import registration_list_for_organization
from events.selectors.lobbies import (
    lobby_get,
    lobby_id_for_registration,
    lobby_source,
)
from events.services.registrations import (
    registration_approve,
    registration_cancel,
    registration_check_in,
    registration_create,
    registration_decline,
)
from tests.chat.sockets import open_socket
from tests.factories import MembershipFactory
from tests.factories.events import event_publish, registrant
from tests.markers import transactional_db

State = RegistrationState
EXPORTER = OrganizationKind.EXPORTER


def register(event, kind=EXPORTER) -> Registration:
    user, organization = registrant(kind)
    return registration_create(
        event=event, organization=organization, user=user, attendees=[{"name": "张三"}]
    )


def seated(event) -> set[int]:
    """The ids of the organizations taking part in the event's lobby."""
    return set(
        Participant.objects.filter(conversation__source=lobby_source(event.pk)).values_list(
            "organization_id", flat=True
        )
    )


def conversation_url_or_skip(pk: int) -> str:
    try:
        return reverse("chat:conversation", args=[pk])
    except NoReverseMatch:
        pytest.skip("chat:conversation is not routed yet (chat/urls.py)")


# --- Opening the lobby and taking seats ---------------------------------------------------


@pytest.mark.django_db
def test_the_first_confirmation_opens_the_lobby_and_later_ones_join_it():
    event = event_publish(places={EXPORTER: 5})
    assert lobby_get(event=event) is None
    first = register(event)
    second = register(event)

    lobby = Conversation.objects.get(source=lobby_source(event.pk))
    assert lobby.kind == ConversationKind.EVENT_LOBBY
    assert lobby.title == event.title
    assert Conversation.objects.filter(kind=ConversationKind.EVENT_LOBBY).count() == 1
    assert seated(event) == {first.organization_id, second.organization_id}


@pytest.mark.django_db
def test_nothing_opens_before_a_place_is_held():
    """A full session waitlists; the waitlisted have no seat, and no lobby is opened for them."""
    event = event_publish(places={EXPORTER: 0, OrganizationKind.PLATFORM: 1})
    waiting = register(event)
    assert waiting.state == State.WAITLISTED
    assert lobby_get(event=event) is None


@pytest.mark.django_db
def test_cancelling_gives_up_the_seat_and_the_promoted_registration_takes_one():
    event = event_publish(places={EXPORTER: 1})
    confirmed = register(event)
    waiting = register(event)
    assert seated(event) == {confirmed.organization_id}

    registration_cancel(registration=confirmed, by=confirmed.submitted_by)

    waiting.refresh_from_db()
    assert waiting.state == State.CONFIRMED
    assert seated(event) == {waiting.organization_id}


@pytest.mark.django_db
def test_declining_by_staff_takes_the_seat_back(bureau_staff):
    event = event_publish(places={EXPORTER: 2})
    kept, declined = register(event), register(event)
    registration_decline(registration=declined, by=bureau_staff, reason="资料不符")
    assert seated(event) == {kept.organization_id}


@pytest.mark.django_db
def test_declining_a_waitlisted_registration_leaves_the_lobby_as_it_is(bureau_staff):
    event = event_publish(places={EXPORTER: 1})
    confirmed, waiting = register(event), register(event)
    registration_decline(registration=waiting, by=bureau_staff, reason="名额已满")
    assert seated(event) == {confirmed.organization_id}


@pytest.mark.django_db
def test_approval_by_staff_seats_the_organization(bureau_staff):
    """Sessions confirm at once today; one whose registration waits for review (as expo calls
    do) is seated when staff approve it, through the same state change."""
    event = event_publish(places={EXPORTER: 1})
    user, organization = registrant()
    pending = Registration.objects.create(
        event=event,
        organization=organization,
        organization_kind=EXPORTER,
        submitted_by=user,
        state=State.PENDING,
    )
    assert lobby_get(event=event) is None
    registration_approve(registration=pending, by=bureau_staff)
    assert seated(event) == {organization.pk}


@pytest.mark.django_db
def test_checking_in_keeps_the_seat(bureau_staff):
    event = event_publish(places={EXPORTER: 1})
    registration = register(event)
    registration_check_in(event=event, ticket_code=registration.ticket_code, by=bureau_staff)
    assert seated(event) == {registration.organization_id}


@pytest.mark.django_db
@pytest.mark.parametrize("page_class", [TrainingPage, ExpoCallPage])
def test_trainings_and_expo_calls_have_no_lobby(page_class, bureau_staff):
    event = event_publish(page_class, places={EXPORTER: 2})
    registration = register(event)
    if registration.state == State.PENDING:
        registration_approve(registration=registration, by=bureau_staff)
    registration.refresh_from_db()
    assert registration.state == State.CONFIRMED
    assert not Conversation.objects.exists()


@pytest.mark.django_db
def test_a_registration_rolled_back_leaves_no_lobby_and_no_seat():
    event = event_publish(places={EXPORTER: 1})
    with pytest.raises(RuntimeError), transaction.atomic():
        register(event)
        assert lobby_get(event=event) is not None
        raise RuntimeError("the caller's transaction fails after registering")
    assert lobby_get(event=event) is None
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_registering_again_after_cancelling_takes_the_seat_again():
    event = event_publish(places={EXPORTER: 1})
    first = register(event)
    registration_cancel(registration=first, by=first.submitted_by)
    assert seated(event) == set()
    again = registration_create(
        event=event,
        organization=first.organization,
        user=first.submitted_by,
        attendees=[{"name": "李四"}],
    )
    assert again.state == State.CONFIRMED
    assert seated(event) == {first.organization_id}
    assert Conversation.objects.count() == 1


# --- Sockets ------------------------------------------------------------------------------


@transactional_db
async def test_a_cancelled_organization_s_members_are_closed_out_of_the_lobby():
    event = await sync_to_async(event_publish)(MatchmakingSessionPage, places={EXPORTER: 2})
    staying = await sync_to_async(register)(event)
    leaving = await sync_to_async(register)(event)
    lobby = await sync_to_async(lobby_get)(event=event)
    stays = await open_socket(staying.submitted_by, lobby.pk)
    leaves = await open_socket(leaving.submitted_by, lobby.pk)

    await sync_to_async(registration_cancel)(registration=leaving, by=leaving.submitted_by)

    assert await leaves.receive() == {"type": "close", "code": 4403}
    left = await stays.receive(skip={"join"})
    assert left["type"] == "leave" and left["user"]["id"] == leaving.submitted_by.pk
    await stays.close()


@transactional_db
def test_concurrent_first_confirmations_open_one_lobby(run_at_once):
    event = event_publish(places={EXPORTER: 8})
    entrants = [registrant() for _ in range(8)]

    def enter(user, organization):
        return lambda: registration_create(
            event=event, organization=organization, user=user, attendees=[{"name": "王五"}]
        )

    run_at_once([enter(*entrant) for entrant in entrants], threads=8)

    assert Conversation.objects.filter(source=lobby_source(event.pk)).count() == 1
    assert seated(event) == {organization.pk for _user, organization in entrants}


# --- Finding the lobby --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_lobby_is_found_for_members_of_a_seated_organization_only(outsider):
    event = event_publish(places={EXPORTER: 1})
    confirmed, waiting = register(event), register(event)
    lobby = lobby_get(event=event)
    colleague = MembershipFactory(organization=confirmed.organization).user

    assert lobby_id_for_registration(registration=confirmed, user=confirmed.submitted_by) == (
        lobby.pk
    )
    assert lobby_id_for_registration(registration=confirmed, user=colleague) == lobby.pk
    assert lobby_id_for_registration(registration=confirmed, user=outsider) is None
    assert lobby_id_for_registration(registration=waiting, user=waiting.submitted_by) is None


@pytest.mark.django_db
def test_the_registration_list_carries_the_lobby_without_a_query_per_row():
    user, organization = registrant()
    sessions = [event_publish(places={EXPORTER: 1}) for _ in range(3)]
    rows = [
        registration_create(
            event=event, organization=organization, user=user, attendees=[{"name": "赵六"}]
        )
        for event in sessions
    ]
    registration_cancel(registration=rows[2], by=user)
    training = event_publish(TrainingPage, places={EXPORTER: 1})
    registration_create(
        event=training, organization=organization, user=user, attendees=[{"name": "赵六"}]
    )

    with CaptureQueriesContext(connection) as queries:
        listed = {
            row.event_id: row.lobby_conversation_id
            for row in registration_list_for_organization(organization=organization)
        }
    assert len(queries) == 1
    assert listed == {
        sessions[0].pk: lobby_get(event=sessions[0]).pk,
        sessions[1].pk: lobby_get(event=sessions[1]).pk,
        sessions[2].pk: None,
        training.pk: None,
    }


@pytest.mark.django_db
def test_registrants_find_the_lobby_on_their_registrations_and_the_event_page(client):
    event = event_publish(places={EXPORTER: 1})
    confirmed, waiting = register(event), register(event)
    client.force_login(confirmed.submitted_by)
    pages = [reverse("events:my_registrations"), event.url]
    # The pages render whether or not chat's conversation page is routed yet.
    assert [client.get(page).status_code for page in pages] == [200, 200]
    url = conversation_url_or_skip(lobby_get(event=event).pk)

    for page in pages:
        assert url in client.get(page).text, page
    client.force_login(waiting.submitted_by)
    for page in pages:
        assert url not in client.get(page).text, page
