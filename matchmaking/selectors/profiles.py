"""Reads of capability profiles and the organization directory, with their visibility rules.

Who sees what:
- an organization's own members and bureau staff see its whole profile, always;
- anyone else sees profiles of verified, active exporters, platforms and service providers:
  "public" ones always, "members" ones when signed in as a member of a verified organization,
  "hidden" ones never;
- contact details only to signed-in members of verified organizations (and, once meeting
  requests exist, to the other side of an accepted request: issue 6).
"""

from django.db.models import Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language, gettext

from accounts.models import Membership, Organization, VerificationState
from accounts.selectors import membership_get, organization_can_manage, user_is_bureau_staff
from matchmaking.completeness import Completeness, profile_completeness
from matchmaking.models import LogisticsLane, Product, Profile, Visibility, WarehouseSite
from matchmaking.profile_fields import PROFILE_KINDS
from matchmaking.selectors.filters import filter_by_goods_and_market
from taxonomy.models import HSHeading

DIRECTORY_SORTS = {
    "complete": ["-completeness", "-updated_at", "pk"],
    "updated": ["-updated_at", "pk"],
    "name": ["organization__name_zh", "pk"],
}


def _directory_order(sort: str) -> list:
    """Sort by name in the page's language: English pages by the English name where there is
    one, Chinese pages by the Chinese name."""
    if sort == "name" and get_language() == "en":
        english_name = NullIf("organization__name_en", Value(""))
        return [Coalesce(english_name, "organization__name_zh"), "pk"]
    return DIRECTORY_SORTS.get(sort, DIRECTORY_SORTS["complete"])


def viewer_is_platform_member(user) -> bool:
    """Signed in and a member of a verified, active organization (or bureau staff)."""
    if not user.is_authenticated:
        return False
    return (
        user_is_bureau_staff(user)
        or Membership.objects.filter(
            user=user,
            organization__is_active=True,
            organization__verification_state=VerificationState.VERIFIED,
        ).exists()
    )


def profile_edit_refusal(*, user, organization: Organization) -> str | None:
    """Why `user` may not edit the organization's profile, or None when they may: owners and
    administrators of the organization, and bureau staff, edit it."""
    if organization_can_manage(user=user, organization=organization) or user_is_bureau_staff(user):
        return None
    return gettext("Only owners and administrators of the organization can edit its profile.")


def _with_relations(profiles: QuerySet[Profile]) -> QuerySet[Profile]:
    return profiles.select_related("organization").prefetch_related(
        Prefetch("hs_headings", queryset=HSHeading.objects.select_related("chapter")),
        "market_countries",
        "market_regions",
        "certifications",
    )


def _visible_to(profiles: QuerySet[Profile], *, platform_member: bool) -> QuerySet[Profile]:
    """Profiles of others that a viewer may see (own ones are not added); `platform_member`
    is viewer_is_platform_member(viewer), asked once by the caller."""
    visibilities = [Visibility.PUBLIC]
    if platform_member:
        visibilities.append(Visibility.MEMBERS)
    return profiles.filter(
        visibility__in=visibilities,
        organization__kind__in=PROFILE_KINDS,
        organization__is_active=True,
        organization__verification_state=VerificationState.VERIFIED,
    )


def profile_directory_list(
    *,
    user,
    kind: str | None = None,
    hs_chapter: str | None = None,
    hs_heading: str | None = None,
    market: str | None = None,
    district: str | None = None,
    certification: str | None = None,
    sort: str = "complete",
) -> QuerySet[Profile]:
    """The directory of organizations `user` may see, filtered. `market` is a country or a
    region code: a profile matches when its markets, regions expanded, share a country with it.
    """
    profiles = _visible_to(Profile.objects.all(), platform_member=viewer_is_platform_member(user))
    if kind:
        profiles = profiles.filter(organization__kind=kind)
    profiles = filter_by_goods_and_market(
        profiles, hs_chapter=hs_chapter, hs_heading=hs_heading, market=market
    )
    if district:
        profiles = profiles.filter(organization__district=district)
    if certification:
        profiles = profiles.filter(certifications__code=certification)
    # A profile matching through several headings or countries appears once.
    ordered = Profile.objects.filter(pk__in=profiles.values("pk")).order_by(*_directory_order(sort))
    return _with_relations(ordered)


def profile_list_indexable(*, organization_ids: list[int] | None = None) -> QuerySet[Profile]:
    """Profiles that belong in the search index: public or members-only ones of verified,
    active organizations (hidden ones never), with what their documents read."""
    profiles = Profile.objects.filter(
        visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS],
        organization__kind__in=PROFILE_KINDS,
        organization__is_active=True,
        organization__verification_state=VerificationState.VERIFIED,
    )
    if organization_ids is not None:
        profiles = profiles.filter(organization_id__in=organization_ids)
    return _with_relations(profiles.order_by("pk")).prefetch_related(
        "market_regions__countries",
        "products",
        "current_market_countries",
        "warehouse_countries_needed",
        "lane_destinations_needed",
        "warehouses__country",
        "lanes__destination",
    )


def profile_get_for_organization(*, organization: Organization) -> Profile | None:
    """The organization's profile with everything its pages show, or None."""
    return (
        _with_relations(Profile.objects.filter(organization=organization))
        .prefetch_related(
            Prefetch("products", queryset=Product.objects.select_related("hs_heading")),
            "warehouses__country",
            "lanes__origin",
            "lanes__destination",
            "current_market_countries",
            "warehouse_countries_needed",
            "lane_destinations_needed",
            "required_certifications",
        )
        .first()
    )


# A profile's parts, by the name the pages use for them.
PROFILE_PARTS = {"products": Product, "warehouses": WarehouseSite, "lanes": LogisticsLane}


def profile_part_get(*, organization: Organization, part: str, pk: int):
    """One product, warehouse or lane (`part` names which) of the organization's profile, or
    None, also for another organization's: one query, not the whole profile."""
    return (
        PROFILE_PARTS[part]
        .objects.select_related("profile__organization")
        .filter(pk=pk, profile__organization=organization)
        .first()
    )


def profile_get_visible(*, organization_pk: int, user) -> Profile | None:
    """The profile page as `user` may see it, or None (the page answers 404, never telling
    a hidden profile from a missing one). The profile carries `viewer_is_member` and
    `viewer_sees_contact`."""
    organization = Organization.objects.filter(pk=organization_pk).first()
    if organization is None or organization.kind not in PROFILE_KINDS:
        return None
    is_member = membership_get(user=user, organization=organization) is not None
    privileged = is_member or user_is_bureau_staff(user)
    platform_member = privileged or viewer_is_platform_member(user)
    # Decided before the page's data is loaded: a refused viewer costs no prefetching.
    if not privileged:
        others = Profile.objects.filter(organization=organization)
        if not _visible_to(others, platform_member=platform_member).exists():
            return None
    profile = profile_get_for_organization(organization=organization)
    if profile is None:
        return None
    profile.viewer_is_member = is_member
    profile.viewer_sees_contact = platform_member
    return profile


def profile_present_items(*, profile: Profile) -> set[str]:
    """Which completeness items (matchmaking.completeness.ITEMS) the profile has."""
    present = set()
    checks = {
        "summary": profile.summary_zh or profile.summary_en,
        "description": profile.description_zh or profile.description_en,
        "both_languages": profile.summary_zh and profile.summary_en,
        "hs_headings": profile.hs_headings.exists(),
        "markets": profile.market_countries.exists() or profile.market_regions.exists(),
        "languages": profile.languages,
        "contact": profile.contact_name
        and (profile.contact_phone or profile.contact_email or profile.contact_wechat),
        "products": profile.products.exists(),
        "product_photos": profile.products.exclude(photo="").exists(),
        "export_volume_band": profile.export_volume_band,
        "capacity": profile.production_capacity and profile.minimum_order,
        "certifications": profile.certifications_other or profile.certifications.exists(),
        "channels_wanted": profile.channels_wanted,
        "services_needed": profile.services_needed,
        "years_cross_border": profile.years_cross_border is not None,
        "services_offered": profile.services_offered,
        "merchant_requirements": profile.merchant_min_volume_band
        or profile.requires_own_brand
        or profile.required_certifications.exists(),
        "incentives": profile.incentives_zh or profile.incentives_en,
        "merchant_count_band": profile.merchant_count_band,
        "coverage": profile.warehouses.exists() or profile.lanes.exists(),
    }
    for key, value in checks.items():
        if value:
            present.add(key)
    return present


def profile_completeness_get(*, profile: Profile) -> Completeness:
    return profile_completeness(
        kind=profile.organization.kind, present=profile_present_items(profile=profile)
    )
