"""The search page (/search/) and its autocomplete (/search/suggest/): what a word finds, how
results and facets are shown, who sees which profile, and that no input breaks the page.

The tests run inside pytest-django's transaction, so the outbox's on_commit drain never runs:
each test builds the embedded index from the database with `reindex()` once its data is in
place. The helpers at the top are shared with test_search_api.py.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import MembershipRole, Organization, OrganizationKind, VerificationState
from matchmaking import services
from matchmaking.documents import ORGANIZATION, POST
from matchmaking.models import Post, PostKind, Profile, Visibility
from search.backends import EmbeddedBackend
from search.services import index_rebuild
from taxonomy.models import Country, HSHeading, Region
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

CONTACT_EMAIL = "private-desk-5150@example.com"
CONTACT_PHONE = "+86 10 8765 4321"
CONTACT_WECHAT = "private_wechat_5150"
FURNITURE_ZH = "北京实木家具有限公司"
FURNITURE_EN = "Beijing Solid Wood Furniture Co., Ltd."


# --- Helpers (the plain functions are also used by test_search_api.py) ----------------------


@pytest.fixture(autouse=True)
def embedded_search(settings):
    """Searches go to the embedded backend, whatever the environment configures."""
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_BACKEND = ""


def profiled(
    *,
    name_zh: str,
    name_en: str = "",
    kind: str = OrganizationKind.EXPORTER,
    visibility: str = Visibility.PUBLIC,
    verification_state: str = VerificationState.VERIFIED,
    is_active: bool = True,
    relations: dict | None = None,
    **fields,
) -> Organization:
    """An organization with a profile written through the service, its contact details filled
    in so that tests can check they never leak."""
    organization = OrganizationFactory(
        kind=kind,
        name_zh=name_zh,
        name_en=name_en,
        verification_state=verification_state,
        is_active=is_active,
    )
    owner = MembershipFactory(organization=organization, role=MembershipRole.OWNER).user
    services.profile_update(
        organization=organization,
        by=owner,
        visibility=visibility,
        contact_name="王经理",
        contact_email=CONTACT_EMAIL,
        contact_phone=CONTACT_PHONE,
        contact_wechat=CONTACT_WECHAT,
        relations=relations or {},
        **fields,
    )
    return organization


def published_post(organization: Organization, **fields) -> Post:
    by = organization.memberships.get(role=MembershipRole.OWNER).user
    fields.setdefault("kind", PostKind.SUPPLY)
    return services.post_create(organization=organization, by=by, publish=True, **fields)


def reindex() -> None:
    """The index rebuilt from the database (on_commit drains do not run in these tests)."""
    for doc_type in (ORGANIZATION, POST):
        index_rebuild(backend=EmbeddedBackend(), doc_type=doc_type)


def furniture_exporter(**fields) -> Organization:
    fields.setdefault("summary_zh", "实木餐桌椅出口欧洲")
    fields.setdefault("summary_en", "Solid wood dining tables for Europe")
    return profiled(name_zh=FURNITURE_ZH, name_en=FURNITURE_EN, **fields)


def profile_url(organization: Organization) -> str:
    return reverse("matchmaking:organization_profile", args=[organization.pk])


def english(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


# --- Reading the page -----------------------------------------------------------------------


def search(client: Client, url: str | None = None, **params):
    """GET the search page; list values become repeated parameters (?kind=a&kind=b)."""
    response = client.get(url or reverse("matchmaking:search"), params)
    assert response.status_code == 200
    return response


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def text_of(element) -> str:
    return " ".join(element.get_text().split())


def result_links(response) -> list[str]:
    """The result titles' links, in order."""
    return [
        result.select_one(".card-title a")["href"]
        for result in soup(response).select('[data-testid="search-result"]')
    ]


def result_titles(response) -> list[str]:
    return [
        text_of(result.select_one(".card-title"))
        for result in soup(response).select('[data-testid="search-result"]')
    ]


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    selected: bool
    href: str


def facet_links(response) -> dict[str, dict[str, FacetLink]]:
    """Per request parameter, the facet options the page shows by value, read from the HTML
    (label, count, checked state, link); values come from the context, in the same order."""
    shown = {}
    html = soup(response)
    for parameter, _heading, options in response.context["facets"]:
        anchors = html.select(f'[data-facet="{parameter}"] a[data-testid="facet-option"]')
        assert len(anchors) == min(len(options), 12)
        links = {}
        for option, anchor in zip(options, anchors, strict=False):
            count = int(text_of(anchor.select_one(".facet-count").extract()))
            for decoration in anchor.select(".facet-check, .sr-only"):
                decoration.extract()
            links[option.value] = FacetLink(
                label=text_of(anchor),
                count=count,
                selected="is-selected" in anchor["class"],
                href=anchor["href"],
            )
        shown[parameter] = links
    return shown


def counts(links: dict[str, FacetLink]) -> dict[str, int]:
    return {value: link.count for value, link in links.items()}


# --- Finding ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["家具", "实木", "furniture", "FURNITURE", "Solid Wood"])
def test_a_word_inside_the_name_finds_the_organization(client, text):
    furniture = furniture_exporter()
    tea = profiled(name_zh="北京茶叶进出口有限公司", name_en="Beijing Tea Import and Export Co.")
    reindex()

    links = result_links(search(client, q=text))

    assert links == [profile_url(furniture)]
    assert profile_url(tea) not in links


def test_matched_words_are_highlighted(client):
    furniture_exporter(summary_zh="实木家具出口欧洲", summary_en="Furniture for Europe")
    reindex()

    result = soup(search(client, q="家具")).select_one('[data-testid="search-result"]')

    assert str(result.select_one(".card-title a")).count("<mark>家具</mark>") == 1
    assert "实木<mark>家具</mark>出口欧洲" in str(result.select_one(".result-snippet"))
    english_result = soup(search(client, english("matchmaking:search"), q="furniture"))
    assert "<mark>Furniture</mark>" in str(english_result.select_one(".card-title a"))


def test_a_post_is_found_with_its_organization(client):
    furniture = furniture_exporter()
    post = published_post(furniture, title_zh="现货橡木书架", title_en="Oak bookcases in stock")
    reindex()

    response = search(client, q="书架")

    assert result_links(response) == [reverse("matchmaking:post_detail", args=[post.pk])]
    result = soup(response).select_one('[data-testid="search-result"]')
    assert result["data-type"] == "post"
    assert FURNITURE_ZH in text_of(result.select_one(".result-meta"))


def test_a_draft_post_is_not_found(client):
    furniture = furniture_exporter()
    by = furniture.memberships.get().user
    services.post_create(organization=furniture, by=by, kind=PostKind.SUPPLY, title_zh="草稿书架")
    reindex()

    assert result_links(search(client, q="书架")) == []


def test_the_english_page_shows_english_titles(client):
    furniture = furniture_exporter()
    chinese_only = profiled(name_zh="北京红木家具厂", summary_zh="红木家具")
    post = published_post(furniture, title_zh="现货橡木家具", title_en="Oak furniture in stock")
    reindex()

    response = search(client, english("matchmaking:search"), q="furniture")

    titles = result_titles(response)
    assert FURNITURE_EN in titles
    assert "Oak furniture in stock" in titles
    assert FURNITURE_ZH not in titles
    assert "北京红木家具厂" in titles  # no English name: the Chinese one rather than nothing
    links = result_links(response)
    assert english("matchmaking:organization_profile", furniture.pk) in links
    assert english("matchmaking:organization_profile", chinese_only.pk) in links
    assert english("matchmaking:post_detail", post.pk) in links
    with translation.override("zh-hans"):  # the English request left English active
        chinese = search(client, q="家具")
    assert set(result_titles(chinese)) >= {FURNITURE_ZH, "现货橡木家具"}


# --- Escaping ---------------------------------------------------------------------------------

SCRIPT = '<script>alert("xss")</script>'


@pytest.mark.parametrize(
    "text",
    [
        "家具",  # matches the name: the summary is shown unhighlighted
        "script",  # matches inside the markup: highlighting must escape around <mark>
        "alert xss",
        "img onerror",
    ],
)
def test_markup_in_a_profile_is_shown_as_text(client, text):
    profiled(
        name_zh=f"北京{SCRIPT}家具有限公司",
        name_en=f"Furniture {SCRIPT} Ltd <img src=x onerror=alert(1)>",
        summary_zh=f"实木家具{SCRIPT}<img src=x onerror=alert(1)>",
        summary_en=f"Tables {SCRIPT}",
    )
    reindex()

    for url in (reverse("matchmaking:search"), english("matchmaking:search")):
        response = search(client, url, q=text)
        html = response.content.decode()
        assert len(result_links(response)) == 1
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        shown = text_of(soup(response).select_one('[data-testid="search-result"]'))
        assert SCRIPT in shown  # the markup is shown as the text it is


def test_markup_in_the_query_is_shown_as_text(client):
    furniture_exporter()
    reindex()

    for text in (SCRIPT, f"家具 {SCRIPT}", '"><svg onload=alert(1)> 家具'):
        html = search(client, q=text).content.decode()
        assert "<script>alert" not in html
        assert "<svg onload" not in html


# --- Contact details --------------------------------------------------------------------------


def test_contact_details_never_appear_in_results(client):
    furniture_exporter()
    reindex()
    member = MembershipFactory(organization=OrganizationFactory()).user
    client.force_login(member)  # a member may see contact details on the profile page

    for text in ("家具", CONTACT_EMAIL, "private-desk-5150", "8765 4321", CONTACT_WECHAT, "王经理"):
        response = search(client, q=text)
        # The page repeats the query itself; the results and facets must not hold any detail.
        shown = str(soup(response).select_one(".search-layout"))
        for detail in (CONTACT_EMAIL, CONTACT_PHONE, CONTACT_WECHAT, "王经理"):
            if detail != text:
                assert detail not in shown, (text, detail)
        if text != "家具":
            assert result_links(response) == [], f"{text!r} found a profile by its contact"


# --- Facets -----------------------------------------------------------------------------------


def furniture_by_market() -> dict[str, Organization]:
    """Furniture organizations of three kinds selling to the US, Germany or nowhere named,
    indexed. Needs the taxonomy."""
    us, germany = Country.objects.get(code="US"), Country.objects.get(code="DE")
    organizations = {
        "exporter_us": profiled(
            name_zh="北京美式家具有限公司",
            relations={"market_countries": [us]},
        ),
        "platform_us": profiled(
            name_zh="北京家具跨境平台有限公司",
            kind=OrganizationKind.PLATFORM,
            relations={"market_countries": [us]},
        ),
        "provider_us": profiled(
            name_zh="北京家具物流服务有限公司",
            kind=OrganizationKind.SERVICE_PROVIDER,
            relations={"market_countries": [us]},
        ),
        "exporter_de": profiled(
            name_zh="北京德式家具有限公司",
            relations={"market_countries": [germany]},
        ),
        "platform_none": profiled(name_zh="北京家具商城有限公司", kind=OrganizationKind.PLATFORM),
    }
    reindex()
    return organizations


@pytest.fixture
def market_mix(taxonomy) -> dict[str, Organization]:
    return furniture_by_market()


def found(response, organizations: dict[str, Organization]) -> set[str]:
    by_url = {profile_url(organization): name for name, organization in organizations.items()}
    return {by_url[link] for link in result_links(response)}


def test_facets_show_counts(client, market_mix):
    links = facet_links(search(client, q="家具"))

    assert counts(links["kind"]) == {"exporter": 2, "platform": 2, "service_provider": 1}
    assert counts(links["market"]) == {"US": 3, "DE": 1}
    assert counts(links["type"]) == {"organization": 5}
    with translation.override("zh-hans"):
        assert links["kind"]["platform"].label == str(OrganizationKind.PLATFORM.label)
    assert links["market"]["US"].label == Country.objects.get(code="US").name_zh
    assert not any(link.selected for options in links.values() for link in options.values())


def test_facets_combine_or_within_a_field_and_across_fields(client, market_mix):
    either_kind = search(client, q="家具", kind=["exporter", "platform"])
    assert found(either_kind, market_mix) == {
        "exporter_us",
        "platform_us",
        "exporter_de",
        "platform_none",
    }

    narrowed = search(client, q="家具", kind=["exporter", "platform"], market=["US"])
    assert found(narrowed, market_mix) == {"exporter_us", "platform_us"}
    links = facet_links(narrowed)
    # Each facet is counted with the other fields' filters only, so its other values stay
    # selectable with the number they would add.
    assert counts(links["kind"]) == {"exporter": 1, "platform": 1, "service_provider": 1}
    assert counts(links["market"]) == {"US": 2, "DE": 1}
    assert {value for value, link in links["kind"].items() if link.selected} == {
        "exporter",
        "platform",
    }
    assert links["market"]["US"].selected and not links["market"]["DE"].selected

    either_market = search(client, q="家具", market=["US", "DE"], kind=["exporter"])
    assert found(either_market, market_mix) == {"exporter_us", "exporter_de"}


def test_a_facet_link_adds_its_value_and_a_selected_one_removes_it(client, market_mix):
    start = search(client, q="家具", kind=["exporter"], page="1")
    links = facet_links(start)

    platform = query_of(links["kind"]["platform"].href)
    assert platform == {"q": ["家具"], "kind": ["exporter", "platform"]}  # back to page one
    assert query_of(links["kind"]["exporter"].href) == {"q": ["家具"]}
    assert found(search(client, **query_of(links["kind"]["exporter"].href)), market_mix) == set(
        market_mix
    )
    germany = query_of(links["market"]["DE"].href)
    assert found(search(client, **germany), market_mix) == {"exporter_de"}


def test_a_selected_value_without_results_stays_listed_and_can_be_removed(client, market_mix):
    response = search(client, q="家具", market=["FR"])

    assert result_links(response) == []
    links = facet_links(response)
    france = links["market"]["FR"]
    assert france.selected and france.count == 0
    assert france.label == Country.objects.get(code="FR").name_zh
    assert query_of(france.href) == {"q": ["家具"]}
    assert len(result_links(search(client, **query_of(france.href)))) == len(market_mix)


def test_a_region_stands_for_its_countries(client, market_mix, taxonomy):
    eu_wide = profiled(
        name_zh="北京欧洲家具有限公司",
        relations={"market_regions": [Region.objects.get(code="EU")]},
    )
    reindex()
    organizations = {**market_mix, "eu_wide": eu_wide}

    # A region in the filter finds documents naming any of its countries...
    assert found(search(client, q="家具", market=["EU"]), organizations) == {
        "exporter_de",
        "eu_wide",
    }
    # ...and a document naming a region is found by each of its countries.
    assert found(search(client, q="家具", market=["FR"]), organizations) == {"eu_wide"}
    assert found(search(client, q="家具", market=["eu"]), organizations) == {
        "exporter_de",
        "eu_wide",
    }


def test_a_selected_region_shows_the_number_of_results_it_gives(client, market_mix):
    response = search(client, q="家具", market=["EU"])

    assert found(response, market_mix) == {"exporter_de"}
    europe = facet_links(response)["market"]["EU"]
    assert europe.selected
    assert europe.count == 1


def test_a_selected_value_stays_listed_among_many(client, taxonomy):
    codes = ["AU", "BR", "CA", "DE", "ES", "FR", "GB", "IT", "JP", "KR", "MX", "NL", "US"]
    for code in codes:
        profiled(
            name_zh=f"北京{code}家具有限公司",
            relations={"market_countries": [Country.objects.get(code=code)]},
        )
    reindex()

    response = search(client, q="家具", market=["US"])

    assert len(result_links(response)) == 1
    us = facet_links(response)["market"]["US"]
    assert us.selected and us.count == 1
    assert query_of(us.href) == {"q": ["家具"]}


def test_clear_filters_keeps_the_words(client, market_mix):
    html = soup(search(client, q="家具", kind=["platform"], market=["US"]))

    clear = next(a for a in html.select('[data-testid="search-facets"] a.btn-link'))
    assert query_of(clear["href"]) == {"q": ["家具"]}
    hidden = {(field["name"], field["value"]) for field in html.select('input[type="hidden"]')}
    assert hidden >= {("kind", "platform"), ("market", "US")}


# --- Sorting and pages ------------------------------------------------------------------------


def set_updated_at(organization: Organization, when: datetime.datetime) -> None:
    # auto_now would overwrite it on save(); the date is test data, not a profile edit.
    Profile.objects.filter(organization=organization).update(updated_at=when)


def test_sort_recent_orders_by_recency(client):
    now = timezone.now()
    named = profiled(name_zh="北京家具有限公司", summary_zh="家具 家具 家具")
    mentioned = profiled(name_zh="北京百货贸易有限公司", description_zh="<p>也卖一些家具</p>")
    middle = profiled(name_zh="北京杂货有限公司", summary_zh="日用品和家具")
    set_updated_at(named, now - datetime.timedelta(days=30))
    set_updated_at(middle, now - datetime.timedelta(days=10))
    set_updated_at(mentioned, now - datetime.timedelta(days=1))
    reindex()

    best = result_links(search(client, q="家具"))
    recent = result_links(search(client, q="家具", sort="recent"))

    assert best[0] == profile_url(named)  # the word in the name ranks first
    assert recent == [profile_url(mentioned), profile_url(middle), profile_url(named)]
    selected = soup(search(client, q="家具", sort="recent")).select_one(
        'select[name="sort"] option[selected]'
    )
    assert selected["value"] == "recent"


@pytest.fixture
def many_results() -> list[Organization]:
    organizations = [
        profiled(name_zh=f"北京柚木家具有限公司{n}", summary_en=f"Teakwood furniture maker {n}")
        for n in range(25)
    ]
    reindex()
    return organizations


def test_pages_of_twenty(client, many_results):
    first = search(client, q="teakwood")
    second = search(client, q="teakwood", page="2")

    assert len(result_links(first)) == 20
    assert len(result_links(second)) == 5
    assert not set(result_links(first)) & set(result_links(second))
    assert set(result_links(first)) | set(result_links(second)) == {
        profile_url(organization) for organization in many_results
    }
    assert "25" in text_of(soup(first).select_one('[data-testid="result-count"]'))
    pagination = soup(first).select_one('[data-testid="pagination"]')
    next_link = pagination.select_one('a[rel="next"]')["href"]
    assert query_of(next_link) == {"q": ["teakwood"], "page": ["2"]}


@pytest.mark.parametrize(
    ("page", "expected"),
    [("999", 2), ("abc", 1), ("-1", 1), ("0", 1), ("", 1), ("1.5", 1), ("9" * 30, 2)],
)
def test_an_odd_page_number_shows_a_real_page(client, many_results, page, expected):
    response = search(client, q="teakwood", page=page)

    assert response.context["page"].number == expected
    assert len(result_links(response)) == (20 if expected == 1 else 5)
    current = soup(response).select_one('[data-testid="pagination"] [aria-current="page"]')
    assert text_of(current).endswith(str(expected))


def test_the_number_of_queries_does_not_grow_with_the_results(client, taxonomy):
    headings = list(HSHeading.objects.filter(code__in=["9401", "9403"]))
    markets = list(Country.objects.filter(code__in=["US", "DE", "JP"]))
    regions = list(Region.objects.filter(code="EU"))

    def add(n: int) -> None:
        for number in range(n):
            organization = profiled(
                name_zh=f"北京橡木家具有限公司{number}-{n}",
                kind=[OrganizationKind.EXPORTER, OrganizationKind.PLATFORM][number % 2],
                relations={
                    "hs_headings": headings,
                    "market_countries": markets[: number % 3 + 1],
                    "market_regions": regions,
                },
            )
            published_post(organization, title_zh=f"橡木家具现货{number}-{n}")
        reindex()

    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            search(client, q="家具", **params)
        return len(captured)

    add(3)
    search(client, q="家具")  # the first request fills caches later ones read
    few = queries(), queries(kind=["exporter"], market=["US"]), queries(sort="recent")
    add(22)
    assert result_links(search(client, q="家具", page="2"))  # more than a page now
    many = queries(), queries(kind=["exporter"], market=["US"]), queries(sort="recent")

    assert all(after <= before for after, before in zip(many, few, strict=True)), (few, many)


# --- When nothing is found --------------------------------------------------------------------


def test_nothing_found_offers_the_words_without_the_filters(client):
    furniture_exporter()
    reindex()

    response = search(client, q="家具", kind=["platform"])

    html = soup(response)
    assert result_links(response) == []
    assert html.select_one('[data-testid="empty-state"]')
    broader = html.select('[data-testid="broader-searches"] a')
    assert [(text_of(a), query_of(a["href"])) for a in broader] == [("家具", {"q": ["家具"]})]
    assert "(1" in text_of(html.select_one('[data-testid="broader-searches"]'))
    assert len(result_links(search(client, **query_of(broader[0]["href"])))) == 1


def test_nothing_found_offers_each_word_alone(client):
    """A glossary phrase is one group ("overseas warehouse" = 海外仓): nothing holds both words,
    but each word alone finds something."""
    buyers = profiled(name_zh="北京甲贸易有限公司", summary_en="Selling to overseas buyers")
    bonded = profiled(name_zh="北京乙物流有限公司", summary_en="A bonded warehouse in Tianjin")
    reindex()

    response = search(client, q="overseas warehouse")

    assert result_links(response) == []
    broader = soup(response).select('[data-testid="broader-searches"] a')
    assert len(broader) == 2
    reached = [result_links(search(client, **query_of(a["href"]))) for a in broader]
    assert reached == [[profile_url(buyers)], [profile_url(bonded)]]


def test_each_word_alone_keeps_the_filters(client):
    profiled(name_zh="北京甲贸易有限公司", summary_en="Selling to overseas buyers")
    bonded = profiled(
        name_zh="北京乙物流有限公司",
        summary_en="A bonded warehouse in Tianjin",
        kind=OrganizationKind.SERVICE_PROVIDER,
    )
    reindex()

    response = search(client, q="overseas warehouse", kind=["service_provider"])

    broader = soup(response).select('[data-testid="broader-searches"] a')
    queries = [query_of(a["href"]) for a in broader]
    assert {"q": ["warehouse"], "kind": ["service_provider"]} in queries
    assert all(result_links(search(client, **query)) for query in queries)
    assert [profile_url(bonded)] in [result_links(search(client, **query)) for query in queries]


@pytest.mark.parametrize("viewer", ["anonymous", "verified_member"])
def test_broader_searches_count_only_what_the_viewer_may_see(request, viewer):
    profiled(name_zh="北京会员家具有限公司", visibility=Visibility.MEMBERS)
    reindex()
    client = viewer_client(viewer, request)

    html = soup(search(client, q="会员家具", kind=["platform"]))

    broader = html.select('[data-testid="broader-searches"] a')
    if viewer == "anonymous":
        assert broader == []  # offering "1 result" would betray the members-only profile
    else:
        assert [query_of(a["href"]) for a in broader] == [{"q": ["会员家具"]}]


def test_broader_searches_name_the_words_as_typed(client):
    profiled(name_zh="北京甲贸易有限公司", summary_en="Selling to overseas buyers")
    profiled(name_zh="北京乙物流有限公司", summary_en="A bonded warehouse in Tianjin")
    reindex()

    broader = soup(search(client, q="Overseas Warehouse")).select(
        '[data-testid="broader-searches"] a'
    )

    assert [text_of(a).lower() for a in broader] == ["overseas", "warehouse"]


def test_nothing_found_without_broader_searches_suggests_checking_the_words(client):
    furniture_exporter()
    reindex()

    html = soup(search(client, q="火星探测器"))

    empty = html.select_one('[data-testid="empty-state"]')
    assert "火星探测器" in text_of(empty)
    assert html.select_one('[data-testid="broader-searches"]') is None
    assert html.select_one('[data-testid="search-relaxed"]') is None


def test_results_holding_only_some_words_are_marked_relaxed(client):
    furniture = furniture_exporter()
    reindex()

    relaxed = search(client, q="家具 火星探测器")
    exact = search(client, q="家具 餐桌")

    assert result_links(relaxed) == [profile_url(furniture)]
    assert soup(relaxed).select_one('[data-testid="search-relaxed"]')
    assert result_links(exact) == [profile_url(furniture)]
    assert soup(exact).select_one('[data-testid="search-relaxed"]') is None


def test_an_empty_search_lists_everything_visible(client):
    html = soup(search(client))
    assert html.select('[data-testid="search-result"]') == []
    assert html.select_one('[data-testid="empty-state"]')

    furniture = furniture_exporter()
    reindex()
    assert result_links(search(client)) == [profile_url(furniture)]


# --- Visibility -------------------------------------------------------------------------------

VIEWERS = ("anonymous", "no_organization", "unverified_member", "verified_member", "bureau_staff")
MEMBERS_SEE_IT = {"verified_member", "bureau_staff"}


def viewer_client(viewer: str, request) -> Client:
    if viewer == "bureau_staff":
        # Bureau accounts must pass the second factor; a forced login would be signed out.
        return request.getfixturevalue("bureau_client")
    client = Client()
    if viewer == "no_organization":
        client.force_login(UserFactory())
    elif viewer == "unverified_member":
        pending = OrganizationFactory(verification_state=VerificationState.PENDING)
        client.force_login(MembershipFactory(organization=pending).user)
    elif viewer == "verified_member":
        client.force_login(MembershipFactory(organization=OrganizationFactory()).user)
    return client


@pytest.fixture
def audiences() -> dict[str, Organization]:
    """Furniture profiles of every visibility and organization state, with unique names."""
    organizations = {
        "public": profiled(name_zh="北京公开家具有限公司", name_en="Open Furniture Co"),
        "members": profiled(
            name_zh="北京会员家具有限公司",
            name_en="Members Furniture Co",
            visibility=Visibility.MEMBERS,
        ),
        "hidden": profiled(
            name_zh="北京隐藏家具有限公司",
            name_en="Hidden Furniture Co",
            visibility=Visibility.HIDDEN,
        ),
        "pending": profiled(
            name_zh="北京待审家具有限公司",
            name_en="Pending Furniture Co",
            verification_state=VerificationState.PENDING,
        ),
        "rejected": profiled(
            name_zh="北京驳回家具有限公司",
            name_en="Rejected Furniture Co",
            verification_state=VerificationState.REJECTED,
        ),
        "inactive": profiled(
            name_zh="北京停用家具有限公司", name_en="Inactive Furniture Co", is_active=False
        ),
    }
    for name, organization in organizations.items():
        published_post(organization, title_zh=f"{name}家具现货", title_en=f"{name} stock")
    reindex()
    return organizations


@pytest.mark.parametrize("viewer", VIEWERS)
def test_who_finds_which_profile(request, viewer, audiences):
    client = viewer_client(viewer, request)

    for text in ("家具", "furniture", ""):
        response = search(client, q=text, type=["organization"])
        shown = text_of(soup(response))  # highlighting splits names in the HTML
        expected = {"public", "members"} if viewer in MEMBERS_SEE_IT else {"public"}
        assert found(response, audiences) == expected, text
        for never in ("hidden", "pending", "rejected", "inactive"):
            assert audiences[never].name_zh not in shown
        assert (audiences["members"].name_zh in shown) is (viewer in MEMBERS_SEE_IT)
        facet_total = sum(counts(facet_links(response)["kind"]).values())
        assert facet_total == len(expected)  # the counts do not betray the others either


@pytest.mark.parametrize("viewer", VIEWERS)
def test_posts_of_hidden_profiles_stay_listed_but_never_those_of_unverified(
    request, viewer, audiences
):
    """A listed post is public whatever its organization's profile visibility (the posts
    pages list it too); posts of organizations that are not verified and active are not."""
    client = viewer_client(viewer, request)

    titles = set(result_titles(search(client, q="现货", type=["post"])))

    assert {"public家具现货", "members家具现货", "hidden家具现货"} <= titles
    assert not titles & {"pending家具现货", "rejected家具现货", "inactive家具现货"}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_autocomplete_follows_the_same_visibility(request, viewer, audiences):
    client = viewer_client(viewer, request)

    texts = {item["text"] for item in suggest(client, "北京").json()["suggestions"]}

    assert "北京公开家具有限公司" in texts
    assert ("北京会员家具有限公司" in texts) is (viewer in MEMBERS_SEE_IT)
    for never in ("hidden", "pending", "rejected", "inactive"):
        assert audiences[never].name_zh not in texts


# --- Bad input --------------------------------------------------------------------------------

ODD_TEXTS = [
    "",
    "   ",
    # Matches 家具, so the page renders the markup back (escaped) in its box and highlights.
    "<script>alert(1)</script> 家具",
    "x" * 10_000,
    "家" * 10_000,
    "家具\x00",
    "\x00",
    "😀🏭🪑 家具",
    '" OR * NEAR(',
    'furniture" OR "1"="1',
    "'; DROP TABLE search_indexeddocument; --",
    "NEAR(家具 实木, 2)",
    "家具 AND NOT 实木",
    "name_zh:家具",
    "^家具*",
    "(((((",
    "\\",
    "%",
    "_",
    "家具' OR ''='",
    "to_tsquery('x')",
    "!@#$%^&*()",
    "ＦＵＲＮＩＴＵＲＥ",
    "\u200b\u200d\ufeff",
    "\U0002a6a5\U0002b820",
]
ODD_PARAMS = [
    {"kind": "<script>"},
    {"kind": ["exporter", "<script>alert(1)</script>"]},
    {"market": "ZZZ"},
    {"market": "zz"},
    {"market": "'; DROP TABLE"},
    {"market": "x" * 1000},
    {"hs_chapter": "9a"},
    {"hs_heading": "94030"},
    {"certification": "CE" * 40},
    {"district": "../../etc"},
    {"type": "secret"},
    {"kind": ["exporter"] * 500},
    {"page": "-1"},
    {"page": "1e9"},
    {"page": "NaN"},
    {"sort": "bogus"},
    {"sort": ["recent", "relevance"]},
    {"q": ["家具", "实木"]},  # replaces the q below: several texts, the last one counts
    {"visibility": "hidden"},
]
RAW_QUERY_STRINGS = [
    "q=%ED%A0%80",  # a lone surrogate, UTF-8-encoded as CESU does
    "q=%ED%B0%80%E5%AE%B6%E5%85%B7",
    "q=%FF%FE%FD",
    "q=%E5%AE%B6",  # a truncated character
    "q=%00%00",
    "q=%",
    "q=%%%",
    "kind=%00",
    "market=%ED%A0%80",
    "q&kind&market&page",
    "=&&=&q=家具",
]


@pytest.fixture
def indexed_furniture(taxonomy) -> Organization:
    organization = furniture_exporter(
        relations={"market_countries": list(Country.objects.filter(code__in=["US", "DE"]))}
    )
    published_post(organization, title_zh="实木家具现货", title_en="Solid wood furniture")
    reindex()
    return organization


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_text_never_breaks_the_page(client, indexed_furniture, text):
    html = search(client, q=text).content.decode()
    assert "<script>alert" not in html
    english_html = search(client, english("matchmaking:search"), q=text, sort="recent")
    assert "<script>alert" not in english_html.content.decode()
    assert suggest(client, text).status_code == 200


def test_odd_text_that_names_the_word_still_finds_it(client, indexed_furniture):
    for text in ("家具\x00", "😀🏭🪑 家具", '"家具"', "家具*", "(家具)", "ＦＵＲＮＩＴＵＲＥ"):
        assert profile_url(indexed_furniture) in result_links(search(client, q=text)), text


@pytest.mark.parametrize("params", ODD_PARAMS, ids=str)
def test_odd_parameters_never_break_the_page(client, indexed_furniture, params):
    search(client, **{"q": "家具", **params})


def test_malformed_filter_values_are_dropped_and_unknown_markets_match_nothing(
    client, indexed_furniture
):
    assert result_links(search(client, q="家具", kind=["<script>"], type="organization")) == [
        profile_url(indexed_furniture)
    ]
    assert result_links(search(client, q="家具", market=["ZZZ"])) == []
    assert search(client, q="家具", page="-1").context["page"].number == 1


@pytest.mark.parametrize("query", RAW_QUERY_STRINGS)
def test_undecodable_query_strings_never_break_the_page(client, indexed_furniture, query):
    response = client.get(f"{reverse('matchmaking:search')}?{query}")
    assert response.status_code == 200
    suggestion = client.get(f"{reverse('matchmaking:search_autocomplete')}?{query}")
    assert suggestion.status_code == 200


def test_the_page_answers_get_only(client):
    assert client.post(reverse("matchmaking:search"), {"q": "家具"}).status_code == 405


# --- Autocomplete -----------------------------------------------------------------------------


def suggest(client: Client, text: str | None = None):
    params = {} if text is None else {"q": text}
    return client.get(reverse("matchmaking:search_autocomplete"), params)


@pytest.mark.parametrize(
    "prefix", ["北京实木", "实木家具", "Beijing Sol", "beijing solid", "solid"]
)
def test_autocomplete_completes_a_name(client, prefix):
    furniture = furniture_exporter()
    profiled(name_zh="上海茶叶有限公司", name_en="Shanghai Tea Ltd")
    reindex()

    response = suggest(client, prefix)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    suggestions = response.json()["suggestions"]
    assert suggestions
    assert all(set(item) == {"text", "url"} for item in suggestions)
    assert {item["url"] for item in suggestions} == {profile_url(furniture)}
    assert {item["text"] for item in suggestions} <= {FURNITURE_ZH, FURNITURE_EN}


def test_autocomplete_links_to_pages_in_the_language_of_the_page(client):
    furniture = furniture_exporter()
    reindex()

    response = client.get(english("matchmaking:search_autocomplete"), {"q": "Beijing Solid"})

    assert response.json()["suggestions"] == [
        {"text": FURNITURE_EN, "url": english("matchmaking:organization_profile", furniture.pk)}
    ]


def test_autocomplete_completes_a_post_title(client):
    furniture = furniture_exporter()
    post = published_post(furniture, title_zh="橡木书架现货", title_en="Oak bookcases")
    reindex()

    suggestions = suggest(client, "橡木").json()["suggestions"]

    assert {"text": "橡木书架现货", "url": reverse("matchmaking:post_detail", args=[post.pk])} in (
        suggestions
    )


@pytest.mark.parametrize("text", [None, "", "   ", "\x00"])
def test_autocomplete_without_text_suggests_nothing(client, text):
    furniture_exporter()
    reindex()

    response = suggest(client, text)

    assert response.status_code == 200
    assert response.json() == {"suggestions": []}


def test_autocomplete_offers_at_most_eight(client, many_results):
    assert len(suggest(client, "北京柚木").json()["suggestions"]) == 8


def test_autocomplete_answers_get_only(client):
    assert client.post(reverse("matchmaking:search_autocomplete"), {"q": "x"}).status_code == 405


# --- Degraded ---------------------------------------------------------------------------------


@pytest.fixture
def engine_down(settings):
    """Elasticsearch configured at an address that refuses connections: searches fall back to
    the embedded index. The fallback remembers a down engine in the cache for 30 seconds, so
    the cache is cleared around the test (conftest does too; this test depends on it)."""
    cache.clear()
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.SEARCH_TIMEOUT = 0.5
    yield
    cache.clear()


def test_without_an_engine_there_is_no_degraded_notice(client):
    furniture_exporter()
    reindex()

    assert soup(search(client, q="家具")).select_one('[data-testid="search-degraded"]') is None


def test_the_page_answers_from_the_embedded_index_while_the_engine_is_down(client, engine_down):
    furniture = furniture_exporter()
    reindex()

    for _attempt in range(2):  # the first request finds the engine down, the second skips it
        response = search(client, q="家具")
        assert result_links(response) == [profile_url(furniture)]
        assert soup(response).select_one('[data-testid="search-degraded"]')
    english_page = search(client, english("matchmaking:search"), q="furniture", kind=["exporter"])
    assert result_titles(english_page) == [FURNITURE_EN]
    assert soup(english_page).select_one('[data-testid="search-degraded"]')


def test_autocomplete_answers_while_the_engine_is_down(client, engine_down):
    furniture_exporter()
    reindex()

    texts = [item["text"] for item in suggest(client, "北京实木").json()["suggestions"]]

    assert texts == [FURNITURE_ZH]
