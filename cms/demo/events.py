"""Demo events in Chinese and English: resource-docking and exchange meetings, an online
session in Berlin time, CIFTIS and China E-commerce Conference calls, compliance trainings;
past and upcoming, with registrations from the demo companies.

The event index is created once under the Chinese home (found again by type) with an English
translation; each event is created once (found again by slug) with its registrations, so a
second `load_demo` adds nothing. Dates are set relative to the day of the first load.

Registrations go through events.services.registrations, as on the site, so places, waitlists
and reviews are what the services make of them. The services refuse registrations once
registration has closed, so a past event is first published with its registration open,
registered for, then moved to its real dates by publishing a
second revision, as staff would after postponing it: its revision history shows both.
"""

import datetime
import io
import json
import uuid
import zoneinfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.models import Locale, Page, Site

from accounts.models import MembershipRole, Organization, User
from cms.demo.accounts import ROLE_LOGINS
from events.models import (
    EventIndexPage,
    EventPage,
    EventPlaces,
    Expo,
    ExpoCallPage,
    MatchmakingSessionPage,
    PlaceType,
    ResponsibleUnit,
    SessionFormat,
    TrainingPage,
)
from events.services.registrations import (
    DocumentUpload,
    registration_approve,
    registration_cancel,
    registration_create,
    registration_decline,
)
from taxonomy.models import Country, HSChapter, Region

BEIJING = zoneinfo.ZoneInfo(settings.TIME_ZONE)

INDEX = {
    "slug": "events",
    "title": "活动与培训",
    "title_en": "Events",
    "intro_zh": "市商务局组织的跨境电商资源对接会、企业交流会、重点展会参展征集和海外市场合规培训。"
    "登录并以企业身份报名，报名结果、电子票和日历提醒会发送到您的邮箱。",
    "intro_en": "The commerce bureau's resource-docking and exchange meetings, calls to exhibit "
    "at major expos, and compliance trainings on overseas markets. Sign in and register your "
    "company; the result, your ticket and a calendar entry come by e-mail.",
}

# The CIFTIS call's questions, with fixed ids so that the demo's answers can refer to them.
CIFTIS_PRODUCTS_Q = "5b0c3a52-9a8e-4f7e-8a53-0c3e6f1d2a01"
CIFTIS_BOOTH_Q = "5b0c3a52-9a8e-4f7e-8a53-0c3e6f1d2a02"
CIFTIS_BROCHURE_Q = "5b0c3a52-9a8e-4f7e-8a53-0c3e6f1d2a03"
BOOTHS_ZH = ["标准展位（9平方米）", "双开口展位（18平方米）", "共享展台（半天路演）"]
BOOTHS_EN = ["Standard booth (9 m²)", "Corner booth (18 m²)", "Shared stand (half-day pitch)"]

CIFTIS_QUESTIONS = [
    {
        "type": "text",
        "id": CIFTIS_PRODUCTS_Q,
        "value": {
            "label_zh": "拟参展产品",
            "label_en": "Products to exhibit",
            "help_zh": "列出产品名称、HS编码及主要出口市场。",
            "help_en": "Product names, HS codes and main export markets.",
            "required": True,
            "long": True,
        },
    },
    {
        "type": "choice",
        "id": CIFTIS_BOOTH_Q,
        "value": {
            "label_zh": "展位需求",
            "label_en": "Booth needed",
            "help_zh": "",
            "help_en": "",
            "required": True,
            "choices_zh": "\n".join(BOOTHS_ZH),
            "choices_en": "\n".join(BOOTHS_EN),
            "multiple": False,
        },
    },
    {
        "type": "document",
        "id": CIFTIS_BROCHURE_Q,
        "value": {
            "label_zh": "企业宣传册",
            "label_en": "Company brochure",
            "help_zh": "PDF格式，不超过10MB。",
            "help_en": "PDF, at most 10 MB.",
            "required": False,
            "file_types": ["pdf"],
            "max_megabytes": 10,
        },
    },
]


def paragraphs(*texts: str) -> str:
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"} for text in texts])


def agenda(*items: tuple[str, str, str, str, str]) -> str:
    return json.dumps(
        [
            {
                "type": "item",
                "value": {
                    "starts": starts,
                    "ends": ends,
                    "title_zh": title_zh,
                    "title_en": title_en,
                    "speaker": speaker,
                },
            }
            for starts, ends, title_zh, title_en, speaker in items
        ]
    )


def speakers(*people: tuple[str, str, str, str]) -> str:
    return json.dumps(
        [
            {
                "type": "speaker",
                "value": {
                    "name_zh": name_zh,
                    "name_en": name_en,
                    "affiliation_zh": affiliation_zh,
                    "affiliation_en": affiliation_en,
                },
            }
            for name_zh, name_en, affiliation_zh, affiliation_en in people
        ]
    )


# Per event: the page class and fields; when (days from the first load, Beijing start time,
# hours); places per organization kind; organizers, HS chapters and markets by code; and the
# registrations: (organization slug, what staff or the company do once all have registered) in
# order of registering. A past event has negative days. Outcomes: "" (as the services decided:
# confirmed, waitlisted or pending review), "approve", "decline:<reason>", "cancel".
EVENTS = [
    {
        "class": MatchmakingSessionPage,
        "slug": "home-goods-to-europe-docking",
        "title": "跨境电商平台与传统外贸企业资源对接会——家居用品出海欧洲专场",
        "title_en": "Platforms meet exporters: home goods to Europe",
        "summary_zh": "欧洲主流电商平台招商经理、德国与波兰海外仓现场对接"
        "北京家具、家居和厨具企业。",
        "summary_en": "Merchant managers of European marketplaces and warehouse providers in "
        "Germany and Poland meet Beijing furniture, home goods and kitchenware makers.",
        "session_format": SessionFormat.RESOURCE_DOCKING,
        "venue_zh": "北京城市副中心通州区运河商务区会议中心三层多功能厅",
        "venue_en": "Canal Business District Conference Centre, 3rd floor, Tongzhou",
        "when": (12, "13:30", 4),
        "places": {"exporter": 30, "platform": 8, "service_provider": 6},
        "organizers": ["北京市商务局", "区商务局"],
        "hs": ["94", "44", "73"],
        "countries": ["DE", "FR", "PL"],
        "regions": ["EU"],
        "agenda": agenda(
            ("13:30", "14:00", "签到与企业展示", "Registration and company displays", ""),
            ("14:00", "14:40", "欧洲平台招商政策介绍", "European marketplaces: terms", "平台代表"),
            ("14:40", "15:20", "欧盟家具类产品合规要点", "EU rules for furniture", "合规顾问"),
            ("15:30", "17:30", "一对一洽谈", "One-to-one meetings", ""),
        ),
        "body_zh": paragraphs(
            "对接会按预约进行一对一洽谈。报名后请在平台完善企业能力档案，"
            "市商务局将根据档案为每家企业推荐3至5家洽谈对象。"
        ),
        "body_en": paragraphs(
            "Meetings are booked one to one. After registering, complete your capability "
            "profile: the bureau suggests three to five partners to each company from it."
        ),
        "registrations": [
            ("jingnan-furniture", ""),
            ("canal-home", ""),
            ("tz-kitchen", ""),
            ("globalpick", ""),
            ("eurocart", ""),
            ("eurodepot", ""),
            ("pl-fulfilment", ""),
        ],
    },
    {
        "class": MatchmakingSessionPage,
        "slug": "north-america-dtc-closed-door",
        "title": "北美独立站品牌出海闭门对接会",
        "title_en": "Closed-door session: DTC brands for North America",
        "summary_zh": "小范围闭门交流，北美独立站服务平台与3家外贸企业深度对接品牌建站、"
        "海外营销与美国仓配。",
        "summary_en": "A small closed-door session: a North American DTC storefront platform "
        "works through brand sites, marketing and US fulfilment with three exporters.",
        "session_format": SessionFormat.RESOURCE_DOCKING,
        "venue_zh": "海淀区中关村软件园国际会议中心203会议室",
        "venue_en": "Room 203, Zhongguancun Software Park Conference Centre, Haidian",
        "when": (6, "14:00", 3),
        "places": {"exporter": 3, "platform": 1},
        "organizers": ["北京市商务局"],
        "hs": ["85", "95"],
        "countries": ["US", "CA"],
        "regions": [],
        "body_zh": paragraphs("名额有限，额满后进入候补名单，如有企业取消将按报名先后递补。"),
        "body_en": paragraphs(
            "Places are few: once they are taken you join the waitlist, and a place freed by "
            "a cancellation goes to the first company on it."
        ),
        # Three exporters confirmed, then three waitlisted; one cancels and the first on the
        # waitlist takes its place.
        "registrations": [
            ("northstar-dtc", ""),
            ("zgc-hardware", ""),
            ("cp-outdoor", "cancel"),
            ("ft-lighting", ""),
            ("happy-pet", ""),
            ("zhifei-drones", ""),
            ("etown-robotics", ""),
        ],
    },
    {
        "class": MatchmakingSessionPage,
        "slug": "middle-east-exchange",
        "title": "北京跨境电商企业交流会——中东市场",
        "title_en": "Cross-border e-commerce exchange meeting: the Middle East",
        "summary_zh": "已在中东市场经营的企业分享平台运营、清关与本地支付经验。",
        "summary_en": "Companies already selling in the Middle East share what they learned "
        "about marketplaces, customs clearance and local payment.",
        "session_format": SessionFormat.ENTERPRISE_EXCHANGE,
        "venue_zh": "朝阳区国贸大厦B座18层商务局培训室",
        "venue_en": "Training room, 18th floor, China World Tower B, Chaoyang",
        "when": (20, "09:30", 3),
        "places": {"exporter": 40, "platform": 5, "service_provider": 8},
        "organizers": ["北京市商务局", "北京市贸促会"],
        "hs": [],
        "countries": ["AE", "SA"],
        "regions": ["GCC"],
        "body_zh": paragraphs("交流会不设主讲，欢迎带着问题来。"),
        "body_en": paragraphs("No lectures: bring your questions."),
        "registrations": [
            ("desertship", ""),
            ("dubai-wh", ""),
            ("cloisonne-crafts", ""),
            ("guochao-beauty", ""),
        ],
    },
    {
        "class": MatchmakingSessionPage,
        "slug": "german-warehouse-online",
        "title": "德国海外仓线上说明会：从备货到尾程配送",
        "title_en": "Online: German overseas warehousing, from stock to last mile",
        "summary_zh": "德国杜伊斯堡海外仓运营团队在线讲解入仓、退货与尾程配送，并现场答疑。",
        "summary_en": "The operations team of a warehouse in Duisburg explains inbound stock, "
        "returns and last-mile delivery, and answers questions live.",
        "session_format": SessionFormat.ENTERPRISE_EXCHANGE,
        "time_zone": "Europe/Berlin",
        "venue_zh": "线上会议",
        "venue_en": "Online",
        "online_url": "https://meeting.example.cn/j/de-warehouse",
        "when": (9, "16:00", 2),
        "places": {"exporter": 100, "platform": 20},
        "organizers": ["北京市商务局"],
        "hs": [],
        "countries": ["DE"],
        "regions": [],
        "body_zh": paragraphs(
            "说明会在德国当地时间上午举行（北京时间下午）。会议链接在报名确认后显示在电子票页面。"
        ),
        "body_en": paragraphs(
            "The session is in the morning in Germany (afternoon in Beijing). The meeting link "
            "is on your ticket once the registration is confirmed."
        ),
        "registrations": [
            ("jingnan-furniture", ""),
            ("canal-home", ""),
            ("cp-outdoor", ""),
            ("eurocart", ""),
        ],
    },
    {
        "class": ExpoCallPage,
        "slug": "ciftis-cross-border-area-call",
        "title": "服贸会跨境电商专区北京展团参展企业征集",
        "title_en": "CIFTIS cross-border e-commerce area: call for Beijing exhibitors",
        "summary_zh": "中国国际服务贸易交易会设跨境电商专区，市商务局组织北京展团，"
        "择优遴选参展企业并给予展位费支持。",
        "summary_en": "CIFTIS hosts a cross-border e-commerce area. The bureau selects the "
        "Beijing delegation and supports booth fees.",
        "expo": Expo.CIFTIS,
        "place_type": PlaceType.BOOTH,
        "venue_zh": "首钢园服贸会展区",
        "venue_en": "CIFTIS exhibition area, Shougang Park",
        "when": (60, "09:00", 8),
        "registration_days_before": 30,
        "places": {"exporter": 12, "platform": 4, "service_provider": 4},
        "organizers": ["北京市商务局", "北京市贸促会"],
        "hs": [],
        "countries": [],
        "regions": [],
        "questions": CIFTIS_QUESTIONS,
        "body_zh": paragraphs(
            "申报企业须为本市注册的跨境电商平台、外贸企业或服务商。"
            "市商务局将根据产品特色、跨境电商业绩与品牌建设情况评审，结果通过平台通知。"
        ),
        "body_en": paragraphs(
            "Applicants must be registered in Beijing. The bureau reviews products, "
            "cross-border sales and brand building, and announces its decisions here."
        ),
        "registrations": [
            ("cloisonne-crafts", "approve"),
            ("globalpick", "approve"),
            (
                "yq-winter",
                "decline:本届专区以数字贸易与跨境电商服务为主，建议报名下一期消费品专场。",
            ),
            ("jingnan-furniture", ""),
            ("etown-robotics", ""),
            ("jingxi-tea", ""),
            ("sg-creative", ""),
            ("compliancepass", ""),
        ],
    },
    {
        "class": ExpoCallPage,
        "slug": "china-ecommerce-conference-call",
        "title": "中国电子商务大会北京代表团参会企业征集",
        "title_en": "China E-commerce Conference: join the Beijing delegation",
        "summary_zh": "组织本市跨境电商企业参加中国电子商务大会，参与平台对接与主题论坛。",
        "summary_en": "Beijing's cross-border e-commerce companies attend the China E-commerce "
        "Conference together: platform meetings and forums.",
        "expo": Expo.CHINA_ECOMMERCE_CONFERENCE,
        "place_type": PlaceType.DELEGATION,
        "venue_zh": "中国电子商务大会主会场",
        "venue_en": "China E-commerce Conference main venue",
        "when": (120, "09:00", 8),
        "registration_days_before": 45,
        "places": {"exporter": 20, "platform": 6, "service_provider": 6},
        "organizers": ["北京市商务局"],
        "hs": [],
        "countries": [],
        "regions": [],
        "body_zh": paragraphs("代表团统一安排交通与会场证件。"),
        "body_en": paragraphs("Travel and badges are arranged for the whole delegation."),
        "registrations": [("yz-medical", ""), ("nanyang-ebuy", ""), ("airport-express", "")],
    },
    {
        "class": TrainingPage,
        "slug": "eu-product-safety-vat-training",
        "title": "欧盟产品安全与增值税合规培训（GPSR、EPR、IOSS/OSS）",
        "title_en": "EU product safety and VAT compliance (GPSR, EPR, IOSS/OSS)",
        "summary_zh": "面向拟进入或已进入欧盟市场的企业，讲解欧盟通用产品安全法规、"
        "生产者延伸责任和增值税一站式申报。",
        "summary_en": "For companies selling or about to sell in the EU: the General Product "
        "Safety Regulation, extended producer responsibility and the VAT one-stop shops.",
        "topics_zh": "欧盟通用产品安全法规（GPSR）与欧盟负责人\n包装与电子电器EPR注册\n"
        "增值税IOSS/OSS申报实务",
        "topics_en": "The GPSR and the EU responsible person\nEPR registration for packaging and "
        "electronics\nFiling VAT through IOSS and OSS",
        "speakers": speakers(
            (
                "周敏",
                "Zhou Min",
                "北京合规通跨境合规咨询有限公司 合伙人",
                "Partner, CompliancePass",
            ),
            ("国家税务总局北京市税务局", "Beijing Tax Service", "国际税收处", "International tax"),
        ),
        "venue_zh": "西城区市商务局报告厅",
        "venue_en": "Commerce bureau auditorium, Xicheng",
        "when": (15, "14:00", 3),
        "places": {"exporter": 80, "platform": 10, "service_provider": 10},
        "organizers": ["北京市商务局", "国家税务总局北京市税务局", "北京市市场监督管理局"],
        "hs": [],
        "countries": [],
        "regions": ["EU"],
        "registrations": [("guochao-beauty", ""), ("happy-pet", ""), ("compliancepass", "")],
    },
    {
        "class": TrainingPage,
        "slug": "us-customs-fda-training",
        "title": "美国海关与FDA合规培训",
        "title_en": "US customs and FDA compliance",
        "summary_zh": "美国海关申报、原产地规则与FDA食品、化妆品和医疗器械注册要求。",
        "summary_en": "US customs entries and rules of origin, and FDA registration for food, "
        "cosmetics and medical devices.",
        "topics_zh": "美国海关申报与最低限额规则变化\n原产地与关税分类\nFDA企业注册与产品列名",
        "topics_en": "US entries and the de minimis changes\nOrigin and tariff classification\n"
        "FDA facility registration and product listing",
        "speakers": speakers(
            ("北京海关", "Beijing Customs", "综合业务处", "General affairs"),
            ("陈立", "Chen Li", "美国注册报关行顾问", "Adviser, US licensed customs broker"),
        ),
        "venue_zh": "北京海关培训中心",
        "venue_en": "Beijing Customs training centre",
        "when": (30, "09:30", 3),
        "places": {"exporter": 60, "service_provider": 10},
        "organizers": ["北京市商务局", "北京海关"],
        "hs": [],
        "countries": ["US"],
        "regions": [],
        "registrations": [("yz-medical", ""), ("miyun-honey", ""), ("uswest-wh", "")],
    },
    {
        "class": TrainingPage,
        "slug": "japan-asean-labelling-training",
        "title": "日本与东盟市场准入及标签合规培训",
        "title_en": "Japan and ASEAN: market access and labelling",
        "summary_zh": "日本PSE、食品标签与东盟主要国家进口许可要点，附课件下载。",
        "summary_en": "Japan's PSE marks and food labels, and import licences in the main "
        "ASEAN countries; the slides can be downloaded.",
        "topics_zh": "日本电气用品安全法（PSE）\n日本食品标示法\n东盟主要国家进口许可与清真认证",
        "topics_en": "Japan's Electrical Appliance and Material Safety Act (PSE)\nJapanese food "
        "labelling\nImport licences and halal certification in ASEAN",
        "speakers": speakers(
            ("佐藤健", "Ken Sato", "日本认证机构 顾问", "Adviser, certification body")
        ),
        "venue_zh": "线上直播",
        "venue_en": "Online",
        "online_url": "https://meeting.example.cn/j/japan-asean",
        "when": (-25, "10:00", 2),
        "places": {"exporter": 100, "platform": 20, "service_provider": 20},
        "organizers": ["北京市商务局"],
        "hs": [],
        "countries": ["JP"],
        "regions": ["ASEAN"],
        "materials": [("日本与东盟标签合规课件", "Japan and ASEAN labelling: slides")],
        "registrations": [
            ("jingxi-tea", ""),
            ("huairou-chestnut", ""),
            ("zgc-hardware", ""),
            ("guochao-beauty", "cancel"),
            ("nanyang-ebuy", ""),
        ],
    },
    {
        "class": MatchmakingSessionPage,
        "slug": "food-agriculture-docking",
        "title": "跨境电商平台与传统外贸企业资源对接会——食品与农产品专场",
        "title_en": "Platforms meet exporters: food and farm products",
        "summary_zh": "平谷大桃、密云蜂蜜、怀柔板栗等北京特色农产品与跨境电商平台对接。",
        "summary_en": "Pinggu peaches, Miyun honey, Huairou chestnuts and other Beijing farm "
        "products meet cross-border marketplaces.",
        "session_format": SessionFormat.RESOURCE_DOCKING,
        "venue_zh": "平谷区农业科技园区会议中心",
        "venue_en": "Agricultural Science Park Conference Centre, Pinggu",
        "when": (-40, "09:30", 5),
        "places": {"exporter": 25, "platform": 6},
        "organizers": ["北京市商务局", "区商务局"],
        "hs": ["04", "08", "20"],
        "countries": [],
        "regions": ["ASEAN", "GCC"],
        "registrations": [
            ("pinggu-foods", ""),
            ("miyun-honey", ""),
            ("huairou-chestnut", ""),
            ("nanyang-ebuy", ""),
            ("desertship", ""),
        ],
    },
]


def _at(days: int, clock: str) -> datetime.datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    day = timezone.localdate(timezone=BEIJING) + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BEIJING)


def _dates(spec: dict, days: int) -> dict:
    _days, clock, hours = spec["when"]
    starts = _at(days, clock)
    return {
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=hours),
        "registration_opens_at": None,
        "registration_closes_at": starts
        - datetime.timedelta(days=spec.get("registration_days_before", 1)),
    }


def _pdf(*lines: str) -> bytes:
    """A one-page PDF with a few lines of (ASCII) text."""
    image = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=22)
    for number, line in enumerate(lines):
        draw.text((60, 80 + 40 * number), line, fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PDF")
    return buffer.getvalue()


def _document(title: str, filename: str):
    """A Wagtail document holding a small generated PDF (created once, found by title)."""
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        document.file.save(filename, ContentFile(_pdf(title, "Demo material")), save=False)
        document.save()
    return document


def _materials(spec: dict) -> str:
    blocks = []
    for title_zh, title_en in spec.get("materials", []):
        document = _document(title_en, f"{spec['slug']}.pdf")
        blocks.append(
            {
                "type": "material",
                "value": {"title_zh": title_zh, "title_en": title_en, "document": document.pk},
            }
        )
    return json.dumps(blocks)


def event_index_get_or_create() -> EventIndexPage:
    """The event index under the Chinese home page, with its English translation."""
    english, _ = Locale.objects.get_or_create(language_code="en")
    home = Site.objects.get(is_default_site=True).root_page
    index = EventIndexPage.objects.child_of(home).first()
    if index is None:
        index = EventIndexPage(
            title=INDEX["title"],
            slug=INDEX["slug"],
            locale=home.locale,
            show_in_menus=True,
            intro_zh=INDEX["intro_zh"],
            intro_en=INDEX["intro_en"],
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    if index.get_translation_or_none(english) is None:
        translated = index.copy_for_translation(english)
        translated.title = INDEX["title_en"]
        translated.save_revision().publish()
    return index


def _page(spec: dict, days: int) -> EventPage:
    fields = {
        name: spec[name]
        for name in (
            "title",
            "title_en",
            "summary_zh",
            "summary_en",
            "venue_zh",
            "venue_en",
            "online_url",
            "time_zone",
            "session_format",
            "expo",
            "place_type",
            "topics_zh",
            "topics_en",
            "agenda",
            "speakers",
            "body_zh",
            "body_en",
        )
        if name in spec
    }
    page = spec["class"](slug=spec["slug"], **fields, **_dates(spec, days))
    if "questions" in spec:
        page.questions = json.dumps(spec["questions"])
    if "materials" in spec:
        page.materials = _materials(spec)
    page.organizers.set(ResponsibleUnit.objects.filter(name_zh__in=spec["organizers"]))
    page.hs_chapters.set(HSChapter.objects.filter(code__in=spec["hs"]))
    page.market_countries.set(Country.objects.filter(code__in=spec["countries"]))
    page.market_regions.set(Region.objects.filter(code__in=spec["regions"]))
    for kind, count in spec["places"].items():
        page.places.add(EventPlaces(organization_kind=kind, places=count))
    return page


def _owner(organization: Organization) -> User:
    return organization.memberships.filter(role=MembershipRole.OWNER).first().user


def _answers(organization: Organization, number: int) -> dict:
    """Answers to the CIFTIS questions, as the registration form stores them."""
    return {
        CIFTIS_PRODUCTS_Q: {
            "question": "拟参展产品",
            "answer": f"{organization.name_zh}主打产品及其跨境电商销售情况（详见宣传册）。",
        },
        CIFTIS_BOOTH_Q: {"question": "展位需求", "answer": [BOOTHS_ZH[number % len(BOOTHS_ZH)]]},
    }


def _brochure(organization: Organization) -> DocumentUpload:
    content = _pdf(organization.name_en, "Company brochure")
    return DocumentUpload(
        question_id=CIFTIS_BROCHURE_Q,
        file=SimpleUploadedFile("brochure.pdf", content, content_type="application/pdf"),
        file_type="pdf",
    )


def _register(
    *, event: EventPage, spec: dict, organizations: dict[str, Organization], staff: User
) -> int:
    registered = []
    for number, (slug, outcome) in enumerate(spec["registrations"]):
        organization = organizations[slug]
        owner = _owner(organization)
        questions = "questions" in spec
        registration = registration_create(
            event=event,
            organization=organization,
            user=owner,
            attendees=[{"name": owner.full_name or owner.email, "email": owner.email}],
            answers=_answers(organization, number) if questions else None,
            documents=[_brochure(organization)] if questions else (),
            idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo:{spec['slug']}:{slug}"),
        )
        registered.append((registration, owner, outcome))
    for registration, owner, outcome in registered:
        if outcome == "approve":
            registration_approve(registration=registration, by=staff)
        elif outcome.startswith("decline:"):
            registration_decline(
                registration=registration, by=staff, reason=outcome.removeprefix("decline:")
            )
        elif outcome == "cancel":
            registration_cancel(registration=registration, by=owner)
    return len(registered)


@transaction.atomic
def _event(
    *, index: EventIndexPage, spec: dict, organizations: dict[str, Organization], staff: User
) -> int | None:
    """Create the event with its registrations; None when it exists already."""
    if Page.objects.child_of(index).filter(slug=spec["slug"]).exists():
        return None
    days = spec["when"][0]
    past = days < 0
    # A past event is registered for while it was still to come (see the module docstring).
    page = _page(spec, 14 if past else days)
    index.add_child(instance=page)
    page.save_revision().publish()
    count = _register(event=page, spec=spec, organizations=organizations, staff=staff)
    if past:
        page = type(page).objects.get(pk=page.pk)
        for name, value in _dates(spec, days).items():
            setattr(page, name, value)
        page.save_revision().publish()
    return count


def load_events(organizations: dict[str, Organization]) -> dict[str, int]:
    """Create (once) the event index and the demo events. Returns what was created now."""
    index = event_index_get_or_create()
    staff = User.objects.get(email=ROLE_LOGINS["bureau_staff"][0])
    # Read afresh: the ones load_accounts returns may predate their verification.
    by_pk = Organization.objects.in_bulk(
        [organization.pk for organization in organizations.values()]
    )
    organizations = {slug: by_pk[organization.pk] for slug, organization in organizations.items()}
    created = {"events": 0, "registrations": 0}
    for spec in EVENTS:
        count = _event(index=index, spec=spec, organizations=organizations, staff=staff)
        if count is not None:
            created["events"] += 1
            created["registrations"] += count
    return created
