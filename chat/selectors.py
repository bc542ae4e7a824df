"""Reads: who may take part in which conversation, the conversation list, message pages.

A user takes part in a conversation when they are an active user and a member of one of its
participant organizations, and that organization is active (accounts decides membership).
"""

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import Membership, Organization
from accounts.selectors import membership_list_for_user
from chat.events import user_payload
from chat.models import Conversation, Message, Participant, ReadMarker


def _organization_ids(user) -> QuerySet:
    """The ids of the active organizations the user belongs to, as a subquery."""
    if not user.is_authenticated:
        return Membership.objects.none().values("organization_id")
    return (
        membership_list_for_user(user=user)
        .filter(user__is_active=True)
        .order_by()
        .values("organization_id")
    )


def is_member(*, user, conversation: Conversation | int) -> bool:
    """Whether the user may read and write the conversation now (one query)."""
    if not user.is_authenticated:
        return False
    return Participant.objects.filter(
        conversation=conversation, organization__in=_organization_ids(user)
    ).exists()


def acting_organization_get(*, user, conversation: Conversation) -> Organization | None:
    """The organization the user speaks for here: their active organization when it takes part,
    otherwise the first participant they belong to; None when they do not take part."""
    if not user.is_authenticated:
        return None
    organizations = list(
        Organization.objects.filter(
            chat_participations__conversation=conversation, pk__in=_organization_ids(user)
        ).order_by("pk")
    )
    for organization in organizations:
        if organization.pk == user.active_organization_id:
            return organization
    return organizations[0] if organizations else None


def conversation_get_for_user(*, user, pk: int) -> Conversation | None:
    """The conversation, or None when it does not exist or the user does not take part."""
    if not user.is_authenticated:
        return None
    return (
        Conversation.objects.filter(pk=pk, participants__organization__in=_organization_ids(user))
        .distinct()
        .first()
    )


def conversation_list_for_user(*, user) -> QuerySet[Conversation]:
    """The user's conversations, latest activity first, each with `unread_count`: visible
    messages from others after the user's read marker. Two queries, whatever the number of
    conversations (the participants are prefetched)."""
    if not user.is_authenticated:
        return Conversation.objects.none()
    # Nested in `unread` below: OuterRef points at the message being counted.
    last_read = ReadMarker.objects.filter(conversation=OuterRef("conversation"), user=user).values(
        "last_read_id"
    )
    unread = (
        Message.objects.filter(
            conversation=OuterRef("pk"),
            id__gt=Coalesce(Subquery(last_read), Value(0)),
            deleted_at__isnull=True,
            hidden_at__isnull=True,
        )
        .filter(~Q(author=user) | Q(author__isnull=True))
        .order_by()
        .values("conversation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    member_of = Participant.objects.filter(organization__in=_organization_ids(user)).values(
        "conversation_id"
    )
    return (
        Conversation.objects.filter(pk__in=member_of)
        .annotate(unread_count=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.select_related("organization"))
        )
        .order_by(Coalesce("last_message_id", Value(0)).desc(), "-pk")
    )


def _messages(conversation: Conversation | int) -> QuerySet[Message]:
    return Message.objects.filter(conversation=conversation).select_related(
        "author", "organization"
    )


def message_list_after(
    *, conversation: Conversation | int, after_id: int, limit: int = 100
) -> list[Message]:
    """Up to `limit` messages with ids above `after_id`, oldest first (resume)."""
    return list(_messages(conversation).filter(id__gt=after_id).order_by("id")[:limit])


def message_list_before(
    *, conversation: Conversation | int, before_id: int | None = None, limit: int = 50
) -> list[Message]:
    """The `limit` messages just before `before_id` (the newest when None), oldest first: one
    page of history, scrolling back."""
    messages = _messages(conversation)
    if before_id is not None:
        messages = messages.filter(id__lt=before_id)
    return list(reversed(messages.order_by("-id")[:limit]))


def message_get(*, pk: int) -> Message | None:
    return (
        Message.objects.select_related("conversation", "author", "organization")
        .filter(pk=pk)
        .first()
    )


def conversation_member_list(
    *, conversation: Conversation | int, user_ids: list[int] | None = None
) -> list[dict]:
    """The users taking part, each once: {"id", "name", "organization": {...}} (restricted to
    `user_ids` when given). For presence: who of the other side is online."""
    memberships = (
        Membership.objects.filter(
            organization__chat_participations__conversation=conversation,
            organization__is_active=True,
            user__is_active=True,
        )
        .select_related("user", "organization")
        .order_by("user_id", "organization_id")
    )
    if user_ids is not None:
        memberships = memberships.filter(user_id__in=user_ids)
    members: dict[int, dict] = {}
    for membership in memberships:
        if membership.user_id not in members:
            members[membership.user_id] = user_payload(membership.user, membership.organization)
    return list(members.values())


def conversation_last_message_id(*, conversation: Conversation | int) -> int:
    """The id of the conversation's newest message (0 when it has none)."""
    pk = conversation.pk if isinstance(conversation, Conversation) else conversation
    newest = Conversation.objects.filter(pk=pk).values_list("last_message_id", flat=True).first()
    return newest or 0


def conversation_id_for_source(*, source: str) -> int | None:
    """The id of the conversation `source` opened (chat.services.conversation_open), if any."""
    if not source:
        return None
    return Conversation.objects.filter(source=source).values_list("pk", flat=True).first()


def read_marker_list(*, conversation: Conversation | int, exclude_user=None) -> list[dict]:
    """How far each other reader has read: [{"user_id", "id"}], for the page's read receipts."""
    markers = ReadMarker.objects.filter(conversation=conversation, last_read_id__gt=0)
    if exclude_user is not None:
        markers = markers.exclude(user=exclude_user)
    return [
        {"user_id": user_id, "id": last_read_id}
        for user_id, last_read_id in markers.values_list("user_id", "last_read_id")
    ]


def conversation_unread_total(*, user) -> int:
    """How many of the user's conversations have messages they have not read (the header's
    badge): one query."""
    if not user.is_authenticated:
        return 0
    return conversation_list_for_user(user=user).filter(unread_count__gt=0).count()


def conversation_titles_set(conversations, *, user) -> list[Conversation]:
    """Give each conversation `display_title`, what the user calls it: its title, else the
    other side's names (from the participants, prefetched by conversation_list_for_user)."""
    conversations = list(conversations)
    own = set(_organization_ids(user).values_list("organization_id", flat=True))
    for conversation in conversations:
        others = [
            participant.organization.name
            for participant in conversation.participants.all()
            if participant.organization_id not in own
        ]
        conversation.display_title = conversation.title or "、".join(others) or str(conversation)
    return conversations


def conversation_unread_list(*, user, limit: int = 3) -> list[Conversation]:
    """The user's conversations with unread messages, latest first, titled (the dashboard)."""
    if not user.is_authenticated:
        return []
    unread = conversation_list_for_user(user=user).filter(unread_count__gt=0)[:limit]
    return conversation_titles_set(unread, user=user)
