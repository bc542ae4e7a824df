"""The permission walk: who sees and does what on an organization's pages.

Anonymous visitors, members, admins (and owners), members of other organizations and bureau
staff, against every organization page and action.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Invitation, Membership, VerificationState

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(organization):
    return {
        "detail": reverse("accounts:organization_detail", args=[organization.pk]),
        "edit": reverse("accounts:organization_edit", args=[organization.pk]),
    }


def test_anonymous_visitors_are_sent_to_sign_in(client, pages, organization):
    for url in pages.values():
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    organization.verification_state = VerificationState.PENDING
    organization.save()
    response = client.post(
        reverse("accounts:organization_verify", args=[organization.pk]), {"state": "verified"}
    )
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    organization.refresh_from_db()
    assert organization.verification_state == VerificationState.PENDING


def test_members_see_private_data_but_cannot_edit(client, pages, organization, member):
    client.force_login(member)
    response = client.get(pages["detail"])
    assert response.status_code == 200
    assert organization.credit_code in response.content.decode()
    assert member.email in response.content.decode()
    assert "invitation_form" not in response.context
    assert client.get(pages["edit"]).status_code == 403
    response = client.post(pages["edit"], {"name_zh": "改名", "district": "haidian"})
    assert response.status_code == 403
    organization.refresh_from_db()
    assert organization.name_zh != "改名"


def test_admins_edit_and_invite(client, pages, organization, org_admin):
    client.force_login(org_admin)
    assert client.get(pages["edit"]).status_code == 200
    response = client.post(
        pages["edit"],
        {"name_zh": "北京新名称有限公司", "name_en": "New Name Ltd", "district": "haidian"},
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert (organization.name_zh, organization.district) == ("北京新名称有限公司", "haidian")
    response = client.post(
        reverse("accounts:invitation_create", args=[organization.pk]),
        {"email": "colleague@example.com", "role": "member"},
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(email="colleague@example.com").exists()


def test_other_organizations_members_see_nothing(client, pages, organization, owner, outsider):
    client.force_login(outsider)
    for url in pages.values():
        assert client.get(url).status_code == 404
    response = client.post(
        reverse("accounts:invitation_create", args=[organization.pk]),
        {"email": "spy@example.com", "role": "owner"},
    )
    assert response.status_code == 404
    victim = Membership.objects.get(user=owner)
    assert client.post(reverse("accounts:membership_remove", args=[victim.pk])).status_code == 404
    assert (
        client.post(
            reverse("accounts:membership_change_role", args=[victim.pk]), {"role": "member"}
        ).status_code
        == 404
    )
    assert Membership.objects.filter(pk=victim.pk, role="owner").exists()
    assert client.get(reverse("accounts:verification_queue")).status_code == 403
    response = client.post(
        reverse("accounts:organization_verify", args=[organization.pk]),
        {"state": "rejected", "note": "sabotage"},
    )
    assert response.status_code == 403


def test_bureau_staff_see_every_organization_and_verify(
    bureau_client, pages, organization, bureau_staff
):
    client = bureau_client
    organization.verification_state = VerificationState.PENDING
    organization.save()
    response = client.get(pages["detail"])
    assert response.status_code == 200
    assert "verification_form" in response.context
    # Seeing is not editing: the bureau verifies, the organization maintains its own details.
    assert client.get(pages["edit"]).status_code == 403
    queue = client.get(reverse("accounts:verification_queue"))
    assert organization in queue.context["page"].object_list
    response = client.post(
        reverse("accounts:organization_verify", args=[organization.pk]), {"state": "verified"}
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.verification_state == VerificationState.VERIFIED
    assert organization.verified_by == bureau_staff


def test_members_cannot_verify_their_own_organization(client, organization, owner):
    organization.verification_state = VerificationState.PENDING
    organization.save()
    client.force_login(owner)
    response = client.post(
        reverse("accounts:organization_verify", args=[organization.pk]), {"state": "verified"}
    )
    assert response.status_code == 403
    organization.refresh_from_db()
    assert organization.verification_state == VerificationState.PENDING


def test_the_last_owner_is_told_why_they_cannot_leave(client, organization, owner):
    client.force_login(owner)
    membership = Membership.objects.get(user=owner)
    response = client.post(reverse("accounts:membership_remove", args=[membership.pk]), follow=True)
    assert "机构须至少保留一名所有者" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_bureau_staff_cannot_verify_their_own_or_a_bureau_organization(bureau_client, bureau_staff):
    bureau = bureau_staff.memberships.get().organization
    response = bureau_client.post(
        reverse("accounts:organization_verify", args=[bureau.pk]),
        {"state": "rejected", "note": "x"},
    )
    assert response.status_code == 403
    assert (
        "verification_form"
        not in bureau_client.get(reverse("accounts:organization_detail", args=[bureau.pk])).context
    )


def test_admins_see_no_controls_over_owners_and_get_a_message_not_a_403(
    client, organization, owner, org_admin
):
    client.force_login(org_admin)
    response = client.get(reverse("accounts:organization_detail", args=[organization.pk]))
    owner_membership = Membership.objects.get(user=owner)
    page = response.content.decode()
    assert reverse("accounts:membership_remove", args=[owner_membership.pk]) not in page
    assert reverse("accounts:membership_change_role", args=[owner_membership.pk]) not in page
    assert [value for value, _ in response.context["invitation_form"].fields["role"].choices] == [
        "admin",
        "member",
    ]
    response = client.post(
        reverse("accounts:membership_remove", args=[owner_membership.pk]), follow=True
    )
    assert response.status_code == 200
    with translation.override("zh-hans"):
        expected = gettext("Only an owner can remove another owner.")
    assert expected in response.content.decode()
    assert Membership.objects.filter(pk=owner_membership.pk).exists()
