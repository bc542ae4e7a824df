"""Demo supply and demand posts, written through the matchmaking services (created once)."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import MembershipRole, Organization
from matchmaking import services as post_services
from matchmaking.models import Post
from taxonomy.models import Country, Region
from taxonomy.selectors import hs_heading_list, markets_get

# (organization slug, kind, title_zh, title_en, HS headings, markets, quantity, terms, days valid)
POSTS = [
    (
        "globalpick",
        "demand",
        "招募家居卖家入驻德国站",
        "Recruiting home-goods sellers for Germany",
        ["9403", "9401", "9405"],
        ["DE"],
        "50 家商户",
        "前三个月免佣金",
        90,
    ),
    (
        "eurocart",
        "demand",
        "招募户外与运动品牌，覆盖欧盟",
        "Outdoor and sports brands wanted for the EU",
        ["9506", "6211"],
        ["EU"],
        "30 家商户",
        "提供欧盟仓储与 VAT 代理",
        60,
    ),
    (
        "nanyang-ebuy",
        "demand",
        "东南亚站招募小家电与厨具卖家",
        "Small appliances and kitchenware for Southeast Asia",
        ["8516", "7323"],
        ["ASEAN"],
        "",
        "首月流量扶持",
        45,
    ),
    (
        "desertship",
        "demand",
        "中东站招募家居与灯具商家",
        "Home and lighting sellers for the Middle East",
        ["9405", "9403"],
        ["GCC"],
        "20 家商户",
        "迪拜海外仓一件代发",
        120,
    ),
    (
        "solmercado",
        "demand",
        "拉美站招募电动两轮车与配件",
        "E-bikes and parts wanted for Latin America",
        ["8711", "8714"],
        ["LATIN_AMERICA"],
        "",
        "平台承担首批头程运费",
        30,
    ),
    (
        "jingnan-furniture",
        "supply",
        "实木餐桌椅，可供欧洲市场",
        "Solid wood dining sets for Europe",
        ["9403", "9401"],
        ["EU", "GB"],
        "每月 2 个货柜",
        "FOB 天津，可做 FSC 认证",
        180,
    ),
    (
        "cloisonne-crafts",
        "supply",
        "景泰蓝文创礼品，支持定制",
        "Cloisonné gifts, custom designs welcome",
        ["7117", "8306"],
        ["US", "JP"],
        "起订量 500 件",
        "可提供品牌授权",
        0,
    ),
    (
        "pinggu-foods",
        "supply",
        "平谷大桃罐头与果干",
        "Pinggu peach preserves and dried fruit",
        ["2008"],
        ["ASEAN", "GCC"],
        "每月 20 吨",
        "出口食品生产企业备案",
        120,
    ),
    (
        "zhifei-drones",
        "supply",
        "消费级无人机寻求北美独立站渠道",
        "Consumer drones seeking North American DTC channels",
        ["8806"],
        ["US", "CA"],
        "",
        "FCC 认证齐全",
        90,
    ),
    (
        "yanjing-apparel",
        "demand",
        "寻找美国西部海外仓",
        "Looking for an overseas warehouse in the western US",
        ["6109", "6204"],
        ["US"],
        "约 800 平方米",
        "需支持退货处理",
        60,
    ),
    (
        "eurodepot",
        "supply",
        "德国杜伊斯堡海外仓空余库位",
        "Spare capacity in our Duisburg warehouse",
        [],
        ["DE", "EU"],
        "3,000 平方米",
        "中欧班列到仓，一件代发",
        90,
    ),
    (
        "cer-freight",
        "supply",
        "中欧班列拼箱，每周两班",
        "China-Europe rail LCL, two departures a week",
        [],
        ["EU", "PL"],
        "",
        "北京集货，门到门",
        0,
    ),
    (
        "compliancepass",
        "supply",
        "欧盟 GPSR 与 EPR 合规服务",
        "EU GPSR and EPR compliance services",
        [],
        ["EU"],
        "",
        "欧代与 EPR 注册一站办理",
        365,
    ),
    (
        "happy-pet",
        "demand",
        "寻找日本宠物用品跨境平台",
        "Pet supplies platform wanted for Japan",
        ["4201"],
        ["JP"],
        "",
        "",
        -5,
    ),
]


def _markets(codes: list[str]) -> tuple[list[Country], list[Region]]:
    countries, regions = markets_get(codes=codes)
    if len(countries) + len(regions) != len(codes):
        raise ValueError(f"unknown market code among {codes}")
    return countries, regions


@transaction.atomic
def load_posts(organizations: dict[str, Organization]) -> int:
    """Create the demo posts once (found again by organization and Chinese title)."""
    today = timezone.localdate()
    created = 0
    for slug, kind, title_zh, title_en, hs, markets, quantity, terms, days in POSTS:
        organization = organizations[slug]
        if Post.objects.filter(organization=organization, title_zh=title_zh).exists():
            continue
        owner = organization.memberships.filter(role=MembershipRole.OWNER).first()
        if owner is None:
            raise ValueError(f"demo organization {slug} has no owner to write its posts")
        author = owner.user
        countries, regions = _markets(markets)
        valid_from = today - datetime.timedelta(days=30)
        post = post_services.post_create(
            organization=organization,
            by=author,
            kind=kind,
            title_zh=title_zh,
            title_en=title_en,
            body_zh=f"{title_zh}。\n\n欢迎通过平台预约洽谈。",
            body_en=f"{title_en}.\n\nRequest a meeting through the platform.",
            quantity=quantity,
            terms=terms,
            valid_from=valid_from,
            valid_until=today + datetime.timedelta(days=days) if days else None,
            hs_headings=hs_heading_list(codes=hs),
            market_countries=countries,
            market_regions=regions,
            publish=days >= 0,
        )
        if days < 0:  # an expired post: published while it ran, then its end date passed
            Post.objects.filter(pk=post.pk).update(status="published", published_at=timezone.now())
        created += 1
    return created
