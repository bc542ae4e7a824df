"""The region data itself, checked without the database."""

import pycountry

from taxonomy.regions import (
    ASEAN_MEMBERS,
    EU_MEMBERS,
    EUROPE,
    GCC_MEMBERS,
    RCEP_MEMBERS,
    REGIONS,
)


def test_bloc_membership_as_of_2026():
    assert len(EU_MEMBERS) == 27
    assert "GB" not in EU_MEMBERS
    assert len(ASEAN_MEMBERS) == 11
    assert "TL" in ASEAN_MEMBERS
    assert len(RCEP_MEMBERS) == 15
    assert (ASEAN_MEMBERS - {"TL"}) | {"CN", "JP", "KR", "AU", "NZ"} == RCEP_MEMBERS
    assert {"SA", "AE", "QA", "KW", "BH", "OM"} == GCC_MEMBERS


def test_europe_covers_the_eu_and_its_neighbours():
    assert EU_MEMBERS < EUROPE
    assert {"GB", "NO", "CH", "IS"} <= EUROPE


def test_every_member_is_an_iso_country():
    iso_codes = {country.alpha_2 for country in pycountry.countries}
    for region in REGIONS:
        assert region.countries <= iso_codes, region.code


def test_region_codes_are_unique_and_never_a_country_code():
    codes = [region.code for region in REGIONS]
    assert len(codes) == len(set(codes))
    iso_codes = {country.alpha_2 for country in pycountry.countries}
    assert not iso_codes & set(codes)
