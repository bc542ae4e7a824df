import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.utils import timezone

from accounts import services
from accounts.models import (
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    VerificationState,
)
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory, credit_code

pytestmark = pytest.mark.django_db


def test_organization_create_makes_the_creator_owner_and_active(django_capture_on_commit_callbacks):
    user = UserFactory()
    organization = services.organization_create(
        user=user,
        kind=OrganizationKind.EXPORTER,
        name_zh="北京长城家具有限公司",
        name_en="Beijing Great Wall Furniture Co., Ltd.",
        credit_code=credit_code(1).lower(),
        district="daxing",
    )
    assert organization.credit_code == credit_code(1)
    assert organization.verification_state == VerificationState.PENDING
    assert Membership.objects.get(user=user, organization=organization).role == "owner"
    user.refresh_from_db()
    assert user.active_organization == organization


def test_organization_create_rejects_a_wrong_credit_code_and_saves_nothing():
    user = UserFactory()
    bad = credit_code(2)[:17] + ("0" if credit_code(2)[17] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        services.organization_create(
            user=user, kind="exporter", name_zh="某公司", credit_code=bad, district="haidian"
        )
    assert "credit_code" in error.value.error_dict
    assert not Organization.objects.exists()
    assert not Membership.objects.exists()


def test_only_bureau_staff_create_bureau_organizations(bureau_staff):
    user = UserFactory()
    with pytest.raises(PermissionDenied):
        services.organization_create(
            user=user,
            kind="bureau",
            name_zh="假冒商务局",
            credit_code=credit_code(3),
            district="dongcheng",
        )
    services.organization_create(
        user=bureau_staff,
        kind="bureau",
        name_zh="区商务局",
        credit_code=credit_code(4),
        district="dongcheng",
    )


def test_bureau_membership_joins_and_leaves_the_bureau_staff_group(bureau_staff):
    bureau = Organization.objects.get(kind="bureau")
    owner = MembershipFactory(organization=bureau, role=MembershipRole.OWNER).user
    newcomer = UserFactory(email="clerk@bureau.example.cn")
    invitation = services.invitation_create(
        organization=bureau, by=owner, email=newcomer.email, role="member"
    )
    membership = services.invitation_accept(invitation=invitation, user=newcomer)
    group = Group.objects.get(name=services.BUREAU_STAFF_GROUP)
    assert group.user_set.filter(pk=newcomer.pk).exists()
    services.membership_remove(membership=membership, by=owner)
    assert not group.user_set.filter(pk=newcomer.pk).exists()


class TestInvitations:
    def test_new_user_signs_up_with_the_invited_address_and_joins(
        self, organization, owner, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(
                organization=organization, by=owner, email="New.Person@Example.com", role="admin"
            )
        assert len(mail.outbox) == 1
        assert invitation.token in mail.outbox[0].body
        assert mail.outbox[0].to == ["New.Person@example.com"]

        newcomer = UserFactory(email="new.person@example.com")
        membership = services.invitation_accept(invitation=invitation, user=newcomer)
        assert membership.role == MembershipRole.ADMIN
        invitation.refresh_from_db()
        assert invitation.accepted_by == newcomer
        assert not invitation.is_open

    def test_an_invitation_is_used_once(self, organization, owner):
        invitation = services.invitation_create(
            organization=organization, by=owner, email="once@example.com"
        )
        services.invitation_accept(
            invitation=invitation, user=UserFactory(email="once@example.com")
        )
        with pytest.raises(ValidationError):
            services.invitation_accept(
                invitation=invitation, user=UserFactory(email="twice@example.com")
            )

    def test_only_the_invited_verified_address_can_accept(self, organization, owner):
        invitation = services.invitation_create(
            organization=organization, by=owner, email="invited@example.com"
        )
        with pytest.raises(PermissionDenied):
            services.invitation_accept(invitation=invitation, user=UserFactory())
        unverified = UserFactory(email="invited@example.com", verified_email=False)
        EmailAddress.objects.create(user=unverified, email=unverified.email, verified=False)
        with pytest.raises(PermissionDenied):
            services.invitation_accept(invitation=invitation, user=unverified)
        assert not Membership.objects.filter(user=unverified).exists()

    def test_existing_user_of_another_organization_joins_a_second_one(self, organization, owner):
        other = MembershipFactory(role=MembershipRole.OWNER).user
        invitation = services.invitation_create(
            organization=organization, by=owner, email=other.email
        )
        services.invitation_accept(invitation=invitation, user=other)
        assert other.memberships.count() == 2
        other.refresh_from_db()
        assert other.active_organization == organization

    def test_expired_and_revoked_invitations_cannot_be_accepted(self, organization, owner):
        expired = services.invitation_create(
            organization=organization, by=owner, email="late@example.com"
        )
        expired.expires_at = timezone.now() - timezone.timedelta(minutes=1)
        expired.save()
        with pytest.raises(ValidationError):
            services.invitation_accept(
                invitation=expired, user=UserFactory(email="late@example.com")
            )
        revoked = services.invitation_create(
            organization=organization, by=owner, email="gone@example.com"
        )
        services.invitation_revoke(invitation=revoked, by=owner)
        with pytest.raises(ValidationError):
            services.invitation_accept(
                invitation=revoked, user=UserFactory(email="gone@example.com")
            )

    def test_members_cannot_invite_and_admins_cannot_invite_owners(
        self, organization, member, org_admin
    ):
        with pytest.raises(PermissionDenied):
            services.invitation_create(organization=organization, by=member, email="x@example.com")
        with pytest.raises(PermissionDenied):
            services.invitation_create(
                organization=organization, by=org_admin, email="x@example.com", role="owner"
            )

    def test_duplicate_invitations_and_existing_members_are_refused(
        self, organization, owner, member
    ):
        services.invitation_create(organization=organization, by=owner, email="dup@example.com")
        with pytest.raises(ValidationError):
            services.invitation_create(organization=organization, by=owner, email="DUP@example.com")
        with pytest.raises(ValidationError):
            services.invitation_create(organization=organization, by=owner, email=member.email)


class TestAtLeastOneOwner:
    def test_the_last_owner_cannot_leave(self, organization, owner):
        membership = Membership.objects.get(user=owner)
        with pytest.raises(ValidationError) as error:
            services.membership_remove(membership=membership, by=owner)
        assert error.value.code == "last_owner"
        assert Membership.objects.filter(pk=membership.pk).exists()

    def test_the_last_owner_cannot_step_down(self, organization, owner):
        membership = Membership.objects.get(user=owner)
        with pytest.raises(ValidationError) as error:
            services.membership_change_role(membership=membership, role="admin", by=owner)
        assert error.value.code == "last_owner"
        membership.refresh_from_db()
        assert membership.role == MembershipRole.OWNER

    def test_an_owner_hands_over_then_leaves(self, organization, owner, member):
        member_membership = Membership.objects.get(user=member)
        services.membership_change_role(membership=member_membership, role="owner", by=owner)
        services.membership_remove(membership=Membership.objects.get(user=owner), by=owner)
        owners = Membership.objects.filter(organization=organization, role="owner")
        assert list(owners.values_list("user", flat=True)) == [member.pk]
        owner.refresh_from_db()
        assert owner.active_organization is None

    def test_admins_cannot_demote_or_remove_owners(self, organization, owner, org_admin):
        owner_membership = Membership.objects.get(user=owner)
        with pytest.raises(PermissionDenied):
            services.membership_change_role(
                membership=owner_membership, role="member", by=org_admin
            )
        with pytest.raises(PermissionDenied):
            services.membership_remove(membership=owner_membership, by=org_admin)

    def test_members_cannot_change_roles_or_remove_others(self, organization, member, org_admin):
        with pytest.raises(PermissionDenied):
            services.membership_change_role(
                membership=Membership.objects.get(user=org_admin), role="member", by=member
            )
        with pytest.raises(PermissionDenied):
            services.membership_remove(membership=Membership.objects.get(user=org_admin), by=member)


def test_switching_to_an_organization_requires_membership(organization, member, outsider):
    second = OrganizationFactory()
    MembershipFactory(user=member, organization=second, role=MembershipRole.OWNER)
    services.active_organization_switch(user=member, organization=second)
    member.refresh_from_db()
    assert member.active_organization == second
    with pytest.raises(PermissionDenied):
        services.active_organization_switch(user=outsider, organization=organization)


class TestVerification:
    def test_only_bureau_staff_verify(self, organization, owner, outsider):
        for user in (owner, outsider):
            with pytest.raises(PermissionDenied):
                services.organization_set_verification(
                    organization=organization, by=user, state="verified"
                )

    def test_rejection_needs_a_reason_and_owners_are_told(
        self, organization, owner, bureau_staff, django_capture_on_commit_callbacks
    ):
        with pytest.raises(ValidationError):
            services.organization_set_verification(
                organization=organization, by=bureau_staff, state="rejected", note="  "
            )
        owner.preferred_language = "en"
        owner.save()
        with django_capture_on_commit_callbacks(execute=True):
            services.organization_set_verification(
                organization=organization,
                by=bureau_staff,
                state="rejected",
                note="The licence photo is unreadable.",
            )
        organization.refresh_from_db()
        assert organization.verification_state == "rejected"
        assert organization.verified_at is None
        assert len(mail.outbox) == 1
        assert "The licence photo is unreadable." in mail.outbox[0].body
        assert "Rejected" in mail.outbox[0].subject
        assert "/en/me/organizations/" in mail.outbox[0].body


def test_an_invitation_dies_with_its_senders_rights(organization, owner, org_admin):
    invitation = services.invitation_create(
        organization=organization, by=org_admin, email="late@example.com", role="admin"
    )
    services.membership_change_role(
        membership=Membership.objects.get(user=org_admin), role="member", by=owner
    )
    with pytest.raises(ValidationError) as error:
        services.invitation_accept(
            invitation=invitation, user=UserFactory(email="late@example.com")
        )
    assert error.value.code == "invitation_stale"


def test_a_user_who_belongs_to_an_organization_cannot_be_deleted(organization, owner):
    with pytest.raises(ProtectedError):
        owner.delete()
    assert Membership.objects.filter(user=owner, role="owner").exists()


def test_the_invitation_links_each_half_in_its_own_language(
    organization, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organization=organization, by=owner, email="bilingual@example.com"
        )
    body = mail.outbox[0].body
    chinese, english = body.split("----")
    assert f"/me/invitations/{invitation.token}/" in chinese
    assert "/en/" not in chinese
    assert f"/en/me/invitations/{invitation.token}/" in english
    assert "邀请" in chinese
    assert "invites you" in english
