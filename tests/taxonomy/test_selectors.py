import pytest
from django.utils import translation

from taxonomy.selectors import (
    country_list,
    hs_chapter_list,
    hs_heading_list,
    market_choices,
    market_country_codes,
    region_list,
)


@pytest.mark.django_db
def test_region_expands_to_its_countries(taxonomy):
    eu = market_country_codes(codes=["EU"])
    assert len(eu) == 27
    assert {"DE", "FR"} <= eu
    assert "GB" not in eu


@pytest.mark.django_db
def test_regions_and_countries_mix(taxonomy):
    codes = market_country_codes(codes=["EU", "US"])
    assert {"DE", "FR", "US"} <= codes
    assert len(codes) == 28
    assert market_country_codes(codes=["GCC", "sa", " jp "]) == {
        "SA",
        "AE",
        "QA",
        "KW",
        "BH",
        "OM",
        "JP",
    }


@pytest.mark.django_db
def test_overlapping_regions_count_each_country_once(taxonomy):
    assert market_country_codes(codes=["ASEAN", "SOUTHEAST_ASIA", "SG"]) == market_country_codes(
        codes=["ASEAN"]
    )


@pytest.mark.django_db
def test_unknown_codes_are_ignored(taxonomy):
    assert market_country_codes(codes=["XX", "ATLANTIS", "DE"]) == {"DE"}
    assert market_country_codes(codes=["XX"]) == set()


@pytest.mark.django_db
def test_no_codes_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert market_country_codes(codes=[]) == set()


@pytest.mark.django_db
def test_market_country_codes_runs_one_query(taxonomy, django_assert_num_queries):
    with django_assert_num_queries(1):
        market_country_codes(codes=["EU", "ASEAN", "AFRICA", "US", "CN"])


@pytest.mark.django_db
def test_lists_run_a_fixed_number_of_queries(taxonomy, django_assert_num_queries):
    with django_assert_num_queries(1):
        chapters = [str(chapter) for chapter in hs_chapter_list()]
    assert len(chapters) == 97
    with django_assert_num_queries(1):
        headings = [(str(h), str(h.chapter)) for h in hs_heading_list()]
    assert len(headings) == 1229
    with django_assert_num_queries(1):
        countries = [str(country) for country in country_list()]
    assert len(countries) == taxonomy["countries"]
    with django_assert_num_queries(2):
        members = {region.code: len(region.countries.all()) for region in region_list()}
    assert members["EU"] == 27
    assert members["ASEAN"] == 11


@pytest.mark.django_db
def test_headings_of_one_chapter(taxonomy):
    codes = list(hs_heading_list(chapter="01").values_list("code", flat=True))
    assert codes == ["0101", "0102", "0103", "0104", "0105", "0106"]
    assert not hs_heading_list(chapter="77").exists()


@pytest.mark.django_db
def test_market_choices_are_grouped_and_localized(taxonomy, django_assert_num_queries):
    with translation.override("zh-hans"), django_assert_num_queries(2):
        choices = market_choices()
    (_regions_label, regions), (_countries_label, countries) = choices
    assert regions[0] == ("EU", "欧盟")
    assert len(regions) == taxonomy["regions"]
    assert ("DE", "德国") in countries
    assert len(countries) == taxonomy["countries"]

    with translation.override("en"):
        (regions_label, regions), (countries_label, countries) = market_choices()
    assert (regions_label, countries_label) == ("Regions", "Countries")
    assert regions[0] == ("EU", "European Union")
    assert [label for _code, label in countries] == sorted(label for _code, label in countries)
    assert ("DE", "Germany") in countries


@pytest.mark.django_db
def test_market_choices_validate_a_form_field(taxonomy):
    from django import forms

    class MarketsForm(forms.Form):
        markets = forms.MultipleChoiceField(choices=market_choices)

    assert MarketsForm(data={"markets": ["EU", "US"]}).is_valid()
    assert not MarketsForm(data={"markets": ["ATLANTIS"]}).is_valid()
