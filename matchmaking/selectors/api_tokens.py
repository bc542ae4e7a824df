"""Reads of API tokens: finding the token a request presents, and an organization's list."""

import hashlib

from django.db.models import QuerySet
from django.utils.translation import gettext

from accounts.models import Organization
from accounts.selectors import organization_can_manage
from matchmaking.models import ApiToken

# Secrets are 43 characters (secrets.token_urlsafe(32)); anything far longer is not one of ours,
# and is refused before it is hashed.
MAX_SECRET_LENGTH = 200


def api_token_digest(secret: str) -> str:
    """What is stored of a secret, and what a presented secret is looked up by."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The active token with this secret, of an active organization, or None.

    The organization and the token's creator come with it (the API acts as them).
    """
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    return (
        ApiToken.objects.select_related("organization", "created_by")
        .filter(
            digest=api_token_digest(secret),
            revoked_at__isnull=True,
            organization__is_active=True,
        )
        .first()
    )


def api_token_list(*, organization: Organization) -> QuerySet[ApiToken]:
    """All of the organization's tokens, revoked ones included, newest first."""
    return ApiToken.objects.filter(organization=organization).select_related("created_by")


def api_token_manage_refusal(*, user, organization: Organization) -> str | None:
    """Why `user` may not create or revoke the organization's tokens, or None when they may
    (owners and administrators)."""
    if organization_can_manage(user=user, organization=organization):
        return None
    return gettext("Only owners and administrators of the organization can manage its API tokens.")
