"""Demo site content in Chinese and English: the home page, about, help, news, footer.

Each Chinese page is created once (found again by slug); its English version is a Wagtail
translation of it (same slug, English locale). Running the loader again leaves existing pages
alone, so that what editors changed in the admin survives a second `dev.py run`.
"""

import datetime
import json

from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.models import FooterSettings, HomePage, NewsIndexPage, NewsPage, StandardPage


def heading(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def cards(title: str, items: list[tuple[str, str, str, str]]) -> dict:
    return {
        "type": "feature_cards",
        "value": {
            "heading": title,
            "cards": [
                {"title": t, "text": text, "page": None, "url": url, "link_text": link}
                for t, text, url, link in items
            ],
        },
    }


def statistics(title: str, items: list[tuple[str, str]]) -> dict:
    return {
        "type": "statistics",
        "value": {
            "heading": title,
            "items": [{"number": number, "label": label} for number, label in items],
        },
    }


def quote(text: str, attribution: str) -> dict:
    return {"type": "quote", "value": {"text": text, "attribution": attribution}}


HOME = {
    "zh-hans": {
        "title": "北京跨境电商供需对接平台",
        "hero_title": "让北京好产品通过跨境电商走向世界",
        "hero_text": "传统外贸企业、跨境电商平台与海外仓、物流、合规服务商在这里相互发现、"
        "精准对接、预约洽谈，并报名参加市商务局组织的对接会、展会和合规培训。",
        "hero_cta_label": "注册企业账号",
        "hero_cta_url": "/accounts/signup/",
        "intro": "北京市商务局主办，服务本市外贸企业和跨境电商企业的公益性供需对接平台。",
        "body": [
            cards(
                "平台能为您做什么",
                [
                    (
                        "外贸企业",
                        "发布产品与产能，找到适合的跨境电商平台、海外仓和物流伙伴。",
                        "/accounts/signup/",
                        "注册企业",
                    ),
                    (
                        "跨境电商平台",
                        "发布招商需求和入驻政策，发现优质的北京制造与品牌企业。",
                        "/accounts/signup/",
                        "发布招商",
                    ),
                    (
                        "服务商",
                        "展示海外仓、物流专线、合规与支付服务覆盖范围，被需要的企业找到。",
                        "/accounts/signup/",
                        "展示服务",
                    ),
                    (
                        "活动与培训",
                        "报名资源对接会、企业交流会、服贸会与电商大会参展，以及海外市场合规培训。",
                        "/news/",
                        "查看动态",
                    ),
                ],
            ),
            statistics(
                "平台概况",
                [
                    ("43", "入驻企业"),
                    ("10", "跨境电商平台"),
                    ("13", "覆盖贸易区域"),
                    ("97", "HS 商品章"),
                ],
            ),
            heading("如何开始"),
            paragraph(
                "<ol><li>注册账号并验证电子邮箱；</li><li>登记企业信息（统一社会信用代码），"
                "等待市商务局审核；</li><li>完善企业能力档案，查看推荐伙伴并预约洽谈。</li></ol>"
            ),
            quote(
                "通过平台对接会，我们三个月内在两个欧洲平台开设了店铺，并找到了德国海外仓。",
                "北京京南实木家具有限公司",
            ),
        ],
    },
    "en": {
        "title": "Beijing Cross-border E-commerce Matchmaking Platform",
        "hero_title": "Taking Beijing's products to the world through cross-border e-commerce",
        "hero_text": "Traditional exporters, cross-border e-commerce platforms and overseas "
        "warehouse, logistics and compliance providers find each other here, meet, and sign up "
        "for the matchmaking sessions, expos and compliance trainings of the commerce bureau.",
        "hero_cta_label": "Register your company",
        "hero_cta_url": "/en/accounts/signup/",
        "intro": "A public matchmaking service of the Beijing Municipal Commerce Bureau for the "
        "city's exporters and cross-border e-commerce companies.",
        "body": [
            cards(
                "What the platform does for you",
                [
                    (
                        "Exporters",
                        "Show your products and capacity; find the right platforms, "
                        "overseas warehouses and logistics partners.",
                        "/en/accounts/signup/",
                        "Register",
                    ),
                    (
                        "E-commerce platforms",
                        "Publish what you recruit and your merchant terms; "
                        "discover Beijing manufacturers and brands.",
                        "/en/accounts/signup/",
                        "Recruit merchants",
                    ),
                    (
                        "Service providers",
                        "Show your warehouses, freight lanes, compliance and "
                        "payment coverage, and be found by companies that need them.",
                        "/en/accounts/signup/",
                        "Show your services",
                    ),
                    (
                        "Events and training",
                        "Register for matchmaking sessions, CIFTIS and China "
                        "E-commerce Conference delegations, and overseas compliance trainings.",
                        "/en/news/",
                        "Latest news",
                    ),
                ],
            ),
            statistics(
                "The platform in figures",
                [
                    ("43", "companies"),
                    ("10", "e-commerce platforms"),
                    ("13", "trade regions"),
                    ("97", "HS chapters"),
                ],
            ),
            heading("How to start"),
            paragraph(
                "<ol><li>Sign up and verify your e-mail address.</li><li>Register your company "
                "with its unified social credit code; the bureau verifies it.</li><li>Complete "
                "your capability profile, review suggested partners and request meetings.</li>"
                "</ol>"
            ),
            quote(
                "Through a matchmaking session we opened stores on two European marketplaces "
                "within three months and found a warehouse in Germany.",
                "Beijing Jingnan Solid Wood Furniture Co., Ltd.",
            ),
        ],
    },
}

STANDARD_PAGES = [
    {
        "slug": "about",
        "show_in_menus": True,
        "zh-hans": {
            "title": "关于平台",
            "intro": "落实北京市促进跨境电子商务发展的若干措施，"
            "搭建跨境电商平台与传统外贸企业的供需对接平台。",
            "body": [
                paragraph(
                    "<p>平台由北京市商务局主办，面向本市传统外贸企业、跨境电商平台企业和跨境服务商，"
                    "提供企业能力展示、智能匹配推荐、洽谈预约与在线沟通服务，并组织资源对接会、"
                    "企业交流会、重点展会参展和海外市场合规培训。</p>"
                ),
                heading("企业审核"),
                paragraph(
                    "<p>企业登记时须填写统一社会信用代码，由市商务局核对营业执照信息后完成认证。"
                    "只有通过认证的企业才会出现在推荐结果中。</p>"
                ),
            ],
        },
        "en": {
            "title": "About the platform",
            "intro": "Part of Beijing's measures to develop cross-border e-commerce: a matchmaking "
            "platform between e-commerce platforms and traditional exporters.",
            "body": [
                paragraph(
                    "<p>Run by the Beijing Municipal Commerce Bureau for the city's exporters, "
                    "cross-border e-commerce platforms and service providers: company profiles, "
                    "explained partner suggestions, meeting requests and chat, plus matchmaking "
                    "sessions, exchange meetings, expo delegations and compliance trainings.</p>"
                ),
                heading("Verification"),
                paragraph(
                    "<p>Companies register with their unified social credit code; the bureau "
                    "checks it against the business licence. Only verified companies are "
                    "suggested to others.</p>"
                ),
            ],
        },
    },
    {
        "slug": "help",
        "show_in_menus": True,
        "zh-hans": {
            "title": "使用指南",
            "intro": "注册、登记企业、邀请同事和设置两步验证的说明。",
            "body": [
                heading("邀请同事"),
                paragraph(
                    "<p>企业的所有者和管理员可以在企业页面输入同事的电子邮箱发送邀请。"
                    "同事使用该邮箱注册或登录后即可接受邀请。每个企业至少保留一名所有者。</p>"
                ),
                heading("两步验证"),
                paragraph(
                    "<p>所有用户都可以在“我的账户”中启用身份验证器应用（TOTP）。"
                    "市商务局工作人员必须启用。</p>"
                ),
            ],
        },
        "en": {
            "title": "Help",
            "intro": "Signing up, registering a company, inviting colleagues and two-factor "
            "authentication.",
            "body": [
                heading("Inviting colleagues"),
                paragraph(
                    "<p>Owners and administrators invite colleagues by e-mail from the "
                    "organization page; the colleague signs up or signs in with that address to "
                    "accept. Every organization keeps at least one owner.</p>"
                ),
                heading("Two-factor authentication"),
                paragraph(
                    "<p>Every user can turn on an authenticator app (TOTP) under My account. "
                    "Bureau staff must.</p>"
                ),
            ],
        },
    },
]

NEWS_INDEX = {
    "slug": "news",
    "zh-hans": {"title": "新闻动态", "intro": "平台活动、政策解读与对接成果。"},
    "en": {"title": "News", "intro": "Platform events, policy notes and matchmaking results."},
}

NEWS = [
    {
        "slug": "eu-home-goods-matchmaking-2026",
        "date": datetime.date(2026, 11, 12),
        "zh-hans": {
            "title": "家居用品出海欧洲资源对接会成功举办",
            "intro": "32家北京家居企业与6家跨境电商平台、4家海外仓服务商现场洽谈。",
            "body": [
                paragraph(
                    "<p>市商务局在通州举办家居用品出海欧洲专场对接会，平台方介绍了德国、法国、"
                    "波兰市场的招商政策，海外仓企业介绍了欧盟产品安全与包装法规要求。"
                    "现场达成合作意向47项。</p>"
                )
            ],
        },
        "en": {
            "title": "Home goods to Europe: matchmaking session held",
            "intro": "32 Beijing home goods makers met 6 e-commerce platforms and 4 overseas "
            "warehouse providers.",
            "body": [
                paragraph(
                    "<p>At the bureau's session in Tongzhou, platforms presented their merchant "
                    "terms for Germany, France and Poland, and warehouse providers explained EU "
                    "product safety and packaging rules. 47 letters of intent were signed.</p>"
                )
            ],
        },
    },
    {
        "slug": "ciftis-2027-call",
        "date": datetime.date(2026, 11, 20),
        "zh-hans": {
            "title": "2027年服贸会跨境电商专区参展企业征集",
            "intro": "面向本市跨境电商及外贸企业征集服贸会展位，欢迎报名。",
            "body": [
                paragraph(
                    "<p>中国国际服务贸易交易会（服贸会）将设立跨境电商专区。"
                    "符合条件的企业可在平台报名，市商务局将择优组织参展。</p>"
                )
            ],
        },
        "en": {
            "title": "CIFTIS 2027: call for exhibitors in the cross-border e-commerce area",
            "intro": "Beijing's cross-border e-commerce companies and exporters are invited to "
            "apply for booths.",
            "body": [
                paragraph(
                    "<p>The China International Fair for Trade in Services will host a "
                    "cross-border e-commerce area. Eligible companies apply on the platform; the "
                    "bureau selects the delegation.</p>"
                )
            ],
        },
    },
    {
        "slug": "eu-gpsr-training",
        "date": datetime.date(2026, 11, 25),
        "zh-hans": {
            "title": "欧盟通用产品安全法规（GPSR）合规培训通知",
            "intro": "讲解欧盟GPSR、EPR与增值税申报要求，面向拟进入欧盟市场的企业。",
            "body": [
                paragraph(
                    "<p>培训将邀请合规服务机构讲解欧盟负责人制度、产品标签要求、"
                    "生产者延伸责任（EPR）注册和增值税一站式申报（IOSS/OSS）。</p>"
                )
            ],
        },
        "en": {
            "title": "Training: the EU General Product Safety Regulation (GPSR)",
            "intro": "EU GPSR, EPR and VAT filing requirements for companies entering the EU.",
            "body": [
                paragraph(
                    "<p>Compliance specialists explain the EU responsible person, labelling, "
                    "extended producer responsibility (EPR) registration and the IOSS/OSS VAT "
                    "one-stop shops.</p>"
                )
            ],
        },
    },
]

FOOTER = {
    "address_zh": "北京市通州区运河东大街57号",
    "address_en": "57 Yunhe East Street, Tongzhou District, Beijing",
    "phone": "010-55579000",
    "hotline": "12345",
    "email": "service@matchmaking.example.cn",
    "icp_number": "京ICP备00000000号",
}


def _apply(page: Page, content: dict) -> None:
    for field, value in content.items():
        setattr(page, field, json.dumps(value) if field == "body" else value)


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _translation(page: Page, locale: Locale, content: dict) -> Page:
    """The page's translation into `locale`, created with `content` on first use."""
    translated = page.get_translation_or_none(locale)
    if translated is None:
        translated = page.copy_for_translation(locale).specific
        _apply(translated, content)
        _publish(translated)
    return translated


def _child(parent: Page, model: type[Page], slug: str, content: dict, **fields) -> Page:
    """The child page with this slug, created with `content` and `fields` on first use."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, locale=parent.locale, **fields)
        _apply(page, content)
        parent.add_child(instance=page)
        _publish(page)
    return page


@transaction.atomic
def load_pages() -> None:
    english, _ = Locale.objects.get_or_create(language_code="en")
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    if not isinstance(home, HomePage):
        raise RuntimeError("The default site's root page is not a HomePage: run migrations first.")
    # The page the migration created has no revisions; once an editor saved one, even with an
    # empty hero title, the home page is theirs.
    if not home.revisions.exists():
        _apply(home, HOME["zh-hans"])
        _publish(home)
    _translation(home, english, HOME["en"])

    for spec in STANDARD_PAGES:
        page = _child(
            home, StandardPage, spec["slug"], spec["zh-hans"], show_in_menus=spec["show_in_menus"]
        )
        _translation(page, english, spec["en"])

    news_index = _child(
        home, NewsIndexPage, NEWS_INDEX["slug"], NEWS_INDEX["zh-hans"], show_in_menus=True
    )
    _translation(news_index, english, NEWS_INDEX["en"])
    for spec in NEWS:
        page = _child(news_index, NewsPage, spec["slug"], spec["zh-hans"], date=spec["date"])
        _translation(page, english, spec["en"])

    footer = FooterSettings.for_site(site)
    if not footer.address_zh:
        for field, value in FOOTER.items():
            setattr(footer, field, value)
        footer.save()
