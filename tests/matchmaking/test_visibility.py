"""Who sees which profile, in the directory and on its page, and who sees its contact details.

Every viewer × profile visibility × organization state is checked against the rules written
out in `expected_*` below (the same rules as matchmaking/selectors/profiles.py states).
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import MembershipRole, OrganizationKind, VerificationState
from matchmaking import services
from matchmaking.models import Visibility
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

CONTACT_EMAIL = "trade-desk@target-exporter.example"
CONTACT_PHONE = "+86 10 6543 2109"
CONTACT_WECHAT = "target_wechat_id"

VIEWERS = (
    "anonymous",
    "no_organization",
    "unverified_member",
    "verified_member",
    "own_member",
    "bureau_staff",
)
VISIBILITIES = (Visibility.PUBLIC, Visibility.MEMBERS, Visibility.HIDDEN)
STATES = ("verified", "pending", "rejected", "inactive")


def expected_page(viewer: str, visibility: str, state: str) -> bool:
    if viewer in ("own_member", "bureau_staff"):
        return True  # whatever the visibility or the state
    if state != "verified":
        return False
    if visibility == Visibility.PUBLIC:
        return True
    return visibility == Visibility.MEMBERS and viewer == "verified_member"


def expected_in_directory(viewer: str, visibility: str, state: str) -> bool:
    """The directory lists nobody's hidden profile, not even to its own members or the bureau;
    the own member of a verified organization is a member of a verified organization."""
    if state != "verified" or visibility == Visibility.HIDDEN:
        return False
    if visibility == Visibility.PUBLIC:
        return True
    return viewer in ("verified_member", "own_member", "bureau_staff")


def expected_contact(viewer: str, visibility: str, state: str) -> bool:
    return expected_page(viewer, visibility, state) and viewer in (
        "verified_member",
        "own_member",
        "bureau_staff",
    )


def make_target(*, visibility: str, state: str):
    organization = OrganizationFactory(
        kind=OrganizationKind.EXPORTER,
        name_en="Target Exporter Ltd",
        verification_state=(
            VerificationState.VERIFIED if state == "inactive" else VerificationState(state)
        ),
        is_active=state != "inactive",
    )
    owner = MembershipFactory(organization=organization, role=MembershipRole.OWNER).user
    return services.profile_update(
        organization=organization,
        by=owner,
        visibility=visibility,
        summary_en="Solid wood furniture for Europe",
        contact_name="Li Lei",
        contact_email=CONTACT_EMAIL,
        contact_phone=CONTACT_PHONE,
        contact_wechat=CONTACT_WECHAT,
    )


def client_for(viewer: str, *, organization, request) -> Client:
    if viewer == "bureau_staff":
        # Bureau accounts must pass the second factor; a forced login would be signed out.
        return request.getfixturevalue("bureau_client")
    client = Client()
    if viewer == "anonymous":
        return client
    if viewer == "no_organization":
        user = UserFactory()
    elif viewer == "unverified_member":
        pending = OrganizationFactory(verification_state=VerificationState.PENDING)
        user = MembershipFactory(organization=pending).user
    elif viewer == "verified_member":
        user = MembershipFactory(organization=OrganizationFactory()).user
    else:
        user = MembershipFactory(organization=organization, role=MembershipRole.MEMBER).user
    client.force_login(user)
    return client


def english(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_visibility_matrix(request, viewer, visibility, state):
    profile = make_target(visibility=visibility, state=state)
    organization = profile.organization
    client = client_for(viewer, organization=organization, request=request)

    listing = client.get(english("matchmaking:directory"))
    assert listing.status_code == 200
    listed = [card.pk for card in listing.context["page"].object_list]
    assert (profile.pk in listed) is expected_in_directory(viewer, visibility, state)
    assert CONTACT_EMAIL not in listing.content.decode()  # cards never carry contact details

    page = client.get(english("matchmaking:organization_profile", organization.pk))
    if not expected_page(viewer, visibility, state):
        assert page.status_code == 404
        assert "Target Exporter Ltd" not in page.content.decode()
        return
    assert page.status_code == 200
    html = page.content.decode()
    assert "Target Exporter Ltd" in html
    sees_contact = expected_contact(viewer, visibility, state)
    for detail in (CONTACT_EMAIL, CONTACT_PHONE, CONTACT_WECHAT):
        assert (detail in html) is sees_contact, detail
    assert ('data-testid="contact-notice"' in html) is not sees_contact


def test_anonymous_visitors_are_offered_to_sign_in_for_the_contact(client):
    profile = make_target(visibility=Visibility.PUBLIC, state="verified")
    url = english("matchmaking:organization_profile", profile.organization_id)
    html = client.get(url).content.decode()
    assert "Sign in to see contact details" in html
    assert f"?next={url}" in html.replace("%2F", "/")


def test_members_see_the_edit_link_and_the_visibility_state(client):
    profile = make_target(visibility=Visibility.HIDDEN, state="pending")
    member = MembershipFactory(organization=profile.organization, role=MembershipRole.MEMBER).user
    url = english("matchmaking:organization_profile", profile.organization_id)
    client.force_login(member)
    html = client.get(url).content.decode()
    assert 'data-testid="profile-edit-link"' in html
    assert english("matchmaking:profile_edit") in html
    assert 'data-testid="visibility-state"' in html
    assert "not verified yet" in html

    client.force_login(MembershipFactory().user)
    profile.visibility = Visibility.PUBLIC
    profile.save(update_fields=["visibility"])
    profile.organization.verification_state = VerificationState.VERIFIED
    profile.organization.save(update_fields=["verification_state"])
    html = client.get(url).content.decode()
    assert "profile-edit-link" not in html
    assert "visibility-state" not in html


def test_organizations_without_profiles_and_bureaus_have_no_page(client):
    without_profile = OrganizationFactory()
    bureau = OrganizationFactory(kind=OrganizationKind.BUREAU)
    for pk in (without_profile.pk, bureau.pk, 999_999):
        assert client.get(english("matchmaking:organization_profile", pk)).status_code == 404
