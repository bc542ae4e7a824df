"""The "Request a meeting" button of profile pages and directory cards."""

from types import SimpleNamespace

from django import template

from matchmaking.selectors.meetings import (
    meeting_kinds_are_partners,
    meeting_organization_can_request,
    meeting_request_open_by_partner,
)

register = template.Library()


def _requests_by_partner(request, organization) -> dict:
    """The acting organization's open and accepted requests, read once per page however many
    cards ask (kept on the HTTP request)."""
    cache = getattr(request, "_meeting_requests_by_partner", None)
    if cache is None or cache[0] != organization.pk:
        cache = (organization.pk, meeting_request_open_by_partner(organization=organization))
        request._meeting_requests_by_partner = cache
    return cache[1]


@register.inclusion_tag("matchmaking/meetings/_request_button.html", takes_context=True)
def meeting_request_button(context, organization, source: str = "profile") -> dict:
    """For a signed-in member of a verified organization of a partner kind: a link to ask
    `organization` for a meeting, or to the request already open (or accepted) between them.
    Nothing for anyone else."""
    request = context.get("request")
    acting = context.get("active_organization")
    user = getattr(request, "user", None)
    if (
        request is None
        or user is None
        or not user.is_authenticated
        or not acting
        or not meeting_organization_can_request(organization=acting)
        or acting.pk == organization.pk
        or not organization.is_active
        or not organization.is_verified
        or not meeting_kinds_are_partners(first_kind=acting.kind, second_kind=organization.kind)
    ):
        return {"show": False}
    existing = _requests_by_partner(request, acting).get(organization.pk)
    return {"show": True, "organization": organization, "existing": existing, "source": source}


@register.inclusion_tag("matchmaking/meetings/_request_button.html", takes_context=True)
def meeting_request_button_for_result(context, item: dict) -> dict:
    """The same button for an organization in search results, which are index documents, not
    rows: the index holds only active, verified organizations, and the request form checks
    everything again."""
    if item.get("type") != "organization":
        return {"show": False}
    organization = SimpleNamespace(
        pk=item["id"], kind=item.get("kind", ""), is_active=True, is_verified=True
    )
    return meeting_request_button(context, organization, "search")
