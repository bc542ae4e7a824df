"""What matchmaking puts into the search index: organizations (with their capability profiles)
and listed supply and demand posts. search/ runs the index; this module only says what a
document holds (search.registry explains the contract).

Only what visibility allows goes in: profiles that are public or members-only (the document
carries its visibility, so that searches can leave members-only ones out for visitors) of
verified, active organizations, and posts listed today. Contact details never do. Taxonomy
names go in both languages, so that an English query finds a profile written only in Chinese
through its HS headings and markets, and the reverse.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone, translation
from django.utils.html import strip_tags

from matchmaking.models import Post, Profile, ServiceType, Visibility
from matchmaking.selectors import post_list_indexable, profile_list_indexable
from search import registry
from search.registry import BODY, SUMMARY, TITLE, DocumentSchema

ORGANIZATION = "organization"
POST = "post"

# Keywords both document types share, with one meaning, so that one facet counts both: "kind" is
# the organization's kind (exporter, platform, service provider) on posts too, and "visibility"
# is "public" on posts (a listed post is public).
SHARED_KEYWORDS = (
    "type",
    "kind",
    "district",
    "visibility",
    "hs_chapters",
    "hs_headings",
    "markets",
    "market_regions",
)
TAXONOMY_TEXT = {"taxonomy_zh": BODY, "taxonomy_en": BODY}

ORGANIZATION_SCHEMA = DocumentSchema(
    text={
        "name_zh": TITLE,
        "name_en": TITLE,
        "summary_zh": SUMMARY,
        "summary_en": SUMMARY,
        "products_zh": SUMMARY,
        "products_en": SUMMARY,
        "brands": SUMMARY,
        "description_zh": BODY,
        "description_en": BODY,
        "certifications_text": BODY,
        "services_zh": SUMMARY,
        "services_en": SUMMARY,
        "incentives_zh": BODY,
        "incentives_en": BODY,
        "warehouse_cities": BODY,
        **TAXONOMY_TEXT,
    },
    keywords=(*SHARED_KEYWORDS, "certifications", "services"),
    date="updated_at",
    suggest=("name_zh", "name_en", "product_names"),
    stored=(
        "type",
        "kind",
        "district",
        "name_zh",
        "name_en",
        "summary_zh",
        "summary_en",
        "products_zh",
        "products_en",
        "description_zh",
        "description_en",
        "hs_headings",
        "markets",
        "completeness",
        "updated_at",
    ),
)

POST_SCHEMA = DocumentSchema(
    text={
        "title_zh": TITLE,
        "title_en": TITLE,
        "organization_name_zh": SUMMARY,
        "organization_name_en": SUMMARY,
        "body_zh": BODY,
        "body_en": BODY,
        **TAXONOMY_TEXT,
    },
    keywords=(*SHARED_KEYWORDS, "post_kind"),
    date="published_at",
    expires="expires_at",
    suggest=("title_zh", "title_en"),
    stored=(
        "type",
        "kind",
        "post_kind",
        "district",
        "organization_id",
        "organization_name_zh",
        "organization_name_en",
        "title_zh",
        "title_en",
        "body_zh",
        "body_en",
        "hs_headings",
        "markets",
        "valid_until",
        "published_at",
    ),
)


def _names(things: Iterable) -> dict[str, str]:
    """Bilingual names of taxonomy objects, as text to search."""
    things = list(things)
    return {
        "zh": " ".join(thing.name_zh for thing in things if thing.name_zh),
        "en": " ".join(thing.name_en for thing in things if thing.name_en),
    }


def _taxonomy(item, *, also_countries: Iterable = ()) -> dict[str, Any]:
    """Codes and bilingual names of a profile's or a post's HS headings and markets, regions
    expanded to their countries, so that a search for Germany (as a filter or as a word) finds
    an EU market. `also_countries` adds the names of other countries the item is about (current
    markets, warehouse and lane countries) to the text, not to the market filter. Heading codes
    are text too, so that typing 9403 finds furniture."""
    headings = list(item.hs_headings.all())
    chapters = {heading.chapter_id: heading.chapter for heading in headings}
    regions = list(item.market_regions.all())
    countries = {country.code: country for country in item.market_countries.all()}
    for region in regions:
        countries.update({country.code: country for country in region.countries.all()})
    mentioned = {country.code: country for country in also_countries}
    named = _names([*headings, *chapters.values(), *regions, *{**mentioned, **countries}.values()])
    codes = " ".join(heading.code for heading in headings)
    return {
        "hs_headings": sorted(heading.code for heading in headings),
        "hs_chapters": sorted(chapters),
        "markets": sorted(countries),
        "market_regions": sorted(region.code for region in regions),
        "taxonomy_zh": f"{codes} {named['zh']}".strip(),
        "taxonomy_en": f"{codes} {named['en']}".strip(),
    }


def _service_labels(values: Iterable[str]) -> dict[str, str]:
    """Service names in both languages ("海外仓" and "Overseas warehouse"), as text to search."""
    known = [value for value in values if value in ServiceType.values]
    labels = {}
    for key, language in (("zh", "zh-hans"), ("en", "en")):
        with translation.override(language):
            labels[key] = " ".join(str(ServiceType(value).label) for value in known)
    return labels


def organization_document(profile: Profile) -> dict[str, Any]:
    organization = profile.organization
    certifications = list(profile.certifications.all())
    products = list(profile.products.all())
    warehouses = list(profile.warehouses.all())
    lanes = list(profile.lanes.all())
    services = _service_labels([*profile.services_offered, *profile.services_needed])
    coverage_countries = [
        *profile.current_market_countries.all(),
        *profile.warehouse_countries_needed.all(),
        *profile.lane_destinations_needed.all(),
        *(warehouse.country for warehouse in warehouses),
        *(lane.destination for lane in lanes),
    ]
    cities = " ".join(warehouse.city for warehouse in warehouses)
    return {
        "id": organization.pk,
        "type": ORGANIZATION,
        "kind": organization.kind,
        "district": organization.district,
        "visibility": profile.visibility,
        "name_zh": organization.name_zh,
        "name_en": organization.name_en,
        "summary_zh": profile.summary_zh,
        "summary_en": profile.summary_en,
        "description_zh": strip_tags(profile.description_zh),
        "description_en": strip_tags(profile.description_en),
        "products_zh": " ".join(f"{p.name_zh} {p.description_zh}".strip() for p in products),
        "products_en": " ".join(f"{p.name_en} {p.description_en}".strip() for p in products),
        "product_names": [name for p in products for name in (p.name_zh, p.name_en) if name],
        "brands": profile.brands,
        "certifications": sorted(c.code for c in certifications),
        "certifications_text": " ".join(
            [*(f"{c.name_zh} {c.name_en}" for c in certifications), profile.certifications_other]
        ).strip(),
        "services": sorted({*profile.services_offered, *profile.services_needed}),
        "services_zh": services["zh"],
        "services_en": services["en"],
        "incentives_zh": profile.incentives_zh,
        "incentives_en": profile.incentives_en,
        "warehouse_cities": cities,
        "completeness": profile.completeness,
        "updated_at": profile.updated_at.isoformat(),
        **_taxonomy(profile, also_countries=coverage_countries),
    }


def _end_of_day(day: datetime.date | None) -> str | None:
    """When a post valid until `day` stops being listed: the end of that day, local time."""
    if day is None:
        return None
    midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(midnight).isoformat()


def post_document(post: Post) -> dict[str, Any]:
    organization = post.organization
    return {
        "id": post.pk,
        "type": POST,
        "kind": organization.kind,
        "post_kind": post.kind,
        "visibility": Visibility.PUBLIC,
        "organization_id": organization.pk,
        "district": organization.district,
        "organization_name_zh": organization.name_zh,
        "organization_name_en": organization.name_en,
        "title_zh": post.title_zh,
        "title_en": post.title_en,
        "body_zh": post.body_zh,
        "body_en": post.body_en,
        "valid_until": post.valid_until.isoformat() if post.valid_until else None,
        "expires_at": _end_of_day(post.valid_until),
        "published_at": post.published_at.isoformat() if post.published_at else None,
        **_taxonomy(post),
    }


def organization_documents_load(ids: Iterable[int]) -> list[dict[str, Any]]:
    return [
        organization_document(profile)
        for profile in profile_list_indexable(organization_ids=list(ids))
    ]


def organization_ids_indexable() -> Iterable[int]:
    return profile_list_indexable().values_list("organization_id", flat=True)


def post_documents_load(ids: Iterable[int]) -> list[dict[str, Any]]:
    return [post_document(post) for post in post_list_indexable(ids=list(ids))]


def post_ids_indexable() -> Iterable[int]:
    return post_list_indexable().values_list("pk", flat=True)


def register_documents() -> None:
    """Called once from MatchmakingConfig.ready()."""
    registry.register(
        ORGANIZATION,
        load=organization_documents_load,
        all_ids=organization_ids_indexable,
        schema=ORGANIZATION_SCHEMA,
    )
    registry.register(
        POST, load=post_documents_load, all_ids=post_ids_indexable, schema=POST_SCHEMA
    )
