"""Reads of the taxonomy. Each function runs a fixed number of queries, whatever the row count."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from taxonomy.models import Certification, Country, HSChapter, HSHeading, Region


def hs_chapter_list() -> QuerySet[HSChapter]:
    return HSChapter.objects.all()


def hs_heading_list(
    *, chapter: str | None = None, codes: Iterable[str] | None = None
) -> QuerySet[HSHeading]:
    """Headings with their chapter; optionally those of one chapter (its two-digit code) or
    with the given four-digit codes."""
    headings = HSHeading.objects.select_related("chapter")
    if chapter is not None:
        headings = headings.filter(chapter_id=chapter)
    if codes is not None:
        headings = headings.filter(code__in=list(codes))
    return headings


def certification_list(*, codes: Iterable[str] | None = None) -> QuerySet[Certification]:
    certifications = Certification.objects.all()
    if codes is not None:
        certifications = certifications.filter(code__in=list(codes))
    return certifications


def country_list() -> QuerySet[Country]:
    return Country.objects.all()


def region_list() -> QuerySet[Region]:
    return Region.objects.prefetch_related("countries")


def market_country_codes(*, codes: Iterable[str]) -> set[str]:
    """Expand a mix of country and region codes into the set of country codes they cover.

    Codes are matched case-insensitively. Unknown codes are ignored rather than raised on:
    stored market lists can outlive a region or a country that is later withdrawn, and matching
    must still work on what remains. Input from users is validated against `market_choices()`.
    """
    wanted = {code.strip().upper() for code in codes}
    if not wanted:
        return set()
    return set(
        Country.objects.filter(Q(code__in=wanted) | Q(regions__code__in=wanted))
        .values_list("code", flat=True)
        .distinct()
    )


def markets_get(*, codes: Iterable[str]) -> tuple[list[Country], list[Region]]:
    """The countries and the regions among a mix of market codes (unknown codes left out)."""
    codes = list(codes)
    return (
        list(Country.objects.filter(code__in=codes)),
        list(Region.objects.filter(code__in=codes)),
    )


def market_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a form field: regions (in their order), then countries.

    Labels are in the active language; countries are sorted by their label.
    """
    regions = [(region.code, region.name) for region in Region.objects.all()]
    countries = sorted(
        ((country.code, country.name) for country in Country.objects.all()),
        key=lambda choice: choice[1],
    )
    return [(gettext("Regions"), regions), (gettext("Countries"), countries)]


def region_country_codes() -> dict[str, set[str]]:
    """Each region's code mapped to its countries' codes (one query over the join table)."""
    members: dict[str, set[str]] = {}
    for region, country in Region.countries.through.objects.values_list("region_id", "country_id"):
        members.setdefault(region, set()).add(country)
    return members
