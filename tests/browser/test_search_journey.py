"""A visitor searches in a real browser: a two-character Chinese word from the English page,
facets on and off, the most recent first, an English word that finds a profile written only in
Chinese, nothing found, autocomplete, and the Chinese page. Screenshots land in screenshots/.

The data is written through the services in autocommit mode (a transactional test), so each
write's after-commit drain fills the embedded index by itself, as in production; the fixture
checks that it did rather than rebuilding the index.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import MembershipRole, Organization, OrganizationKind
from matchmaking import services
from matchmaking.documents import ORGANIZATION, POST
from matchmaking.models import PostKind
from search.backends import EmbeddedBackend
from search.models import IndexJob
from taxonomy.models import HSHeading
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SOLID_WOOD_EN = "Beijing Solid Wood Furniture Co., Ltd."
ELM_WORKSHOP_ZH = "北京榆木坊工贸有限公司"  # written only in Chinese, with HS heading 9403
TEA_TRAY_ZH = "北京古榆木艺有限公司"  # the same, without the heading
LOGISTICS_EN = "Beijing Tongda International Logistics Co., Ltd."
LOGISTICS_ZH = "北京通达国际物流有限公司"


@pytest.fixture(autouse=True)
def embedded_search(settings):
    """Searches go to the embedded backend, whatever the environment configures."""
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_BACKEND = ""


def _profiled(*, kind: str, name_zh: str, name_en: str = "", relations=None, **fields):
    organization = OrganizationFactory(kind=kind, name_zh=name_zh, name_en=name_en)
    owner = MembershipFactory(organization=organization, role=MembershipRole.OWNER).user
    services.profile_update(organization=organization, by=owner, relations=relations, **fields)
    return organization


@pytest.fixture
def market(taxonomy) -> dict[str, Organization]:
    """Five results for 家具, oldest first: three from exporters (one of them a post), one from a
    platform, one from a logistics provider; and a Chinese-only exporter that 家具 misses."""
    furniture = list(HSHeading.objects.filter(code="9403"))
    solid_wood = _profiled(
        kind=OrganizationKind.EXPORTER,
        name_zh="北京实木家具有限公司",
        name_en=SOLID_WOOD_EN,
        summary_zh="实木家具出口欧洲，年供四十个货柜",
        summary_en="Solid-wood dining tables for European retailers",
        relations={"hs_headings": furniture},
    )
    services.post_create(
        organization=solid_wood,
        by=solid_wood.memberships.get().user,
        kind=PostKind.SUPPLY,
        title_zh="实木家具现货供应，可贴牌",
        title_en="Solid-wood furniture in stock, private label available",
        publish=True,
    )
    elm = _profiled(
        kind=OrganizationKind.EXPORTER,
        name_zh=ELM_WORKSHOP_ZH,
        summary_zh="明式榆木桌椅，手工榫卯",
        relations={"hs_headings": furniture},
    )
    # The control: as Chinese-only and as close in wording, but without the heading.
    _profiled(
        kind=OrganizationKind.EXPORTER, name_zh=TEA_TRAY_ZH, summary_zh="明式榆木茶盘，手工榫卯"
    )
    platform = _profiled(
        kind=OrganizationKind.PLATFORM,
        name_zh="北京优选家居电商平台有限公司",
        name_en="Beijing Youxuan Home E-commerce Co., Ltd.",
        summary_zh="招募家具与家纺品牌入驻海外站点",
        summary_en="Recruiting home-textile brands for our overseas storefronts",
    )
    logistics = _profiled(
        kind=OrganizationKind.SERVICE_PROVIDER,
        name_zh=LOGISTICS_ZH,
        name_en=LOGISTICS_EN,
        summary_zh="大件家具海运拼箱，欧洲海外仓",
        summary_en="LCL sea freight for bulky goods, warehouses in Europe",
    )
    backend = EmbeddedBackend()
    assert not IndexJob.objects.exists(), "the after-commit drain left jobs in the outbox"
    assert len(backend.fingerprints(ORGANIZATION)) == 5
    assert len(backend.fingerprints(POST)) == 1
    return {"solid_wood": solid_wood, "elm": elm, "platform": platform, "logistics": logistics}


def _watch(page: Page, origin: str) -> tuple[list[str], list[str]]:
    """Console errors and uncaught exceptions; requests that leave the site (all assets are
    served locally, so a page works on a network without the outside world)."""
    errors: list[str] = []
    external: list[str] = []

    def on_console(message):
        if message.type == "error":
            errors.append(message.text)

    def on_request(request):
        if not request.url.startswith((origin, "data:", "blob:")):
            external.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", on_request)
    return errors, external


def _search(page: Page, text: str) -> None:
    """Type `text` into the search box and submit, waiting for the new page: the old one may
    hold the very results the next assertion looks for."""
    page.get_by_test_id("search-input").fill(text)
    with page.expect_navigation():
        page.get_by_test_id("search-form").locator("button[type=submit]").click()


def _titles(page: Page) -> list[str]:
    return [
        " ".join(title.split())
        for title in page.locator("[data-testid=search-result] .card-title").all_inner_texts()
    ]


def test_a_visitor_searches_narrows_and_finds(live_server, page: Page, screenshot_dir, market):
    page.set_default_timeout(15_000)
    errors, external = _watch(page, live_server.url)
    base = f"{live_server.url}/en"
    results = page.get_by_test_id("search-result")
    count = page.get_by_test_id("result-count")
    kind_facet = page.locator("[data-facet=kind] [data-testid=facet-option]")

    # A two-character Chinese word from the English page; the matches are highlighted.
    page.goto(f"{base}/search/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _search(page, "家具")
    expect(count).to_have_text("5 results")
    expect(results).to_have_count(5)
    marks = page.locator("[data-testid=search-result] mark")
    assert marks.count() >= 5
    # The glossary pairs 家具 with "furniture", so English names light up too.
    assert {text.lower() for text in marks.all_inner_texts()} == {"家具", "furniture"}
    solid_wood = results.filter(has=page.locator(".card-title", has_text=SOLID_WOOD_EN))
    expect(solid_wood.locator(".result-snippet mark")).to_have_text("家具")
    expect(page.get_by_test_id("search-facets")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "search-results-zh-word-en.png"), full_page=True)

    # A facet narrows the results and shows itself selected; a second click removes it.
    exporter = kind_facet.filter(has_text="Exporter")
    expect(exporter.locator(".facet-count")).to_have_text("3")
    exporter.click()
    expect(count).to_have_text("3 results")
    assert "kind=exporter" in page.url
    expect(exporter).to_have_class(re.compile(r"\bis-selected\b"))
    expect(exporter).to_have_attribute("aria-current", "true")
    expect(page.locator("[data-facet=kind] .is-selected")).to_have_count(1)
    exporter.click()
    expect(count).to_have_text("5 results")
    assert "kind=" not in page.url
    expect(page.locator("[data-testid=search-facets] .is-selected")).to_have_count(0)

    # The most recent first: the logistics provider wrote last, the furniture exporter first.
    page.select_option("select[name=sort]", "recent")
    _search(page, "家具")
    assert "sort=recent" in page.url
    assert _titles(page) == [
        LOGISTICS_EN,
        "Beijing Youxuan Home E-commerce Co., Ltd.",
        ELM_WORKSHOP_ZH,
        "Solid-wood furniture in stock, private label available",
        SOLID_WOOD_EN,
    ]
    expect(page.locator("select[name=sort]")).to_have_value("recent")

    # An English word finds the profile written only in Chinese, through its HS heading (whose
    # names, and its chapter's, are indexed in both languages); the control without it is missed.
    _search(page, "furniture")
    elm = results.filter(has=page.locator(".card-title", has_text=ELM_WORKSHOP_ZH))
    expect(elm).to_have_count(1)
    expect(elm.locator(".card-title a")).to_have_attribute(
        "href", f"/en/directory/{market['elm'].pk}/"
    )
    expect(solid_wood).to_have_count(1)
    expect(results.filter(has_text=TEA_TRAY_ZH)).to_have_count(0)

    # Nonsense: the empty state advises, with nothing broader to offer.
    _search(page, "qzxjvwk")
    empty = page.get_by_test_id("empty-state")
    expect(empty).to_contain_text("Nothing found for “qzxjvwk”.")
    expect(empty).to_contain_text("Check the spelling")
    expect(page.get_by_test_id("broader-searches")).to_have_count(0)
    expect(results).to_have_count(0)

    # A word that a kept filter rules out: the empty state offers the word without the filter.
    _search(page, "家具")
    kind_facet.filter(has_text="Exporter").click()
    expect(count).to_have_text("3 results")
    _search(page, "物流")
    expect(page.get_by_test_id("empty-state")).to_contain_text("Nothing found for “物流”.")
    broader = page.get_by_test_id("broader-searches")
    expect(broader).to_contain_text("物流 (1 result)")
    page.screenshot(path=str(screenshot_dir / "search-empty-en.png"), full_page=True)
    broader.get_by_role("link", name="物流").click()
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text(LOGISTICS_EN)
    assert "kind=" not in page.url

    # Autocomplete: typing a name's start fills the datalist with the names it completes.
    suggestions = page.locator("#search-suggestions option")
    box = page.get_by_test_id("search-input")
    box.fill("")
    box.press_sequentially("Beijing Sol", delay=40)
    expect(suggestions).not_to_have_count(0)
    expect(page.locator(f'#search-suggestions option[value="{SOLID_WOOD_EN}"]')).to_have_count(1)
    box.fill("")
    expect(suggestions).to_have_count(0)
    box.press_sequentially("北京榆", delay=40)
    expect(page.locator(f'#search-suggestions option[value="{ELM_WORKSHOP_ZH}"]')).to_have_count(1)
    expect(page.locator(f'#search-suggestions option[value="{SOLID_WOOD_EN}"]')).to_have_count(0)

    # The Chinese page.
    page.goto(f"{live_server.url}/search/?q=物流")
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^zh", re.I))
    expect(page.locator("main h1")).to_have_text("搜索")
    expect(results).to_have_count(1)
    expect(results.first.locator(".card-title")).to_contain_text(LOGISTICS_ZH)
    expect(results.first.locator(".card-title mark")).to_have_text("物流")
    expect(page.locator("[data-facet=kind]")).to_contain_text("服务商")
    page.screenshot(path=str(screenshot_dir / "search-zh-hans.png"), full_page=True)

    assert errors == []
    assert external == []
