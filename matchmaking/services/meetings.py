"""Meeting requests: the state machine, and the outcome each side reports afterwards.

    create ──► pending (the receiver's turn)
    pending | countered ──accept───► accepted    (by the side whose turn it is)
                        ──decline──► declined    (by the side whose turn it is, with a reason)
                        ──counter──► countered   (by the side whose turn it is; the turn passes)
                        ──withdraw─► withdrawn   (by the requester, whoever's turn it is)
                        ──expire───► expired     (nobody answered before expires_at)
    accepted: each side reports an outcome (one current report per side)

Every transition locks the request row (two clicks cannot both succeed), records a
MeetingRequestEvent and, after commit, notifies the other side (in-app and by e-mail, see
matchmaking.emails). Refusals raise MeetingError with a message for the person who asked.
"""

import datetime
from collections.abc import Sequence
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.selectors import membership_get
from chat.models import ConversationKind
from chat.services import conversation_open
from matchmaking import emails
from matchmaking.models import (
    MeetingDeclineReason,
    MeetingOutcome,
    MeetingOutcomeKind,
    MeetingRequest,
    MeetingRequestEvent,
    MeetingSource,
    MeetingState,
)
from matchmaking.selectors.meetings import (
    meeting_request_open_between,
    meeting_request_pending_outgoing_count,
    meeting_request_refusal,
    meeting_times_parse,
)

MAX_PROPOSED_TIMES = 3
DEFAULT_EXPIRY_DAYS = 14
DEFAULT_PENDING_LIMIT = 10


class MeetingError(Exception):
    """A meeting request or a transition refused, with a message for the person who asked.

    `code` names the refusal for code and tests ("duplicate", "not_your_turn", ...);
    `request` is the request concerned when there is one (the open one for "duplicate").
    """

    def __init__(self, message: str, code: str, *, request: MeetingRequest | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.request = request


def meeting_expiry_days() -> int:
    return int(getattr(settings, "MEETING_EXPIRY_DAYS", DEFAULT_EXPIRY_DAYS))


def meeting_pending_limit() -> int:
    return int(getattr(settings, "MEETING_PENDING_LIMIT", DEFAULT_PENDING_LIMIT))


def _times_clean(times: Sequence[datetime.datetime]) -> list[str]:
    """Aware, future, at most three, each once; stored as sorted UTC ISO strings."""
    if len(times) > MAX_PROPOSED_TIMES:
        raise MeetingError(
            _("Propose at most %(count)d times.") % {"count": MAX_PROPOSED_TIMES}, "too_many_times"
        )
    now = timezone.now()
    cleaned = set()
    for value in times:
        if timezone.is_naive(value):
            # A caller's mistake, not the user's: a time without a zone cannot be stored.
            raise ValueError("proposed times must be aware datetimes")
        if value <= now:
            raise MeetingError(_("Proposed times must be in the future."), "past_time")
        cleaned.add(value.astimezone(datetime.UTC).replace(microsecond=0))
    return [value.isoformat() for value in sorted(cleaned)]


def _full_clean(instance) -> None:
    """Field validation (lengths, choices, control characters) as a MeetingError.

    Constraints are left to the database, whose refusals the callers turn into clear
    messages; relations are set here from objects already loaded (and `requested_by` becomes
    empty when its user is deleted, which must not stop the request's later steps).
    """
    relations = [field.name for field in instance._meta.concrete_fields if field.is_relation]
    try:
        instance.full_clean(exclude=relations, validate_constraints=False)
    except ValidationError as error:
        raise MeetingError(" ".join(error.messages), "invalid") from error


def _require_member(user: User, organization: Organization) -> None:
    if membership_get(user=user, organization=organization) is None:
        raise MeetingError(
            _("Only members of %(name)s can act for it.") % {"name": organization.name},
            "not_member",
        )


def _locked(request: MeetingRequest) -> MeetingRequest:
    """The request's row, locked until the transaction ends, with its current state."""
    return (
        # Only the request's row: `awaiting` is an outer join, which PostgreSQL cannot lock.
        MeetingRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("requester", "receiver", "awaiting")
        .get(pk=request.pk)
    )


def _locked_open(request: MeetingRequest) -> MeetingRequest:
    """Lock the request; refuse unless it still waits for an answer."""
    locked = _locked(request)
    if not locked.is_open:
        raise MeetingError(
            _("This request is no longer open: it is “%(state)s”.")
            % {"state": locked.get_state_display()},
            "not_open",
            request=locked,
        )
    if locked.expires_at <= timezone.now():
        raise MeetingError(_("This request has expired."), "expired", request=locked)
    return locked


def _require_turn(request: MeetingRequest, user: User) -> Organization:
    """The awaited side, when `user` is one of its members."""
    awaiting = request.awaiting
    if membership_get(user=user, organization=awaiting) is None:
        raise MeetingError(
            _("It is not your turn: the request waits for %(name)s.") % {"name": awaiting.name},
            "not_your_turn",
            request=request,
        )
    return awaiting


def _record(
    request: MeetingRequest,
    *,
    state: str,
    organization: Organization | None,
    user: User | None,
    note: str = "",
    proposed_times: list[str] | None = None,
) -> None:
    """Write the step into the history and notify after commit. The only place that
    announces a transition, so each one is announced exactly once."""
    MeetingRequestEvent.objects.create(
        request=request,
        state=state,
        organization=organization,
        user=user,
        note=note,
        proposed_times=proposed_times or [],
        created_at=request.updated_at,
    )
    transaction.on_commit(
        partial(
            emails.meeting_request_announce,
            request_id=request.pk,
            state=state,
            actor_id=organization.pk if organization is not None else None,
        ),
        # The step is committed whatever happens to its notices: log a failure, don't raise.
        robust=True,
    )


def _save(request: MeetingRequest, **changes) -> None:
    for name, value in changes.items():
        setattr(request, name, value)
    request.updated_at = timezone.now()
    if request.state not in (MeetingState.PENDING, MeetingState.COUNTERED):
        request.awaiting = None
        request.closed_at = request.closed_at or request.updated_at
    _full_clean(request)
    request.save()


@transaction.atomic
def meeting_request_create(
    *,
    requester: Organization,
    receiver: Organization,
    by: User,
    note: str = "",
    proposed_times: Sequence[datetime.datetime] = (),
    source: str = "",
) -> MeetingRequest:
    """Ask `receiver` for a meeting on behalf of `requester` (which `by` belongs to).

    Refused: not a member; itself; either side inactive or unverified; not partner kinds
    (exporter with platform or service provider); a request already open between the two,
    whichever side asked; the requester at its limit of open outgoing requests.
    """
    _require_member(by, requester)
    # The requester's row is locked so that its requests are created one at a time: two
    # concurrent ones cannot both pass the pending limit. NO KEY: the new request's foreign
    # keys take a key-share lock on both organizations' rows at commit; a plain FOR UPDATE
    # would deadlock two organizations asking each other at the same moment.
    requester = Organization.objects.select_for_update(no_key=True).get(pk=requester.pk)
    receiver = Organization.objects.get(pk=receiver.pk)
    refusal = meeting_request_refusal(requester=requester, receiver=receiver)
    if refusal is not None:
        raise MeetingError(refusal, "not_allowed")
    existing = meeting_request_open_between(first=requester, second=receiver)
    if existing is not None:
        raise _duplicate(existing)
    limit = meeting_pending_limit()
    if meeting_request_pending_outgoing_count(organization=requester) >= limit:
        raise MeetingError(
            _(
                "Your organization already has %(limit)d requests waiting for an answer. "
                "Wait for answers, or withdraw one, before asking again."
            )
            % {"limit": limit},
            "pending_limit",
        )
    if source not in ("", *MeetingSource.values):
        raise MeetingError(_("Unknown source of the request."), "invalid")
    times = _times_clean(proposed_times)
    now = timezone.now()
    request = MeetingRequest(
        requester=requester,
        receiver=receiver,
        pair=MeetingRequest.pair_of(requester.pk, receiver.pk),
        requested_by=by,
        source=source,
        note=note.strip(),
        proposed_times=times,
        state=MeetingState.PENDING,
        awaiting=receiver,
        created_at=now,
        updated_at=now,
        expires_at=now + datetime.timedelta(days=meeting_expiry_days()),
    )
    _full_clean(request)
    try:
        # A savepoint: a concurrent request between the same two organizations (either way
        # round) makes the partial unique index refuse this one, and the transaction goes on.
        with transaction.atomic():
            request.save()
    except IntegrityError:
        existing = meeting_request_open_between(first=requester, second=receiver)
        if existing is None:
            raise
        raise _duplicate(existing) from None
    _record(
        request,
        state=MeetingState.PENDING,
        organization=requester,
        user=by,
        note=request.note,
        proposed_times=times,
    )
    return request


def _duplicate(existing: MeetingRequest) -> MeetingError:
    return MeetingError(
        _("A meeting request between %(first)s and %(second)s is already open.")
        % {"first": existing.requester.name, "second": existing.receiver.name},
        "duplicate",
        request=existing,
    )


@transaction.atomic
def meeting_request_accept(
    *, request: MeetingRequest, by: User, time: datetime.datetime | None = None
) -> MeetingRequest:
    """The awaited side accepts, picking one of the proposed times (optional: the two may
    settle the time later). The other side's contact persons become visible to it, and the two
    organizations get their conversation (one per pair, kept for later meetings)."""
    request = _locked_open(request)
    side = _require_turn(request, by)
    agreed = None
    if time is not None:
        proposed = meeting_times_parse(request.proposed_times)
        if time not in proposed:
            raise MeetingError(
                _("Choose one of the proposed times."), "unknown_time", request=request
            )
        if time <= timezone.now():
            raise MeetingError(_("That time has passed."), "past_time", request=request)
        agreed = time
    _save(request, state=MeetingState.ACCEPTED, agreed_time=agreed)
    _record(
        request,
        state=MeetingState.ACCEPTED,
        organization=side,
        user=by,
        proposed_times=[agreed.astimezone(datetime.UTC).isoformat()] if agreed else [],
    )
    conversation_open(
        kind=ConversationKind.PAIR,
        organizations=[request.requester, request.receiver],
        source=pair_conversation_source(request.requester_id, request.receiver_id),
    )
    return request


def pair_conversation_source(first_id: int, second_id: int) -> str:
    """The chat `source` of two organizations' conversation, whichever asked whom."""
    low, high = sorted((first_id, second_id))
    return f"matchmaking.pair:{low}-{high}"


@transaction.atomic
def meeting_request_decline(
    *, request: MeetingRequest, by: User, reason: str, note: str = ""
) -> MeetingRequest:
    """The awaited side declines with a reason from the list; "other" needs a note."""
    request = _locked_open(request)
    side = _require_turn(request, by)
    note = note.strip()
    if reason not in MeetingDeclineReason.values:
        raise MeetingError(_("Choose a reason."), "invalid_reason", request=request)
    if reason == MeetingDeclineReason.OTHER and not note:
        raise MeetingError(
            _("Say why in a few words when the reason is “Other”."),
            "note_required",
            request=request,
        )
    _save(request, state=MeetingState.DECLINED, decline_reason=reason, decline_note=note)
    _record(request, state=MeetingState.DECLINED, organization=side, user=by, note=note)
    return request


@transaction.atomic
def meeting_request_counter(
    *,
    request: MeetingRequest,
    by: User,
    proposed_times: Sequence[datetime.datetime],
    note: str = "",
) -> MeetingRequest:
    """The awaited side proposes other times (one to three); the turn passes to the other
    side and the request gets a new expiry date."""
    request = _locked_open(request)
    side = _require_turn(request, by)
    times = _times_clean(proposed_times)
    if not times:
        raise MeetingError(_("Propose at least one time."), "no_times", request=request)
    now = timezone.now()
    _save(
        request,
        state=MeetingState.COUNTERED,
        proposed_times=times,
        awaiting=request.other_side(side.pk),
        expires_at=now + datetime.timedelta(days=meeting_expiry_days()),
    )
    _record(
        request,
        state=MeetingState.COUNTERED,
        organization=side,
        user=by,
        note=note.strip(),
        proposed_times=times,
    )
    return request


@transaction.atomic
def meeting_request_withdraw(*, request: MeetingRequest, by: User) -> MeetingRequest:
    """The requester takes its request back while it is still open."""
    request = _locked_open(request)
    _require_member(by, request.requester)
    _save(request, state=MeetingState.WITHDRAWN)
    _record(request, state=MeetingState.WITHDRAWN, organization=request.requester, user=by)
    return request


def meeting_requests_expire(*, now: datetime.datetime | None = None) -> int:
    """Close every open request past its expiry date; how many were closed.

    Each request in a transaction of its own, re-read under its lock: one answered or
    expired meanwhile (by another run) is skipped, so running twice closes nothing twice.
    """
    now = now or timezone.now()
    due = list(
        MeetingRequest.objects.filter(
            state__in=(MeetingState.PENDING, MeetingState.COUNTERED), expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            request = (
                MeetingRequest.objects.select_for_update(of=("self",), no_key=True)
                .select_related("requester", "receiver")
                .filter(pk=pk)
                .first()
            )
            if request is None or not request.is_open or request.expires_at > now:
                continue
            _save(request, state=MeetingState.EXPIRED)
            _record(request, state=MeetingState.EXPIRED, organization=None, user=None)
            expired += 1
    return expired


@transaction.atomic
def meeting_outcome_report(
    *,
    request: MeetingRequest,
    organization: Organization,
    by: User,
    outcome: str,
    note: str = "",
) -> MeetingOutcome:
    """One side says what came of an accepted meeting; a later report replaces its earlier
    one (the other side's report is its own)."""
    request = _locked(request)
    if organization.pk not in (request.requester_id, request.receiver_id):
        raise MeetingError(
            _("Only the two organizations of a meeting report its outcome."),
            "not_member",
            request=request,
        )
    _require_member(by, organization)
    if request.state != MeetingState.ACCEPTED:
        raise MeetingError(
            _("An outcome can be reported once the meeting request is accepted."),
            "not_accepted",
            request=request,
        )
    if outcome not in MeetingOutcomeKind.values:
        raise MeetingError(_("Choose an outcome."), "invalid", request=request)
    report = MeetingOutcome.objects.filter(request=request, organization=organization).first()
    if report is None:
        report = MeetingOutcome(request=request, organization=organization)
    report.outcome = outcome
    report.note = note.strip()
    report.reported_by = by
    report.reported_at = timezone.now()
    _full_clean(report)
    report.save()
    return report
