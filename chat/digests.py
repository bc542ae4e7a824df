"""E-mail digests: a participant who is offline hears of the messages they have not read.

Each run (manage.py chat_send_digests, from the scheduler) finds, for every user taking part in
a conversation, the visible messages from others after both their read marker and their digest
marker, and sends each user one e-mail with a section per such conversation, in the user's
language. A conversation is left out while the user is online in it (their socket shows them
the messages) and while its last digest to them is younger than CHAT_DIGEST_PERIOD_MINUTES, so
that a busy conversation costs a reader at most one e-mail per period.

Presence is read from the cache that chat.limits counts it in. On the embedded default that
cache is local to each process, so a command run in its own process sees nobody online there;
on Redis it sees every server's sockets.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import BigIntegerField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext

from accounts.models import User
from chat.events import user_payload
from chat.limits import presence_key
from chat.models import Conversation, DigestMarker, Message, Participant, ReadMarker
from chat.selectors import conversation_member_list, conversation_titles_set

logger = logging.getLogger(__name__)

# How many of a conversation's unread messages a section quotes (the newest), and how much of
# each one's text.
QUOTED_MESSAGES = 3
QUOTED_CHARACTERS = 200


def digest_period() -> timedelta:
    return timedelta(minutes=settings.CHAT_DIGEST_PERIOD_MINUTES)


@dataclass
class DigestSection:
    """One conversation in a user's digest, and the digest marker as the selection read it
    (`marker_id`, `marker_sent_at`: the send claims the marker only if it is still so)."""

    conversation: Conversation
    unread_count: int
    newest_id: int
    messages: list[Message]
    marker_id: int
    marker_sent_at: datetime | None


@dataclass
class UserDigest:
    user: User
    sections: list[DigestSection] = field(default_factory=list)


def _visible_from_others(messages: QuerySet[Message], user) -> QuerySet[Message]:
    """Neither deleted nor hidden, and not written by `user` (a user id, or an OuterRef to one);
    messages whose author's account is gone count as from others."""
    return messages.filter(deleted_at__isnull=True, hidden_at__isnull=True).filter(
        ~Q(author=user) | Q(author__isnull=True)
    )


def _pending_rows(*, now: datetime) -> list[tuple[int, int, int, int | None, datetime | None]]:
    """(user_id, conversation_id, covered_id, marker_id, marker_sent_at) for each member of a
    participant organization with a visible message from others after both markers, whose last
    digest of the conversation is older than the period. One query.

    A superset of who is due: whether the user still takes part (an active user in an active
    organization) is for conversation_member_list to say, not repeated here."""
    pair = {"user": OuterRef("member_id"), "conversation": OuterRef("conversation_id")}
    read_id = ReadMarker.objects.filter(**pair).values("last_read_id")
    digest = DigestMarker.objects.filter(**pair)
    unread = _visible_from_others(
        Message.objects.filter(
            conversation=OuterRef("conversation_id"), id__gt=OuterRef("covered")
        ),
        OuterRef("member_id"),
    )
    zero = Value(0, output_field=BigIntegerField())
    rows = (
        Participant.objects.annotate(member_id=F("organization__memberships__user"))
        .filter(member_id__isnull=False, conversation__last_message_id__isnull=False)
        .annotate(
            marker_id=Subquery(digest.values("last_notified_id")),
            marker_sent_at=Subquery(digest.values("sent_at")),
        )
        .annotate(covered=Greatest(Coalesce(Subquery(read_id), zero), Coalesce("marker_id", zero)))
        .filter(Q(marker_sent_at__isnull=True) | Q(marker_sent_at__lte=now - digest_period()))
        .filter(Exists(unread))
        .order_by()
        .values_list("member_id", "conversation_id", "covered", "marker_id", "marker_sent_at")
        .distinct()
    )
    return list(rows)


def _online(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which (user_id, conversation_id) pairs have a socket open in the conversation now."""
    keys = {
        presence_key(conversation_id, user_id): (user_id, conversation_id)
        for user_id, conversation_id in pairs
    }
    found = cache.get_many(list(keys))
    return {keys[key] for key, count in found.items() if count and count > 0}


def digest_pending_list(*, now: datetime | None = None) -> list[UserDigest]:
    """Who is due a digest now, and of what: users in id order, each with a section per
    conversation (latest activity first) quoting its newest unread messages, oldest first.

    Queries: one for the candidates, one per conversation with candidates (who takes part), four
    to load the users and the conversations with their participants, two per section (the
    quotes and the count)."""
    now = now or timezone.now()
    rows = _pending_rows(now=now)
    candidates: dict[int, set[int]] = defaultdict(set)
    for user_id, conversation_id, *_marker in rows:
        candidates[conversation_id].add(user_id)
    taking_part = {
        (member["id"], conversation_id)
        for conversation_id, user_ids in candidates.items()
        for member in conversation_member_list(
            conversation=conversation_id, user_ids=sorted(user_ids)
        )
    }
    due = taking_part - _online(sorted(taking_part))
    rows = [row for row in rows if (row[0], row[1]) in due]
    users = User.objects.in_bulk({row[0] for row in rows})
    conversations = Conversation.objects.prefetch_related("participants__organization").in_bulk(
        {row[1] for row in rows}
    )
    digests: dict[int, UserDigest] = {}
    rows.sort(key=lambda row: (row[0], row[1]))
    for user_id, conversation_id, covered, marker_id, marker_sent_at in rows:
        unread = _visible_from_others(
            Message.objects.filter(conversation=conversation_id, id__gt=covered), user_id
        )
        quoted = list(
            unread.select_related("author", "organization").order_by("-id")[:QUOTED_MESSAGES]
        )
        if not quoted:  # hidden or deleted since the candidates were read
            continue
        section = DigestSection(
            conversation=conversations[conversation_id],
            unread_count=unread.count(),
            newest_id=quoted[0].pk,
            messages=quoted[::-1],
            marker_id=marker_id or 0,
            marker_sent_at=marker_sent_at,
        )
        digests.setdefault(user_id, UserDigest(user=users[user_id])).sections.append(section)
    for digest in digests.values():
        digest.sections.sort(key=lambda section: section.newest_id, reverse=True)
    return list(digests.values())


def _marker_claim(*, user: User, section: DigestSection, now: datetime) -> bool:
    """Advance the user's digest marker past the section's messages, if it is still where the
    selection read it; False when another run moved it first (it sends that section)."""
    marker, _created = DigestMarker.objects.get_or_create(
        user=user, conversation=section.conversation
    )
    unchanged = DigestMarker.objects.filter(pk=marker.pk, last_notified_id=section.marker_id)
    if section.marker_sent_at is None:
        unchanged = unchanged.filter(sent_at__isnull=True)
    else:
        unchanged = unchanged.filter(sent_at=section.marker_sent_at)
    return bool(unchanged.update(last_notified_id=section.newest_id, sent_at=now))


def _absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _quote(message: Message) -> dict:
    author = message.author
    return {
        "author": user_payload(author)["name"] if author else gettext("A former member"),
        "organization": message.organization.name if message.organization else "",
        "text": Truncator(message.text).chars(QUOTED_CHARACTERS),
        "attachment_name": message.attachment_name if message.attachment else "",
        "created_at": message.created_at,
    }


def _email(digest: UserDigest) -> EmailMultiAlternatives:
    """The digest in the user's language: a subject, a plain-text body and an HTML alternative."""
    user = digest.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        # Titled for this user, in their language, just before use: the conversations are
        # shared with the other users' digests of this run.
        conversation_titles_set([section.conversation for section in digest.sections], user=user)
        sections = [
            {
                "title": section.conversation.display_title,
                "url": _absolute_url(reverse("chat:conversation", args=[section.conversation.pk])),
                "unread_count": section.unread_count,
                "earlier_count": section.unread_count - len(section.messages),
                "messages": [_quote(message) for message in section.messages],
            }
            for section in digest.sections
        ]
        context = {
            "user": user,
            "sections": sections,
            "unread_count": sum(section["unread_count"] for section in sections),
            "conversations_url": _absolute_url(reverse("chat:conversations")),
            "period_minutes": settings.CHAT_DIGEST_PERIOD_MINUTES,
        }
        subject = render_to_string("chat/email/digest_subject.txt", context)
        text = render_to_string("chat/email/digest.txt", context)
        html = render_to_string("chat/email/digest.html", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()), text, settings.DEFAULT_FROM_EMAIL, [user.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def user_digest_send(*, digest: UserDigest, now: datetime) -> bool:
    """Send one user's digest of the sections no other run has claimed; True when sent.

    The markers move and the e-mail goes out in one transaction, the send last before the
    commit. A send that fails rolls the markers back, and the next run tries again. A crash
    after the mail server took the e-mail but before the commit also leaves the markers where
    they were, so the next run sends the digest again: we prefer a reader getting a digest
    twice to never getting it. (The price: the claimed marker rows stay locked while the mail
    server answers; on SQLite, the database's write lock does.)"""
    with transaction.atomic():
        # Claimed in conversation order, so that two runs that both claim several markers of
        # one user lock them in the same order and cannot deadlock.
        claimed = {
            section.conversation.pk
            for section in sorted(digest.sections, key=lambda section: section.conversation.pk)
            if _marker_claim(user=digest.user, section=section, now=now)
        }
        digest.sections = [s for s in digest.sections if s.conversation.pk in claimed]
        if not digest.sections:
            return False
        _email(digest).send()
    return True


def digests_send(*, now: datetime | None = None) -> int:
    """Send every digest due now (see digest_pending_list); returns how many e-mails went out.

    Safe to run again at any time, and in two processes at once: each conversation's digest
    marker is claimed by one run only, and a conversation gets at most one digest per period.
    A digest the mail server refuses is logged and left for the next run."""
    now = now or timezone.now()
    sent = 0
    for digest in digest_pending_list(now=now):
        if not digest.user.email:
            continue
        try:
            sent += user_digest_send(digest=digest, now=now)
        except OSError:  # smtplib's errors are OSErrors; the next user's may go through
            logger.exception("chat: could not send the digest to user %s", digest.user.pk)
    return sent
