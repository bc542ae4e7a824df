"""Demo supply and demand posts, written through the matchmaking services (created once).

Platforms recruit sellers, exporters offer goods and look for partners, service providers offer
capacity. Some ran out weeks ago (they drop out of the listings by themselves), a few are still
drafts or were closed, and publication dates are spread over the past weeks so that "newest
first" looks like a live site.
"""

import datetime
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from accounts.models import MembershipRole, Organization
from matchmaking import services as post_services
from matchmaking.models import Post, PostStatus
from taxonomy.models import Country, Region
from taxonomy.selectors import hs_heading_list, markets_get


class P(NamedTuple):
    """One demo post. `days`: days from today to its end (0: no end date; below 0: expired)."""

    slug: str
    kind: str
    title_zh: str
    title_en: str
    hs: str  # four-digit headings, separated by spaces
    markets: str  # country and region codes, separated by spaces
    quantity: str = ""
    terms: str = ""
    days: int = 90
    status: str = PostStatus.PUBLISHED


S, D = "supply", "demand"
DRAFT, CLOSED = PostStatus.DRAFT, PostStatus.CLOSED

# One row per post; kept packed by hand (the formatter would give each value a line).
# fmt: off
POSTS = [
    # Platforms recruiting sellers.
    P("globalpick", D, "招募家居卖家入驻德国站", "Recruiting home-goods sellers for Germany",
      "9403 9401 9405", "DE", "50 家商户", "前三个月免佣金", 90),
    P("globalpick", D, "美国站招募服装卖家", "Apparel sellers wanted for our US store",
      "6109 6110 6204", "US", "100 家商户", "入驻费全免，首单物流补贴", 60),
    P("globalpick", D, "法国、意大利站招募灯具卖家",
      "Lighting sellers wanted for France and Italy", "9405 8539", "FR IT", "30 家商户",
      "前三个月免佣金", 75),
    P("globalpick", D, "黑色星期五大促报名", "Black Friday promotion sign-up",
      "9403 8517 6109 3304", "NORTH_AMERICA EU", "", "报名商家享受首页推荐位", -20),
    P("eurocart", D, "招募户外与运动品牌，覆盖欧盟",
      "Outdoor and sports brands wanted for the EU", "9506 6211", "EU", "30 家商户",
      "提供欧盟仓储与 VAT 代理", 60),
    P("eurocart", D, "欧盟站招募宠物用品卖家", "Pet supplies sellers wanted for the EU",
      "4201 2309 6307", "EU", "", "免费代办 EPR 注册", 90),
    P("eurocart", D, "招募儿童玩具品牌（需 CE 认证）", "Toy brands wanted (CE marking required)",
      "9503", "EU", "20 家商户", "前三个月免佣金，需提供 EN 71 检测报告", 60),
    P("eurocart", D, "春季户外节招商", "Spring outdoor festival: sellers wanted",
      "6306 9404 9506", "EU", "", "活动期间佣金减半", -10),
    P("nanyang-ebuy", D, "东南亚站招募小家电与厨具卖家",
      "Small appliances and kitchenware for Southeast Asia", "8516 7323", "ASEAN", "",
      "首月流量扶持", 45),
    P("nanyang-ebuy", D, "泰国、越南站招募美妆个护卖家",
      "Beauty and personal care sellers for Thailand and Vietnam", "3304 3305", "TH VN", "",
      "直播间免费坑位", 60),
    P("nanyang-ebuy", D, "印尼站招募家居小商品卖家", "Home goods sellers wanted for Indonesia",
      "3924 7323 6302", "ID", "", "前三个月免佣金", 45),
    P("nanyang-ebuy", D, "双十一东南亚大促招商", "11.11 sale in Southeast Asia: sellers wanted",
      "8516 3304 6109", "ASEAN", "", "大促期间站内广告补贴", -40),
    P("desertship", D, "中东站招募家居与灯具商家",
      "Home and lighting sellers for the Middle East", "9405 9403", "GCC", "20 家商户",
      "迪拜海外仓一件代发", 120),
    P("desertship", D, "斋月大促招募服装与香水卖家",
      "Ramadan sale: apparel and perfume sellers wanted", "6204 3303", "GCC", "",
      "站内广告费用五折", 40),
    P("desertship", D, "沙特站招募小家电卖家（需 SASO）",
      "Small appliance sellers for Saudi Arabia (SASO required)", "8516 8509", "SA", "",
      "协助办理 SASO 认证", 90),
    P("solmercado", D, "拉美站招募电动两轮车与配件", "E-bikes and parts wanted for Latin America",
      "8711 8714", "LATIN_AMERICA", "", "平台承担首批头程运费", 30),
    P("solmercado", D, "巴西站招募手机配件卖家", "Phone accessory sellers wanted for Brazil",
      "8517 8504 8518", "BR", "", "平台代缴进口税", 60),
    P("solmercado", D, "墨西哥站招募家居与厨具卖家", "Home and kitchen sellers wanted for Mexico",
      "9403 7323", "MX", "40 家商户", "前三个月免佣金", 90),
    P("northstar-dtc", D, "北美独立站建站扶持计划", "North American web-store starter programme",
      "9403 6109 3304", "NORTH_AMERICA", "200 个品牌", "建站软件首年八折", 120),
    P("northstar-dtc", D, "招募有自主品牌的户外装备企业",
      "Outdoor brands with their own trademark", "9506 6306 4202", "US CA", "", "品牌顾问一对一",
      60, DRAFT),
    P("rusgoods", D, "俄罗斯站招募汽配卖家", "Car parts sellers wanted for Russia", "8708 8512",
      "RU", "", "免费俄语商品页翻译", 90),
    P("rusgoods", D, "中亚站招募冬季服装", "Winter clothing wanted for Central Asia", "6202 6110",
      "CENTRAL_ASIA", "", "前两个月佣金 3%", 30),
    P("afristar", D, "非洲站招募手机与配件卖家", "Phone and accessory sellers wanted for Africa",
      "8517 8504", "NG KE", "", "首月免佣金", 60),
    P("jk-select", D, "日本站招募国潮美妆品牌", "Chinese beauty brands wanted for Japan", "3304",
      "JP", "", "协助办理日本化妆品进口备案", 60),
    P("silkroad-b2b", D, "丝路 B2B 招募机械设备供应商",
      "Machinery suppliers wanted for Silk Road B2B", "8479 8428", "CENTRAL_ASIA MIDDLE_EAST", "",
      "首年会员费减免 50%", 180),
    P("silkroad-b2b", D, "中东采购团来京对接会报名",
      "Middle East buyer delegation: sign up to meet", "8708 9405 7323", "MIDDLE_EAST",
      "60 家供应商", "免费参加", -15),
    # Exporters.
    P("jingnan-furniture", S, "实木餐桌椅，可供欧洲市场", "Solid wood dining sets for Europe",
      "9403 9401", "EU GB", "每月 2 个货柜", "FOB 天津，可做 FSC 认证", 180),
    P("jingnan-furniture", D, "寻找英国海外仓（大件家具）",
      "Overseas warehouse for bulky furniture wanted in the UK", "9403", "GB", "约 1,200 平方米",
      "需支持送货上门与安装", 60),
    P("canal-home", S, "收纳与床品家纺，支持一件代发",
      "Storage and bedding, drop shipping available", "3924 6302", "US DE", "每月 5 万件",
      "支持亚马逊 FBA 贴标", 120),
    P("canal-home", D, "寻找日本电商代运营团队", "Store operation partner wanted for Japan",
      "6302 3924", "JP", "", "按销售额分成", 60),
    P("yanjing-apparel", D, "寻找美国西部海外仓",
      "Looking for an overseas warehouse in the western US", "6109 6204", "US", "约 800 平方米",
      "需支持退货处理", 60),
    P("yanjing-apparel", S, "纯棉 T 恤 OEM/ODM，OEKO-TEX 认证",
      "Cotton T-shirts, OEM/ODM, OEKO-TEX certified", "6109", "EU US", "每月 30 万件",
      "每款起订 300 件", 0),
    P("cloisonne-crafts", S, "景泰蓝文创礼品，支持定制",
      "Cloisonné gifts, custom designs welcome", "7117 8306", "US JP", "起订量 500 件",
      "可提供品牌授权", 0),
    P("cloisonne-crafts", D, "寻找北美独立站运营服务",
      "Web-store operation wanted for North America", "8306", "US CA", "", "", 45),
    P("pinggu-foods", S, "平谷大桃罐头与果干", "Pinggu peach preserves and dried fruit", "2008",
      "ASEAN GCC", "每月 20 吨", "出口食品生产企业备案", 120),
    P("pinggu-foods", D, "寻找中东冷链物流与清真认证咨询",
      "Cold chain and halal certification advice wanted for the Gulf", "2008", "AE SA", "", "", 60),
    P("tongxintang", S, "中药饮片与植物提取物，面向东南亚",
      "Herbal pieces and plant extracts for Southeast Asia", "1211 1302", "SG MY", "每月 5 吨",
      "GMP 车间生产", 90),
    P("zgc-hardware", S, "智能家居设备，CE/FCC 认证齐全",
      "Smart home devices, CE and FCC certified", "8517 8525 8504", "EU US", "每月 5 万台",
      "支持贴牌", 120),
    P("zgc-hardware", D, "寻找德国、日本海外仓",
      "Overseas warehouses wanted in Germany and Japan", "8517 8518", "DE JP", "约 1,500 平方米",
      "需支持退换货", 60),
    P("yz-medical", S, "家用医疗器械寻求欧盟经销商",
      "Home medical devices: EU distributors wanted", "9018 9025", "EU", "每月 2 万台",
      "CE 与 ISO 13485", 180),
    P("yz-medical", D, "寻找拉美医疗器械注册代理",
      "Medical device registration agent wanted for Latin America", "9018", "BR MX", "", "", 90,
      DRAFT),
    P("shunyi-autoparts", S, "刹车片与减震器，面向中东与俄罗斯",
      "Brake pads and shock absorbers for the Gulf and Russia", "8708", "GCC RU", "每月 10 万套",
      "IATF 16949 工厂", 120),
    P("shunyi-autoparts", D, "寻找迪拜海外仓合作", "Warehouse partner wanted in Dubai", "8708",
      "AE", "约 500 平方米", "", -12),
    P("cp-outdoor", S, "帐篷与睡袋现货供应", "Tents and sleeping bags in stock", "6306 9404",
      "EU US", "现货 2 万件", "FOB 天津", 60),
    P("cp-outdoor", D, "寻找波兰仓与中欧班列整柜运输",
      "Polish warehouse and China-Europe rail full loads wanted", "6306 4202", "PL",
      "每月 2 个 40 尺柜", "", 45),
    P("ft-lighting", S, "LED 吸顶灯与太阳能庭院灯", "LED ceiling lights and solar garden lights",
      "9405 8539", "GCC LATIN_AMERICA", "每月 20 万只", "CE 与 SASO 认证", 120),
    P("ft-lighting", D, "寻找 UL 认证咨询服务", "UL certification advice wanted", "9405", "US",
      "", "", -25),
    P("happy-pet", D, "寻找日本宠物用品跨境平台", "Pet supplies platform wanted for Japan",
      "4201", "JP", "", "", -5),
    P("happy-pet", S, "宠物牵引绳与窝垫，支持定制 logo", "Leashes and pet beds with your logo",
      "4201 6307", "US DE", "", "起订 1,000 件", 90),
    P("miyun-honey", S, "密云荆条蜜与椴树蜜，清真认证", "Miyun vitex and linden honey, halal",
      "0409", "GCC MY", "每年 200 吨", "", 180),
    P("huairou-chestnut", S, "怀柔即食板栗仁，出口日韩", "Ready-to-eat Huairou chestnuts",
      "2008 0802", "JP KR", "每月 50 吨", "HACCP 工厂", 0),
    P("zhifei-drones", S, "消费级无人机寻求北美独立站渠道",
      "Consumer drones seeking North American DTC channels", "8806", "US CA", "", "FCC 认证齐全",
      90),
    P("zhifei-drones", D, "寻找欧盟无人机法规合规服务", "EU drone regulation compliance wanted",
      "8806", "EU", "", "", 60),
    P("etown-robotics", S, "协作机器人寻找欧洲集成商",
      "Cobots: European system integrators wanted", "8479", "DE IT", "", "提供现场培训", 180),
    P("etown-robotics", S, "扫地机器人 ODM", "Robot vacuums, ODM", "8508", "KR JP", "每月 3 万台",
      "", 90, CLOSED),
    P("guochao-beauty", S, "国潮彩妆，支持东南亚直播带货",
      "Chinese-style make-up for Southeast Asian live selling", "3304", "ASEAN", "",
      "提供主播样品", 90),
    P("tz-kitchen", S, "不锈钢锅具与刀具，LFGB 检测",
      "Stainless cookware and knives, LFGB tested", "7323 8211", "EU", "每月 3 个货柜", "", 120),
    P("fangshan-stone", S, "汉白玉石雕与园林石材", "White marble carvings and garden stone",
      "6802", "KR JP US", "", "", 0, DRAFT),
    P("sg-creative", S, "首钢园文创盲盒，寻求海外授权合作",
      "Shougang Park blind boxes: licensing partners wanted", "9503 4911", "JP US", "", "", 90),
    P("yq-winter", S, "滑雪板与滑雪镜，冬季备货", "Snowboards and goggles for the coming season",
      "9506 9004", "EU CA JP", "每季 2 万件", "9 月前下单", 60),
    P("jingxi-tea", S, "京西茉莉花茶，散装与礼盒", "Jasmine tea, loose or in gift boxes", "0902",
      "RU CENTRAL_ASIA EU", "每月 10 吨", "可提供欧盟有机认证产品", 0),
    P("jingxi-tea", D, "寻找中亚铁路物流合作", "Rail freight partner wanted for Central Asia",
      "0902", "KZ UZ", "", "", 60, CLOSED),
    P("cp-ebike", S, "电动自行车整车与电池，EN 15194 认证", "E-bikes and batteries, EN 15194",
      "8711 8507", "EU", "每月 2,000 台", "", 90),
    # Service providers.
    P("eurodepot", S, "德国杜伊斯堡海外仓空余库位", "Spare capacity in our Duisburg warehouse",
      "", "DE EU", "3,000 平方米", "中欧班列到仓，一件代发", 90),
    P("uswest-wh", S, "美西海外仓旺季库位预订", "Book peak-season space in our US West warehouse",
      "", "US", "10,000 平方米", "9 月前预订享八折", 60),
    P("uswest-wh", S, "亚马逊 FBA 退货换标服务", "Amazon FBA returns relabelling", "6109 6204",
      "US", "", "按件计费", 120),
    P("dubai-wh", S, "迪拜杰贝阿里海外仓，一件代发海湾六国",
      "Jebel Ali warehouse: drop shipping to the six Gulf states", "", "AE GCC", "",
      "货到付款 T+7 回款", 90),
    P("cer-freight", S, "中欧班列拼箱，每周两班", "China-Europe rail LCL, two departures a week",
      "", "EU PL", "", "北京集货，门到门", 0),
    P("cer-freight", S, "中亚班列整柜，北京发车",
      "Full rail containers from Beijing to Central Asia", "", "KZ UZ", "", "12 天到阿拉木图", 60),
    P("airport-express", S, "首都机场直飞美国空运专线",
      "Air freight from Beijing Capital to the US", "", "US", "每周 5 班", "带电产品可走", 60),
    P("airport-express", S, "日本小包专线 4 日达", "Japan parcel line, four-day delivery", "",
      "JP", "", "", 90),
    P("compliancepass", S, "欧盟 GPSR 与 EPR 合规服务", "EU GPSR and EPR compliance services", "",
      "EU", "", "欧代与 EPR 注册一站办理", 365),
    P("compliancepass", S, "美国 FDA 注册与 UL 认证代办", "FDA registration and UL certification",
      "9018 9405", "US", "", "", 180),
    P("compliancepass", S, "英国 UKCA 与英国责任人服务", "UKCA marking and UK responsible person",
      "", "GB", "", "", 60, CLOSED),
    P("globalremit", S, "跨境收款费率 0.3% 封顶", "Cross-border collection, fees capped at 0.3%",
      "", "EU NORTH_AMERICA", "", "新用户首月免费", 365),
    P("goglobal-marketing", S, "海外红人营销套餐", "Influencer marketing packages", "3304 6109",
      "US", "", "按效果付费", 90),
    P("goglobal-marketing", S, "TikTok Shop 东南亚代运营",
      "TikTok Shop operation in Southeast Asia", "3304", "ASEAN", "", "", 60, DRAFT),
    P("pl-fulfilment", S, "波兰仓一件代发，覆盖欧盟 27 国",
      "Polish warehouse, delivery to all EU", "", "PL EU", "", "前两个月免仓租", 120),
    P("sea-logistics", S, "中越、中泰陆运专线", "Road freight lines to Vietnam and Thailand", "",
      "VN TH", "", "", 60),
]
# fmt: on


def _markets(codes: list[str]) -> tuple[list[Country], list[Region]]:
    countries, regions = markets_get(codes=codes)
    if len(countries) + len(regions) != len(codes):
        raise ValueError(f"unknown market code among {codes}")
    return countries, regions


def _bodies(row: P, markets: list) -> tuple[str, str]:
    """Plain-text details in both languages, built from the row."""
    zh = [f"{row.title_zh}。", ""]
    en = [f"{row.title_en}.", ""]
    if row.quantity:
        zh.append(f"数量：{row.quantity}")
    if row.terms:
        zh.append(f"条件：{row.terms}")
    zh.append("市场：" + "、".join(market.name_zh for market in markets))
    en.append("Markets: " + ", ".join(market.name_en for market in markets))
    if row.hs:
        zh.append("HS 品目：" + "、".join(row.hs.split()))
        en.append("HS headings: " + ", ".join(row.hs.split()))
    zh += ["", "欢迎通过平台预约洽谈，我们会在两个工作日内回复。"]
    en += ["", "Request a meeting through the platform; we reply within two working days."]
    return "\n".join(zh), "\n".join(en)


@transaction.atomic
def load_posts(organizations: dict[str, Organization]) -> int:
    """Create the demo posts once (found again by organization and Chinese title)."""
    today = timezone.localdate()
    now = timezone.now()
    created = 0
    for index, row in enumerate(POSTS):
        organization = organizations[row.slug]
        if Post.objects.filter(organization=organization, title_zh=row.title_zh).exists():
            continue
        owner = organization.memberships.filter(role=MembershipRole.OWNER).first()
        if owner is None:
            raise ValueError(f"demo organization {row.slug} has no owner to write its posts")
        author = owner.user
        market_codes = row.markets.split()
        countries, regions = _markets(market_codes)
        body_zh, body_en = _bodies(row, [*regions, *countries])
        headings = list(hs_heading_list(codes=row.hs.split()))
        if len(headings) != len(row.hs.split()):
            raise ValueError(f"unknown HS heading among {row.hs}")
        # Spread over the past weeks; an expired post began well before it ended.
        age = max(1 + index * 7 % 45, 30 - row.days)
        valid_until = today + datetime.timedelta(days=row.days) if row.days else None
        expired = row.days < 0
        post = post_services.post_create(
            organization=organization,
            by=author,
            kind=row.kind,
            title_zh=row.title_zh,
            title_en=row.title_en,
            body_zh=body_zh,
            body_en=body_en,
            quantity=row.quantity,
            terms=row.terms,
            valid_from=today - datetime.timedelta(days=age),
            valid_until=valid_until,
            hs_headings=headings,
            market_countries=countries,
            market_regions=regions,
            publish=row.status != DRAFT and not expired,
        )
        if row.status == CLOSED:
            post_services.post_close(post=post, by=author)
        # Backdated directly: the services stamp "now", and an expired post cannot be
        # published through them (it was published while it ran, then its end date passed).
        posted = now - datetime.timedelta(days=age, hours=index % 9)
        backdate = {"created_at": posted}
        if row.status != DRAFT:
            backdate["published_at"] = posted
        if expired:
            backdate["status"] = PostStatus.PUBLISHED
        Post.objects.filter(pk=post.pk).update(**backdate)
        created += 1
    return created
