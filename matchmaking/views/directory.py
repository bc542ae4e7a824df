"""The public directory of organizations and their profile pages."""

import re

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.models import OrganizationKind
from accounts.selectors import user_is_bureau_staff
from matchmaking import selectors
from matchmaking.forms.directory import DirectoryFilterForm
from matchmaking.models import Profile

PAGE_SIZE = 20
# A card shows this many HS headings and markets; the rest are counted ("and 2 more").
CARD_ITEMS = 6
# Nearly every company here is "北京…" / "Beijing …": initials start after that.
CITY_PREFIX = re.compile(r"^(北京市|北京|beijing\s+)", re.IGNORECASE)
# What a profile's HS headings and markets mean depends on the organization's kind.
LIST_LABELS = {
    OrganizationKind.EXPORTER: (_("Products made (HS headings)"), _("Target markets")),
    OrganizationKind.PLATFORM: (_("Categories recruited (HS headings)"), _("Markets covered")),
    OrganizationKind.SERVICE_PROVIDER: (_("Goods handled (HS headings)"), _("Markets served")),
}


def _initials(name: str) -> str:
    """What stands in for a missing logo: a Chinese name's first character, or the first
    letters of the first two words of a Latin one."""
    name = CITY_PREFIX.sub("", name.strip()) or name.strip()
    if not name:
        return "?"
    if not name[0].isascii():
        return name[0]
    return "".join(word[0] for word in name.split()[:2]).upper()


def _decorate(profile: Profile) -> Profile:
    """Attach what the card and the page show beside the model's own fields. Reads only the
    prefetched relations, so no query per profile."""
    headings = list(profile.hs_headings.all())
    markets = [*profile.market_regions.all(), *profile.market_countries.all()]
    profile.initials = _initials(profile.organization.name)
    profile.card_headings = headings[:CARD_ITEMS]
    profile.more_headings = max(len(headings) - CARD_ITEMS, 0)
    profile.markets = markets
    profile.card_markets = markets[:CARD_ITEMS]
    profile.more_markets = max(len(markets) - CARD_ITEMS, 0)
    return profile


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    page = Paginator(
        selectors.profile_directory_list(user=request.user, **filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    page.object_list = [_decorate(profile) for profile in page.object_list]
    return render(
        request,
        "matchmaking/directory.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(filters.keys() - {"sort"}),
            "can_export": user_is_bureau_staff(request.user),
            # Only the filters that were understood travel on to the export.
            "export_query": urlencode(filters),
        },
    )


def _safe_website(url: str) -> str:
    """The website as a link target only when it is http(s): the field is validated on
    forms, but a link must not depend on every past write having gone through one."""
    return url if url.lower().startswith(("http://", "https://")) else ""


def organization_profile(request, pk: int):
    profile = selectors.profile_get_visible(organization_pk=pk, user=request.user)
    if profile is None:
        raise Http404
    organization = profile.organization
    headings_label, markets_label = LIST_LABELS[organization.kind]
    return render(
        request,
        "matchmaking/organization_profile.html",
        {
            "profile": _decorate(profile),
            "organization": organization,
            "website": _safe_website(organization.website),
            "headings_label": headings_label,
            "markets_label": markets_label,
            "is_member": profile.viewer_is_member,
            "is_bureau_staff": user_is_bureau_staff(request.user),
            "posts": selectors.post_list_listed_for_organization(organization=organization),
        },
    )
