"""Moderation: participants report messages, bureau staff act on the reports and read the
event lobbies.

Staff hide a message with a reason that stays on record (who, when, why); participants then see
the message's place without its text, at once on open sockets (a ``chat.update`` after commit)
and on every later read. Staff read a private conversation's messages only where they were
reported: event lobbies are public to their participants, private conversations are not.

Services refuse with chat.services.ChatError. Codes beyond those services.py lists:
"own_message" (reporting one's own message), "not_staff", "reason_required", "not_reported"
(hiding a message of a private conversation that nobody reported), "not_visible" (reporting a
message already deleted or hidden).

Staff are bureau staff as accounts decides it (accounts.selectors.user_is_bureau_staff), the
same people the events review admits.
"""

from functools import partial

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import user_is_bureau_staff
from chat.models import (
    Conversation,
    ConversationKind,
    Message,
    MessageReport,
    Participant,
    ReportReason,
    ReportResolution,
)
from chat.selectors import is_member
from chat.services import ChatError, message_update_broadcast

NOTE_MAX_LENGTH = MessageReport._meta.get_field("note").max_length
HIDDEN_REASON_MAX_LENGTH = Message._meta.get_field("hidden_reason").max_length


def is_moderator(user) -> bool:
    """Whether the user may read event lobbies and act on reports."""
    return user_is_bureau_staff(user)


def _require_moderator(user) -> None:
    if not is_moderator(user):
        raise ChatError(_("Only bureau staff moderate conversations."), "not_staff")


# ---------------------------------------------------------------------------------------------
# Services


@transaction.atomic
def message_report(*, user: User, message: Message, reason: str, note: str = "") -> MessageReport:
    """Report `message` to the bureau's moderators on behalf of `user`, a participant.

    Reporting the same message again returns the first report unchanged (one report per
    message and reporter, also under concurrent clicks: the unique constraint decides).
    """
    if not is_member(user=user, conversation=message.conversation_id):
        raise ChatError(_("You do not take part in this conversation."), "not_member")
    if message.author_id == user.pk:
        raise ChatError(_("You cannot report your own message."), "own_message")
    if reason not in ReportReason.values:
        raise ChatError(_("Choose a reason for the report."), "invalid")
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > NOTE_MAX_LENGTH:
        raise ChatError(
            _("A note can be at most %(limit)d characters long.") % {"limit": NOTE_MAX_LENGTH},
            "too_long",
        )
    existing = MessageReport.objects.filter(message=message, reporter=user).first()
    if existing is not None:
        return existing
    if not message.is_visible:
        # Deleted by its author or hidden by staff already: nothing left for anyone to see.
        raise ChatError(_("This message is no longer shown."), "not_visible")
    report, _created = MessageReport.objects.get_or_create(
        message=message, reporter=user, defaults={"reason": reason, "note": note}
    )
    return report


def _resolve_open_reports(*, message: Message, staff: User, resolution: str) -> int:
    return MessageReport.objects.filter(message=message, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=staff, resolution=resolution
    )


@transaction.atomic
def message_hide(*, staff: User, message: Message, reason: str) -> Message:
    """Hide a message from its conversation, with the reason (kept for the record, shown to
    staff), and resolve its open reports as hidden. Participants' sockets get the message
    without its text after commit. Hiding a hidden message changes nothing but its open
    reports: the first decision stays on record."""
    _require_moderator(staff)
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ChatError(_("Give a reason for hiding the message."), "reason_required")
    if len(reason) > HIDDEN_REASON_MAX_LENGTH:
        raise ChatError(
            _("A reason can be at most %(limit)d characters long.")
            % {"limit": HIDDEN_REASON_MAX_LENGTH},
            "too_long",
        )
    locked = (
        Message.objects.select_for_update(of=("self",))
        .select_related("conversation", "author", "organization")
        .get(pk=message.pk)
    )
    if locked.conversation.kind != ConversationKind.EVENT_LOBBY and not locked.reports.exists():
        raise ChatError(
            _("Staff act on private conversations only where a message was reported."),
            "not_reported",
        )
    if locked.hidden_at is None:
        locked.hidden_at = timezone.now()
        locked.hidden_reason = reason
        locked.hidden_by = staff
        locked.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        transaction.on_commit(partial(message_update_broadcast, locked))
    _resolve_open_reports(message=locked, staff=staff, resolution=ReportResolution.HIDDEN)
    return locked


@transaction.atomic
def report_dismiss(*, staff: User, report: MessageReport) -> MessageReport:
    """Close a report without acting on the message (other reports of it stay open). A report
    already resolved is returned as it is."""
    _require_moderator(staff)
    locked = MessageReport.objects.select_for_update().get(pk=report.pk)
    if locked.resolved_at is None:
        locked.resolved_at = timezone.now()
        locked.resolved_by = staff
        locked.resolution = ReportResolution.DISMISSED
        locked.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return locked


# ---------------------------------------------------------------------------------------------
# Selectors for staff (the caller has checked is_moderator)


def report_open_list() -> QuerySet[MessageReport]:
    """Reports nobody has acted on, oldest first, with their message, its conversation and
    author, and the reporter (one query, whatever the number of rows)."""
    return (
        MessageReport.objects.filter(resolved_at__isnull=True)
        .select_related(
            "reporter",
            "message__conversation",
            "message__author",
            "message__organization",
        )
        .order_by("created_at", "pk")
    )


def report_get(*, pk: int) -> MessageReport | None:
    return MessageReport.objects.select_related("message").filter(pk=pk).first()


def message_get_for_moderation(*, pk: int) -> Message | None:
    """A message staff may act on (in an event lobby, or reported), with what the hide page
    shows: its conversation, author, organization and reports (the reporters' too). None for
    the other messages of private conversations, which staff do not read."""
    reported = MessageReport.objects.filter(message=OuterRef("pk"))
    return (
        Message.objects.filter(pk=pk)
        .filter(Q(conversation__kind=ConversationKind.EVENT_LOBBY) | Exists(reported))
        .select_related("conversation", "author", "organization", "hidden_by")
        .prefetch_related("reports__reporter")
        .first()
    )


def _count(queryset: QuerySet, *, field: str = "conversation") -> Subquery:
    """How many rows of `queryset` point at the outer row through `field`, as a subquery
    (several counts joined in would multiply one another's rows)."""
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(count=Count("pk"))
            .values("count"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def lobby_list() -> QuerySet[Conversation]:
    """Event lobbies, latest activity first, each with `message_count`, `hidden_count` and
    `participant_count` (one query)."""
    return (
        Conversation.objects.filter(kind=ConversationKind.EVENT_LOBBY)
        .annotate(
            message_count=_count(Message.objects.all()),
            hidden_count=_count(Message.objects.filter(hidden_at__isnull=False)),
            participant_count=_count(Participant.objects.all()),
        )
        .order_by(Coalesce("last_message_id", Value(0)).desc(), "-pk")
    )


def lobby_get(*, pk: int) -> Conversation | None:
    """An event lobby (None for other conversations: staff do not read private ones)."""
    return Conversation.objects.filter(pk=pk, kind=ConversationKind.EVENT_LOBBY).first()


def lobby_message_list(*, conversation: Conversation) -> QuerySet[Message]:
    """A lobby's messages for staff, newest first, hidden and deleted ones included (their text
    is kept for moderation; `is_visible` and `hidden_reason` tell them apart), each with
    `open_report_count`. For a paginator: the rows fetched are one page's."""
    open_reports = MessageReport.objects.filter(resolved_at__isnull=True)
    return (
        Message.objects.filter(conversation=conversation)
        .select_related("author", "organization", "hidden_by")
        .annotate(open_report_count=_count(open_reports, field="message"))
        .order_by("-id")
    )
