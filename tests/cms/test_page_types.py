"""Each page type can be created in the Wagtail admin under the parents it allows."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from tests.factories.two_factor import sign_in_superuser


def listblock(items: list[dict]) -> dict:
    """ListBlock form data (wagtail.test.utils.form_data has no helper for it)."""
    data = {
        str(index): {"value": value, "deleted": "", "order": str(index), "id": ""}
        for index, value in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


BODY = streamfield(
    [
        ("heading", {"text": "平台介绍", "level": "h2"}),
        ("paragraph", rich_text("<p>北京市商务局主办的供需对接平台。</p>")),
        (
            "feature_cards",
            {
                "heading": "服务",
                "cards": listblock(
                    [
                        {
                            "title": "外贸企业",
                            "text": "发布产品与产能。",
                            "page": "",
                            "url": "/accounts/signup/",
                            "link_text": "注册",
                        }
                    ]
                ),
            },
        ),
        ("statistics", {"heading": "", "items": listblock([{"number": "43", "label": "企业"}])}),
        ("quote", {"text": "三个月内开设了两家店铺。", "attribution": "北京某家具公司"}),
    ]
)


class PageTypeTests(WagtailPageTestCase):
    def setUp(self):
        # Superusers must sign in with a second factor (accounts middleware), as in production.
        sign_in_superuser(self.client, "editor@example.com")
        self.home = HomePage.objects.get(depth=2, locale__language_code="zh-hans")

    def test_parent_and_subpage_rules(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedSubpageTypes(NewsPage, set())
        self.assertCanNotCreateAt(HomePage, NewsPage)
        self.assertCanNotCreateAt(StandardPage, HomePage)

    def test_home_page_under_root(self):
        root = Page.get_first_root_node()
        self.assertCanCreate(
            root,
            HomePage,
            nested_form_data(
                {
                    "title": "第二站点首页",
                    "slug": "second-home",
                    "hero_title": "欢迎",
                    "hero_text": "说明",
                    "hero_cta_label": "注册",
                    "hero_cta_url": "/accounts/signup/",
                    "intro": "简介",
                    "body": BODY,
                }
            ),
        )

    def test_standard_page_under_home_and_under_standard_page(self):
        data = nested_form_data(
            {"title": "关于平台", "slug": "about", "intro": "简介", "body": BODY}
        )
        self.assertCanCreate(self.home, StandardPage, data)
        about = StandardPage.objects.get(slug="about")
        self.assertEqual([block.block_type for block in about.body][:2], ["heading", "paragraph"])
        self.assertCanCreate(
            about,
            StandardPage,
            nested_form_data({"title": "隐私政策", "slug": "privacy", "body": streamfield([])}),
        )

    def test_news_index_and_news_page(self):
        self.assertCanCreate(
            self.home,
            NewsIndexPage,
            nested_form_data({"title": "新闻动态", "slug": "news", "intro": "平台动态"}),
        )
        index = NewsIndexPage.objects.get(slug="news")
        self.assertCanCreate(
            index,
            NewsPage,
            nested_form_data(
                {
                    "title": "对接会成功举办",
                    "slug": "session",
                    "date": "2026-11-12",
                    "intro": "32家企业参加。",
                    "body": BODY,
                }
            ),
        )

    def test_home_page_rejects_two_call_to_action_targets(self):
        about = self.home.add_child(instance=StandardPage(title="关于", slug="about"))
        response = self.client.post(
            f"/admin/pages/{self.home.pk}/edit/",
            nested_form_data(
                {
                    "title": self.home.title,
                    "slug": self.home.slug,
                    "hero_cta_label": "注册",
                    "hero_cta_page": about.pk,
                    "hero_cta_url": "/accounts/signup/",
                    "body": streamfield([]),
                }
            ),
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("hero_cta_url", response.context["form"].errors)
