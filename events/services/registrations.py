"""Registrations: the state machine and the places they take.

    register ──► confirmed (a place was free; sessions and trainings)
             ──► waitlisted (no place free; promoted first come, first served)
             ──► pending review (expo calls) ──approve──► confirmed | waitlisted
                                             ──decline──► declined
    pending | waitlisted | confirmed ──cancel──► cancelled   (by the organization or staff)
    pending | waitlisted | confirmed ──decline─► declined    (by staff, with a reason)
    confirmed ──check in──► checked in

Places are taken and given back only by `_place_take` and `_place_release`, on the event's
PlaceCounter row: a conditional UPDATE that the database applies one writer at a time (row lock
on PostgreSQL, the write lock on SQLite) and a CHECK constraint that refuses more than the
capacity. Every function here is atomic; e-mails go out after commit.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.selectors import membership_get, user_is_bureau_staff
from events import emails
from events.models import (
    ACTIVE_STATES,
    EventPage,
    PlaceCounter,
    Registration,
    RegistrationDocument,
    RegistrationState,
)
from events.services.lobbies import lobby_registration_sync

MAX_ATTENDEES = 5
State = RegistrationState


class RegistrationError(Exception):
    """A registration or a transition refused, with a message for the person who asked."""

    def __init__(self, message: str, *, code: str, registration: Registration | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.registration = registration


@dataclass(frozen=True)
class DocumentUpload:
    """A validated upload for one document question (events.uploads checked its content)."""

    question_id: str
    file: UploadedFile
    file_type: str


# ---------------------------------------------------------------------------------------------
# Places


def _counter_get(*, event: EventPage, kind: str) -> PlaceCounter:
    """The event's counter for `kind`, created from the published places when missing.

    Call inside the transaction that will take or release the place.
    """
    counter = PlaceCounter.objects.filter(event=event, organization_kind=kind).first()
    if counter is not None:
        return counter
    row = event.places.filter(organization_kind=kind).first()
    counter, _created = PlaceCounter.objects.get_or_create(
        event=event, organization_kind=kind, defaults={"capacity": row.places if row else 0}
    )
    return counter


def _place_take(*, event: EventPage, kind: str) -> bool:
    """Take one place of `kind` if one is free. Whether it was taken.

    The only place that increments a counter. The condition and the increment are one UPDATE:
    of two concurrent callers the second waits for the first to commit and then sees its count.
    """
    counter = _counter_get(event=event, kind=kind)
    updated = PlaceCounter.objects.filter(pk=counter.pk, taken__lt=F("capacity")).update(
        taken=F("taken") + 1
    )
    return updated == 1


def _place_release(*, event: EventPage, kind: str) -> None:
    counter = _counter_get(event=event, kind=kind)
    PlaceCounter.objects.filter(pk=counter.pk, taken__gt=0).update(taken=F("taken") - 1)


@transaction.atomic
def event_places_sync(*, event: EventPage) -> None:
    """Bring the counters to the places of the published page, then fill freed places.

    A capacity is never set below the places already taken (the page editor refuses that, and
    a concurrent registration between that check and this one must not make publishing fail);
    kinds no longer listed keep what they hold and offer nothing more.
    """
    listed = {row.organization_kind: row.places for row in event.places.all()}
    for kind, places in listed.items():
        counter = _counter_get(event=event, kind=kind)
        PlaceCounter.objects.filter(pk=counter.pk).update(capacity=Greatest(places, F("taken")))
    PlaceCounter.objects.filter(event=event).exclude(organization_kind__in=listed).update(
        capacity=F("taken")
    )
    for kind in listed:
        _waitlist_promote(event=event, kind=kind)


def _waitlist_promote(*, event: EventPage, kind: str) -> list[Registration]:
    """Confirm waitlisted registrations of `kind`, oldest first, while places are free."""
    promoted = []
    while True:
        waiting = (
            Registration.objects.select_for_update()
            .filter(event=event, organization_kind=kind, state=State.WAITLISTED)
            .order_by("waitlisted_at", "pk")
            .first()
        )
        if waiting is None or not _place_take(event=event, kind=kind):
            return promoted
        _set_state(waiting, State.CONFIRMED)
        promoted.append(waiting)


@transaction.atomic
def registration_promote(*, event: EventPage, kind: str, by: User) -> list[Registration]:
    """Staff fill free places from the waitlist (also done by itself on every release)."""
    _require_staff(by)
    return _waitlist_promote(event=event, kind=kind)


# ---------------------------------------------------------------------------------------------
# Transitions


def _set_state(registration: Registration, state: str, **fields) -> None:
    """Save the new state, keep the organization's seat in the event's chat lobby in step, and
    tell the registrant after commit."""
    registration.state = state
    for name, value in fields.items():
        setattr(registration, name, value)
    registration.save()
    lobby_registration_sync(registration=registration)
    registration_id = registration.pk
    transaction.on_commit(lambda: emails.send_registration_state(registration_id=registration_id))


def _require_staff(user: User) -> None:
    if not user_is_bureau_staff(user):
        raise PermissionDenied(_("Only bureau staff review registrations."))


def _require_member(user: User, organization: Organization) -> None:
    if membership_get(user=user, organization=organization) is None:
        raise PermissionDenied(_("Only members of an organization register it."))


def _locked(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update()
        .select_related("event", "organization")
        .get(pk=registration.pk)
    )


def registration_refusal(
    *, event: EventPage, organization: Organization, at=None
) -> RegistrationError | None:
    """Why `organization` may not register for `event` now, or None when it may."""
    at = at or timezone.now()
    if not event.live:
        return RegistrationError(_("This event is not published."), code="not_live")
    if event.registration_opens_at and at < event.registration_opens_at:
        return RegistrationError(_("Registration has not opened yet."), code="not_open")
    if at >= event.registration_closes_at:
        return RegistrationError(_("Registration for this event has closed."), code="closed")
    if not organization.is_active or not organization.is_verified:
        return RegistrationError(
            _("Your organization must be verified by the bureau before it can register."),
            code="not_verified",
        )
    if organization.kind not in event.eligible_kinds():
        return RegistrationError(
            _("This event is not open to organizations of your kind."), code="not_eligible"
        )
    return None


def _validate_attendees(attendees: Sequence[dict]) -> list[dict]:
    cleaned = [
        {key: str(person.get(key, "")).strip() for key in ("name", "position", "phone", "email")}
        for person in attendees
    ]
    cleaned = [person for person in cleaned if person["name"]]
    if not cleaned:
        raise RegistrationError(_("Name at least one attendee."), code="no_attendees")
    if len(cleaned) > MAX_ATTENDEES:
        raise RegistrationError(
            _("Name at most %(count)d attendees.") % {"count": MAX_ATTENDEES},
            code="too_many_attendees",
        )
    return cleaned


def registration_create(
    *,
    event: EventPage,
    organization: Organization,
    user: User,
    attendees: Sequence[dict],
    answers: dict | None = None,
    documents: Iterable[DocumentUpload] = (),
    idempotency_key: uuid.UUID | None = None,
) -> Registration:
    """Register `organization` for `event`: confirmed while places remain, waitlisted after;
    expo calls wait for review.

    Idempotent: a second call with the same key returns the first registration and changes
    nothing. An organization with an active registration for the event gets a RegistrationError
    carrying it (code "already_registered").
    """
    key = idempotency_key or uuid.uuid4()
    earlier = _earlier_submission(key=key, event=event, organization=organization)
    if earlier is not None:
        return earlier
    _require_member(user, organization)
    refusal = registration_refusal(event=event, organization=organization)
    if refusal is not None:
        raise refusal
    attendees = _validate_attendees(attendees)
    documents = list(documents)
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                event=event,
                organization=organization,
                organization_kind=organization.kind,
                submitted_by=user,
                state=State.PENDING,
                attendees=attendees,
                answers=answers or {},
                idempotency_key=key,
            )
            for upload in documents:
                RegistrationDocument.objects.create(
                    registration=registration,
                    question_id=upload.question_id,
                    file=upload.file,
                    file_type=upload.file_type,
                    original_name=(upload.file.name or "")[-200:],
                    size=upload.file.size,
                )
            if event.specific_class.requires_review:
                _set_state(registration, State.PENDING)
            elif _place_take(event=event, kind=organization.kind):
                _set_state(registration, State.CONFIRMED)
            else:
                _set_state(registration, State.WAITLISTED, waitlisted_at=timezone.now())
    except IntegrityError:
        # A concurrent twin: the same key submitted twice, or another member registering the
        # organization at the same moment. The transaction rolled back whole (no place taken).
        earlier = _earlier_submission(key=key, event=event, organization=organization)
        if earlier is not None:
            return earlier
        active = registration_active_get(event=event, organization=organization)
        if active is None:
            raise
        raise RegistrationError(
            _("Your organization is already registered for this event."),
            code="already_registered",
            registration=active,
        ) from None
    return registration


def _earlier_submission(*, key: uuid.UUID, event: EventPage, organization: Organization):
    earlier = Registration.objects.filter(idempotency_key=key).first()
    if earlier is None:
        active = registration_active_get(event=event, organization=organization)
        if active is not None:
            raise RegistrationError(
                _("Your organization is already registered for this event."),
                code="already_registered",
                registration=active,
            )
        return None
    if earlier.event_id != event.pk or earlier.organization_id != organization.pk:
        raise RegistrationError(
            _("This form was already used for another registration. Reload the page."),
            code="key_reused",
        )
    return earlier


def registration_active_get(*, event: EventPage, organization: Organization):
    return Registration.objects.filter(
        event=event, organization=organization, state__in=ACTIVE_STATES
    ).first()


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User) -> Registration:
    """The organization (any member) or staff withdraw a registration; a held place goes to
    the first waitlisted registration of the same kind."""
    registration = _locked(registration)
    if not user_is_bureau_staff(by):
        _require_member(by, registration.organization)
    if registration.state not in (State.PENDING, State.CONFIRMED, State.WAITLISTED):
        raise RegistrationError(
            _("Only pending, confirmed or waitlisted registrations can be cancelled."),
            code="invalid_transition",
        )
    held = registration.holds_place
    _set_state(registration, State.CANCELLED, cancelled_at=timezone.now())
    if held:
        _place_release(event=registration.event, kind=registration.organization_kind)
        _waitlist_promote(event=registration.event, kind=registration.organization_kind)
    return registration


@transaction.atomic
def registration_approve(*, registration: Registration, by: User) -> Registration:
    """Staff accept a pending registration: confirmed if a place is free, else waitlisted."""
    _require_staff(by)
    registration = _locked(registration)
    if registration.state != State.PENDING:
        raise RegistrationError(
            _("Only pending registrations can be approved."), code="invalid_transition"
        )
    decided = {"decided_at": timezone.now(), "decided_by": by}
    if _place_take(event=registration.event, kind=registration.organization_kind):
        _set_state(registration, State.CONFIRMED, **decided)
    else:
        _set_state(registration, State.WAITLISTED, waitlisted_at=timezone.now(), **decided)
    return registration


@transaction.atomic
def registration_decline(*, registration: Registration, by: User, reason: str) -> Registration:
    """Staff turn a registration down, with the reason the registrant will read."""
    _require_staff(by)
    reason = reason.strip()
    if not reason:
        raise RegistrationError(_("Give a reason for declining."), code="reason_required")
    registration = _locked(registration)
    if registration.state not in (State.PENDING, State.CONFIRMED, State.WAITLISTED):
        raise RegistrationError(
            _("Only pending, confirmed or waitlisted registrations can be declined."),
            code="invalid_transition",
        )
    held = registration.holds_place
    _set_state(
        registration,
        State.DECLINED,
        decided_at=timezone.now(),
        decided_by=by,
        decision_reason=reason[:2000],
    )
    if held:
        _place_release(event=registration.event, kind=registration.organization_kind)
        _waitlist_promote(event=registration.event, kind=registration.organization_kind)
    return registration


@transaction.atomic
def registration_check_in(*, event: EventPage, ticket_code: str, by: User) -> Registration:
    """Staff admit the holder of a ticket at the door (the code in the ticket's QR code)."""
    _require_staff(by)
    registration = (
        Registration.objects.select_for_update()
        .select_related("organization", "event")
        .filter(ticket_code=ticket_code.strip())
        .first()
    )
    if registration is None:
        raise RegistrationError(_("No ticket has this code."), code="unknown_ticket")
    if registration.event_id != event.pk:
        raise RegistrationError(
            _("This ticket is for another event: %(event)s.")
            % {"event": registration.event.specific.display_title},
            code="other_event",
            registration=registration,
        )
    if registration.state == State.CHECKED_IN:
        raise RegistrationError(
            _("Already checked in at %(time)s.")
            % {"time": timezone.localtime(registration.checked_in_at).strftime("%H:%M")},
            code="already_checked_in",
            registration=registration,
        )
    if registration.state != State.CONFIRMED:
        raise RegistrationError(
            _("This registration is %(state)s, not confirmed.")
            % {"state": registration.get_state_display()},
            code="not_confirmed",
            registration=registration,
        )
    registration.state = State.CHECKED_IN
    registration.checked_in_at = timezone.now()
    registration.checked_in_by = by
    registration.save()
    return registration


def registration_bulk_decide(
    *, registrations: Iterable[Registration], by: User, approve: bool, reason: str = ""
) -> tuple[list[Registration], list[tuple[Registration, str]]]:
    """Approve or decline several registrations, each in its own transaction, so that one
    that can no longer change (cancelled meanwhile) does not undo the others.
    Returns the changed ones and the refused ones with their reasons."""
    _require_staff(by)
    if not approve and not reason.strip():
        raise RegistrationError(_("Give a reason for declining."), code="reason_required")
    changed, refused = [], []
    for registration in registrations:
        try:
            if approve:
                changed.append(registration_approve(registration=registration, by=by))
            else:
                changed.append(
                    registration_decline(registration=registration, by=by, reason=reason)
                )
        except RegistrationError as error:
            refused.append((registration, error.message))
    return changed, refused


@transaction.atomic
def registration_mark_reminded(*, registration: Registration) -> bool:
    """Record that the day-before reminder went out; False when it already had."""
    return bool(
        Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
            reminded_at=timezone.now()
        )
    )
