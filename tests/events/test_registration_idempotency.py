"""A registration is made once: a double click, a retry with the same form (its idempotency
key), or two members of one organization registering at the same moment create one
registration and send one e-mail. Cancelling frees the organization to register again."""

import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import MembershipRole, OrganizationKind
from events.models import PlaceCounter, Registration, RegistrationState
from events.services.registrations import (
    RegistrationError,
    registration_cancel,
    registration_create,
)
from tests.factories import MembershipFactory
from tests.factories.events import event_publish, registrant
from tests.markers import transactional_db

State = RegistrationState
ATTENDEES = [{"name": "李经理", "phone": "13800000000"}]


def _taken(event) -> int:
    return PlaceCounter.objects.get(event=event, organization_kind=OrganizationKind.EXPORTER).taken


def _ticket(registration: Registration) -> str:
    return reverse("events:ticket", kwargs={"pk": registration.pk})


@pytest.mark.django_db
def test_the_same_form_posted_twice_registers_once_and_mails_once(
    client, registration_form, django_capture_on_commit_callbacks
):
    event = event_publish(places={OrganizationKind.EXPORTER: 1})
    user, _organization = registrant()
    client.force_login(user)
    form = registration_form(uuid.uuid4())

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"{event.url}register/", form)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(f"{event.url}register/", form)

    (registration,) = Registration.objects.filter(event=event)
    assert (first.status_code, first["Location"]) == (302, _ticket(registration))
    assert (second.status_code, second["Location"]) == (302, _ticket(registration))
    assert registration.state == State.CONFIRMED
    assert _taken(event) == 1
    assert [message.to for message in mail.outbox] == [[user.email]]


@pytest.mark.django_db
def test_a_retry_with_the_same_key_returns_the_registration_in_whatever_state_it_is(
    django_capture_on_commit_callbacks,
):
    """The service itself answers a repeated key with the first registration, even after it
    was cancelled: a retry is the same submission, not a new one."""
    event = event_publish(places={OrganizationKind.EXPORTER: 1})
    user, organization = registrant()
    key = uuid.uuid4()
    arguments = {
        "event": event,
        "organization": organization,
        "user": user,
        "attendees": ATTENDEES,
        "idempotency_key": key,
    }

    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(**arguments)
        retried = registration_create(**arguments)
    assert retried.pk == registration.pk
    assert (retried.state, _taken(event), len(mail.outbox)) == (State.CONFIRMED, 1, 1)

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration, by=user)
        retried = registration_create(**arguments)
    assert retried.pk == registration.pk
    assert retried.state == State.CANCELLED
    assert Registration.objects.filter(event=event).count() == 1
    assert (_taken(event), len(mail.outbox)) == (0, 2)


@pytest.mark.django_db
def test_a_key_sent_again_for_another_organization_is_refused():
    """A form's key belongs to the submission it was made for (a page kept open and reused
    for another organization must not return someone else's registration)."""
    event = event_publish()
    user, organization = registrant()
    other_user, other_organization = registrant()
    key = uuid.uuid4()
    registration_create(
        event=event, organization=organization, user=user, attendees=ATTENDEES, idempotency_key=key
    )

    with pytest.raises(RegistrationError) as refusal:
        registration_create(
            event=event,
            organization=other_organization,
            user=other_user,
            attendees=ATTENDEES,
            idempotency_key=key,
        )

    assert refusal.value.code == "key_reused"
    assert refusal.value.registration is None
    assert Registration.objects.filter(event=event).count() == 1


@transactional_db
def test_the_same_form_posted_from_four_tabs_at_once_registers_once(registration_form, run_at_once):
    event = event_publish(places={OrganizationKind.EXPORTER: 1})
    user, _organization = registrant()
    form = registration_form(uuid.uuid4())
    clients = [Client() for _tab in range(4)]
    for client in clients:
        client.force_login(user)
    mail.outbox.clear()

    responses = run_at_once(
        [lambda client=client: client.post(f"{event.url}register/", form) for client in clients],
        threads=len(clients),
    )

    (registration,) = Registration.objects.filter(event=event)
    assert {(response.status_code, response["Location"]) for response in responses} == {
        (302, _ticket(registration))
    }
    assert (registration.state, _taken(event)) == (State.CONFIRMED, 1)
    assert [message.to for message in mail.outbox] == [[user.email]]


@transactional_db
def test_two_members_registering_their_organization_at_once_get_one_registration(run_at_once):
    event = event_publish(places={OrganizationKind.EXPORTER: 1})
    owner, organization = registrant()
    colleague = MembershipFactory(organization=organization, role=MembershipRole.MEMBER).user
    mail.outbox.clear()

    def register(user):
        def attempt():
            try:
                return registration_create(
                    event=event,
                    organization=organization,
                    user=user,
                    attendees=ATTENDEES,
                    idempotency_key=uuid.uuid4(),
                )
            except RegistrationError as error:
                return error

        return attempt

    answers = run_at_once([register(owner), register(colleague)], threads=2)

    (registration,) = Registration.objects.filter(event=event)
    (made,) = [answer for answer in answers if isinstance(answer, Registration)]
    (refusal,) = [answer for answer in answers if isinstance(answer, RegistrationError)]
    assert made.pk == registration.pk
    assert refusal.code == "already_registered"
    assert refusal.registration.pk == registration.pk
    assert (registration.state, _taken(event)) == (State.CONFIRMED, 1)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_organization_may_register_again_after_cancelling(
    client, registration_form, django_capture_on_commit_callbacks
):
    """Through the pages: register, cancel, register again with a fresh form. The place the
    cancellation freed went to the waitlist, so the new registration waits behind it."""
    event = event_publish(places={OrganizationKind.EXPORTER: 1})
    user, organization = registrant()
    waiting_user, waiting_organization = registrant()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{event.url}register/", registration_form(uuid.uuid4()))
        waiting = registration_create(
            event=event,
            organization=waiting_organization,
            user=waiting_user,
            attendees=ATTENDEES,
        )
    first = Registration.objects.get(event=event, organization=organization)
    assert (first.state, waiting.state) == (State.CONFIRMED, State.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:cancel", kwargs={"pk": first.pk}))
        again = client.post(f"{event.url}register/", registration_form(uuid.uuid4()))

    first.refresh_from_db()
    waiting.refresh_from_db()
    second = Registration.objects.exclude(pk=first.pk).get(event=event, organization=organization)
    assert again["Location"] == _ticket(second)
    assert (first.state, waiting.state, second.state) == (
        State.CANCELLED,
        State.CONFIRMED,
        State.WAITLISTED,
    )
    assert _taken(event) == 1
    # Registered, waitlisted; cancelled, promoted, waitlisted again.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [user.email, waiting_user.email, user.email, waiting_user.email, user.email]
    )


@pytest.mark.django_db
def test_the_old_form_sent_again_after_cancelling_offers_to_register_anew(
    client, registration_form, django_capture_on_commit_callbacks
):
    """The back button after cancelling: the form sent again creates nothing by itself (its key
    names the cancelled registration) but comes back with its answers under a new key, so one
    more submission registers the organization again."""
    event = event_publish(places={OrganizationKind.EXPORTER: 2})
    user, organization = registrant()
    client.force_login(user)
    old_form = registration_form(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{event.url}register/", old_form)
    first = Registration.objects.get(event=event, organization=organization)
    client.post(reverse("events:cancel", kwargs={"pk": first.pk}))

    response = client.post(f"{event.url}register/", old_form)

    assert response.status_code == 200
    assert Registration.objects.filter(event=event).count() == 1
    form = response.context["form"]
    [error] = form.non_field_errors()
    assert error in response.content.decode()
    new_key = form["idempotency_key"].value()
    assert new_key != old_form["idempotency_key"]
    assert response.context["attendees"].forms[0]["name"].value() == old_form["attendees-0-name"]

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"{event.url}register/", {**old_form, "idempotency_key": new_key})
    second = Registration.objects.exclude(pk=first.pk).get(event=event, organization=organization)
    assert again["Location"] == _ticket(second)
    assert (second.state, _taken(event)) == (State.CONFIRMED, 1)
