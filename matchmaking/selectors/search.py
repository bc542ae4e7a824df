"""Searching organizations and posts, as a given viewer may see them (the search page and API).

search/ runs the query; this module adds what only matchmaking knows: which documents a viewer
may see (members-only profiles only for members of verified organizations, as in the
directory), what a market filter means (a region stands for its countries), and the names that
facet values and results show in the page's language.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import District, OrganizationKind
from matchmaking.documents import ORGANIZATION, POST
from matchmaking.models import PostKind, Visibility
from matchmaking.selectors.profiles import viewer_is_platform_member
from search.query import Hit, SearchQuery, SearchResults, Suggestion
from search.selectors import search_run, search_suggest
from taxonomy.selectors import (
    certification_list,
    country_list,
    hs_chapter_list,
    hs_heading_list,
    market_country_codes,
    region_list,
)

DOC_TYPES = (ORGANIZATION, POST)
TYPE_LABELS = {ORGANIZATION: _("Organizations"), POST: _("Supply and demand posts")}

# Request parameter -> document keyword. The same names serve the page, the API and facets.
FILTER_FIELDS = {
    "type": "type",
    "kind": "kind",
    "hs_chapter": "hs_chapters",
    "hs_heading": "hs_headings",
    "market": "markets",
    "district": "district",
    "certification": "certifications",
}
FACETS = tuple(FILTER_FIELDS.values())
FACET_LABELS = {
    "type": _("Type"),
    "kind": _("Kind of organization"),
    "hs_chapters": _("HS chapter"),
    "hs_headings": _("HS heading"),
    "markets": _("Market"),
    "district": _("District"),
    "certifications": _("Certification"),
}


def search_visibilities(*, user) -> list[str]:
    """The document visibilities `user` may see in results."""
    if viewer_is_platform_member(user):
        return [Visibility.PUBLIC, Visibility.MEMBERS]
    return [Visibility.PUBLIC]


def _document_filters(*, user, filters: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Request filters (FILTER_FIELDS' keys) as document filters, visibility added."""
    document_filters = {
        FILTER_FIELDS[name]: list(values)
        for name, values in filters.items()
        if name in FILTER_FIELDS and values and name != "market"
    }
    if filters.get("market"):
        # A region stands for its countries (documents list countries, regions expanded).
        document_filters["markets"] = sorted(market_country_codes(codes=filters["market"]))
        if not document_filters["markets"]:
            document_filters["markets"] = list(filters["market"])  # unknown: matches nothing
    document_filters["visibility"] = search_visibilities(user=user)
    return document_filters


def search_for_viewer(
    *,
    user,
    text: str,
    filters: Mapping[str, Sequence[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    facets: Sequence[str] = FACETS,
) -> SearchResults:
    """Organizations and listed posts matching `text` and `filters` (request parameter names:
    FILTER_FIELDS' keys, several values each), as `user` may see them, with facet counts."""
    return search_run(
        SearchQuery(
            doc_types=DOC_TYPES,
            text=text,
            filters=_document_filters(user=user, filters=filters or {}),
            facets=tuple(facets),
            sort=sort,
            page=page,
            per_page=per_page,
        )
    )


def search_count(*, user, text: str, filters: Mapping[str, Sequence[str]] | None = None) -> int:
    """How many results a search would give (for suggesting broader searches)."""
    return search_for_viewer(user=user, text=text, filters=filters, per_page=1, facets=()).total


def search_autocomplete(*, user, text: str, limit: int = 8) -> list[Suggestion]:
    return search_suggest(
        text,
        doc_types=DOC_TYPES,
        filters={"visibility": search_visibilities(user=user)},
        limit=limit,
    )


@dataclass(frozen=True)
class FacetOption:
    field: str  # the request parameter
    value: str
    label: str
    count: int | None  # None: a selected value the facet does not count (see facet_options)
    selected: bool


def facet_labels(field: str, values: Iterable[str]) -> dict[str, str]:
    """Names of facet values in the active language (one query per field at most)."""
    values = list(values)
    if field == "type":
        return {value: str(TYPE_LABELS.get(value, value)) for value in values}
    if field == "kind":
        return {
            value: str(OrganizationKind(value).label)
            for value in values
            if value in OrganizationKind.values
        }
    if field == "district":
        return {value: str(District(value).label) for value in values if value in District.values}
    if field == "hs_chapters":
        chapters = hs_chapter_list().filter(code__in=values)
        return {chapter.code: f"{chapter.code} {chapter.name}" for chapter in chapters}
    if field == "hs_headings":
        headings = hs_heading_list(codes=values)
        return {heading.code: f"{heading.code} {heading.name}" for heading in headings}
    if field == "markets":
        named = {country.code: country.name for country in country_list().filter(code__in=values)}
        named.update({region.code: region.name for region in region_list().filter(code__in=values)})
        return named
    if field == "certifications":
        return {item.code: item.name for item in certification_list(codes=values)}
    return {}


def facet_options(
    results: SearchResults, *, selected: Mapping[str, Sequence[str]]
) -> list[tuple[str, str, list[FacetOption]]]:
    """(request parameter, heading, options) per facet with values, for the page and the API.

    Selected values come first, so that a page showing a facet's first values always shows
    them (and the link that removes them). A selected value the facet does not count (a region:
    documents list countries) gets the number of results when it is the field's only selected
    value, since that is what it gives; otherwise no count.
    """
    parameters = {field: parameter for parameter, field in FILTER_FIELDS.items()}
    groups = []
    for field, values in results.facets.items():
        parameter = parameters[field]
        chosen = list(dict.fromkeys(selected.get(parameter, ())))
        counted = {value.value: value.count for value in values}
        ordered = [*chosen, *(value.value for value in values if value.value not in chosen)]
        if not ordered:
            continue
        labels = facet_labels(field, ordered)
        uncounted = results.total if len(chosen) == 1 else None
        options = [
            FacetOption(
                field=parameter,
                value=value,
                label=labels.get(value, value),
                count=counted.get(value, uncounted),
                selected=value in chosen,
            )
            for value in ordered
        ]
        groups.append((parameter, str(FACET_LABELS[field]), options))
    return groups


def post_kind_label(value: str) -> str:
    return str(PostKind(value).label) if value in PostKind.values else value


def organization_kind_label(value: str) -> str:
    return str(OrganizationKind(value).label) if value in OrganizationKind.values else value


def localized(zh: str, en: str) -> str:
    """A bilingual pair in the active language, the other one when it is missing."""
    if get_language() == "en":
        return en or zh
    return zh or en


def document_url(doc_type: str, object_id: int) -> str:
    """The page of an organization or a post found by search."""
    name = (
        "matchmaking:organization_profile"
        if doc_type == ORGANIZATION
        else "matchmaking:post_detail"
    )
    return reverse(name, args=[object_id])


def search_hit_data(hit: Hit) -> dict:
    """A result as plain data (the API's item; the page adds its HTML to it): the title in the
    active language, where it leads, what kind of thing it is, and the highlighted fragments."""
    source = hit.source
    if hit.doc_type == ORGANIZATION:
        return {
            "type": hit.doc_type,
            "id": hit.id,
            "title": localized(source.get("name_zh") or "", source.get("name_en") or ""),
            "url": document_url(hit.doc_type, hit.id),
            "label": organization_kind_label(source.get("kind") or ""),
            "organization": None,
            "highlights": dict(hit.highlights),
        }
    return {
        "type": hit.doc_type,
        "id": hit.id,
        "title": localized(source.get("title_zh") or "", source.get("title_en") or ""),
        "url": document_url(hit.doc_type, hit.id),
        "label": post_kind_label(source.get("post_kind") or ""),
        "organization": localized(
            source.get("organization_name_zh") or "", source.get("organization_name_en") or ""
        ),
        "highlights": dict(hit.highlights),
    }
