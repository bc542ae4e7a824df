"""Two hundred organizations register at once for a session with fifty places.

Each registrant is a real client (django.test.Client, signed in as a member of its verified
exporter) posting the real registration form to the event's `register/` route, with real
commits (a transactional test) and a database connection per thread: what the database lets
through is what a busy morning would let through.

A barrier releases the clients at the same moment, forty at a time in flight: each of forty
threads waits at the barrier before its first request and then posts for its five clients one
after another. The bound is for PostgreSQL, which accepts 100 connections while the suite runs
in two xdist workers that may both be racing. SQLite gets the same harness: its writers queue
for one lock, and with two hundred threads in one process (a server runs a handful) the last of
them waited longer than the 20-second busy timeout and failed with "database is locked".

The negative control replaces the protection (the conditional UPDATE on the place counter, with
its CHECK constraint) by the bug it exists to prevent, check-then-act: count the confirmed
registrations first, then register without touching the counter. The same harness must then
see more confirmations than places, or it could not have caught an oversell.
"""

import threading
import time
import uuid
from collections import Counter

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import OrganizationKind
from events.models import PlaceCounter, Registration, RegistrationState
from events.services import registrations as registration_services
from events.views import registrations as registration_views
from tests.factories.events import event_publish, registrant
from tests.markers import transactional_db

pytestmark = transactional_db

CLIENTS = 200
PLACES = 50
THREADS = 40
# The negative control's work between checking and writing (see there).
WORK_SECONDS = 2


@pytest.fixture
def session_and_entrants():
    """The session, and a signed-in client for each of 200 exporters: (event, [(organization,
    client)])."""
    event = event_publish(places={OrganizationKind.EXPORTER: PLACES})
    entrants = []
    for _number in range(CLIENTS):
        user, organization = registrant(OrganizationKind.EXPORTER)
        client = Client()
        client.force_login(user)
        entrants.append((organization, client))
    return event, entrants


@pytest.fixture
def race(run_at_once, registration_form):
    def race(event, entrants) -> list:
        """Every entrant posts the form at once; the responses, in the order of `entrants`."""
        url = f"{event.url}register/"

        def post(number: int, client: Client):
            return lambda: client.post(url, registration_form(uuid.uuid4(), number))

        tasks = [post(number, client) for number, (_organization, client) in enumerate(entrants)]
        return run_at_once(tasks, threads=THREADS)

    return race


def _states(event) -> Counter:
    return Counter(Registration.objects.filter(event=event).values_list("state", flat=True))


def test_two_hundred_at_once_fill_fifty_places_and_wait_for_the_rest(session_and_entrants, race):
    event, entrants = session_and_entrants
    mail.outbox.clear()

    responses = race(event, entrants)

    registrations = Registration.objects.filter(event=event)
    # Every client was sent to its own ticket: no error, no form sent back.
    assert [response.status_code for response in responses] == [302] * CLIENTS
    assert sorted(response["Location"] for response in responses) == sorted(
        reverse("events:ticket", kwargs={"pk": pk})
        for pk in registrations.values_list("pk", flat=True)
    )
    assert _states(event) == {
        RegistrationState.CONFIRMED: PLACES,
        RegistrationState.WAITLISTED: CLIENTS - PLACES,
    }
    counter = PlaceCounter.objects.get(event=event, organization_kind=OrganizationKind.EXPORTER)
    assert (counter.taken, counter.capacity) == (PLACES, PLACES)
    # Each organization registered once.
    assert sorted(registrations.values_list("organization_id", flat=True)) == sorted(
        organization.pk for organization, _client in entrants
    )
    # Each registrant was told once, after its commit.
    assert len(mail.outbox) == CLIENTS


def test_the_race_catches_an_oversell_when_the_protection_is_removed(
    session_and_entrants, race, monkeypatch
):
    """Check-then-act, as code that trusts "there was a place a moment ago" would do it: count
    the confirmed registrations, do the rest of the work, then register and take a place by
    that count alone, without the counter.

    The count comes before the service's transaction: on SQLite that transaction holds the
    write lock from its first statement, so a count inside it is always exact.

    The rest of the work (in a real form, storing the uploaded documents) takes WORK_SECONDS,
    long enough to span the moment the places run out. With a window of a few milliseconds the
    oversell depends on how the machine schedules forty threads: runs on PostgreSQL with the
    other xdist worker busy oversold by only one to four places, too close to none for a
    control; with this window they oversold by more than thirty, on both databases."""
    event, entrants = session_and_entrants
    counted = threading.local()
    register = registration_services.registration_create

    def count_then_register(**arguments):
        kind = arguments["organization"].kind
        capacity = arguments["event"].places.get(organization_kind=kind).places
        confirmed = Registration.objects.filter(
            event=arguments["event"], organization_kind=kind, state=RegistrationState.CONFIRMED
        ).count()
        counted.place_free = confirmed < capacity
        time.sleep(WORK_SECONDS)
        return register(**arguments)

    monkeypatch.setattr(registration_views, "registration_create", count_then_register)
    monkeypatch.setattr(
        registration_services, "_place_take", lambda *, event, kind: counted.place_free
    )

    responses = race(event, entrants)

    assert [response.status_code for response in responses] == [302] * CLIENTS
    assert _states(event)[RegistrationState.CONFIRMED] > PLACES
