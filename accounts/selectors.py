"""Reads about users, organizations and memberships, including who may see and do what.

The permission rules of the platform live here so that every app asks the same questions:
- members (any role) see their organization's private data;
- owners and admins edit it and manage its members;
- bureau staff (members of a bureau organization, or superusers) see every organization and
  are the only ones who verify organizations;
- an organization with no members yet (loaded by a bureau import) is handed to its company by
  bureau staff, who invite its first owner.
"""

from allauth.account.models import EmailAddress
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext

from accounts.models import (
    MANAGER_ROLES,
    Invitation,
    Membership,
    MembershipRole,
    Notification,
    Organization,
    OrganizationKind,
    User,
    VerificationState,
)


def user_is_bureau_staff(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_bureau_staff", None)
    if cached is None:
        cached = user.memberships.filter(
            organization__kind=OrganizationKind.BUREAU, organization__is_active=True
        ).exists()
        user._is_bureau_staff = cached
    return cached


def user_requires_two_factor(user) -> bool:
    """Accounts that can change what others see must sign in with a second factor.

    Bureau staff, and anyone else who can reach an admin (staff, superusers, holders of the
    Wagtail admin permission through any group), whatever route gave them that power.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_staff
        or user.is_superuser
        or user_is_bureau_staff(user)
        or user.has_perm("wagtailadmin.access_admin")
    )


def organization_get(*, pk: int) -> Organization | None:
    return Organization.objects.filter(pk=pk).first()


def membership_get_by_pk(*, pk: int) -> Membership | None:
    return Membership.objects.select_related("organization", "user").filter(pk=pk).first()


def invitation_get(*, pk: int) -> Invitation | None:
    return Invitation.objects.select_related("organization").filter(pk=pk).first()


def membership_get(*, user, organization: Organization) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organization=organization).first()


def organization_can_view_private(*, user, organization: Organization) -> bool:
    return membership_get(user=user, organization=organization) is not None or (
        user_is_bureau_staff(user)
    )


def organization_can_manage(*, user, organization: Organization) -> bool:
    membership = membership_get(user=user, organization=organization)
    return membership is not None and membership.role in MANAGER_ROLES


def organization_has_members(*, organization: Organization) -> bool:
    return Membership.objects.filter(organization=organization).exists()


def organization_has_owner(*, organization: Organization) -> bool:
    return Membership.objects.filter(organization=organization, role=MembershipRole.OWNER).exists()


def organization_can_invite_first_owner(*, user, organization: Organization) -> bool:
    """Whether `user` may invite the first owner of an organization nobody belongs to yet.

    Organizations loaded by a bureau import have no members, so nobody could sign in for them;
    bureau staff hand one over to its company by inviting its owner. Once it has members, only
    its own owners and administrators invite. Never a bureau: its members become bureau staff.
    """
    return (
        organization.kind != OrganizationKind.BUREAU
        and user_is_bureau_staff(user)
        and not organization_has_members(organization=organization)
    )


def organization_can_verify(*, user) -> bool:
    """Whether the user reviews organizations at all (the verification queue)."""
    return user_is_bureau_staff(user)


def organization_verification_refusal(*, user, organization: Organization) -> str | None:
    """Why `user` may not verify this organization, or None when they may.

    Bureau staff verify other organizations: never a bureau, never one they belong to.
    """
    if not organization_can_verify(user=user):
        return gettext("Only bureau staff can verify organizations.")
    if organization.kind == OrganizationKind.BUREAU:
        return gettext("Bureau organizations are not subject to verification.")
    if membership_get(user=user, organization=organization) is not None:
        return gettext("You cannot verify an organization you belong to.")
    return None


def membership_list_for_user(*, user) -> QuerySet[Membership]:
    """The user's memberships, for the organization switcher and the dashboard."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name_zh")
    )


def active_organization_get(
    *, user, memberships: list[Membership] | None = None
) -> Organization | None:
    """The organization the user acts for: the chosen one, or the first they belong to.

    Pass `memberships` (from membership_list_for_user) when you have them, to save a query.
    """
    if not user.is_authenticated:
        return None
    if memberships is None:
        memberships = list(membership_list_for_user(user=user))
    for membership in memberships:
        if membership.organization_id == user.active_organization_id:
            return membership.organization
    return memberships[0].organization if memberships else None


def organization_member_list(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("role", "created_at")
    )


def invitation_open_list(*, organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organization=organization,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def invitation_get_by_token(*, token: str) -> Invitation | None:
    return Invitation.objects.select_related("organization").filter(token=token).first()


def organization_verification_queue(*, state: str | None = None) -> QuerySet[Organization]:
    """Organizations for bureau staff to review, oldest first, with their member counts."""
    queryset = Organization.objects.exclude(kind=OrganizationKind.BUREAU).annotate(
        member_count=Count("memberships")
    )
    if state:
        queryset = queryset.filter(verification_state=state)
    return queryset.order_by("created_at")


def organization_verification_counts() -> dict[str, int]:
    rows = Organization.objects.exclude(kind=OrganizationKind.BUREAU).aggregate(
        **{
            state: Count("pk", filter=Q(verification_state=state))
            for state in VerificationState.values
        }
    )
    return rows


def user_verified_emails(*, user: User) -> set[str]:
    return {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each group."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-pk"
    )


def notification_unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_get(*, user, pk: int) -> Notification | None:
    """One of the user's own notifications; None for anyone else's."""
    if not user.is_authenticated:
        return None
    return Notification.objects.filter(user=user, pk=pk).first()


def notification_text(notification: Notification) -> str:
    """The notice in the active language: the message translated, then filled.

    A parameter "<name>" may come with "<name>_en" (an organization's English name); English
    readers see that one when it is not empty. A message whose placeholders do not match its
    parameters (a catalog or sender mistake) is shown unfilled rather than failing the page.
    """
    english = get_language() == "en"
    params = {
        name: (notification.params.get(f"{name}_en") or value) if english else value
        for name, value in notification.params.items()
    }
    text = gettext(notification.message)
    try:
        return text % params
    except (KeyError, TypeError, ValueError):
        return text
