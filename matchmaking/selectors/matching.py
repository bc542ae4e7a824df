"""Reads for matching: profiles turned into the engine's plain facts, and stored suggestions as
an organization may see them.

The facts are read with a few flat queries (one per relation, never one per organization), so
loading every organization costs the same dozen queries as loading one.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.models import Organization, OrganizationKind, VerificationState
from matchmaking.matching import Facts, Feedback, text_tokens
from matchmaking.models import (
    ExportVolumeBand,
    FeedbackAction,
    LogisticsLane,
    Product,
    Profile,
    Suggestion,
    SuggestionFeedback,
    Visibility,
    WarehouseSite,
)
from matchmaking.selectors.posts import post_last_changed, post_listed
from taxonomy.selectors import region_country_codes

MATCHED_KINDS = (
    OrganizationKind.EXPORTER,
    OrganizationKind.PLATFORM,
    OrganizationKind.SERVICE_PROVIDER,
)
VOLUME_ORDER = {value: index for index, value in enumerate(ExportVolumeBand.values)}


def matching_profiles() -> QuerySet[Profile]:
    """Profiles that get suggestions: active organizations of the matched kinds."""
    return Profile.objects.filter(
        organization__is_active=True, organization__kind__in=MATCHED_KINDS
    )


def suggestable_q(prefix: str = "") -> Q:
    """Organizations that may be suggested to others: active, verified, profile not hidden."""
    return Q(
        **{
            f"{prefix}is_active": True,
            f"{prefix}verification_state": VerificationState.VERIFIED,
            f"{prefix}kind__in": MATCHED_KINDS,
        }
    ) & ~Q(**{f"{prefix}profile__visibility": Visibility.HIDDEN})


def suggestable_organization_ids() -> set[int]:
    return set(
        Organization.objects.filter(suggestable_q(), profile__isnull=False).values_list(
            "pk", flat=True
        )
    )


def _pairs(model, left: str, right: str, profile_ids: set[int] | None) -> dict[int, set]:
    rows = model.objects.all()
    if profile_ids is not None:
        rows = rows.filter(**{f"{left}__in": profile_ids})
    grouped: dict[int, set] = defaultdict(set)
    for owner, value in rows.values_list(left, right).iterator(chunk_size=5000):
        grouped[owner].add(value)
    return grouped


def _m2m(relation: str, column: str, profile_ids: set[int] | None) -> dict[int, set]:
    """A many-to-many relation of Profile, read straight from its join table."""
    return _pairs(getattr(Profile, relation).through, "profile_id", column, profile_ids)


def facts_list(*, organization_ids: Iterable[int] | None = None) -> list[Facts]:
    """The engine's facts for the profiles of `organization_ids` (default: every matching
    profile), with markets' regions expanded into their countries and texts segmented."""
    profiles = matching_profiles()
    if organization_ids is not None:
        profiles = profiles.filter(organization_id__in=set(organization_ids))
    rows = list(
        profiles.values(
            "pk",
            "organization_id",
            "organization__kind",
            "summary_zh",
            "summary_en",
            "description_zh",
            "description_en",
            "brands",
            "export_volume_band",
            "merchant_min_volume_band",
            "requires_own_brand",
            "channels_wanted",
            "channels_offered",
            "services_needed",
            "services_offered",
            "completeness",
            "updated_at",
        )
    )
    if not rows:
        return []
    ids = {row["pk"] for row in rows} if organization_ids is not None else None
    headings = _m2m("hs_headings", "hsheading_id", ids)
    countries = _m2m("market_countries", "country_id", ids)
    regions = _m2m("market_regions", "region_id", ids)
    current = _m2m("current_market_countries", "country_id", ids)
    warehouses_needed = _m2m("warehouse_countries_needed", "country_id", ids)
    lanes_needed = _m2m("lane_destinations_needed", "country_id", ids)
    held = _m2m("certifications", "certification_id", ids)
    required = _m2m("required_certifications", "certification_id", ids)
    warehouse_sites = _pairs(WarehouseSite, "profile_id", "country_id", ids)
    lanes = _pairs(LogisticsLane, "profile_id", "destination_id", ids)
    products = _products(ids)
    organizations = {row["organization_id"] for row in rows} if ids else None
    posts = _posts(organizations)
    activity = activity_days(organization_ids=organizations)
    region_countries = region_country_codes()

    facts = []
    for row in rows:
        pk, organization_id, kind = row["pk"], row["organization_id"], row["organization__kind"]
        product_headings, product_texts = products.get(pk, (set(), []))
        markets = set(countries.get(pk, ()))
        for region in regions.get(pk, ()):
            markets |= region_countries.get(region, set())
        provider = kind == OrganizationKind.SERVICE_PROVIDER
        facts.append(
            Facts(
                id=organization_id,
                kind=kind,
                headings=frozenset(headings.get(pk, set()) | product_headings),
                markets=frozenset(markets),
                current_markets=frozenset(current.get(pk, ())),
                channels_wanted=frozenset(row["channels_wanted"] or ()),
                channels_offered=frozenset(row["channels_offered"] or ()),
                services_needed=frozenset(row["services_needed"] or ()),
                services_offered=frozenset(row["services_offered"] or ()),
                warehouse_countries=frozenset(
                    warehouse_sites.get(pk, ()) if provider else warehouses_needed.get(pk, ())
                ),
                lane_destinations=frozenset(
                    lanes.get(pk, ()) if provider else lanes_needed.get(pk, ())
                ),
                certifications=frozenset(held.get(pk, ())),
                required_certifications=frozenset(required.get(pk, ())),
                requires_own_brand=row["requires_own_brand"],
                has_own_brand=bool(row["brands"].strip()),
                volume_band=VOLUME_ORDER.get(row["export_volume_band"]),
                min_volume_band=VOLUME_ORDER.get(row["merchant_min_volume_band"]),
                completeness=row["completeness"],
                active_days_ago=activity.get(organization_id),
                tokens=text_tokens(
                    row["summary_zh"],
                    row["summary_en"],
                    strip_tags(row["description_zh"]),
                    strip_tags(row["description_en"]),
                    *product_texts,
                    *posts.get(organization_id, ()),
                ),
            )
        )
    return facts


def _products(profile_ids: set[int] | None) -> dict[int, tuple[set[str], list[str]]]:
    rows = Product.objects.all()
    if profile_ids is not None:
        rows = rows.filter(profile_id__in=profile_ids)
    grouped: dict[int, tuple[set[str], list[str]]] = {}
    for profile_id, heading, *texts in rows.values_list(
        "profile_id", "hs_heading_id", "name_zh", "name_en", "description_zh", "description_en"
    ).iterator(chunk_size=5000):
        found_headings, found_texts = grouped.setdefault(profile_id, (set(), []))
        if heading:
            found_headings.add(heading)
        found_texts.extend(text for text in texts if text)
    return grouped


def _posts(organization_ids: set[int] | None) -> dict[int, list[str]]:
    """Texts of each organization's listed posts."""
    listed = post_listed()
    if organization_ids is not None:
        listed = listed.filter(organization_id__in=organization_ids)
    texts: dict[int, list[str]] = defaultdict(list)
    for organization_id, *parts in listed.values_list(
        "organization_id", "title_zh", "title_en", "body_zh", "body_en"
    ).iterator(chunk_size=5000):
        texts[organization_id].extend(part for part in parts if part)
    return texts


def feedback_map(*, organization_ids: Iterable[int] | None = None) -> dict[int, Feedback]:
    """Each organization's saved and dismissed partners, as the engine reads them."""
    rows = SuggestionFeedback.objects.all()
    if organization_ids is not None:
        rows = rows.filter(organization_id__in=set(organization_ids))
    saved: dict[int, set[int]] = defaultdict(set)
    dismissed: dict[int, set[int]] = defaultdict(set)
    for organization_id, partner_id, action in rows.values_list(
        "organization_id", "partner_id", "action"
    ):
        (saved if action == FeedbackAction.SAVED else dismissed)[organization_id].add(partner_id)
    return {
        organization_id: Feedback(
            saved=frozenset(saved.get(organization_id, ())),
            dismissed=frozenset(dismissed.get(organization_id, ())),
        )
        for organization_id in set(saved) | set(dismissed)
    }


def suggestion_list(
    *, organization: Organization, kind: str = "", saved_only: bool = False
) -> QuerySet[Suggestion]:
    """The organization's stored suggestions, best first, without partners that may not be
    suggested (hidden, unverified, inactive) or that it dismissed; `kind` narrows to one kind
    of partner, `saved_only` to the partners it saved."""
    dismissed = SuggestionFeedback.objects.filter(
        organization=organization, action=FeedbackAction.DISMISSED
    ).values("partner_id")
    suggestions = (
        Suggestion.objects.filter(organization=organization)
        .filter(suggestable_q("partner__"))
        .exclude(partner_id__in=dismissed)
        .select_related("partner", "partner__profile")
        .order_by("rank", "pk")
    )
    if not organization.is_verified:
        # Members-only profiles are for members of verified organizations (as in the
        # directory and search); an organization still under review sees public ones only.
        suggestions = suggestions.filter(partner__profile__visibility=Visibility.PUBLIC)
    if kind:
        suggestions = suggestions.filter(partner__kind=kind)
    if saved_only:
        saved = SuggestionFeedback.objects.filter(
            organization=organization, action=FeedbackAction.SAVED
        ).values("partner_id")
        suggestions = suggestions.filter(partner_id__in=saved)
    return suggestions


def feedback_get(*, organization: Organization, partner_ids: Iterable[int]) -> dict[int, str]:
    """The organization's feedback action for each of these partners that has one."""
    return dict(
        SuggestionFeedback.objects.filter(
            organization=organization, partner_id__in=set(partner_ids)
        ).values_list("partner_id", "action")
    )


def suggestion_top_list(*, organization: Organization | None, limit: int) -> list[dict]:
    """The organization's best few suggestions with their reasons in the active language (the
    dashboard's preview); empty without an organization of a matched kind."""
    # Imported here: matchmaking.reasons reads the taxonomy's names, a presentation concern
    # that the other selectors here do not need.
    from matchmaking.reasons import Names, reasons_by_side

    if organization is None or organization.kind not in MATCHED_KINDS:
        return []
    suggestions = list(suggestion_list(organization=organization)[:limit])
    names = Names.load(suggestion.reasons for suggestion in suggestions)
    reader_is_exporter = organization.kind == OrganizationKind.EXPORTER
    return [
        {
            "suggestion": suggestion,
            "partner": suggestion.partner,
            "reasons": reasons_by_side(
                suggestion.reasons, names, reader_is_exporter=reader_is_exporter
            ),
        }
        for suggestion in suggestions
    ]


def activity_days(*, organization_ids: Iterable[int] | None) -> dict[int, int]:
    """Days since each organization last changed its profile or a post."""
    profiles = matching_profiles()
    if organization_ids is not None:
        profiles = profiles.filter(organization_id__in=set(organization_ids))
    latest = dict(profiles.values_list("organization_id", "updated_at"))
    for organization_id, posted in post_last_changed(organization_ids=organization_ids).items():
        if organization_id in latest and posted > latest[organization_id]:
            latest[organization_id] = posted
    now = timezone.now()
    return {key: max(0, (now - value).days) for key, value in latest.items()}


def suggestion_partner_get(*, organization: Organization, partner_id: int) -> Organization | None:
    """A partner the organization may save or dismiss: one that may be suggested, not itself."""
    return (
        Organization.objects.filter(suggestable_q(), profile__isnull=False, pk=partner_id)
        .exclude(pk=organization.pk)
        .first()
    )
