"""E-mails about organizations, each rendered in its recipient's language.

Called from services through transaction.on_commit, never inside a transaction.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import Invitation, MembershipRole, Organization


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _send(*, template: str, context: dict, to: list[str], language: str) -> None:
    with translation.override(language):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
        body = render_to_string(f"accounts/email/{template}_body.txt", context)
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, to)


def _accept_url(invitation: Invitation, language: str) -> str:
    with translation.override(language):
        return absolute_url(
            reverse("accounts:invitation_accept", kwargs={"token": invitation.token})
        )


def send_invitation(invitation: Invitation) -> None:
    """One message in Chinese and English: we do not know the invitee's language yet.

    Each half links to the acceptance page in its own language.
    """
    context = {
        "invitation": invitation,
        "accept_url_zh": _accept_url(invitation, "zh-hans"),
        "accept_url_en": _accept_url(invitation, "en"),
    }
    _send(
        template="invitation",
        context=context,
        to=[invitation.email],
        language=settings.LANGUAGE_CODE,
    )


def send_verification_changed(organization: Organization) -> None:
    """Tell the organization's owners and admins, each in their preferred language."""
    managers = organization.memberships.filter(
        role__in=[MembershipRole.OWNER, MembershipRole.ADMIN]
    ).select_related("user")
    for membership in managers:
        user = membership.user
        with translation.override(user.preferred_language):
            path = reverse("accounts:organization_detail", kwargs={"pk": organization.pk})
        _send(
            template="verification_changed",
            context={"organization": organization, "user": user, "url": absolute_url(path)},
            to=[user.email],
            language=user.preferred_language,
        )
