"""The registration rules, driven by Hypothesis through random sequences of what registrants
and staff do, against a model of what should happen.

Two events: a matchmaking session (a free place confirms at once) and an expo call (staff
review). A few organizations of two kinds, a few places of each (1-3), and the rules: register
(several organizations in turn; again with the same idempotency key), cancel, approve, decline
(with or without a reason), promote, check in, and staff publishing a revision with other
places. After every step the database must agree with the model:

- the places taken of a kind are the confirmed and checked-in registrations of that kind, and
  never more than the places;
- an organization has at most one active registration per event;
- the waitlist keeps its order: a freed place goes to the registration waitlisted first, and no
  place stays free while someone waits;
- every change of state, and nothing else, sent its registrant one e-mail (after commit).

Each example runs inside a savepoint that is rolled back after it, so every example starts from
the same published events and organizations.
"""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.db import transaction
from django.test import TestCase
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.models import OrganizationKind
from events import emails
from events.models import (
    ACTIVE_STATES,
    PLACE_STATES,
    EventPage,
    EventPlaces,
    ExpoCallPage,
    MatchmakingSessionPage,
    PlaceCounter,
    Registration,
    RegistrationState,
)
from events.services.registrations import (
    RegistrationError,
    event_places_sync,
    registration_approve,
    registration_cancel,
    registration_check_in,
    registration_create,
    registration_decline,
    registration_promote,
)
from tests.factories.events import event_publish, registrant

State = RegistrationState
EVENTS = ("session", "expo")
KINDS = (OrganizationKind.EXPORTER, OrganizationKind.PLATFORM)
# The kind of each organization of the world, by index.
ORGANIZATION_KINDS = (KINDS[0], KINDS[0], KINDS[0], KINDS[0], KINDS[1], KINDS[1])
CANCELLABLE = (State.PENDING, State.CONFIRMED, State.WAITLISTED)

events = st.sampled_from(EVENTS)
kinds = st.sampled_from(KINDS)
organizations = st.integers(0, len(ORGANIZATION_KINDS) - 1)
places = st.integers(1, 3)


@dataclass
class World:
    """What every example starts from (created once per test, outside the examples)."""

    events: dict[str, EventPage]
    members: list  # one member per organization, by index
    organizations: list
    staff: object
    # (registration pk, the messages sent for it) for each e-mail telling a state.
    told: list = field(default_factory=list)


@dataclass
class Expected:
    event: str
    organization: int
    state: str


class RegistrationMachine(RuleBasedStateMachine):
    registrations = Bundle("registrations")

    def __init__(self, world: World):
        super().__init__()
        self.world = world
        self.example = transaction.atomic()
        self.example.__enter__()
        self.expected: dict[int, Expected] = {}
        self.capacity: dict[tuple[str, str], int] = {}
        self.waitlist: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.keys: dict[uuid.UUID, int] = {}
        self.told_seen = len(world.told)
        self.mail_expected: list[tuple[int, bool]] = []

    def teardown(self):
        transaction.set_rollback(True)
        self.example.__exit__(None, None, None)

    # --- the model ---------------------------------------------------------------------------

    def _kind(self, pk: int) -> str:
        return ORGANIZATION_KINDS[self.expected[pk].organization]

    def _taken(self, event: str, kind: str) -> int:
        return sum(
            1
            for pk, expected in self.expected.items()
            if expected.event == event and self._kind(pk) == kind and expected.state in PLACE_STATES
        )

    def _confirmed(self) -> list[int]:
        return [pk for pk, expected in self.expected.items() if expected.state == State.CONFIRMED]

    def _active(self, event: str, organization: int) -> int | None:
        for pk, expected in self.expected.items():
            same = (expected.event, expected.organization) == (event, organization)
            if same and expected.state in ACTIVE_STATES:
                return pk
        return None

    def _becomes(self, pk: int, state: str) -> None:
        """The model's transition, and the e-mail it owes (none for checking in)."""
        expected = self.expected[pk]
        key = (expected.event, self._kind(pk))
        if expected.state == State.WAITLISTED:
            self.waitlist[key].remove(pk)
        if state == State.WAITLISTED:
            self.waitlist[key].append(pk)
        expected.state = state
        if state != State.CHECKED_IN:
            self.mail_expected.append((pk, state == State.CONFIRMED))

    def _take_or_wait(self, pk: int) -> None:
        expected = self.expected[pk]
        free = (
            self._taken(expected.event, self._kind(pk))
            < self.capacity[(expected.event, self._kind(pk))]
        )
        self._becomes(pk, State.CONFIRMED if free else State.WAITLISTED)

    def _promote(self, event: str, kind: str) -> list[int]:
        """First come, first served: the head of the waitlist takes the free places."""
        free = self.capacity[(event, kind)] - self._taken(event, kind)
        waiting = self.waitlist[(event, kind)]
        promoted = waiting[: max(free, 0)]
        for pk in promoted:
            self._becomes(pk, State.CONFIRMED)
        return promoted

    def _leave(self, pk: int, state: str) -> None:
        """Cancel or decline: a held place goes to the waitlist."""
        held = self.expected[pk].state in PLACE_STATES
        self._becomes(pk, state)
        if held:
            self._promote(self.expected[pk].event, self._kind(pk))

    # --- running the services ---------------------------------------------------------------

    def _call(self, service, **arguments):
        """Call a service as one step, then run what it left for after commit (the e-mails)."""
        with TestCase.captureOnCommitCallbacks(execute=True):
            return service(**arguments)

    def _refused(self, code: str, service, **arguments) -> RegistrationError:
        with pytest.raises(RegistrationError) as refusal:
            self._call(service, **arguments)
        assert refusal.value.code == code
        return refusal.value

    def _registration(self, pk: int) -> Registration:
        return Registration.objects.get(pk=pk)

    # --- rules --------------------------------------------------------------------------------

    @initialize(session=st.tuples(places, places), expo=st.tuples(places, places))
    def publish_places(self, session, expo):
        self._publish("session", session)
        self._publish("expo", expo)

    def _publish(self, event: str, counts: tuple[int, int]) -> None:
        """What publishing a revision with these places does (events.receivers): the page's
        rows change, then event_places_sync brings the counters to them. (Publishing through
        Wagtail costs most of a second; the receiver is tested with the page types.)"""
        page = self.world.events[event]
        for kind, count in zip(KINDS, counts, strict=True):
            EventPlaces.objects.filter(event=page, organization_kind=kind).update(places=count)
        self._call(event_places_sync, event=EventPage.objects.get(pk=page.pk))
        for kind, count in zip(KINDS, counts, strict=True):
            # Never below the places already taken (the counter keeps them).
            self.capacity[(event, kind)] = max(count, self._taken(event, kind))
            self._promote(event, kind)

    def _register(self, event: str, organization: int) -> int | None:
        """A member registers the organization: the new registration's pk, or None when the
        organization was already registered (and is told so)."""
        active = self._active(event, organization)
        arguments = {
            "event": self.world.events[event],
            "organization": self.world.organizations[organization],
            "user": self.world.members[organization],
            "attendees": [{"name": "王经理", "phone": "13800000000"}],
            "idempotency_key": uuid.uuid4(),
        }
        if active is not None:
            refusal = self._refused("already_registered", registration_create, **arguments)
            assert refusal.registration.pk == active
            return None
        registration = self._call(registration_create, **arguments)
        assert registration.pk not in self.expected
        self.keys[arguments["idempotency_key"]] = registration.pk
        self.expected[registration.pk] = Expected(event, organization, State.PENDING)
        if event == "expo":
            self.mail_expected.append((registration.pk, False))
        else:
            self._take_or_wait(registration.pk)
        return registration.pk

    @rule(target=registrations, event=events, organization=organizations)
    def register(self, event, organization):
        made = self._register(event, organization)
        return multiple() if made is None else made

    @rule(
        target=registrations,
        event=events,
        crowd=st.permutations(range(len(ORGANIZATION_KINDS))),
    )
    def everyone_registers(self, event, crowd):
        """Every organization tries, one after another: places run out and waitlists grow
        within a short run (and those already registered are refused)."""
        made = [self._register(event, organization) for organization in crowd]
        return multiple(*[pk for pk in made if pk is not None])

    @rule(data=st.data())
    def submit_again(self, data):
        """A double click or a retry: the same key answers with the same registration, in
        whatever state it is now, and changes nothing."""
        if not self.keys:
            return
        key = data.draw(st.sampled_from(sorted(self.keys)))
        pk = self.keys[key]
        expected = self.expected[pk]
        registration = self._call(
            registration_create,
            event=self.world.events[expected.event],
            organization=self.world.organizations[expected.organization],
            user=self.world.members[expected.organization],
            attendees=[{"name": "王经理"}],
            idempotency_key=key,
        )
        assert (registration.pk, registration.state) == (pk, expected.state)

    @rule(pk=registrations)
    def cancel(self, pk):
        expected = self.expected[pk]
        by = self.world.members[expected.organization]
        if expected.state not in CANCELLABLE:
            self._refused(
                "invalid_transition",
                registration_cancel,
                registration=self._registration(pk),
                by=by,
            )
            return
        self._call(registration_cancel, registration=self._registration(pk), by=by)
        self._leave(pk, State.CANCELLED)

    @precondition(lambda self: self._confirmed())
    @rule(data=st.data())
    def cancel_a_held_place(self, data):
        """A confirmed registrant withdraws (apart from `cancel`, which picks any registration,
        so that places are freed often enough for the waitlist order to be tried)."""
        self.cancel(data.draw(st.sampled_from(self._confirmed())))

    @rule(pk=registrations)
    def approve(self, pk):
        registration, staff = self._registration(pk), self.world.staff
        if self.expected[pk].state != State.PENDING:
            self._refused(
                "invalid_transition", registration_approve, registration=registration, by=staff
            )
            return
        self._call(registration_approve, registration=registration, by=staff)
        self._take_or_wait(pk)

    @rule(pk=registrations, reason=st.sampled_from(["", "资料不全，请补充后重新报名。"]))
    def decline(self, pk, reason):
        arguments = {
            "registration": self._registration(pk),
            "by": self.world.staff,
            "reason": reason,
        }
        if not reason.strip():
            self._refused("reason_required", registration_decline, **arguments)
        elif self.expected[pk].state not in CANCELLABLE:
            self._refused("invalid_transition", registration_decline, **arguments)
        else:
            declined = self._call(registration_decline, **arguments)
            assert declined.decision_reason == reason
            self._leave(pk, State.DECLINED)

    @rule(event=events, kind=kinds)
    def promote(self, event, kind):
        promoted = self._call(
            registration_promote, event=self.world.events[event], kind=kind, by=self.world.staff
        )
        assert [registration.pk for registration in promoted] == self._promote(event, kind)

    @rule(pk=registrations)
    def check_in(self, pk):
        expected = self.expected[pk]
        arguments = {
            "event": self.world.events[expected.event],
            "ticket_code": self._registration(pk).ticket_code,
            "by": self.world.staff,
        }
        if expected.state == State.CONFIRMED:
            self._call(registration_check_in, **arguments)
            self._becomes(pk, State.CHECKED_IN)
        elif expected.state == State.CHECKED_IN:
            self._refused("already_checked_in", registration_check_in, **arguments)
        else:
            self._refused("not_confirmed", registration_check_in, **arguments)

    @rule(event=events, counts=st.tuples(places, places))
    def publish_other_places(self, event, counts):
        """Staff publish a revision with other places: more places go to the waitlist at once;
        fewer never take back places already given."""
        self._publish(event, counts)

    # --- invariants ---------------------------------------------------------------------------

    def _stored(self) -> list[tuple]:
        """(pk, event, organization, kind, state) of the events' registrations, the waitlisted
        in the order they are promoted in."""
        names = {page.pk: event for event, page in self.world.events.items()}
        organizations = {
            organization.pk: number for number, organization in enumerate(self.world.organizations)
        }
        rows = (
            Registration.objects.filter(event__in=names)
            .order_by("waitlisted_at", "pk")
            .values_list("pk", "event_id", "organization_id", "organization_kind", "state")
        )
        return [
            (pk, names[event], organizations[organization], kind, state)
            for pk, event, organization, kind, state in rows
        ]

    @invariant()
    def states_are_the_models(self):
        stored = {pk: state for pk, _event, _organization, _kind, state in self._stored()}
        assert stored == {pk: expected.state for pk, expected in self.expected.items()}

    @invariant()
    def places_taken_are_the_registrations_holding_them(self):
        holding = Counter(
            (event, kind)
            for _pk, event, _organization, kind, state in self._stored()
            if state in PLACE_STATES
        )
        names = {page.pk: event for event, page in self.world.events.items()}
        counters = {
            (names[counter.event_id], counter.organization_kind): counter
            for counter in PlaceCounter.objects.filter(event__in=names)
        }
        assert set(counters) == set(self.capacity)
        for key, counter in counters.items():
            assert counter.taken == holding[key] == self._taken(*key)
            assert counter.capacity == self.capacity[key]
            assert counter.taken <= counter.capacity

    @invariant()
    def one_active_registration_per_organization(self):
        active = Counter(
            (event, organization)
            for _pk, event, organization, _kind, state in self._stored()
            if state in ACTIVE_STATES
        )
        assert set(active.values()) <= {1}

    @invariant()
    def waitlist_is_first_come_first_served(self):
        waiting = defaultdict(list)
        for pk, event, _organization, kind, state in self._stored():
            if state == State.WAITLISTED:
                waiting[(event, kind)].append(pk)
        assert waiting == {key: pks for key, pks in self.waitlist.items() if pks}
        for key in waiting:
            # No place stays free while someone waits for one.
            assert self._taken(*key) == self.capacity[key]

    @invariant()
    def each_change_told_its_registrant_once(self):
        told = self.world.told[self.told_seen :]
        for pk, messages in told:
            (message,) = messages
            member = self.world.members[self.expected[pk].organization]
            assert message.to == [member.email]
        sent = [(pk, bool(messages[0].attachments)) for pk, messages in told]
        assert Counter(sent) == Counter(self.mail_expected)


@pytest.mark.django_db
def test_registration_rules_hold_in_any_order(bureau_staff, monkeypatch):
    pages = {
        "session": event_publish(MatchmakingSessionPage, places=dict.fromkeys(KINDS, 1)),
        "expo": event_publish(ExpoCallPage, places=dict.fromkeys(KINDS, 1)),
    }
    people = [registrant(kind) for kind in ORGANIZATION_KINDS]
    world = World(
        events=pages,
        members=[user for user, _organization in people],
        organizations=[organization for _user, organization in people],
        staff=bureau_staff,
    )
    send = emails.send_registration_state

    def send_and_note(*, registration_id):
        sent_before = len(mail.outbox)
        send(registration_id=registration_id)
        world.told.append((registration_id, mail.outbox[sent_before:]))

    monkeypatch.setattr(emails, "send_registration_state", send_and_note)
    run_state_machine_as_test(
        lambda: RegistrationMachine(world),
        settings=settings(max_examples=40, stateful_step_count=40, deadline=None, database=None),
    )
