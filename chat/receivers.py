"""Chat's reactions to accounts and authentication: whoever loses access loses it at once,
open sockets included (chat.services.user_access_revoke)."""

from accounts.selectors import organization_member_list
from chat.services import user_access_revoke


def user_logged_out_revoke(sender, request, user, **kwargs) -> None:
    """Close the sockets opened with the session that logs out (4401)."""
    session = getattr(request, "session", None) if request is not None else None
    if user is not None and session is not None and session.session_key:
        user_access_revoke(user_id=user.pk, session_key=session.session_key)


def membership_deleted_revoke(sender, instance, **kwargs) -> None:
    """A membership ended: the user's sockets check their membership again after commit."""
    user_access_revoke(user_id=instance.user_id)


def organization_changed_revoke(sender, organization, changed_fields, **kwargs) -> None:
    """A deactivated organization's members lose the conversations it took part in."""
    if "is_active" in changed_fields and not organization.is_active:
        for membership in organization_member_list(organization=organization):
            user_access_revoke(user_id=membership.user_id)
