"""API tokens: who creates and revokes them, what is stored of a secret, and the page."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from matchmaking.models import ApiToken
from matchmaking.selectors.api_tokens import api_token_authenticate, api_token_list
from matchmaking.services.api_tokens import (
    MAX_ACTIVE_TOKENS,
    api_token_create,
    api_token_mark_used,
    api_token_revoke,
)
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def english(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def stored_values(token: ApiToken) -> list[str]:
    token.refresh_from_db()
    return [str(getattr(token, field.attname)) for field in ApiToken._meta.concrete_fields]


# --- Services and selectors -----------------------------------------------------------------


def test_only_a_digest_of_the_secret_is_stored(organization, owner):
    token, secret = api_token_create(organization=organization, by=owner, name="  ERP  ")
    assert len(secret) >= 40
    assert token.name == "ERP"
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:8]
    assert not any(secret in value for value in stored_values(token))
    assert api_token_authenticate(secret=secret) == token
    assert api_token_authenticate(secret=token.digest) is None
    assert api_token_authenticate(secret="") is None
    second, other_secret = api_token_create(organization=organization, by=owner, name="ERP")
    assert other_secret != secret and second.digest != token.digest


def test_owners_and_admins_manage_tokens_members_and_outsiders_do_not(
    organization, owner, org_admin, member, outsider
):
    token, secret = api_token_create(organization=organization, by=org_admin, name="shop")
    for user in (member, outsider):
        with pytest.raises(PermissionDenied):
            api_token_create(organization=organization, by=user, name="mine")
        with pytest.raises(PermissionDenied):
            api_token_revoke(token=token, by=user)
    assert api_token_authenticate(secret=secret) == token

    api_token_revoke(token=token, by=owner)
    revoked_at = token.revoked_at
    assert revoked_at is not None
    assert api_token_authenticate(secret=secret) is None
    api_token_revoke(token=token, by=owner)  # revoking twice changes nothing
    assert token.revoked_at == revoked_at
    assert list(api_token_list(organization=organization)) == [token]


def test_tokens_of_an_inactive_organization_do_not_authenticate(organization, owner):
    _token, secret = api_token_create(organization=organization, by=owner, name="shop")
    organization.is_active = False
    organization.save()
    assert api_token_authenticate(secret=secret) is None


def test_names_are_required_and_active_tokens_are_limited(organization, owner):
    with pytest.raises(ValidationError) as error:
        api_token_create(organization=organization, by=owner, name="   ")
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError):
        api_token_create(organization=organization, by=owner, name="x" * 81)
    tokens = [
        api_token_create(organization=organization, by=owner, name=f"t{number}")[0]
        for number in range(MAX_ACTIVE_TOKENS)
    ]
    with pytest.raises(ValidationError):
        api_token_create(organization=organization, by=owner, name="one too many")
    api_token_revoke(token=tokens[0], by=owner)
    api_token_create(organization=organization, by=owner, name="replacement")
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS + 1


def test_last_use_is_written_at_most_once_a_minute(organization, owner, django_assert_num_queries):
    token, _secret = api_token_create(organization=organization, by=owner, name="shop")
    with django_assert_num_queries(1):
        api_token_mark_used(token=token)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    with django_assert_num_queries(0):
        api_token_mark_used(token=token)
    ApiToken.objects.update(last_used_at=first - datetime.timedelta(minutes=2))
    token.refresh_from_db()
    api_token_mark_used(token=token)
    assert ApiToken.objects.get().last_used_at > first


# --- The page --------------------------------------------------------------------------------


def test_an_owner_creates_a_token_and_sees_the_secret_once(client, organization, owner):
    client.force_login(owner)
    url = english("matchmaking:api_tokens")
    page = client.get(url)
    assert page.status_code == 200
    assert "Create token" in page.content.decode()

    response = client.post(url, {"name": "Shop system"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    secret = response.context["secret"]
    token = ApiToken.objects.get()
    assert (token.name, token.created_by, token.organization) == (
        "Shop system",
        owner,
        organization,
    )
    assert secret in response.content.decode()
    assert api_token_authenticate(secret=secret) == token
    assert not any(secret in value for value in stored_values(token))

    later = client.get(url)
    assert secret not in later.content.decode()
    assert token.prefix in later.content.decode()


def test_invalid_names_rerender_the_page_with_the_error(client, organization, owner):
    client.force_login(owner)
    response = client.post(english("matchmaking:api_tokens"), {"name": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert response.context["secret"] is None
    assert not ApiToken.objects.exists()


def test_a_member_sees_the_list_but_cannot_create_or_revoke(client, organization, owner, member):
    token, _secret = api_token_create(organization=organization, by=owner, name="shop")
    client.force_login(member)
    page = client.get(english("matchmaking:api_tokens"))
    assert page.status_code == 200
    assert page.context["can_manage"] is False
    assert "Create token" not in page.content.decode()
    assert client.post(english("matchmaking:api_tokens"), {"name": "mine"}).status_code == 403
    assert ApiToken.objects.count() == 1
    assert client.post(english("matchmaking:api_token_revoke", token.pk)).status_code == 403
    token.refresh_from_db()
    assert token.is_active


def test_an_admin_revokes_a_token_from_the_page(client, organization, owner, org_admin):
    token, secret = api_token_create(organization=organization, by=owner, name="shop")
    client.force_login(org_admin)
    response = client.post(english("matchmaking:api_token_revoke", token.pk))
    assert response.status_code == 302
    token.refresh_from_db()
    assert not token.is_active
    assert api_token_authenticate(secret=secret) is None
    assert client.get(english("matchmaking:api_token_revoke", token.pk)).status_code == 405


def test_tokens_of_another_organization_are_not_found(client, organization, owner, outsider):
    other = outsider.memberships.get().organization
    theirs, _secret = api_token_create(organization=other, by=outsider, name="theirs")
    client.force_login(owner)
    assert client.post(english("matchmaking:api_token_revoke", theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active
    page = client.get(english("matchmaking:api_tokens"))
    assert "theirs" not in page.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    OrganizationFactory()
    response = client.get(english("matchmaking:api_tokens"))
    assert response.status_code == 302
    assert "login" in response["Location"]
