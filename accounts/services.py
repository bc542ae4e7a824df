"""Every write to users, organizations, memberships and invitations.

Functions are keyword-only and atomic; e-mails and signals leave only after commit.
Permission checks that depend on the acting user happen here too (PermissionDenied), so that a
view, the API and a management command cannot disagree about who may do what.
"""

import secrets

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import emails
from accounts.models import (
    Invitation,
    Membership,
    MembershipRole,
    Notification,
    Organization,
    OrganizationKind,
    User,
    VerificationState,
)
from accounts.selectors import (
    membership_get,
    organization_can_invite_first_owner,
    organization_can_manage,
    organization_has_owner,
    organization_verification_refusal,
    user_is_bureau_staff,
    user_verified_emails,
)
from accounts.signals import organization_changed, organization_verification_changed
from accounts.validators import normalize_credit_code

# Members of a bureau organization are put in this group, which carries the Wagtail admin
# permissions they need to publish pages and review registrations (see the data migration).
BUREAU_STAFF_GROUP = "Bureau staff"

ORGANIZATION_EDITABLE_FIELDS = ("name_zh", "name_en", "district", "website", "logo")


def _sync_bureau_group(user: User) -> None:
    """Keep the user's "Bureau staff" group in step with their bureau memberships."""
    group, _created = Group.objects.get_or_create(name=BUREAU_STAFF_GROUP)
    is_bureau_member = user.memberships.filter(
        organization__kind=OrganizationKind.BUREAU, organization__is_active=True
    ).exists()
    if is_bureau_member:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    user._is_bureau_staff = None


@transaction.atomic
def organization_create(
    *,
    user: User,
    kind: str,
    name_zh: str,
    credit_code: str,
    district: str,
    name_en: str = "",
    website: str = "",
    logo=None,
) -> Organization:
    """Create an organization with `user` as its owner and make it the user's active one.

    Only bureau staff may create a bureau organization (its members get admin rights).
    """
    if kind == OrganizationKind.BUREAU and not user_is_bureau_staff(user):
        raise PermissionDenied(_("Only bureau staff can create a bureau organization."))
    organization = Organization(
        kind=kind,
        # The bureau is not verified by itself: only bureau staff create bureau organizations.
        verification_state=(
            VerificationState.VERIFIED
            if kind == OrganizationKind.BUREAU
            else VerificationState.PENDING
        ),
        name_zh=name_zh,
        name_en=name_en,
        credit_code=normalize_credit_code(credit_code),
        district=district,
        website=website,
    )
    if logo:
        organization.logo = logo
    organization.full_clean()
    organization.save()
    Membership.objects.create(user=user, organization=organization, role=MembershipRole.OWNER)
    user.active_organization = organization
    user.save(update_fields=["active_organization"])
    if kind == OrganizationKind.BUREAU:
        _sync_bureau_group(user)
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, by: User, **fields) -> Organization:
    """Change an organization's own details. Owners and admins only.

    The kind, the credit code and the verification state are not editable here: the code is
    what the bureau verified, and a changed code needs a new verification.
    """
    if not organization_can_manage(user=by, organization=organization):
        raise PermissionDenied(_("Only owners and administrators can edit this organization."))
    unknown = set(fields) - set(ORGANIZATION_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if fields.get("logo") is False:  # the form's "clear" box
        fields["logo"] = ""
    changed = frozenset(
        name for name, value in fields.items() if getattr(organization, name) != value
    )
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.full_clean()
    organization.save()
    if changed:
        organization_changed.send(
            sender=Organization, organization=organization, changed_fields=changed
        )
    return organization


@transaction.atomic
def organization_set_verification(
    *, organization: Organization, by: User, state: str, note: str = ""
) -> Organization:
    """Set the verification state. Bureau staff only; a rejection needs a reason."""
    refusal = organization_verification_refusal(user=by, organization=organization)
    if refusal is not None:
        raise PermissionDenied(refusal)
    if state not in VerificationState.values:
        raise ValidationError({"state": _("Unknown verification state.")})
    if state == VerificationState.REJECTED and not note.strip():
        raise ValidationError({"note": _("Say why the organization is rejected.")})
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    previous = organization.verification_state
    organization.verification_state = state
    organization.verification_note = note.strip()
    organization.verified_at = timezone.now() if state == VerificationState.VERIFIED else None
    organization.verified_by = by
    organization.save()
    if previous != state:
        organization_changed.send(
            sender=Organization,
            organization=organization,
            changed_fields=frozenset(
                {"verification_state", "verification_note", "verified_at", "verified_by"}
            ),
        )
        transaction.on_commit(
            lambda: organization_verification_changed.send(
                sender=Organization, organization=organization, previous_state=previous
            )
        )
        transaction.on_commit(lambda: emails.send_verification_changed(organization))
    return organization


@transaction.atomic
def invitation_create(
    *, organization: Organization, by: User, email: str, role: str = MembershipRole.MEMBER
) -> Invitation:
    """Invite an e-mail address to the organization.

    Owners and admins invite to their organization; only an owner may invite another owner.
    Bureau staff invite the first owner of an organization that has no members yet (one the
    bureau imported): nobody else could, and the role must be owner, so that the company can
    then invite its own people. An address that is already a member, or already has an open
    invitation, is refused with a message.
    """
    by_membership = membership_get(user=by, organization=organization)
    if by_membership is not None and by_membership.can_manage:
        if role == MembershipRole.OWNER and by_membership.role != MembershipRole.OWNER:
            raise PermissionDenied(_("Only an owner can invite another owner."))
    elif organization_can_invite_first_owner(user=by, organization=organization):
        if role != MembershipRole.OWNER:
            raise ValidationError(
                {
                    "role": _(
                        "This organization has no members yet: invite its first owner, who "
                        "will then invite colleagues."
                    )
                }
            )
    elif by_membership is None and user_is_bureau_staff(by):
        raise PermissionDenied(
            _(
                "This organization already has members: only its owners and administrators "
                "can invite."
            )
        )
    else:
        raise PermissionDenied(_("Only owners and administrators can invite members."))
    email = User.objects.normalize_email(email).strip()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    open_invitations = Invitation.objects.filter(
        organization=organization,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if open_invitations.exists():
        raise ValidationError({"email": _("An invitation to this address is already open.")})
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        invited_by=by,
        token=secrets.token_urlsafe(32),
    )
    invitation.full_clean(exclude=["token"])
    invitation.save()
    transaction.on_commit(lambda: emails.send_invitation(invitation))
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    """Withdraw an open invitation: owners and admins, and bureau staff while the organization
    has no members (they sent its first-owner invitations)."""
    organization = invitation.organization
    if not (
        organization_can_manage(user=by, organization=organization)
        or organization_can_invite_first_owner(user=by, organization=organization)
    ):
        raise PermissionDenied(_("Only owners and administrators can revoke invitations."))
    if invitation.is_open:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def _acceptance_refusal(invitation: Invitation) -> ValidationError | None:
    """Rights are checked again at acceptance: an inviter since demoted or removed loses them.

    An owner invitation from bureau staff who do not belong to the organization is a first-owner
    invitation: it holds while its sender is still bureau staff and nobody has become owner in
    the meantime. Locks the organization's row then, so that two such invitations accepted at
    once cannot both make an owner. Call inside the transaction that locked the invitation.
    """
    organization = invitation.organization
    role = (
        Membership.objects.filter(user=invitation.invited_by_id, organization=organization)
        .values_list("role", flat=True)
        .first()
    )
    if role == MembershipRole.OWNER:
        return None
    if role == MembershipRole.ADMIN and invitation.role != MembershipRole.OWNER:
        return None
    inviter = invitation.invited_by
    first_owner_invitation = (
        role is None
        and invitation.role == MembershipRole.OWNER
        and organization.kind != OrganizationKind.BUREAU
        and inviter is not None
        and user_is_bureau_staff(inviter)
    )
    if first_owner_invitation:
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        if not organization_has_owner(organization=organization):
            return None
        return ValidationError(
            _(
                "Someone else has become the owner of this organization since you were "
                "invited; ask them to invite you."
            ),
            code="owner_exists",
        )
    return ValidationError(
        _("The person who sent this invitation can no longer grant this role; ask for a new one."),
        code="invitation_stale",
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the organization through an invitation addressed to one of the user's verified e-mails.

    Locks the invitation so that two clicks cannot both accept it.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation has expired, was revoked or was already used."))
    if invitation.email.lower() not in user_verified_emails(user=user):
        raise PermissionDenied(
            _("This invitation was sent to %(email)s; sign in with that verified address.")
            % {"email": invitation.email}
        )
    refusal = _acceptance_refusal(invitation)
    if refusal is not None:
        raise refusal
    membership, _created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    user.active_organization = invitation.organization
    user.save(update_fields=["active_organization"])
    if invitation.organization.kind == OrganizationKind.BUREAU:
        _sync_bureau_group(user)
    return membership


def _lock_memberships(organization: Organization) -> list[Membership]:
    """Lock the organization's row and its memberships: the owner count must not change under us.

    Call inside the transaction that changes a role or removes a member.
    """
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    return list(Membership.objects.select_for_update().filter(organization=organization))


def _ensure_an_owner_remains(memberships: list[Membership], *, losing: Membership) -> None:
    owners = [m for m in memberships if m.role == MembershipRole.OWNER]
    if losing.role == MembershipRole.OWNER and len(owners) <= 1:
        raise ValidationError(
            _("An organization must keep at least one owner: make someone else owner first."),
            code="last_owner",
        )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    """Change a member's role. Owners change any role; admins change members and admins only."""
    if role not in MembershipRole.values:
        raise ValidationError({"role": _("Unknown role.")})
    memberships = _lock_memberships(membership.organization)
    current = next((m for m in memberships if m.pk == membership.pk), None)
    acting = next((m for m in memberships if m.user_id == by.pk), None)
    if current is None:
        raise ValidationError(_("This person is no longer a member."))
    if acting is None or acting.role not in (MembershipRole.OWNER, MembershipRole.ADMIN):
        raise PermissionDenied(_("Only owners and administrators can change roles."))
    touches_owner = MembershipRole.OWNER in (current.role, role)
    if touches_owner and acting.role != MembershipRole.OWNER:
        raise PermissionDenied(_("Only an owner can grant or take away the owner role."))
    if role != MembershipRole.OWNER:
        _ensure_an_owner_remains(memberships, losing=current)
    current.role = role
    current.save(update_fields=["role"])
    return current


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove a member, or leave (when `by` is the member). The last owner cannot go."""
    memberships = _lock_memberships(membership.organization)
    current = next((m for m in memberships if m.pk == membership.pk), None)
    if current is None:
        return
    acting = next((m for m in memberships if m.user_id == by.pk), None)
    leaving = current.user_id == by.pk
    if not leaving:
        if acting is None or acting.role not in (MembershipRole.OWNER, MembershipRole.ADMIN):
            raise PermissionDenied(_("Only owners and administrators can remove members."))
        if current.role == MembershipRole.OWNER and acting.role != MembershipRole.OWNER:
            raise PermissionDenied(_("Only an owner can remove another owner."))
    _ensure_an_owner_remains(memberships, losing=current)
    user = current.user
    current.delete()
    if user.active_organization_id == membership.organization_id:
        user.active_organization = None
        user.save(update_fields=["active_organization"])
    if membership.organization.kind == OrganizationKind.BUREAU:
        _sync_bureau_group(user)


@transaction.atomic
def active_organization_switch(*, user: User, organization: Organization) -> None:
    if not Membership.objects.filter(user=user, organization=organization).exists():
        raise PermissionDenied(_("You are not a member of this organization."))
    user.active_organization = organization
    user.save(update_fields=["active_organization"])


@transaction.atomic
def user_update_preferences(*, user: User, full_name: str, preferred_language: str) -> User:
    user.full_name = full_name
    user.preferred_language = preferred_language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "preferred_language"])
    return user


# Organization fields a bulk import sets (the credit code identifies the organization).
ORGANIZATION_IMPORT_FIELDS = ("name_zh", "name_en", "district", "website")


def organization_import_refusal(
    *, user: User, kind: str, existing: Organization | None, manages: bool
) -> str | None:
    """Why `user` may not create or update this organization through a bulk import, or None.

    Bureau staff create and update any organization except a bureau; owners and administrators
    update only organizations they manage (`manages`), and create none. The kind of an existing
    organization never changes: its profile and everything matched on it depend on it.
    Runs no query when the user's bureau status is cached, so an import can ask it per row.
    """
    if kind == OrganizationKind.BUREAU or (
        existing is not None and existing.kind == OrganizationKind.BUREAU
    ):
        return _("Bureau organizations cannot be imported or changed by an import.")
    if existing is not None and existing.kind != kind:
        return _(
            "This organization is registered as “%(kind)s”; an import cannot change its kind."
        ) % {"kind": OrganizationKind(existing.kind).label}
    if user_is_bureau_staff(user):
        return None
    if existing is None:
        return _(
            "Only bureau staff can add organizations; you can only update organizations "
            "you administer."
        )
    if not manages:
        return _("You can only update organizations you administer.")
    return None


@transaction.atomic
def organization_import_upsert(
    *,
    by: User,
    credit_code: str,
    kind: str,
    name_zh: str,
    district: str,
    name_en: str = "",
    website: str = "",
) -> tuple[Organization, str]:
    """Create or update an organization by its credit code, for a bulk import.

    Returns the organization and what happened: "created", "updated" or "unchanged" (nothing
    is saved when no field differs). Refusals (see organization_import_refusal) raise
    PermissionDenied; invalid values raise ValidationError.

    An organization created by bureau staff is verified by them at once (verified_by is the
    importing user): the bureau vouches for the data it loads. It has no members yet; nobody
    is made its owner. No verification signal is sent, as its state did not change.
    """
    credit_code = normalize_credit_code(credit_code)
    existing = Organization.objects.select_for_update().filter(credit_code=credit_code).first()
    manages = existing is not None and organization_can_manage(user=by, organization=existing)
    refusal = organization_import_refusal(user=by, kind=kind, existing=existing, manages=manages)
    if refusal is not None:
        raise PermissionDenied(refusal)
    values = {"name_zh": name_zh, "name_en": name_en, "district": district, "website": website}
    values = {name: value.strip() for name, value in values.items()}
    if existing is None:
        organization = Organization(
            kind=kind,
            credit_code=credit_code,
            verification_state=VerificationState.VERIFIED,
            verified_at=timezone.now(),
            verified_by=by,
            **values,
        )
        organization.full_clean()
        organization.save()
        return organization, "created"
    changed = [name for name, value in values.items() if getattr(existing, name) != value]
    if not changed:
        return existing, "unchanged"
    for name in changed:
        setattr(existing, name, values[name])
    existing.full_clean()
    existing.save()
    organization_changed.send(
        sender=Organization, organization=existing, changed_fields=frozenset(changed)
    )
    return existing, "updated"


@transaction.atomic
def notification_create(
    *,
    user: User,
    organization: Organization | None = None,
    kind: str,
    message: str,
    params: dict | None = None,
    url: str = "",
) -> Notification:
    """Put a notice in the user's list.

    `message` is the untranslated text, marked by the caller with gettext_noop, with
    %(name)s placeholders filled from `params` when shown (in the reader's language: a
    parameter may carry an English variant under "<name>_en"). `url` is a path in the
    default language; the page that opens a notification sends the reader to their own.
    """
    return Notification.objects.create(
        user=user,
        organization=organization,
        kind=kind,
        message=message,
        params=params or {},
        url=url,
    )


@transaction.atomic
def notification_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications read: those in `ids`, or all of them. How many
    were marked; other users' notifications are never touched."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
