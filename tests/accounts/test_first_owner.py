"""Bureau staff hand an imported organization, which has no members, to its company by inviting
its first owner; the invitation is checked again when it is accepted."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from accounts import services
from accounts.models import Invitation, Membership, MembershipRole, OrganizationKind
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory, credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(bureau_staff):
    """An organization as a bureau import creates it: verified, and nobody belongs to it."""
    organization, outcome = services.organization_import_upsert(
        by=bureau_staff,
        credit_code=credit_code(7001),
        kind=OrganizationKind.EXPORTER,
        name_zh="北京导入贸易有限公司",
        name_en="Beijing Imported Trading Co.",
        district="chaoyang",
    )
    assert outcome == "created"
    assert not organization.memberships.exists()
    return organization


def english(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def test_bureau_staff_invite_the_first_owner_who_accepts_and_owns_the_organization(
    imported, bureau_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organization=imported, by=bureau_staff, email="boss@company.example.cn", role="owner"
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["boss@company.example.cn"]
    assert invitation.token in mail.outbox[0].body

    boss = UserFactory(email="boss@company.example.cn")
    membership = services.invitation_accept(invitation=invitation, user=boss)
    assert (membership.organization, membership.role) == (imported, MembershipRole.OWNER)
    boss.refresh_from_db()
    assert boss.active_organization == imported
    # From now on the company invites its own people, not the bureau.
    services.invitation_create(organization=imported, by=boss, email="clerk@company.example.cn")
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            organization=imported, by=bureau_staff, email="other@company.example.cn", role="owner"
        )


@pytest.mark.parametrize("role", ["admin", "member", "chairman"])
def test_the_first_invitation_must_make_an_owner(imported, bureau_staff, role):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.invitation_create(
            organization=imported, by=bureau_staff, email="boss@company.example.cn", role=role
        )
    assert "invite its first owner" in " ".join(error.value.message_dict["role"])
    assert not Invitation.objects.exists()


def test_bureau_staff_cannot_invite_into_an_organization_that_has_members(
    organization, owner, bureau_staff
):
    for role in ("owner", "member"):
        with translation.override("en"), pytest.raises(PermissionDenied) as error:
            services.invitation_create(
                organization=organization, by=bureau_staff, email="x@example.com", role=role
            )
        assert "already has members" in str(error.value)
    assert not Invitation.objects.exists()


def test_nobody_but_bureau_staff_invites_into_an_organization_without_members(imported, outsider):
    for user in (outsider, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.invitation_create(
                organization=imported, by=user, email=user.email, role="owner"
            )
    assert not Invitation.objects.exists()


def test_not_into_a_bureau_without_members_either(bureau_staff):
    """Members of a bureau become bureau staff: that is never granted through this door."""
    empty_bureau = OrganizationFactory(kind=OrganizationKind.BUREAU)
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            organization=empty_bureau, by=bureau_staff, email="x@example.com", role="owner"
        )


def test_acceptance_is_refused_once_someone_else_became_owner(imported, bureau_staff):
    first = services.invitation_create(
        organization=imported, by=bureau_staff, email="first@company.example.cn", role="owner"
    )
    second = services.invitation_create(
        organization=imported, by=bureau_staff, email="second@company.example.cn", role="owner"
    )
    services.invitation_accept(invitation=first, user=UserFactory(email=first.email))
    late = UserFactory(email=second.email)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.invitation_accept(invitation=second, user=late)
    assert error.value.code == "owner_exists"
    assert "Someone else has become the owner" in error.value.messages[0]
    assert not Membership.objects.filter(user=late).exists()
    second.refresh_from_db()
    assert second.accepted_at is None


def test_acceptance_is_refused_when_the_inviter_is_no_longer_bureau_staff(imported, bureau_staff):
    invitation = services.invitation_create(
        organization=imported, by=bureau_staff, email="boss@company.example.cn", role="owner"
    )
    services.membership_remove(membership=bureau_staff.memberships.get(), by=bureau_staff)
    boss = UserFactory(email=invitation.email)
    with pytest.raises(ValidationError) as error:
        services.invitation_accept(invitation=invitation, user=boss)
    assert error.value.code == "invitation_stale"
    assert not Membership.objects.filter(user=boss).exists()


def test_bureau_staff_revoke_invitations_only_while_the_organization_has_no_members(
    imported, bureau_staff
):
    revoked = services.invitation_create(
        organization=imported, by=bureau_staff, email="wrong@company.example.cn", role="owner"
    )
    services.invitation_revoke(invitation=revoked, by=bureau_staff)
    revoked.refresh_from_db()
    assert revoked.revoked_at is not None

    kept = services.invitation_create(
        organization=imported, by=bureau_staff, email="boss@company.example.cn", role="owner"
    )
    MembershipFactory(organization=imported, role=MembershipRole.OWNER)
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(invitation=kept, by=bureau_staff)


class TestThePage:
    def test_bureau_staff_see_the_form_for_an_organization_without_members(
        self, bureau_client, imported
    ):
        response = bureau_client.get(english("accounts:organization_detail", imported.pk))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Invite the first owner" in page
        assert "No members yet: this organization was imported." in page
        assert list(response.context["first_owner_form"].fields) == ["email"]
        assert "invitation_form" not in response.context

    def test_no_form_for_an_organization_with_members(self, bureau_client, organization, owner):
        response = bureau_client.get(english("accounts:organization_detail", organization.pk))
        assert response.status_code == 200
        assert "first_owner_form" not in response.context
        page = response.content.decode()
        assert "Invite the first owner" not in page
        assert "No members yet" not in page

    def test_members_see_no_first_owner_form_and_others_do_not_see_the_organization(
        self, client, organization, owner, imported, outsider
    ):
        client.force_login(owner)
        response = client.get(english("accounts:organization_detail", organization.pk))
        assert "first_owner_form" not in response.context
        assert "Invite the first owner" not in response.content.decode()
        client.force_login(outsider)
        assert client.get(english("accounts:organization_detail", imported.pk)).status_code == 404
        response = client.post(
            english("accounts:invitation_create", imported.pk), {"email": outsider.email}
        )
        assert response.status_code == 404
        assert not Invitation.objects.exists()

    def test_inviting_revoking_and_accepting_through_the_pages(
        self, bureau_client, client, imported, bureau_staff, django_capture_on_commit_callbacks
    ):
        detail = english("accounts:organization_detail", imported.pk)
        with django_capture_on_commit_callbacks(execute=True):
            response = bureau_client.post(
                english("accounts:invitation_create", imported.pk),
                # The role is fixed: a posted one is ignored.
                {"email": "boss@company.example.cn", "role": "member"},
            )
        assert response.status_code == 302
        invitation = Invitation.objects.get()
        assert (invitation.email, invitation.role) == ("boss@company.example.cn", "owner")
        assert len(mail.outbox) == 1

        page = bureau_client.get(detail).content.decode()
        assert "boss@company.example.cn" in page
        revoke = reverse("accounts:invitation_revoke", args=[invitation.pk])
        assert revoke in page
        assert bureau_client.post(revoke).status_code == 302
        invitation.refresh_from_db()
        assert invitation.revoked_at is not None

        bureau_client.post(
            english("accounts:invitation_create", imported.pk),
            {"email": "boss@company.example.cn"},
        )
        invitation = Invitation.objects.get(revoked_at__isnull=True)
        boss = UserFactory(email="boss@company.example.cn")
        client.force_login(boss)
        response = client.post(english("accounts:invitation_accept", invitation.token))
        assert response.status_code == 302
        assert Membership.objects.get(organization=imported).user == boss
        assert Membership.objects.get(organization=imported).role == MembershipRole.OWNER

        response = bureau_client.get(detail)
        assert "first_owner_form" not in response.context
        assert "No members yet" not in response.content.decode()

    def test_a_bad_address_rerenders_the_form_with_a_message(self, bureau_client, imported):
        response = bureau_client.post(
            english("accounts:invitation_create", imported.pk), {"email": "not an address"}
        )
        assert response.status_code == 400
        assert response.context["first_owner_form"].errors["email"]
        assert "Invite the first owner" in response.content.decode()
        assert not Invitation.objects.exists()

    def test_bureau_staff_posting_to_an_organization_with_members_get_a_403(
        self, bureau_client, organization, owner
    ):
        response = bureau_client.post(
            english("accounts:invitation_create", organization.pk),
            {"email": "x@example.com", "role": "owner"},
        )
        assert response.status_code == 403
        assert not Invitation.objects.exists()

    def test_the_verification_queue_says_the_organization_was_imported(
        self, bureau_client, imported, organization, owner
    ):
        with translation.override("en"):
            url = reverse("accounts:verification_queue") + "?state=verified"
        page = bureau_client.get(url).content.decode()
        assert imported.name_en in page
        assert page.count("No members yet: this organization was imported.") == 1
