"""The organization directory (filters, sorts, pages, query counts) and the profile pages
(what each kind shows, its posts, escaping)."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image

from accounts.models import MembershipRole, OrganizationKind
from matchmaking import services
from matchmaking.models import Channel, ServiceType, TransportMode
from taxonomy.models import Certification, Country, HSHeading, Region
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

EXPORTER = OrganizationKind.EXPORTER
PLATFORM = OrganizationKind.PLATFORM
PROVIDER = OrganizationKind.SERVICE_PROVIDER


def english(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def make_profile(
    *,
    kind=EXPORTER,
    name_zh=None,
    name_en=None,
    district="chaoyang",
    headings=(),
    countries=(),
    regions=(),
    certifications=(),
    **fields,
):
    """An organization of `kind` with its owner and a profile saved through the services."""
    names = {
        key: value
        for key, value in (("name_zh", name_zh), ("name_en", name_en))
        if value is not None
    }
    organization = OrganizationFactory(kind=kind, district=district, **names)
    owner = MembershipFactory(organization=organization, role=MembershipRole.OWNER).user
    relations = {
        "hs_headings": list(HSHeading.objects.filter(code__in=headings)),
        "market_countries": list(Country.objects.filter(code__in=countries)),
        "market_regions": list(Region.objects.filter(code__in=regions)),
    }
    if certifications:
        relations["certifications"] = list(Certification.objects.filter(code__in=certifications))
    profile = services.profile_update(
        organization=organization, by=owner, relations=relations, **fields
    )
    profile.owner = owner
    return profile


def listed(client, **filters) -> list[int]:
    response = client.get(english("matchmaking:directory"), filters)
    assert response.status_code == 200
    return [profile.pk for profile in response.context["page"].object_list]


# --- Filters ------------------------------------------------------------------------------------


def test_filter_by_kind(client, taxonomy):
    exporter = make_profile(kind=EXPORTER)
    platform = make_profile(kind=PLATFORM)
    provider = make_profile(kind=PROVIDER)
    assert set(listed(client)) == {exporter.pk, platform.pk, provider.pk}
    assert listed(client, kind="exporter") == [exporter.pk]
    assert listed(client, kind="platform") == [platform.pk]
    assert listed(client, kind="service_provider") == [provider.pk]


def test_filter_by_hs_chapter_and_heading(client, taxonomy):
    furniture = make_profile(headings=["9401", "9403"])
    toys = make_profile(headings=["9503"])
    textiles = make_profile(headings=["6109"])
    assert set(listed(client, hs_chapter="94")) == {furniture.pk}
    assert set(listed(client, hs_chapter="95")) == {toys.pk}
    assert listed(client, hs_heading="9403") == [furniture.pk]  # once, though two headings
    assert listed(client, hs_heading="6109") == [textiles.pk]
    assert listed(client, hs_heading="9999") == []
    # A heading narrows its chapter; a heading of another chapter wins over the chapter.
    assert listed(client, hs_chapter="94", hs_heading="9503") == [toys.pk]


def test_filter_by_market_expands_regions_both_ways(client, taxonomy):
    germany = make_profile(countries=["DE"])
    europe = make_profile(regions=["EU"])
    japan = make_profile(countries=["JP"])
    thailand_and_eu = make_profile(countries=["TH"], regions=["EU"])
    # A region asked for finds profiles naming one of its countries, and the region itself.
    assert set(listed(client, market="EU")) == {germany.pk, europe.pk, thailand_and_eu.pk}
    # A country asked for finds profiles naming a region it belongs to.
    assert set(listed(client, market="FR")) == {europe.pk, thailand_and_eu.pk}
    assert set(listed(client, market="DE")) == {germany.pk, europe.pk, thailand_and_eu.pk}
    assert set(listed(client, market="JP")) == {japan.pk}
    assert set(listed(client, market="ASEAN")) == {thailand_and_eu.pk}
    assert listed(client, market="US") == []


def test_filter_by_district(client, taxonomy):
    daxing = make_profile(district="daxing")
    make_profile(district="haidian")
    assert listed(client, district="daxing") == [daxing.pk]
    assert listed(client, district="yanqing") == []


def test_filter_by_certification(client, taxonomy):
    ce = make_profile(certifications=["CE", "ISO9001"])
    provider = make_profile(kind=PROVIDER, certifications=["ISO9001"])
    make_profile()
    assert listed(client, certification="CE") == [ce.pk]
    assert set(listed(client, certification="ISO9001")) == {ce.pk, provider.pk}
    assert listed(client, certification="HALAL") == []


def test_filters_combine(client, taxonomy):
    wanted = make_profile(district="daxing", headings=["9403"], countries=["DE"])
    make_profile(district="daxing", headings=["9403"], countries=["JP"])
    make_profile(district="haidian", headings=["9403"], countries=["DE"])
    make_profile(kind=PLATFORM, district="daxing", headings=["9403"], countries=["DE"])
    filters = {"kind": "exporter", "district": "daxing", "hs_chapter": "94", "market": "EU"}
    assert listed(client, **filters) == [wanted.pk]


def test_bad_filter_values_are_dropped_not_errors(client, taxonomy):
    exporter = make_profile(district="daxing")
    platform = make_profile(kind=PLATFORM, district="daxing")
    bad = {
        "kind": "bureau",
        "hs_chapter": "<script>",
        "hs_heading": "'; DROP TABLE",
        "market": "XX",
        "certification": "NOPE",
        "sort": "-pk",
        "page": "abc",
    }
    response = client.get(english("matchmaking:directory"), {**bad, "district": "daxing"})
    assert response.status_code == 200
    # Only the one valid filter applied.
    page = response.context["page"]
    assert {profile.pk for profile in page.object_list} == {exporter.pk, platform.pk}
    for value in (["x", "y"], "9" * 500):
        assert client.get(english("matchmaking:directory"), {"kind": value}).status_code == 200
    response = client.get(english("matchmaking:directory"), {"page": "999"})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_empty_results_offer_to_clear_the_filters(client, taxonomy):
    make_profile(district="daxing")
    response = client.get(english("matchmaking:directory"), {"district": "yanqing"})
    html = response.content.decode()
    assert 'data-testid="empty-state"' in html
    assert "No organizations match these filters." in html
    assert f'href="{english("matchmaking:directory")}"' in html


# --- Sorts and pages ----------------------------------------------------------------------------


def test_sorts(client, taxonomy):
    sparse = make_profile(name_zh="甲公司", name_en="Alpha Co.")
    rich = make_profile(
        name_zh="丙公司",
        name_en="Charlie Co.",
        summary_zh="实木家具",
        summary_en="Solid wood furniture",
        description_zh="<p>二十年经验</p>",
        headings=["9403"],
        countries=["DE"],
        contact_name="李雷",
        contact_email="li@example.com",
    )
    middle = make_profile(name_zh="乙公司", name_en="", summary_zh="玩具", headings=["9503"])
    assert rich.completeness > middle.completeness > sparse.completeness
    assert listed(client) == [rich.pk, middle.pk, sparse.pk]  # most complete first by default
    assert listed(client, sort="complete") == [rich.pk, middle.pk, sparse.pk]
    with translation.override("zh-hans"):  # the English requests above left English active
        chinese = client.get(reverse("matchmaking:directory"), {"sort": "name"})
    # 丙 < 乙 < 甲 by code point, on SQLite and PostgreSQL (C collation) alike.
    assert [profile.pk for profile in chinese.context["page"].object_list] == [
        rich.pk,
        middle.pk,
        sparse.pk,
    ]
    # English pages sort by the English name, and by the Chinese one where there is none.
    assert listed(client, sort="name") == [sparse.pk, rich.pk, middle.pk]
    services.profile_update(organization=sparse.organization, by=sparse.owner, brands="甲牌")
    assert listed(client, sort="updated")[0] == sparse.pk


def test_pages_of_twenty_keep_the_filters_in_their_links(client, taxonomy):
    for _number in range(23):
        make_profile(district="daxing")
    make_profile(district="haidian")
    first = client.get(english("matchmaking:directory"), {"district": "daxing", "sort": "name"})
    assert len(first.context["page"].object_list) == 20
    assert first.context["page"].paginator.count == 23
    html = first.content.decode()
    links = re.findall(r'href="([^"]*page=2[^"]*)"', html)
    assert links
    assert all("district=daxing" in link and "sort=name" in link for link in links)
    second = client.get(
        english("matchmaking:directory"), {"district": "daxing", "sort": "name", "page": "2"}
    )
    assert len(second.context["page"].object_list) == 3
    seen = {profile.pk for profile in first.context["page"].object_list}
    assert not seen & {profile.pk for profile in second.context["page"].object_list}


def test_directory_queries_do_not_grow_with_profiles(client, taxonomy):
    def add_profiles(count):
        for _number in range(count):
            profile = make_profile(
                headings=["9401", "9403", "9503"],
                countries=["DE", "FR"],
                regions=["ASEAN"],
                certifications=["CE", "FSC"],
                summary_zh="家具",
            )
            services.product_create(
                organization=profile.organization,
                by=profile.owner,
                hs_heading=HSHeading.objects.get(code="9403"),
                name_zh="餐桌",
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(english("matchmaking:directory")).status_code == 200
        return len(captured)

    add_profiles(3)
    queries()  # warm the per-process caches (site root paths, locales)
    few = queries()
    add_profiles(27)
    assert queries() == few
    # And for a signed-in member of a verified organization, who also sees "members" profiles.
    client.force_login(MembershipFactory().user)
    signed_in = queries()
    add_profiles(1)
    assert queries() == signed_in


def test_profile_page_queries_do_not_grow_with_its_contents(client, taxonomy):
    provider = make_profile(kind=PROVIDER, headings=["9403"], countries=["DE"])
    germany, china = Country.objects.get(code="DE"), Country.objects.get(code="CN")
    url = english("matchmaking:organization_profile", provider.organization_id)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add_lane(mode):
        services.lane_add(
            organization=provider.organization,
            by=provider.owner,
            origin=china,
            destination=germany,
            mode=mode,
        )

    services.warehouse_add(
        organization=provider.organization, by=provider.owner, country=germany, city="Hamburg"
    )
    add_lane(TransportMode.SEA)
    queries()
    few = queries()
    for city in ("Berlin", "Munich", "Bremen"):
        services.warehouse_add(
            organization=provider.organization, by=provider.owner, country=germany, city=city
        )
    for mode in set(TransportMode.values) - {TransportMode.SEA}:
        add_lane(mode)
    assert queries() == few


# --- Cards and profile pages --------------------------------------------------------------------


def test_cards_show_up_to_six_headings_and_markets(client, taxonomy):
    headings = ["9401", "9403", "9503", "6109", "6110", "8516", "8517", "8518"]
    countries = ["DE", "FR", "IT", "ES", "JP", "KR", "US"]
    make_profile(
        name_en="Card Test Co",
        summary_en="One line about us",
        headings=headings,
        countries=countries,
        regions=["EU"],
        certifications=["CE"],
    )
    html = client.get(english("matchmaking:directory")).content.decode()
    card = html[html.index('data-testid="profile-card"') :]
    assert "Card Test Co" in card
    assert "One line about us" in card
    assert "Exporter" in card and "Chaoyang" in card
    assert card.count('class="hs-code"') == 6
    assert "and 2 more" in card  # headings
    assert "European Union" in card
    assert "and 2 more" in card  # markets: the region and five of the seven countries
    assert "CE marking (EU)" in card
    assert 'class="completeness"' in card


def test_export_links_only_for_bureau_staff(client, bureau_client, taxonomy):
    make_profile(district="daxing")
    url = english("matchmaking:directory")
    html = bureau_client.get(url, {"district": "daxing", "kind": "nope"}).content.decode()
    with translation.override("en"):
        xlsx = reverse("matchmaking:directory_export", args=["xlsx"])
        csv = reverse("matchmaking:directory_export", args=["csv"])
    assert f'href="{xlsx}?district=daxing"' in html  # the invalid filter is not carried on
    assert f'href="{csv}?district=daxing"' in html
    bureau_client.logout()
    for viewer in (None, MembershipFactory().user):
        if viewer:
            client.force_login(viewer)
        html = client.get(url).content.decode()
        assert "export." not in html
        assert "directory-export" not in html


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_exporter_page_shows_all_it_holds(client, taxonomy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    profile = make_profile(
        name_en="Great Wall Furniture",
        summary_en="Solid wood tables",
        description_en="<p>Twenty years of <strong>craft</strong>.</p>",
        headings=["9403"],
        countries=["DE"],
        regions=["ASEAN"],
        certifications=["FSC"],
        certifications_other="Greenguard",
        export_volume_band="5m_20m",
        production_capacity="20,000 tables a month",
        minimum_order="50 tables",
        brands="Changcheng, Yanjing",
        channels_wanted=[Channel.MARKETPLACE, Channel.B2B],
        services_needed=[ServiceType.OVERSEAS_WAREHOUSE],
        years_cross_border=7,
        languages=["zh", "en"],
    )
    organization = profile.organization
    services.profile_update(
        organization=organization,
        by=profile.owner,
        relations={
            "current_market_countries": [Country.objects.get(code="JP")],
            "warehouse_countries_needed": [Country.objects.get(code="PL")],
            "lane_destinations_needed": [Country.objects.get(code="HU")],
        },
    )
    services.product_create(
        organization=organization,
        by=profile.owner,
        hs_heading=HSHeading.objects.get(code="9403"),
        name_en="Oak dining table",
        description_en="Seats eight",
        photo=png(),
    )
    html = client.get(english("matchmaking:organization_profile", organization.pk)).content.decode()
    for text in (
        "Great Wall Furniture",
        "Solid wood tables",
        "<p>Twenty years of <strong>craft</strong>.</p>",
        "Products made (HS headings)",
        "9403",
        "Target markets",
        "Germany",
        "ASEAN",
        "FSC chain of custody",
        "Greenguard",
        "USD 5–20 million a year",
        "20,000 tables a month",
        "50 tables",
        "Changcheng, Yanjing",
        "Japan",  # current export market
        "Marketplace platforms",
        "B2B wholesale platforms",
        "Overseas warehouse",
        "Poland",
        "Hungary",
        "Oak dining table",
        "Seats eight",
        "English",
    ):
        assert text in html, text
    product = profile.products.get()
    assert f'src="{product.photo.url}"' in html


def test_platform_page_shows_its_terms(client, taxonomy):
    profile = make_profile(
        kind=PLATFORM,
        name_en="Silk Road Mall",
        headings=["6109"],
        regions=["GCC"],
        services_offered=[ServiceType.LOGISTICS, ServiceType.MARKETING],
        merchant_min_volume_band="1m_5m",
        requires_own_brand=True,
        incentives_en="No commission for 3 months.\nFree listing.",
        merchant_count_band="10k_100k",
        supports_brands_overseas=True,
    )
    services.profile_update(
        organization=profile.organization,
        by=profile.owner,
        relations={"required_certifications": [Certification.objects.get(code="SASO")]},
    )
    html = client.get(
        english("matchmaking:organization_profile", profile.organization_id)
    ).content.decode()
    for text in (
        "Markets covered",
        "Gulf Cooperation Council",
        "Categories recruited (HS headings)",
        "6109",
        "International logistics",
        "Marketing and advertising",
        "USD 1–5 million a year",
        "SASO (Saudi Arabia)",
        "Merchants must own a brand",
        "No commission for 3 months.<br>Free listing.",
        "10,000–100,000 merchants",
        "Supports brands going overseas",
    ):
        assert text in html, text


def test_provider_page_shows_its_coverage(client, taxonomy):
    profile = make_profile(
        kind=PROVIDER,
        headings=["8517"],
        countries=["US"],
        certifications=["AEO"],
        services_offered=[ServiceType.OVERSEAS_WAREHOUSE, ServiceType.CUSTOMS],
    )
    organization = profile.organization
    china, usa = Country.objects.get(code="CN"), Country.objects.get(code="US")
    services.warehouse_add(
        organization=organization, by=profile.owner, country=usa, city="Ontario", capacity_m2=12000
    )
    services.lane_add(
        organization=organization,
        by=profile.owner,
        origin=china,
        destination=usa,
        mode=TransportMode.SEA,
    )
    html = client.get(english("matchmaking:organization_profile", organization.pk)).content.decode()
    for text in (
        "Markets served",
        "Goods handled (HS headings)",
        "8517",
        "Customs clearance",
        "Customs AEO",
        'data-testid="warehouse"',
        "Ontario",
        "12000",
        'data-testid="lane"',
        "China",
        "United States",
        "Sea freight",
    ):
        assert text in html, text


def test_profile_page_lists_the_current_posts_only(client, taxonomy):
    profile = make_profile()
    organization = profile.organization
    listed_post = services.post_create(
        organization=organization, by=profile.owner, kind="supply", title_en="Oak tables on offer"
    )
    services.post_publish(post=listed_post, by=profile.owner)
    services.post_create(
        organization=organization, by=profile.owner, kind="demand", title_en="Draft never shown"
    )
    other = make_profile()
    services.post_publish(
        post=services.post_create(
            organization=other.organization, by=other.owner, kind="supply", title_en="Not ours"
        ),
        by=other.owner,
    )
    html = client.get(english("matchmaking:organization_profile", organization.pk)).content.decode()
    assert "Oak tables on offer" in html
    assert english("matchmaking:post_detail", listed_post.pk) in html
    assert "Draft never shown" not in html
    assert "Not ours" not in html


# --- Escaping -----------------------------------------------------------------------------------

PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)")
DANGEROUS_ATTRIBUTE = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def assert_harmless(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert not DANGEROUS_ATTRIBUTE.search(html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_plain_fields_are_shown_escaped(client, taxonomy, payload):
    heading = HSHeading.objects.get(code="9403")
    both = {"_zh": payload, "_en": payload}
    exporter = make_profile(
        name_zh=payload,
        name_en=payload,
        headings=["9403"],
        **{f"summary{suffix}": value for suffix, value in both.items()},
        contact_name=payload,
        contact_title=payload,
        contact_phone=payload,
        contact_wechat=payload,
        certifications_other=payload,
        production_capacity=payload,
        minimum_order=payload,
        brands=payload,
    )
    services.product_create(
        organization=exporter.organization,
        by=exporter.owner,
        hs_heading=heading,
        name_zh=payload,
        name_en=payload,
        description_zh=payload,
        description_en=payload,
    )
    platform = make_profile(
        kind=PLATFORM,
        name_zh=payload,
        name_en=payload,
        summary_en=payload,
        incentives_zh=payload,
        incentives_en=payload,
    )
    provider = make_profile(kind=PROVIDER, name_zh=payload, name_en=payload)
    services.warehouse_add(
        organization=provider.organization,
        by=provider.owner,
        country=Country.objects.get(code="DE"),
        city=payload,
    )
    # A website that bypassed form validation must not become a link.
    type(exporter.organization).objects.filter(pk=exporter.organization_id).update(website=payload)
    client.force_login(MembershipFactory().user)  # sees the contact details too
    escaped = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace('"', "&quot;")
    for language in ("en", "zh-hans"):
        with translation.override(language):
            urls = [reverse("matchmaking:directory")] + [
                reverse("matchmaking:organization_profile", args=[profile.organization_id])
                for profile in (exporter, platform, provider)
            ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200
            html = response.content.decode()
            assert_harmless(html)
            assert escaped in html, url  # shown as the text that was typed
    exporter_page = client.get(
        english("matchmaking:organization_profile", exporter.organization_id)
    ).content.decode()
    assert exporter_page.count(escaped) >= 10  # name, summary, contact, facts, product


def test_description_is_rendered_sanitized(client, taxonomy):
    script, image, javascript = PAYLOADS
    attack = f'{script}{image}<a href="{javascript}">x</a><p onclick="alert(1)">y</p>'
    profile = make_profile(
        name_en="Clean Co",
        description_zh=f"<h3>关于我们</h3>{attack}",
        description_en=f"<p>About <em>us</em></p>{attack}",
    )
    for language, kept in (("en", "<p>About <em>us</em></p>"), ("zh-hans", "<h3>关于我们</h3>")):
        with translation.override(language):
            url = reverse("matchmaking:organization_profile", args=[profile.organization_id])
        html = client.get(url).content.decode()
        assert kept in html  # the description's own markup survives
        description = html[html.index("profile-description") :]
        description = description[: description.index("</div>")]
        assert "<script" not in description
        assert "onerror" not in description
        assert "onclick" not in description
        assert "javascript:" not in description
        assert_harmless(html)
