"""How complete a capability profile is, and what would complete it: a pure function.

Complete profiles are matched far more often, so the owner's page shows the score with the
missing items, heaviest first. Weights reflect what matching and partners read most.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Completeness:
    score: int  # 0-100
    missing: list[Promise]  # labels of what would raise the score, heaviest first


@dataclass(frozen=True)
class _Item:
    label: Promise
    weight: int
    kinds: frozenset[str]


EXPORTER = "exporter"
PLATFORM = "platform"
PROVIDER = "service_provider"
ALL = frozenset({EXPORTER, PLATFORM, PROVIDER})

# key → what it is called for the owner, its weight, and the kinds it counts for.
ITEMS: dict[str, _Item] = {
    "summary": _Item(_("a one-line summary"), 8, ALL),
    "description": _Item(_("a description"), 10, ALL),
    "both_languages": _Item(_("the summary in both Chinese and English"), 6, ALL),
    "hs_headings": _Item(_("HS headings (what you make, recruit or handle)"), 12, ALL),
    "markets": _Item(_("markets"), 12, ALL),
    "languages": _Item(_("languages spoken"), 3, ALL),
    "contact": _Item(_("a contact person"), 6, ALL),
    "products": _Item(_("at least one product"), 10, frozenset({EXPORTER})),
    "product_photos": _Item(_("photos of your products"), 4, frozenset({EXPORTER})),
    "export_volume_band": _Item(_("your annual export volume"), 4, frozenset({EXPORTER})),
    "capacity": _Item(_("production capacity and minimum order"), 4, frozenset({EXPORTER})),
    "certifications": _Item(_("certifications"), 5, frozenset({EXPORTER, PROVIDER})),
    "channels_wanted": _Item(_("the sales channels you want"), 5, frozenset({EXPORTER})),
    "services_needed": _Item(_("the services you need"), 5, frozenset({EXPORTER})),
    "years_cross_border": _Item(_("years of cross-border experience"), 2, frozenset({EXPORTER})),
    "services_offered": _Item(_("the services you offer"), 8, frozenset({PLATFORM, PROVIDER})),
    "merchant_requirements": _Item(_("your merchant requirements"), 6, frozenset({PLATFORM})),
    "incentives": _Item(_("onboarding incentives and fees"), 6, frozenset({PLATFORM})),
    "merchant_count_band": _Item(_("the number of merchants"), 3, frozenset({PLATFORM})),
    "coverage": _Item(_("warehouses or logistics lanes"), 12, frozenset({PROVIDER})),
}


def profile_completeness(*, kind: str, present: set[str]) -> Completeness:
    """Score a profile of an organization `kind` that has the items named in `present`
    (keys of ITEMS; see selectors.profile_present_items)."""
    items = {key: item for key, item in ITEMS.items() if kind in item.kinds}
    total = sum(item.weight for item in items.values())
    if not total:
        return Completeness(score=100, missing=[])
    earned = sum(item.weight for key, item in items.items() if key in present)
    missing = sorted(
        (item for key, item in items.items() if key not in present),
        key=lambda item: -item.weight,
    )
    return Completeness(score=round(100 * earned / total), missing=[item.label for item in missing])
