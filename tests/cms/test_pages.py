"""The public pages render in both languages, with the right menu, switcher and footer."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error
from wagtail.models import Site

from cms.models import NEWS_PER_PAGE, FooterSettings, NewsIndexPage, NewsPage, StandardPage
from tests.cms.utils import publish, translate

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def menu_titles(response) -> list[str]:
    return [a.get_text(strip=True) for a in soup(response).select('[data-testid="menu-item"]')]


def switch_language(client, response, language: str) -> str:
    """Submit the switcher's form for `language`; return where set_language redirects."""
    button = soup(response).select_one(f'[data-testid="lang-{language}"]')
    form = button.find_parent("form")
    data = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
    redirect = client.post(form["action"], data)
    assert redirect.status_code == 302
    return redirect["Location"]


@pytest.fixture
def about_pages(home, english_home, english) -> tuple[StandardPage, StandardPage]:
    """ "About the platform" in Chinese and its English translation under another slug."""
    chinese = home.add_child(
        instance=StandardPage(title="关于平台", slug="about", intro="平台简介", show_in_menus=True)
    )
    english_page = translate(
        chinese, english, title="About the platform", slug="about-the-platform"
    )
    return chinese, english_page


def test_home_page_renders_in_chinese(client, home):
    response = client.get("/")
    assert response.status_code == 200
    html = soup(response)
    assert html.html["lang"] == "zh-Hans"
    assert html.select_one('[data-testid="site-header"]')
    assert html.select_one('[data-testid="hero"] h1').get_text(strip=True) == home.title
    assert html.select_one('[data-testid="lang-zh-hans"]')["aria-current"] == "true"
    # Anonymous visitors get the sign-up call to action and no dashboard panel.
    assert html.select_one(f'a[href="{reverse("account_signup")}"]')
    assert not html.select_one('[data-testid="welcome-panel"]')


def test_home_page_renders_in_english_once_translated(client, english_home):
    response = client.get("/en/")
    assert response.status_code == 200
    html = soup(response)
    assert html.html["lang"] == "en"
    assert "Find partners for cross-border trade" in html.select_one("h1").get_text()
    assert html.select_one('[data-testid="lang-en"]')["aria-current"] == "true"


def test_switcher_leads_to_the_translated_page(client, about_pages):
    chinese, english_page = about_pages
    assert chinese.url == "/about/"
    assert english_page.url == "/en/about-the-platform/"

    response = client.get("/about/")
    assert response.status_code == 200
    assert switch_language(client, response, "en") == "/en/about-the-platform/"

    response = client.get("/en/about-the-platform/")
    assert response.status_code == 200
    assert soup(response).html["lang"] == "en"
    assert switch_language(client, response, "zh-hans") == "/about/"


def test_switcher_on_home_and_on_pages_outside_wagtail(client, english_home):
    assert switch_language(client, client.get("/"), "en") == "/en/"
    assert switch_language(client, client.get("/en/"), "zh-hans") == "/"
    login = reverse("account_login")
    assert switch_language(client, client.get(login + "?next=/me/"), "en") == (
        "/en" + login + "?next=/me/"
    )
    assert switch_language(client, client.get("/en" + login), "zh-hans") == login


def test_switcher_without_translation_leads_to_the_nearest_translated_ancestor(
    client, home, about_pages
):
    chinese_about, _ = about_pages
    home.add_child(instance=StandardPage(title="仅中文", slug="chinese-only"))
    chinese_about.add_child(instance=StandardPage(title="仅中文子页", slug="chinese-only"))
    draft = StandardPage(title="英文草稿", slug="english-draft")
    chinese_about.add_child(instance=draft)
    english_draft = draft.copy_for_translation(about_pages[1].locale)
    assert not english_draft.live

    response = client.get("/chinese-only/")
    assert switch_language(client, response, "en") == "/en/"
    response = client.get("/about/chinese-only/")
    assert switch_language(client, response, "en") == "/en/about-the-platform/"
    assert client.get("/en/about-the-platform/").status_code == 200
    # A translation that is not live does not count.
    response = client.get("/about/english-draft/")
    assert switch_language(client, response, "en") == "/en/about-the-platform/"


def test_switcher_without_any_english_page_keeps_the_path(client, home, english):
    """With no English home page, Wagtail serves the Chinese tree under /en/ too."""
    home.add_child(instance=StandardPage(title="仅中文", slug="chinese-only"))
    response = client.get("/chinese-only/")
    assert switch_language(client, response, "en") == "/en/chinese-only/"
    assert client.get("/en/chinese-only/").status_code == 200


def test_switcher_keeps_the_query_string_on_the_translated_page(client, home, english_home):
    news = home.add_child(instance=NewsIndexPage(title="新闻动态", slug="news"))
    translate(news, english_home.locale, title="News")
    response = client.get("/news/?page=2")
    assert switch_language(client, response, "en") == "/en/news/?page=2"
    assert switch_language(client, response, "zh-hans") == "/news/?page=2"


def test_menu_lists_live_menu_pages_of_the_current_locale_only(client, about_pages, home):
    home.add_child(instance=StandardPage(title="隐藏页面", slug="hidden", show_in_menus=False))
    draft = StandardPage(title="草稿页面", slug="draft", show_in_menus=True, live=False)
    home.add_child(instance=draft)

    assert menu_titles(client.get("/")) == ["关于平台"]
    assert menu_titles(client.get("/en/")) == ["About the platform"]


def test_current_page_is_marked_in_menu_and_breadcrumbs(client, about_pages):
    response = client.get("/about/")
    html = soup(response)
    current = html.select_one('[data-testid="main-nav"] a[aria-current="page"]')
    assert current.get_text(strip=True) == "关于平台"
    crumbs = html.select_one('[data-testid="breadcrumbs"]')
    assert crumbs.select_one('[aria-current="page"]').get_text(strip=True) == "关于平台"


@pytest.fixture
def news_index(home) -> NewsIndexPage:
    return home.add_child(instance=NewsIndexPage(title="新闻动态", slug="news"))


def test_news_index_is_empty_state_without_news(client, news_index):
    response = client.get("/news/")
    assert response.status_code == 200
    html = soup(response)
    assert html.select_one('[data-testid="news-empty"]')
    assert not html.select_one('[data-testid="pagination"]')


def test_news_index_paginates_newest_first(client, news_index):
    first_day = datetime.date(2026, 1, 1)
    for number in range(NEWS_PER_PAGE + 2):
        news_index.add_child(
            instance=NewsPage(
                title=f"通知 {number:02d}",
                slug=f"notice-{number}",
                date=first_day + datetime.timedelta(days=number),
            )
        )

    first = soup(client.get("/news/"))
    titles = [a.get_text(strip=True) for a in first.select(".news-title a")]
    assert len(titles) == NEWS_PER_PAGE
    assert titles[0] == f"通知 {NEWS_PER_PAGE + 1:02d}"
    pagination = first.select_one('[data-testid="pagination"]')
    assert pagination.select_one('a[rel="next"]')["href"] == "?page=2"

    second = soup(client.get("/news/?page=2"))
    assert [a.get_text(strip=True) for a in second.select(".news-title a")] == [
        "通知 01",
        "通知 00",
    ]
    current = second.select_one('[data-testid="pagination"] [aria-current="page"]')
    assert current.get_text(strip=True).endswith("2")

    assert client.get("/news/?page=not-a-number").status_code == 200


def test_news_page_renders_with_breadcrumbs(client, news_index):
    news_index.add_child(
        instance=NewsPage(title="对接会举办", slug="session", date=datetime.date(2026, 11, 12))
    )
    response = client.get("/news/session/")
    assert response.status_code == 200
    html = soup(response)
    assert html.select_one("h1").get_text(strip=True) == "对接会举办"
    assert html.select_one("time")["datetime"] == "2026-11-12"
    assert [a.get_text(strip=True) for a in html.select('[data-testid="breadcrumbs"] a')][1] == (
        "新闻动态"
    )


def test_body_blocks_render(client, home):
    home.hero_cta_label = "立即注册"
    home.hero_cta_url = "/accounts/signup/"
    home.body = [
        ("heading", {"text": "平台介绍", "level": "h2"}),
        ("paragraph", "<p>北京市商务局主办。</p>"),
        (
            "feature_cards",
            {
                "heading": "服务",
                "cards": [
                    {"title": "外贸企业", "text": "发布产能", "url": "/news/", "link_text": "查看"}
                ],
            },
        ),
        ("statistics", {"heading": "概况", "items": [{"number": "43", "label": "入驻企业"}]}),
        ("quote", {"text": "效果很好。", "attribution": "某企业"}),
    ]
    publish(home)
    html = soup(client.get("/"))
    assert html.select_one('[data-testid="hero-cta"]')["href"] == "/accounts/signup/"
    assert html.select_one(".section-heading").get_text(strip=True) == "平台介绍"
    assert "北京市商务局主办。" in html.select_one(".rich-text").get_text()
    assert html.select_one(".feature-card .card-link")["href"] == "/news/"
    assert html.select_one(".stat-number").get_text(strip=True) == "43"
    assert html.select_one(".quote figcaption").get_text(strip=True) == "某企业"


def test_footer_shows_the_current_language(client, english_home):
    footer = FooterSettings.for_site(Site.objects.get(is_default_site=True))
    footer.address_zh = "北京市通州区运河东大街57号"
    footer.address_en = "57 Yunhe East Street, Tongzhou District, Beijing"
    footer.icp_number = "京ICP备00000000号"
    footer.save()

    chinese = soup(client.get("/")).select_one('[data-testid="site-footer"]').get_text()
    assert "北京市通州区运河东大街57号" in chinese
    assert "北京市商务局" in chinese
    assert "京ICP备00000000号" in chinese

    english = soup(client.get("/en/")).select_one('[data-testid="site-footer"]').get_text()
    assert "57 Yunhe East Street" in english
    assert "Beijing Municipal Commerce Bureau" in english
    assert "运河东大街" not in english


def test_not_found_page(client, home):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = soup(response)
    assert html.select_one('[data-testid="error-404"]')
    assert html.select_one('[data-testid="site-header"]')


def test_server_error_page_needs_no_context_processors_or_database(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = BeautifulSoup(response.content, "html.parser")
    assert html.html["lang"] == "zh-Hans"
    assert html.select_one('[data-testid="error-500"]')


def test_permission_denied_page_renders(rf, home):
    request = rf.get("/")
    request.user = AnonymousUser()
    html = render_to_string("403.html", request=request)
    assert 'data-testid="error-403"' in html
