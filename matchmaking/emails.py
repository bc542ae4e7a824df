"""Telling an organization's members that a meeting request changed: an in-app notification
and an e-mail each, in the member's own language.

Called after commit (matchmaking.services.meetings), never inside a transaction; it reads the
request afresh, and describes the step it was called for.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from accounts.models import Organization
from accounts.selectors import organization_member_list
from accounts.services import notification_create
from matchmaking.models import MeetingRequest, MeetingState
from matchmaking.selectors.meetings import meeting_times_parse

# What the other side reads in its notification list, translated when shown; %(organization)s
# is the organization that acted (for an expiry: the other organization).
logger = logging.getLogger(__name__)

NOTICES = {
    MeetingState.PENDING.value: gettext_noop("%(organization)s requests a meeting with you."),
    MeetingState.COUNTERED.value: gettext_noop(
        "%(organization)s proposed other times for your meeting."
    ),
    MeetingState.ACCEPTED.value: gettext_noop("%(organization)s accepted the meeting request."),
    MeetingState.DECLINED.value: gettext_noop("%(organization)s declined the meeting request."),
    MeetingState.WITHDRAWN.value: gettext_noop("%(organization)s withdrew its meeting request."),
    MeetingState.EXPIRED.value: gettext_noop(
        "The meeting request between you and %(organization)s expired without an answer."
    ),
}


def _absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _detail_path(request: MeetingRequest, language: str) -> str:
    with translation.override(language):
        return reverse("matchmaking:meeting_request_detail", kwargs={"pk": request.pk})


def meeting_request_announce(*, request_id: int, state: str, actor_id: int | None) -> None:
    """Notify the side that did not act (both sides when nobody acted: an expiry)."""
    state = str(state)
    request = (
        MeetingRequest.objects.select_related("requester", "receiver").filter(pk=request_id).first()
    )
    if request is None:
        return
    sides = (request.requester, request.receiver)
    recipients = [side for side in sides if side.pk != actor_id]
    for organization in recipients:
        _announce_to(request=request, state=state, organization=organization)


def _announce_to(*, request: MeetingRequest, state: str, organization: Organization) -> None:
    other = request.other_side(organization.pk)
    params = {"organization": other.name_zh, "organization_en": other.name_en}
    path = _detail_path(request, settings.LANGUAGE_CODE)
    members = organization_member_list(organization=organization).filter(user__is_active=True)
    users = [membership.user for membership in members]
    # Every in-app notice first: a mail server that fails must not cost anyone the notice.
    for user in users:
        notification_create(
            user=user,
            organization=organization,
            kind=f"meeting_request.{state}",
            message=NOTICES[state],
            params=params,
            url=path,
        )
    for user in users:
        try:
            _send(request=request, state=state, user=user, organization=organization, other=other)
        except Exception:
            # The change is committed and stays a success; the notice above tells the reader.
            logger.exception("Could not e-mail %s about meeting request %s.", user.pk, request.pk)


def _send(*, request: MeetingRequest, state: str, user, organization, other) -> None:
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "request": request,
            "state": state,
            "States": MeetingState,
            "user": user,
            "organization": organization,
            "other": other,
            "url": _absolute_url(_detail_path(request, language)),
            "times": meeting_times_parse(request.proposed_times),
            "step_note": _step_note(request, state),
        }
        subject = render_to_string("matchmaking/email/meeting_request_subject.txt", context)
        body = render_to_string("matchmaking/email/meeting_request_body.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _step_note(request: MeetingRequest, state: str) -> str:
    """The note of the newest step into `state` (a counter-proposal's, say); "" if none."""
    step = request.events.filter(state=state).order_by("-created_at", "-pk").first()
    return step.note if step is not None else ""
