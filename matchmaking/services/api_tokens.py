"""Every write to API tokens: creating, revoking, and noting when one was last used.

Owners and administrators of an organization manage its tokens. A token's secret is returned
once, by api_token_create, and never stored: the database keeps its SHA-256 digest (to find the
token when a request presents the secret) and its first characters (to tell tokens apart).
"""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from matchmaking.models import ApiToken
from matchmaking.selectors.api_tokens import api_token_digest, api_token_manage_refusal

# Enough for every integration an organization plausibly runs; a runaway script that creates
# tokens in a loop stops here.
MAX_ACTIVE_TOKENS = 20
PREFIX_LENGTH = 8
# A token used many times a minute is written to at most once a minute.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _require_manager(*, organization: Organization, user: User) -> None:
    refusal = api_token_manage_refusal(user=user, organization=organization)
    if refusal:
        raise PermissionDenied(refusal)


@transaction.atomic
def api_token_create(*, organization: Organization, by: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for the organization; returns it with its secret, which is shown to the
    user once and cannot be recovered afterwards."""
    _require_manager(organization=organization, user=by)
    # Lock the organization row so that two simultaneous requests cannot both pass the limit.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    active = ApiToken.objects.filter(organization=organization, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("An organization can have at most %(limit)d active API tokens: revoke one first.")
            % {"limit": MAX_ACTIVE_TOKENS},
            code="too_many_tokens",
        )
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        organization=organization,
        name=name.strip(),
        prefix=secret[:PREFIX_LENGTH],
        digest=api_token_digest(secret),
        created_by=by,
    )
    token.full_clean(exclude=["organization", "created_by"])
    token.save()
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke the token at once; revoking a revoked token changes nothing."""
    _require_manager(organization=token.organization, user=by)
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_mark_used(*, token: ApiToken) -> None:
    """Record that the token was just used, at most once a minute (a single UPDATE that only
    matches while the stored time is older, so concurrent requests do not pile up writes)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).exclude(
        last_used_at__gte=now - LAST_USED_RESOLUTION
    ).update(last_used_at=now)
    token.last_used_at = now
