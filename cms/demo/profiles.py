"""Demo capability profiles, with products, warehouses and logistics lanes, written through
matchmaking.services as each company's owner (created once).

A profile that already has a summary is left alone: running `load_demo` again changes nothing,
and a profile someone edited on the demo site keeps their edits. A few profiles are thin on
purpose (companies still in the verification queue, one busy beekeeper) so that the
completeness score and its hints have something to show.

Table shape, per organization slug (codes are separated by spaces):
- every kind: summary and about (zh, en); points, a list of (zh, en) shown as a bullet list;
  hs (four-digit headings), markets (country and region codes), languages; contact
  (name, position, e-mail name, WeChat or ""); visibility when not public;
- exporters (their products are in PRODUCTS): certs, certs_other, volume,
  capacity, moq, brands, current (markets exported to today), channels, needs (services),
  warehouses_needed, lanes_needed, years;
- platforms: channels (the sales channels merchants get), offers (services), min_volume,
  required_certs, own_brand, brands_overseas, incentives (zh, en), merchants,
  warehouses [(country, city, m²)];
- service providers: certs, certs_other, offers, warehouses, lanes ("DE:rail", from China).
"""

import html
import io
import textwrap
import zlib
from collections import Counter

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from accounts.models import MembershipRole, Organization, OrganizationKind, User
from matchmaking import services as profile_services
from matchmaking.models import LogisticsLane, Product, Profile, WarehouseSite
from taxonomy.selectors import certification_list, hs_heading_list, markets_get

EXPORTERS = {
    "jingnan-furniture": {
        "summary": (
            "大兴实木家具工厂，专做北欧风餐桌椅与儿童家具，FSC 认证",
            "Solid-wood furniture maker in Daxing: Nordic-style dining sets and children's "
            "furniture, FSC certified",
        ),
        "about": (
            "京南实木家具成立于 2009 年，在大兴拥有 2.6 万平方米的工厂，选用北美橡木与白蜡木，"
            "为欧洲家居品牌代工十余年，2019 年起以自有品牌经营跨境电商。",
            "Founded in 2009, Jingnan runs a 26,000 m² factory in Daxing working North American "
            "oak and ash. We made furniture for European home brands for over ten years and have "
            "sold under our own brands online since 2019.",
        ),
        "points": [
            ("平板包装设计，单件可走快递与海外仓", "Flat-pack designs that ship as parcels"),
            ("通过 EN 12520/12521 检测", "Tested to EN 12520 and EN 12521"),
            ("支持 OEM/ODM 与混柜出货", "OEM/ODM and mixed containers welcome"),
        ],
        "hs": "9403 9401",
        "markets": "EU GB US",
        "current": "DE GB NL FR",
        "languages": "zh en de",
        "certs": "FSC ISO9001 BSCI",
        "certs_other": "EN 12520/12521 检测报告",
        "volume": "5m_20m",
        "capacity": "每月 40 个 40 尺货柜",
        "moq": "1 个 20 尺货柜（可混装）",
        "brands": "京南木作, Nordwood",
        "channels": "marketplace independent_site distributor",
        "needs": "overseas_warehouse logistics compliance marketing",
        "warehouses_needed": "DE GB",
        "lanes_needed": "DE GB US",
        "years": 6,
        "contact": ("李娜", "外贸部经理", "li.na", "jingnan_lina"),
    },
    "canal-home": {
        "summary": (
            "通州家居用品企业：收纳、床品与编织篮，亚马逊多站点在售",
            "Tongzhou home goods: storage, bedding and woven baskets, selling on Amazon in "
            "several countries",
        ),
        "about": (
            "运河家居专注家居收纳与家纺，自有设计团队每季推出 60 余款新品，"
            "在美国、德国和日本均有稳定的线上销量。",
            "Grand Canal Home designs storage and home textiles; our own team launches over 60 "
            "new items a season, with steady online sales in the US, Germany and Japan.",
        ),
        "points": [
            ("床品通过 OEKO-TEX 认证", "OEKO-TEX certified bedding"),
            ("支持 FBA 贴标与一件代发", "FBA labelling and drop shipping"),
        ],
        "hs": "6302 3924 4602",
        "markets": "US DE JP",
        "current": "US DE JP",
        "languages": "zh en ja",
        "certs": "OEKO_TEX BSCI",
        "volume": "1m_5m",
        "capacity": "每月 5 万件",
        "moq": "每款 300 件",
        "brands": "运河生活, CanalNest",
        "channels": "marketplace social_commerce",
        "needs": "overseas_warehouse store_operation marketing",
        "warehouses_needed": "US JP",
        "lanes_needed": "US JP",
        "years": 5,
        "contact": ("周婷", "电商运营总监", "zhou.ting", ""),
    },
    "yanjing-apparel": {
        "summary": (
            "朝阳服装企业：针织 T 恤、卫衣与女装，OEM/ODM 与自有品牌并行",
            "Chaoyang apparel maker: knitted T-shirts, sweatshirts and womenswear, OEM/ODM and "
            "own brands",
        ),
        "about": (
            "燕京服饰拥有 3 条针织生产线和 1 个设计中心，为欧美快时尚品牌供货，"
            "自有品牌在美国独立站和社交电商渠道销售。",
            "Yanjing Apparel runs three knitting lines and a design studio, supplies fast-fashion "
            "brands in Europe and the US, and sells its own brand through a US web store and "
            "social commerce.",
        ),
        "points": [
            ("面料通过 OEKO-TEX Standard 100", "Fabrics certified to OEKO-TEX Standard 100"),
            ("7 天打样，30 天大货", "Samples in 7 days, bulk orders in 30"),
            ("可提供美国尺码与洗标", "US sizing and care labels"),
        ],
        "hs": "6109 6110 6204 6202",
        "markets": "US EU GB",
        "current": "US DE GB",
        "languages": "zh en",
        "certs": "OEKO_TEX BSCI ISO9001",
        "volume": "20m_100m",
        "capacity": "每月 30 万件",
        "moq": "每款每色 300 件",
        "brands": "燕京, YJ Basics",
        "channels": "independent_site marketplace social_commerce",
        "needs": "overseas_warehouse marketing store_operation",
        "warehouses_needed": "US",
        "lanes_needed": "US",
        "years": 8,
        "contact": ("马晓燕", "国际业务经理", "ma.xiaoyan", "yanjing_mxy"),
    },
    "cloisonne-crafts": {
        "summary": (
            "东城景泰蓝工坊：手工掐丝珐琅礼品与文创，支持来图定制",
            "Dongcheng cloisonné workshop: hand-made enamel gifts and cultural products, "
            "custom designs welcome",
        ),
        "about": (
            "景泰蓝工艺品公司传承北京景泰蓝制作技艺，由 20 余位工艺师手工完成掐丝、点蓝与烧制，"
            "产品面向海外博物馆商店、礼品渠道和独立站。",
            "Our twenty craftspeople make Beijing cloisonné by hand, from wire work to enamelling "
            "and firing, for museum shops, gift retailers and our own web store abroad.",
        ),
        "points": [
            ("北京市非物质文化遗产项目", "A listed Beijing intangible cultural heritage craft"),
            ("可做企业礼品与博物馆联名", "Corporate gifts and museum collaborations"),
        ],
        "hs": "8306 7117",
        "markets": "US JP FR GB",
        "current": "US JP",
        "languages": "zh en ja fr",
        "certs_other": "北京市非物质文化遗产项目",
        "volume": "under_1m",
        "capacity": "每月 8,000 件",
        "moq": "定制款 500 件",
        "brands": "京珐, Jingfa",
        "channels": "independent_site distributor social_commerce",
        "needs": "brand_ip marketing logistics",
        "lanes_needed": "US JP",
        "years": 3,
        "contact": ("张书文", "海外市场主管", "zhang.shuwen", ""),
    },
    "pinggu-foods": {
        "summary": (
            "平谷大桃深加工：黄桃罐头、桃干与果酱，HACCP 与清真认证",
            "Pinggu peach products: canned yellow peaches, dried peaches and jam, HACCP and "
            "halal certified",
        ),
        "about": (
            "平谷鲜果食品依托平谷 22 万亩桃园，从采摘到装罐 24 小时内完成，"
            "已在新加坡、马来西亚和阿联酋建立经销网络。",
            "We process peaches from Pinggu's 15,000 hectares of orchards within 24 hours of "
            "picking and sell through distributors in Singapore, Malaysia and the UAE.",
        ),
        "points": [
            ("出口食品生产企业备案", "Registered export food producer"),
            ("可做清真与低糖配方", "Halal and reduced-sugar recipes"),
        ],
        "hs": "2008 0813 2007",
        "markets": "ASEAN GCC",
        "current": "SG MY AE",
        "languages": "zh en",
        "certs": "HACCP ISO22000 HALAL",
        "volume": "1m_5m",
        "capacity": "年产罐头 3,000 吨",
        "moq": "1 个 20 尺货柜",
        "brands": "平谷桃园, Pinggu Orchard",
        "channels": "distributor b2b marketplace",
        "needs": "logistics customs compliance",
        "lanes_needed": "TH MY AE SA",
        "years": 2,
        "contact": ("杨立新", "出口部经理", "yang.lixin", ""),
    },
    "tongxintang": {
        "visibility": "hidden",
        "summary": (
            "西城中药饮片企业：GMP 车间生产饮片与植物提取物",
            "Xicheng herbal pieces maker: traditional Chinese medicine pieces and plant "
            "extracts from a GMP plant",
        ),
        "about": (
            "同心堂在西城经营六十余年，GMP 车间年加工中药饮片 1,200 吨，"
            "正在评估东南亚市场的注册要求，暂不公开资料。",
            "Tongxintang has worked in Xicheng for over sixty years; its GMP plant processes "
            "1,200 tonnes of herbal pieces a year. We are assessing registration in Southeast "
            "Asia and keep this profile private for now.",
        ),
        "points": [("每批次可追溯至产地", "Every batch traced to its growing area")],
        "hs": "1211 1302 3004",
        "markets": "SG MY RCEP",
        "current": "SG",
        "languages": "zh en",
        "certs": "GMP ISO9001",
        "volume": "1m_5m",
        "capacity": "年加工饮片 1,200 吨",
        "moq": "500 千克",
        "brands": "同心堂, Tongxintang",
        "channels": "distributor b2b",
        "needs": "compliance customs",
        "years": 1,
        "contact": ("吴国华", "国际合作部主任", "wu.guohua", ""),
    },
    "zgc-hardware": {
        "summary": (
            "中关村智能硬件：智能门铃、蓝牙音箱与氮化镓充电器，CE/FCC/PSE 认证齐全",
            "Zhongguancun smart hardware: video doorbells, Bluetooth speakers and GaN chargers, "
            "CE, FCC and PSE certified",
        ),
        "about": (
            "中关村智能硬件是国家高新技术企业，研发团队 120 人，拥有 60 余项专利，"
            "自有品牌在亚马逊北美与欧洲站、日本乐天销售。",
            "A national high-tech enterprise with a 120-person R&D team and over 60 patents; our "
            "own brands sell on Amazon in North America and Europe and on Rakuten Japan.",
        ),
        "points": [
            (
                "自建认证实验室，新品 6 周完成认证",
                "In-house lab: new products certified in six weeks",
            ),
            ("支持贴牌与 App 定制", "White label and custom apps"),
            ("海外售后由合作仓处理", "After-sales handled by partner warehouses abroad"),
        ],
        "hs": "8517 8518 8525 8504",
        "markets": "NORTH_AMERICA EU JP KR",
        "current": "US CA DE JP",
        "languages": "zh en ja",
        "certs": "CE FCC ROHS PSE KC",
        "volume": "20m_100m",
        "capacity": "每月 20 万台",
        "moq": "贴牌 1,000 台",
        "brands": "知家, ZGC Smart",
        "channels": "marketplace independent_site",
        "needs": "overseas_warehouse marketing compliance payment",
        "warehouses_needed": "US DE JP",
        "lanes_needed": "US DE JP",
        "years": 7,
        "contact": ("高宇航", "海外销售总监", "gao.yuhang", "zgc_gyh"),
    },
    "yz-medical": {
        "visibility": "members",
        "summary": (
            "亦庄医疗器械企业：家用血压计、血氧仪与雾化器，ISO 13485 与 CE 认证",
            "E-Town medical devices: home blood pressure monitors, pulse oximeters and "
            "nebulisers, ISO 13485 and CE",
        ),
        "about": (
            "亦庄医疗器械专注家用医疗电子，产品已取得欧盟 CE（MDR）与美国 FDA 510(k)，"
            "寻求拉美和中东的经销商与注册代理。",
            "We make home medical electronics with EU CE (MDR) and US FDA 510(k) clearance and "
            "are looking for distributors and registration agents in Latin America and the "
            "Middle East.",
        ),
        "points": [
            ("ISO 13485 质量体系", "ISO 13485 quality system"),
            ("可提供临床评价资料", "Clinical evaluation files available"),
        ],
        "hs": "9018 9025 9019",
        "markets": "EU LATIN_AMERICA MIDDLE_EAST",
        "current": "DE IT ES",
        "languages": "zh en es",
        "certs": "ISO13485 CE FDA",
        "volume": "5m_20m",
        "capacity": "每月 8 万台",
        "moq": "1,000 台",
        "brands": "亦康, YiCare",
        "channels": "distributor marketplace",
        "needs": "compliance customs logistics",
        "lanes_needed": "BR MX AE",
        "years": 4,
        "contact": ("郑海涛", "注册与外贸经理", "zheng.haitao", ""),
    },
    "shunyi-autoparts": {
        "summary": (
            "顺义汽车零部件：刹车片、减震器与 LED 车灯，IATF 16949 工厂",
            "Shunyi auto parts: brake pads, shock absorbers and LED lamps from an IATF 16949 plant",
        ),
        "about": (
            "顺义汽车零部件为国内整车厂配套二十年，售后件覆盖 3,000 多个车型，"
            "主销中东、俄罗斯与拉美的汽配批发商和电商平台。",
            "Twenty years supplying Chinese carmakers; our aftermarket range fits over 3,000 "
            "models and sells to parts wholesalers and online platforms in the Middle East, "
            "Russia and Latin America.",
        ),
        "points": [
            ("按 OE 编号快速匹配", "Fast look-up by OE number"),
            ("混装起订，支持小批量", "Mixed orders in small batches"),
        ],
        "hs": "8708 8512",
        "markets": "MIDDLE_EAST RU MX BR",
        "current": "AE SA RU",
        "languages": "zh en ru",
        "certs": "ISO9001",
        "certs_other": "IATF 16949",
        "volume": "20m_100m",
        "capacity": "每月 10 万套",
        "moq": "每款 200 套",
        "brands": "顺驰, ShunDrive",
        "channels": "b2b distributor marketplace",
        "needs": "overseas_warehouse logistics payment",
        "warehouses_needed": "AE RU",
        "lanes_needed": "AE RU MX",
        "years": 4,
        "contact": ("孙伟", "外贸经理", "sun.wei", "shunchi_sw"),
    },
    "cp-outdoor": {
        "summary": (
            "昌平户外装备：帐篷、睡袋、登山包与折叠椅，现货与定制均可",
            "Changping outdoor gear: tents, sleeping bags, backpacks and camp chairs, in stock "
            "or made to order",
        ),
        "about": (
            "昌平户外装备拥有缝制与充绒车间，给欧美户外品牌代工，"
            "自有品牌在欧洲电商平台销售，正在拓展澳大利亚市场。",
            "We sew and fill our own tents and sleeping bags for outdoor brands in Europe and "
            "the US, sell our own brand on European marketplaces and are now entering Australia.",
        ),
        "points": [
            ("面料符合 REACH", "REACH-compliant fabrics"),
            ("常年备有 2 万件现货", "20,000 pieces in stock year-round"),
        ],
        "hs": "6306 9404 4202 9401",
        "markets": "EU US AU",
        "current": "DE FR US",
        "languages": "zh en",
        "certs": "BSCI REACH",
        "volume": "5m_20m",
        "capacity": "每月 6 万件",
        "moq": "每款 500 件",
        "brands": "燕山行, Yanshan Trail",
        "channels": "marketplace distributor",
        "needs": "overseas_warehouse logistics",
        "warehouses_needed": "PL DE",
        "lanes_needed": "PL DE AU",
        "years": 5,
        "contact": ("冯亮", "跨境业务负责人", "feng.liang", ""),
    },
    "ft-lighting": {
        "summary": (
            "丰台 LED 照明：吸顶灯、球泡灯与太阳能庭院灯，CE/UL/SASO 认证",
            "Fengtai LED lighting: ceiling lights, bulbs and solar garden lights, CE, UL and "
            "SASO certified",
        ),
        "about": (
            "丰台照明电器从传统灯具转型 LED，产品出口中东、拉美与欧洲，"
            "可为电商卖家提供小批量贴牌和彩盒设计。",
            "Fengtai Lighting moved from traditional lamps to LED; we export to the Middle East, "
            "Latin America and Europe and offer small white-label runs with retail box design "
            "for online sellers.",
        ),
        "points": [
            ("光效 ≥ 110 lm/W，质保 3 年", "≥ 110 lm/W, three-year warranty"),
            ("中东 220–240V 与美洲 110V 版本", "220–240 V and 110 V versions"),
        ],
        "hs": "9405 8539",
        "markets": "GCC LATIN_AMERICA EU",
        "current": "SA AE BR CL",
        "languages": "zh en es ar",
        "certs": "CE ROHS UL SASO",
        "volume": "5m_20m",
        "capacity": "每月 20 万只",
        "moq": "1,000 只",
        "brands": "丰光, FengLux",
        "channels": "marketplace b2b distributor",
        "needs": "compliance overseas_warehouse",
        "warehouses_needed": "AE",
        "lanes_needed": "SA AE BR",
        "years": 3,
        "contact": ("何静", "销售经理", "he.jing", "fenglux_hj"),
    },
    "happy-pet": {
        "summary": (
            "大兴宠物用品：牵引绳、胸背带、宠物窝垫与冻干零食",
            "Daxing pet supplies: leashes, harnesses, pet beds and freeze-dried treats",
        ),
        "about": (
            "萌宠用品从宠物牵引绳起家，现有织带、缝制与冻干三条产线，"
            "在美国和德国的电商平台销售，正在寻找日本的平台合作。",
            "Happy Pet started with leashes and now runs webbing, sewing and freeze-drying "
            "lines, sells on US and German marketplaces, and is looking for a platform in Japan.",
        ),
        "points": [
            ("支持定制 logo 与包装", "Custom logos and packaging"),
            ("冻干零食工厂已做 FDA 注册", "Treat factory registered with the FDA"),
        ],
        "hs": "4201 6307 2309",
        "markets": "US DE JP",
        "current": "US DE",
        "languages": "zh en",
        "certs": "FDA BSCI",
        "volume": "1m_5m",
        "capacity": "每月 8 万件",
        "moq": "1,000 件",
        "brands": "萌小爪, PawJoy",
        "channels": "marketplace social_commerce",
        "needs": "marketing store_operation overseas_warehouse",
        "warehouses_needed": "JP",
        "lanes_needed": "JP US",
        "years": 4,
        "contact": ("林晓", "品牌经理", "lin.xiao", ""),
    },
    # Thinner on purpose: the beekeepers have not written a description or listed products yet.
    "miyun-honey": {
        "summary": (
            "密云蜂业：荆条蜜与椴树蜜，清真认证",
            "Miyun honey: vitex and linden honey, halal certified",
        ),
        "hs": "0409",
        "markets": "GCC MY JP",
        "languages": "zh",
        "certs": "HACCP HALAL",
        "volume": "under_1m",
        "capacity": "每年 200 吨",
        "moq": "1 吨",
        "channels": "distributor b2b",
        "contact": ("曹玉芬", "销售主管", "cao.yufen", ""),
    },
    "huairou-chestnut": {
        "summary": (
            "怀柔板栗深加工：即食甘栗仁与鲜板栗，出口日韩十余年",
            "Huairou chestnuts: ready-to-eat peeled chestnuts and fresh nuts, exported to Japan "
            "and Korea for over a decade",
        ),
        "about": (
            "怀柔板栗食品收购燕山板栗，经低温烘烤制成即食甘栗仁，"
            "主供日本和韩国便利店渠道，正在开拓东南亚电商。",
            "We buy Yanshan chestnuts and slow-roast them into ready-to-eat kernels for "
            "convenience stores in Japan and Korea, and are now opening online sales in "
            "Southeast Asia.",
        ),
        "points": [("HACCP 工厂，可做日文包装", "HACCP plant; Japanese packaging available")],
        "hs": "2008 0802",
        "markets": "JP KR ASEAN",
        "current": "JP KR",
        "languages": "zh ja ko",
        "certs": "HACCP ISO22000",
        "volume": "1m_5m",
        "capacity": "每月 50 吨",
        "moq": "2 吨",
        "brands": "怀栗, Huairou Gold",
        "channels": "distributor marketplace",
        "needs": "marketing logistics",
        "lanes_needed": "TH SG",
        "years": 2,
        "contact": ("韩雪梅", "外贸专员", "han.xuemei", ""),
    },
    "zhifei-drones": {
        "summary": (
            "海淀无人机企业：消费级航拍与行业测绘无人机，寻求北美独立站渠道",
            "Haidian drone maker: consumer camera drones and survey drones, seeking North "
            "American web-store channels",
        ),
        "about": (
            "智飞无人机由北航校友创办，飞控与图传自研，消费级机型重 249 克以内，"
            "无需在多数国家注册。",
            "Founded by Beihang University alumni, Zhifei designs its own flight control and "
            "video link; the consumer models weigh under 249 g and need no registration in "
            "most countries.",
        ),
        "points": [
            ("FCC 与 CE 认证齐全", "FCC and CE certified"),
            ("提供英文售后与培训", "After-sales support and training in English"),
        ],
        "hs": "8806 8507 8525",
        "markets": "NORTH_AMERICA EU AU",
        "current": "US DE",
        "languages": "zh en",
        "certs": "CE FCC ROHS",
        "volume": "5m_20m",
        "capacity": "每月 1.5 万台",
        "moq": "100 台",
        "brands": "智飞, ZhiFly",
        "channels": "independent_site marketplace distributor",
        "needs": "compliance marketing payment",
        "lanes_needed": "US CA DE",
        "years": 3,
        "contact": ("钱锐", "海外渠道经理", "qian.rui", "zhifly_qr"),
    },
    "etown-robotics": {
        "summary": (
            "亦庄机器人：协作机器人、仓储 AGV 与扫地机器人",
            "E-Town Robotics: collaborative robot arms, warehouse AGVs and robot vacuums",
        ),
        "about": (
            "亦庄机器人为 3C 与汽车行业提供协作机械臂和仓储搬运机器人，"
            "同时为家电品牌 ODM 扫地机器人，正在寻找欧洲系统集成商。",
            "We build collaborative arms and warehouse robots for electronics and car plants, "
            "make robot vacuums for appliance brands, and are looking for system integrators in "
            "Europe.",
        ),
        "points": [
            ("负载 5–20 千克六轴协作臂", "Six-axis cobots for 5–20 kg payloads"),
            ("可远程调试，提供现场培训", "Remote commissioning and on-site training"),
        ],
        "hs": "8479 8428 8508",
        "markets": "EU KR JP NORTH_AMERICA",
        "current": "KR DE",
        "languages": "zh en ko",
        "certs": "CE ISO9001",
        "volume": "5m_20m",
        "capacity": "每月 300 台协作臂、3 万台扫地机器人",
        "moq": "协作臂 1 台，扫地机器人 2,000 台",
        "brands": "亦智, EtonBot",
        "channels": "distributor b2b independent_site",
        "needs": "compliance training financing",
        "lanes_needed": "DE KR",
        "years": 2,
        "contact": ("谢振华", "国际业务总监", "xie.zhenhua", ""),
    },
    "guochao-beauty": {
        "summary": (
            "朝阳国潮美妆：雕花口红、眼影盘与香水，擅长东南亚直播带货",
            "Chaoyang guochao cosmetics: carved lipsticks, eyeshadow palettes and perfume, "
            "strong in Southeast Asian live selling",
        ),
        "about": (
            "国潮美妆以故宫纹样与京剧脸谱为设计灵感，产品在泰国、越南和马来西亚的社交电商"
            "平台热销，也在日本和美国开设了旗舰店。",
            "Guochao Beauty draws on palace patterns and Peking opera masks; its products sell "
            "well on social commerce in Thailand, Vietnam and Malaysia, with flagship stores in "
            "Japan and the US.",
        ),
        "points": [
            ("国产普通化妆品备案，GMP 工厂生产", "Registered cosmetics from a GMP plant"),
            ("提供主播样品与短视频素材", "Samples and short videos for live hosts"),
        ],
        "hs": "3304 3303 3305",
        "markets": "ASEAN JP US MIDDLE_EAST",
        "current": "TH VN MY JP",
        "languages": "zh en th vi",
        "certs": "GMP HALAL",
        "certs_other": "ISO 22716",
        "volume": "5m_20m",
        "capacity": "每月 50 万支",
        "moq": "每色号 3,000 支",
        "brands": "京韵, Jingyun Beauty",
        "channels": "social_commerce marketplace independent_site",
        "needs": "marketing store_operation compliance",
        "lanes_needed": "TH VN MY",
        "years": 4,
        "contact": ("欧阳倩", "海外电商负责人", "ouyang.qian", "jingyun_oyq"),
    },
    "tz-kitchen": {
        "summary": (
            "通州厨具：不锈钢锅具、刀具与铝制不粘锅，LFGB 检测",
            "Tongzhou kitchenware: stainless-steel pots, knives and non-stick aluminium pans, "
            "LFGB tested",
        ),
        "about": (
            "通州厨具拥有冲压、抛光与刀具开刃车间，为欧洲超市与电商卖家供货，"
            "可按客户要求做礼盒套装。",
            "We press, polish and sharpen in our own workshops and supply European supermarkets "
            "and online sellers, with gift sets made to order.",
        ),
        "points": [
            ("食品接触材料通过 LFGB 与 FDA 检测", "Food-contact materials tested to LFGB and FDA"),
            ("支持亚马逊包装标准", "Packaging to Amazon standards"),
        ],
        "hs": "7323 8211 7615",
        "markets": "EU US ASEAN",
        "current": "DE FR US",
        "languages": "zh en",
        "certs": "BSCI ISO9001",
        "certs_other": "LFGB, FDA 食品接触检测",
        "volume": "5m_20m",
        "capacity": "每月 3 个 40 尺货柜",
        "moq": "每款 500 套",
        "brands": "通厨, TongChef",
        "channels": "marketplace distributor",
        "needs": "overseas_warehouse logistics",
        "warehouses_needed": "DE PL",
        "lanes_needed": "DE PL",
        "years": 5,
        "contact": ("邓刚", "外贸经理", "deng.gang", ""),
    },
    # Still in the bureau's verification queue, and its profile is only a start.
    "fangshan-stone": {
        "summary": (
            "房山石材工艺：汉白玉石雕与园林景观石",
            "Fangshan stone crafts: white marble carvings and garden stone",
        ),
        "hs": "6802",
        "markets": "KR JP US",
        "languages": "zh",
        "contact": ("石建军", "经理", "shi.jianjun", ""),
    },
    "sg-creative": {
        "summary": (
            "首钢园文创：工业风盲盒手办、笔记本与明信片，寻求海外授权合作",
            "Shougang Park creative goods: industrial-style blind-box figures, notebooks and "
            "postcards; overseas licensing partners wanted",
        ),
        "about": (
            "首钢文创以首钢园冬奥场馆与工业遗存为主题设计潮玩和文具，"
            "已与日本和美国的潮玩店合作，寻找更多海外授权与电商渠道。",
            "Shougang Creative designs collectible toys and stationery themed on Shougang "
            "Park's Winter Olympic venues and industrial heritage, already works with toy shops "
            "in Japan and the US, and seeks more licensing partners and online channels abroad.",
        ),
        "points": [
            ("玩具通过 CE 与美国 CPC", "Toys certified CE and CPC"),
            ("可联名定制", "Co-branded editions"),
        ],
        "hs": "9503 4820 4911",
        "markets": "JP US EAST_ASIA",
        "current": "JP US",
        "languages": "zh en ja",
        "certs": "CE CPC",
        "volume": "under_1m",
        "capacity": "每月 3 万个",
        "moq": "每款 1,000 个",
        "brands": "钢小萌, SteelPals",
        "channels": "social_commerce independent_site distributor",
        "needs": "brand_ip marketing",
        "lanes_needed": "JP US",
        "years": 2,
        "contact": ("唐悦", "IP 授权经理", "tang.yue", "steelpals_ty"),
    },
    "yq-winter": {
        "summary": (
            "延庆冰雪运动用品：滑雪板、滑雪镜与滑雪服，冬奥赛区配套企业",
            "Yanqing winter sports goods: snowboards, goggles and ski wear from a supplier to "
            "the Olympic venues",
        ),
        "about": (
            "延庆冰雪运动用品在 2022 年冬奥会期间为赛区提供装备，"
            "现面向欧洲、加拿大和日本的雪具店与电商平台供货。",
            "Yanqing Winter Sports equipped venues during the 2022 Winter Olympics and now "
            "supplies ski shops and online platforms in Europe, Canada and Japan.",
        ),
        "points": [
            ("雪镜符合 EN 174", "Goggles meet EN 174"),
            ("每年 9 月前下单可保证旺季到货", "Order by September for the season"),
        ],
        "hs": "9506 9004 6211",
        "markets": "EU CH JP KR CA",
        "current": "DE CH JP",
        "languages": "zh en de ja",
        "certs": "CE BSCI",
        "volume": "1m_5m",
        "capacity": "每季 2 万件",
        "moq": "每款 200 件",
        "brands": "海坨, Haituo",
        "channels": "distributor marketplace",
        "needs": "overseas_warehouse marketing",
        "warehouses_needed": "DE",
        "lanes_needed": "DE CA JP",
        "years": 3,
        "contact": ("董晨", "外贸经理", "dong.chen", ""),
    },
    "jingxi-tea": {
        "summary": (
            "门头沟京西茶业：茉莉花茶与速溶茶粉，散装与礼盒均可",
            "Mentougou tea house: jasmine tea and instant tea powder, loose or in gift boxes",
        ),
        "about": (
            "京西茶业拼配窨制北京人喜爱的茉莉花茶，茶园基地在福建与云南，"
            "已向俄罗斯与中亚出口，正在申请更多欧盟有机认证产品。",
            "Jingxi Tea blends and scents the jasmine tea Beijing loves, from its own gardens "
            "in Fujian and Yunnan; it exports to Russia and Central Asia and is certifying more "
            "teas as EU organic.",
        ),
        "points": [
            ("部分产品取得欧盟有机认证", "Several teas certified EU organic"),
            ("可做私人标签礼盒", "Private-label gift boxes"),
        ],
        "hs": "0902 2101",
        "markets": "RU CENTRAL_ASIA EU GCC",
        "current": "RU KZ UZ",
        "languages": "zh en ru",
        "certs": "ISO22000 HACCP",
        "certs_other": "欧盟有机认证（部分产品）",
        "volume": "1m_5m",
        "capacity": "每月 10 吨",
        "moq": "散茶 100 千克，礼盒 500 盒",
        "brands": "京西茗, Jingxi Ming",
        "channels": "distributor marketplace b2b",
        "needs": "logistics customs",
        "lanes_needed": "KZ UZ RU",
        "years": 3,
        "contact": ("白雅琴", "外贸经理", "bai.yaqin", "jingximing_byq"),
    },
    # Still in the bureau's verification queue: only the basics so far.
    "cp-ebike": {
        "summary": (
            "昌平电动自行车：城市与山地电助力车，EN 15194 认证",
            "Changping e-bikes: city and mountain pedelecs, EN 15194 certified",
        ),
        "hs": "8711 8714 8507",
        "markets": "EU LATIN_AMERICA",
        "languages": "zh en",
        "certs_other": "EN 15194",
        "volume": "1m_5m",
        "capacity": "每月 2,000 台",
        "moq": "50 台",
        "contact": ("许立", "销售经理", "xu.li", ""),
    },
}

# Exporters' products: (HS heading, name_zh, name_en, note_zh, note_en), packed by hand.
# fmt: off
PRODUCTS = {
    "jingnan-furniture": [
        ("9403", "橡木伸缩餐桌", "Extendable oak dining table", "1.6–2.2 米，平板包装",
         "1.6–2.2 m, flat-packed"),
        ("9401", "白蜡木餐椅（两把装）", "Ash dining chairs, set of two", "免工具安装",
         "Tool-free assembly"),
        ("9403", "儿童可升降学习桌", "Height-adjustable children's desk", "FSC 橡木，圆角设计",
         "FSC oak, rounded corners"),
    ],
    "canal-home": [
        ("6302", "水洗棉四件套", "Washed cotton bedding set", "1.5/1.8 米床适用",
         "For 150 and 180 cm beds"),
        ("4602", "海草编织收纳篮", "Seagrass storage baskets", "三件套，手工编织",
         "Set of three, hand-woven"),
        ("3924", "可折叠衣物收纳箱", "Foldable clothes storage box", "PP 材质，可叠放",
         "PP, stackable"),
    ],
    "yanjing-apparel": [
        ("6109", "重磅纯棉 T 恤", "Heavyweight cotton T-shirt", "240 克，12 色",
         "240 gsm, 12 colours"),
        ("6110", "加绒连帽卫衣", "Fleece-lined hoodie", "男女同款", "Unisex"),
        ("6204", "女士亚麻连衣裙", "Women's linen dress", "春夏款", "Spring/summer range"),
        ("6202", "女士轻薄羽绒外套", "Women's light down jacket", "可收纳便携",
         "Packs into its own pouch"),
    ],
    "cloisonne-crafts": [
        ("8306", "景泰蓝缠枝莲花瓶", "Cloisonné lotus vase", "高 22 厘米，附锦盒",
         "22 cm tall, in a brocade box"),
        ("7117", "景泰蓝耳饰与胸针", "Cloisonné earrings and brooches", "铜胎镀金",
         "Gilded copper"),
        ("8306", "故宫纹样书签套装", "Palace-pattern bookmark set", "四枚装", "Set of four"),
    ],
    "pinggu-foods": [
        ("2008", "糖水黄桃罐头", "Yellow peaches in light syrup", "425 克 × 24 罐",
         "425 g × 24 cans"),
        ("0813", "平谷蜜桃干", "Dried Pinggu peaches", "无添加蔗糖", "No added sugar"),
        ("2007", "桃子果酱", "Peach jam", "玻璃瓶 340 克", "340 g glass jar"),
    ],
    "tongxintang": [
        ("1211", "枸杞与黄芪饮片", "Goji berry and astragalus pieces", "独立小包装",
         "Individually packed"),
        ("1302", "甘草提取物", "Liquorice extract", "粉末，25 千克桶装", "Powder, 25 kg drums"),
    ],
    "zgc-hardware": [
        ("8525", "2K 可视智能门铃", "2K video doorbell", "电池供电，支持 Alexa",
         "Battery powered, works with Alexa"),
        ("8518", "户外防水蓝牙音箱", "Waterproof outdoor speaker", "IP67，续航 20 小时",
         "IP67, 20-hour battery"),
        ("8504", "65W 氮化镓快充", "65 W GaN charger", "三口输出，可换插头",
         "Three ports, interchangeable plugs"),
        ("8517", "Wi-Fi 6 无线路由器", "Wi-Fi 6 router", "双频 AX3000", "Dual-band AX3000"),
    ],
    "yz-medical": [
        ("9018", "上臂式电子血压计", "Upper-arm blood pressure monitor", "双人记忆，语音播报",
         "Two users, voice read-out"),
        ("9018", "指夹式血氧仪", "Fingertip pulse oximeter", "OLED 屏", "OLED display"),
        ("9019", "便携式网式雾化器", "Portable mesh nebuliser", "静音，USB-C 充电",
         "Quiet, USB-C charging"),
        ("9025", "红外额温计", "Infrared forehead thermometer", "1 秒测温", "Reads in 1 s"),
    ],
    "shunyi-autoparts": [
        ("8708", "陶瓷刹车片", "Ceramic brake pads", "低粉尘、低噪音", "Low dust, low noise"),
        ("8708", "充气减震器", "Gas shock absorbers", "覆盖日系与韩系车型",
         "For Japanese and Korean models"),
        ("8512", "LED 大灯灯泡", "LED headlight bulbs", "H4/H7/9005", "H4, H7, 9005"),
    ],
    "cp-outdoor": [
        ("6306", "四人速开帐篷", "Four-person instant tent", "60 秒搭建", "Pitches in 60 s"),
        ("9404", "鸭绒木乃伊睡袋", "Duck-down mummy sleeping bag", "舒适温度 −5 °C",
         "Comfort rating −5 °C"),
        ("4202", "40 升登山背包", "40-litre hiking backpack", "带防雨罩", "With rain cover"),
        ("9401", "铝合金折叠椅", "Aluminium folding camp chair", "承重 150 千克", "Holds 150 kg"),
    ],
    "ft-lighting": [
        ("9405", "超薄 LED 吸顶灯", "Slim LED ceiling light", "24W，三色调光",
         "24 W, three colour temperatures"),
        ("8539", "LED 球泡灯（十只装）", "LED bulbs, pack of ten", "E27，9W", "E27, 9 W"),
        ("9405", "太阳能庭院灯", "Solar garden lights", "IP65，感应开关", "IP65, motion sensor"),
    ],
    "happy-pet": [
        ("4201", "反光尼龙牵引绳套装", "Reflective nylon leash set", "S–XL 四个尺码", "Sizes S–XL"),
        ("6307", "可水洗宠物窝垫", "Washable pet bed", "记忆棉，可拆洗",
         "Memory foam, removable cover"),
        ("2309", "冻干鸡胸肉零食", "Freeze-dried chicken treats", "单一原料", "Single ingredient"),
    ],
    "huairou-chestnut": [
        ("2008", "即食甘栗仁", "Ready-to-eat peeled chestnuts", "80 克独立装", "80 g pouches"),
        ("0802", "燕山鲜板栗", "Fresh Yanshan chestnuts", "9–10 月供货",
         "Shipped September–October"),
    ],
    "zhifei-drones": [
        ("8806", "249 克迷你航拍无人机", "249 g mini camera drone", "4K 云台相机",
         "4K gimbal camera"),
        ("8806", "行业测绘无人机", "Survey drone", "RTK 厘米级定位", "RTK positioning"),
        ("8507", "智能飞行电池", "Intelligent flight battery", "续航 34 分钟",
         "34 minutes of flight"),
    ],
    "etown-robotics": [
        ("8479", "六轴协作机械臂", "Six-axis collaborative robot arm", "负载 10 千克",
         "10 kg payload"),
        ("8428", "潜伏式仓储 AGV", "Under-ride warehouse AGV", "顶升 600 千克", "Lifts 600 kg"),
        ("8508", "激光导航扫地机器人", "Lidar robot vacuum", "扫拖一体，ODM",
         "Sweeps and mops, ODM"),
    ],
    "guochao-beauty": [
        ("3304", "雕花丝绒口红", "Carved velvet lipstick", "12 色", "12 shades"),
        ("3304", "脸谱九色眼影盘", "Opera-mask nine-colour eyeshadow palette", "哑光与珠光",
         "Matte and shimmer"),
        ("3303", "桂花淡香水", "Osmanthus eau de toilette", "50 毫升", "50 ml"),
    ],
    "tz-kitchen": [
        ("7323", "三层钢锅具五件套", "Five-piece tri-ply cookware set", "电磁炉适用",
         "Induction-ready"),
        ("8211", "大马士革纹厨师刀", "Damascus-pattern chef's knife", "8 英寸", "8 inch"),
        ("7615", "陶瓷涂层不粘煎锅", "Ceramic non-stick frying pan", "28 厘米", "28 cm"),
    ],
    "sg-creative": [
        ("9503", "首钢园盲盒手办", "Shougang Park blind-box figures", "一盒 8 款",
         "Eight designs a box"),
        ("4820", "工业风硬壳笔记本", "Industrial-style hardcover notebook", "A5，120 页",
         "A5, 120 pages"),
        ("4911", "冬奥场馆明信片", "Winter Olympic venue postcards", "12 张一套", "Set of twelve"),
    ],
    "yq-winter": [
        ("9506", "全能单板滑雪板", "All-mountain snowboard", "146–158 厘米", "146–158 cm"),
        ("9004", "磁吸换片滑雪镜", "Magnetic-lens ski goggles", "双层防雾", "Double anti-fog lens"),
        ("6211", "防水滑雪服", "Waterproof ski jacket", "防水指数 15,000 毫米",
         "15,000 mm waterproof rating"),
    ],
    "jingxi-tea": [
        ("0902", "茉莉龙珠", "Jasmine dragon pearls", "特级，窨制七次",
         "Top grade, scented seven times"),
        ("0902", "茉莉花茶礼盒", "Jasmine tea gift box", "250 克", "250 g"),
        ("2101", "速溶茉莉绿茶粉", "Instant jasmine green tea powder", "餐饮装 1 千克",
         "1 kg food-service pack"),
    ],
}
# fmt: on

PLATFORMS = {
    "globalpick": {
        "summary": (
            "综合型跨境电商平台，覆盖欧洲、北美与日本，正在招募家居与服装卖家",
            "A general cross-border marketplace for Europe, North America and Japan, now "
            "recruiting home and apparel sellers",
        ),
        "about": (
            "环球优选在德国、法国、英国、美国和日本开设站点，年活跃买家 1,800 万，"
            "为中国卖家提供店铺运营、广告投放和海外仓一体化服务。",
            "GlobalPick runs stores in Germany, France, the UK, the US and Japan with 18 million "
            "active buyers a year, and gives Chinese sellers store operation, advertising and "
            "overseas warehousing in one place.",
        ),
        "points": [
            ("法兰克福自营仓，当日发货", "Own warehouse in Frankfurt, same-day dispatch"),
            ("中文客户经理一对一", "A Chinese-speaking account manager for each seller"),
            ("平台统一代扣代缴 VAT", "VAT collected and paid by the platform"),
        ],
        "hs": "9403 9405 6109 8517 3304 9503",
        "markets": "EU NORTH_AMERICA GB JP",
        "languages": "zh en de fr ja",
        "channels": "marketplace",
        "offers": "store_operation marketing payment overseas_warehouse logistics training",
        "min_volume": "1m_5m",
        "required_certs": "CE",
        "own_brand": True,
        "brands_overseas": True,
        "incentives": (
            "新商家入驻前三个月免佣金；德国站家居类目首批 50 家商户享受站内广告补贴。",
            "No commission for the first three months; the first 50 home-goods sellers on the "
            "German store get advertising credit.",
        ),
        "merchants": "10k_100k",
        "warehouses": [("DE", "Frankfurt am Main", 12000)],
        "contact": ("陈思远", "招商总监", "chen.siyuan", "globalpick_csy"),
    },
    "eurocart": {
        "summary": (
            "欧盟本土电商平台，专注户外运动、家居与宠物类目",
            "An EU marketplace focused on outdoor and sports, home and pet goods",
        ),
        "about": (
            "欧陆购总部在北京、运营团队在阿姆斯特丹，覆盖欧盟 27 国，"
            "帮助中国品牌完成 EPR、GPSR 等合规后入驻。",
            "EuroCart is run from Beijing and Amsterdam, sells across all 27 EU countries and "
            "helps Chinese brands through EPR and GPSR compliance before they list.",
        ),
        "points": [
            ("免费代办 VAT 与 EPR 注册", "VAT and EPR registration done for you"),
            ("欧盟责任人服务", "EU responsible-person service"),
        ],
        "hs": "9506 6211 6306 9403 8516 4201",
        "markets": "EU GB CH",
        "languages": "zh en de fr es",
        "channels": "marketplace",
        "offers": "compliance tax logistics store_operation",
        "min_volume": "under_1m",
        "required_certs": "CE REACH",
        "incentives": (
            "首年店铺月租减半，免费代办欧盟 VAT 注册。",
            "Half the monthly store fee in the first year; EU VAT registration free of charge.",
        ),
        "merchants": "1k_10k",
        "contact": ("罗佳", "招商经理", "luo.jia", ""),
    },
    "nanyang-ebuy": {
        "summary": (
            "东南亚电商平台，覆盖泰国、越南、印尼、马来西亚与菲律宾，直播带货见长",
            "A Southeast Asian marketplace in Thailand, Vietnam, Indonesia, Malaysia and the "
            "Philippines, strong in live selling",
        ),
        "about": (
            "南洋易购拥有 6 个站点和 3,000 多名签约主播，小家电、厨具和美妆是增长最快的类目，"
            "平台提供当地语言客服与货到付款。",
            "Nanyang eBuy runs six country stores with over 3,000 contracted live hosts; small "
            "appliances, kitchenware and beauty grow fastest, and the platform handles "
            "local-language service and cash on delivery.",
        ),
        "points": [
            ("本地语言客服外包", "Local-language customer service"),
            ("直播带货培训免费", "Free live-selling training"),
        ],
        "hs": "8516 7323 3304 6109 9503 8517",
        "markets": "ASEAN",
        "languages": "zh en th vi id ms",
        "channels": "marketplace social_commerce",
        "offers": "store_operation marketing logistics payment training",
        "min_volume": "under_1m",
        "incentives": (
            "首月流量扶持，入驻即送直播间坑位；前三个月佣金 2%。",
            "Traffic support in the first month and a live-stream slot on joining; 2% "
            "commission for the first three months.",
        ),
        "merchants": "10k_100k",
        "brands_overseas": True,
        "contact": ("黄子轩", "中国区招商负责人", "huang.zixuan", "nanyang_hzx"),
    },
    "desertship": {
        "summary": (
            "中东电商平台，覆盖海湾六国，迪拜与利雅得自营仓一件代发",
            "A Middle East marketplace across the six Gulf states, with drop shipping from its "
            "Dubai and Riyadh warehouses",
        ),
        "about": (
            "沙漠之舟是海湾地区增长最快的中文卖家平台之一，阿拉伯语页面由平台翻译，"
            "支持货到付款和分期付款。",
            "Desert Ship is one of the fastest-growing platforms for Chinese sellers in the "
            "Gulf; the platform translates listings into Arabic and supports cash on delivery "
            "and instalments.",
        ),
        "points": [
            ("迪拜与利雅得自营仓", "Own warehouses in Dubai and Riyadh"),
            ("协助办理 SASO 认证", "Help with SASO certification"),
        ],
        "hs": "9405 9403 8517 6204 3303 8516",
        "markets": "GCC MIDDLE_EAST",
        "languages": "zh en ar",
        "channels": "marketplace",
        "offers": "overseas_warehouse logistics payment marketing customs",
        "min_volume": "under_1m",
        "required_certs": "SASO",
        "incentives": (
            "迪拜海外仓一件代发，首 60 天免仓储费；斋月大促广告费五折。",
            "Drop shipping from Dubai with no storage fees for the first 60 days; half-price "
            "advertising during the Ramadan sale.",
        ),
        "merchants": "1k_10k",
        "warehouses": [("AE", "Dubai", 15000), ("SA", "Riyadh", 6000)],
        "contact": ("马哈迪·李", "招商经理", "li.mahadi", ""),
    },
    "solmercado": {
        "summary": (
            "拉美电商平台，主攻墨西哥、巴西与智利，平台承担首批头程运费",
            "A Latin American marketplace for Mexico, Brazil and Chile; the platform pays "
            "the first shipment's freight",
        ),
        "about": (
            "拉美阳光在墨西哥城和圣保罗设有运营中心，西班牙语和葡萄牙语页面由平台制作，"
            "本地支付与分期均已接入。",
            "SolMercado has operations centres in Mexico City and São Paulo, writes Spanish "
            "and Portuguese listings for sellers, and offers local payment and instalments.",
        ),
        "points": [
            ("平台代缴巴西进口税", "Brazilian import duty paid by the platform"),
            (
                "电动两轮车、手机配件与家居为重点类目",
                "Focus on e-bikes, phone accessories and home",
            ),
        ],
        "hs": "8711 8714 8517 8504 9405 9403",
        "markets": "LATIN_AMERICA MX BR CL",
        "languages": "zh en es pt",
        "channels": "marketplace",
        "offers": "logistics payment store_operation marketing",
        "min_volume": "under_1m",
        "incentives": (
            "平台承担首批头程运费；墨西哥站前三个月免佣金。",
            "The platform pays freight on your first shipment; no commission on the Mexican "
            "store for three months.",
        ),
        "merchants": "1k_10k",
        "contact": ("江明", "中国招商经理", "jiang.ming", "solmercado_jm"),
    },
    "northstar-dtc": {
        "summary": (
            "北美独立站建站与运营服务平台，帮助中国品牌直面消费者",
            "Web-store building and operation for Chinese brands selling direct to consumers "
            "in North America",
        ),
        "about": (
            "北美精选提供独立站建站软件、支付接入、红人营销与美国本地退货处理，"
            "已服务 2 万多个出海品牌。",
            "NorthStar offers store-building software, payment set-up, influencer marketing "
            "and US returns handling, and has served over 20,000 brands going abroad.",
        ),
        "points": [
            ("品牌顾问一对一", "A brand consultant for each merchant"),
            ("商标注册与侵权监控", "Trademark filing and infringement monitoring"),
        ],
        "hs": "9403 6109 3304 8517 9506 8518",
        "markets": "NORTH_AMERICA GB AU",
        "languages": "zh en",
        "channels": "independent_site social_commerce",
        "offers": "store_operation marketing payment training brand_ip",
        "min_volume": "1m_5m",
        "own_brand": True,
        "brands_overseas": True,
        "incentives": (
            "建站软件首年 8 折，前 200 个品牌免费获得一次红人营销测试。",
            "20% off the store software in the first year; the first 200 brands get a free "
            "influencer campaign test.",
        ),
        "merchants": "10k_100k",
        "contact": ("宋嘉怡", "品牌合作总监", "song.jiayi", ""),
    },
    "rusgoods": {
        "summary": (
            "俄语区电商平台，覆盖俄罗斯、哈萨克斯坦与白俄罗斯",
            "A marketplace for Russian-speaking countries: Russia, Kazakhstan and Belarus",
        ),
        "about": (
            "俄语区优品为中国卖家提供俄语商品页、卢布结算与中欧班列头程，"
            "汽配、冬季服装和手机配件是热门类目。",
            "RusGoods gives Chinese sellers Russian listings, rouble settlement and rail "
            "freight from China; car parts, winter clothing and phone accessories sell best.",
        ),
        "points": [("免费俄语商品页翻译", "Free Russian translation of listings")],
        "hs": "8708 6202 6110 8517 3304 9405",
        "markets": "RU KZ BY CENTRAL_ASIA",
        "languages": "zh en ru",
        "channels": "marketplace",
        "offers": "logistics payment customs store_operation",
        "min_volume": "under_1m",
        "incentives": (
            "前两个月佣金 3%，免费俄语商品页翻译。",
            "3% commission for the first two months and free Russian translation.",
        ),
        "merchants": "1k_10k",
        "contact": ("伊万·赵", "招商经理", "zhao.ivan", "rusgoods_zi"),
    },
    # Still in the bureau's verification queue: a short profile so far.
    "afristar": {
        "summary": (
            "非洲电商平台，覆盖尼日利亚、肯尼亚与南非",
            "An African marketplace in Nigeria, Kenya and South Africa",
        ),
        "hs": "8517 8504 6109 3305",
        "markets": "AFRICA NG KE ZA",
        "languages": "zh en fr",
        "channels": "marketplace",
        "offers": "logistics payment",
        "contact": ("卢志强", "业务拓展经理", "lu.zhiqiang", ""),
    },
    "jk-select": {
        "summary": (
            "日韩精品跨境平台，主营美妆、母婴与零食",
            "A Japan and Korea cross-border platform for beauty, baby products and snacks",
        ),
        "about": (
            "日韩精品在东京和首尔设有买手团队，帮助中国品牌进入日韩的线上渠道，"
            "可协助办理日本化妆品进口备案与 PSE、KC 认证。",
            "J-K Select has buying teams in Tokyo and Seoul, brings Chinese brands into "
            "Japanese and Korean online channels, and helps with Japanese cosmetics notification "
            "and PSE and KC certification.",
        ),
        "points": [("日韩双语客服", "Japanese and Korean customer service")],
        "hs": "3304 9503 0902 2008 8509",
        "markets": "JP KR",
        "languages": "zh ja ko",
        "channels": "marketplace distributor",
        "offers": "store_operation marketing compliance",
        "min_volume": "under_1m",
        "required_certs": "PSE KC",
        "own_brand": True,
        "incentives": (
            "首单免费拍摄日文商品图。",
            "Free Japanese product photography for your first listing.",
        ),
        "merchants": "under_1k",
        "contact": ("金敏", "招商主管", "jin.min", ""),
    },
    "silkroad-b2b": {
        "visibility": "members",
        "summary": (
            "丝路 B2B 外贸平台：机械设备、汽配与建材批发，覆盖中亚、中东与非洲",
            "Silk Road B2B: wholesale machinery, car parts and building materials for Central "
            "Asia, the Middle East and Africa",
        ),
        "about": (
            "丝路 B2B 撮合中国工厂与“一带一路”沿线采购商，提供信用证、订单融资与验货服务，"
            "每季度组织海外采购团来京对接。",
            "Silk Road B2B matches Chinese factories with buyers along the Belt and Road, with "
            "letters of credit, order financing and inspections, and brings buyer delegations "
            "to Beijing every quarter.",
        ),
        "points": [
            ("订单融资与信用保险", "Order financing and credit insurance"),
            ("海外采购团季度对接会", "Quarterly buyer delegations"),
        ],
        "hs": "8479 8428 8708 9405 7323 8504",
        "markets": "CENTRAL_ASIA MIDDLE_EAST AFRICA EUROPE",
        "languages": "zh en ru ar",
        "channels": "b2b distributor",
        "offers": "payment financing logistics customs training",
        "min_volume": "1m_5m",
        "required_certs": "ISO9001",
        "incentives": (
            "首年会员年费减免 50%，采购对接会免费参加。",
            "Half the membership fee in the first year; buyer meetings free of charge.",
        ),
        "merchants": "10k_100k",
        "contact": ("秦国栋", "会员服务总监", "qin.guodong", "silkroad_qgd"),
    },
}

PROVIDERS = {
    "eurodepot": {
        "summary": (
            "德国与英国海外仓：杜伊斯堡、法兰克福与伯明翰，中欧班列直达",
            "Overseas warehouses in Duisburg, Frankfurt and Birmingham, served by China-Europe "
            "rail",
        ),
        "about": (
            "欧仓在德国和英国运营 4.5 万平方米仓库，杜伊斯堡仓紧邻中欧班列终点站，"
            "提供一件代发、FBA 中转、退货翻新和本地清关。",
            "EuroDepot runs 45,000 m² of warehouses in Germany and the UK; the Duisburg site "
            "sits next to the China-Europe rail terminal. We offer drop shipping, FBA transfer, "
            "returns refurbishment and local customs clearance.",
        ),
        "points": [
            ("WMS 系统对接主流电商平台", "WMS connected to the major marketplaces"),
            ("大件家具仓配", "Bulky furniture storage and delivery"),
            ("德国 VAT 与 EPR 代办", "German VAT and EPR filing"),
        ],
        "hs": "9403 9401 9405 8516 6306",
        "markets": "EU GB",
        "languages": "zh en de",
        "certs": "AEO ISO9001",
        "offers": "overseas_warehouse logistics customs tax",
        "warehouses": [
            ("DE", "Duisburg", 22000),
            ("DE", "Frankfurt am Main", 11000),
            ("GB", "Birmingham", 12000),
        ],
        "lanes": "DE:rail DE:sea GB:sea",
        "contact": ("刘洋", "总经理", "liu.yang", "eurodepot_ly"),
    },
    "uswest-wh": {
        "summary": (
            "美国海外仓：洛杉矶安大略与新泽西，一件代发与 FBA 退货换标",
            "US warehouses in Ontario (Los Angeles) and New Jersey: drop shipping and FBA "
            "returns relabelling",
        ),
        "about": (
            "美西仓储在加州安大略和新泽西运营 3.5 万平方米仓库，"
            "提供海运整柜拆柜、一件代发、FBA 补货和退货检测。",
            "US-West runs 35,000 m² in Ontario, California and in New Jersey: container "
            "unloading, drop shipping, FBA replenishment and returns inspection.",
        ),
        "points": [
            ("美西 2 日达覆盖 8 个州", "Two-day delivery to eight western states"),
            ("服装退货质检与重新包装", "Apparel returns inspected and repacked"),
        ],
        "hs": "6109 6204 9403 8517 9506",
        "markets": "US CA MX",
        "languages": "zh en es",
        "certs": "AEO",
        "certs_other": "C-TPAT",
        "offers": "overseas_warehouse logistics customs",
        "warehouses": [("US", "Ontario, California", 25000), ("US", "Edison, New Jersey", 10000)],
        "lanes": "US:sea US:air",
        "contact": ("蒋文博", "客户总监", "jiang.wenbo", ""),
    },
    "dubai-wh": {
        "summary": (
            "迪拜与利雅得海外仓，一件代发中东六国，支持货到付款",
            "Warehouses in Dubai and Riyadh, drop shipping to all six Gulf states with cash on "
            "delivery",
        ),
        "about": (
            "迪拜海外仓位于杰贝阿里自贸区，沙特利雅得设有分仓，"
            "提供清关、SASO 认证协助、本地配送和货到付款回款。",
            "Our Dubai warehouse is in the Jebel Ali free zone with a branch in Riyadh; we "
            "clear customs, help with SASO certification, deliver locally and remit "
            "cash-on-delivery payments.",
        ),
        "points": [("货到付款 T+7 回款", "Cash on delivery paid out within seven days")],
        "hs": "9405 9403 8517 6204 3303",
        "markets": "GCC MIDDLE_EAST",
        "languages": "zh en ar",
        "certs": "AEO ISO9001",
        "offers": "overseas_warehouse logistics customs payment",
        "warehouses": [("AE", "Dubai (Jebel Ali)", 15000), ("SA", "Riyadh", 5000)],
        "lanes": "AE:sea SA:sea AE:air",
        "contact": ("田亮", "中东业务经理", "tian.liang", "dubaiwh_tl"),
    },
    "cer-freight": {
        "summary": (
            "中欧班列国际货代：北京集货，整柜与拼箱直达杜伊斯堡、马拉舍维奇与中亚",
            "China-Europe rail forwarding: consolidated in Beijing, full and part loads to "
            "Duisburg, Małaszewicze and Central Asia",
        ),
        "about": (
            "中欧班列国际货运代理每周从北京发出两班拼箱，16 天抵达杜伊斯堡，"
            "同时提供海运与门到门清关派送。",
            "We send two part-load departures a week from Beijing, reaching Duisburg in 16 "
            "days, and also book sea freight with door-to-door clearance and delivery.",
        ),
        "points": [
            ("每周两班拼箱", "Two part-load departures a week"),
            ("全程可视化追踪", "Tracking all the way"),
        ],
        "hs": "9403 8708 6306 7323",
        "markets": "EU CENTRAL_ASIA RU",
        "languages": "zh en ru de",
        "certs": "AEO",
        "offers": "logistics customs",
        "lanes": "DE:rail PL:rail HU:rail KZ:rail DE:sea NL:sea",
        "contact": ("郭鹏", "班列产品经理", "guo.peng", ""),
    },
    "airport-express": {
        "summary": (
            "首都机场国际快递与空运专线：美国、欧洲、日本与澳大利亚",
            "International express and air freight from Beijing Capital Airport to the US, "
            "Europe, Japan and Australia",
        ),
        "about": (
            "空港国际快递是 IATA 一类货代，在首都机场设有监管仓，"
            "日本专线 4 日达，并在千叶设有中转仓。",
            "Airport Express is an IATA cargo agent with a bonded facility at Beijing Capital "
            "Airport; our Japan line delivers in four days through our transfer warehouse in "
            "Chiba.",
        ),
        "points": [("带电产品可走专线", "Dedicated lines for battery products")],
        "hs": "8517 8806 3304 9018",
        "markets": "NORTH_AMERICA EU GB JP AU",
        "languages": "zh en ja",
        "certs": "IATA AEO",
        "offers": "logistics customs",
        "warehouses": [("JP", "Chiba", 3000)],
        "lanes": "US:air DE:air GB:air JP:express US:express AU:express",
        "contact": ("邵峰", "销售经理", "shao.feng", "airportex_sf"),
    },
    "compliancepass": {
        "summary": (
            "跨境合规咨询：CE/UKCA/FDA 认证、欧盟 GPSR 与 EPR、欧代与英代",
            "Cross-border compliance: CE, UKCA and FDA, EU GPSR and EPR, EU and UK representatives",
        ),
        "about": (
            "合规通由前检测机构工程师创办，已为 1,500 家出口企业办理认证与注册，"
            "同时提供 VAT 申报和商标注册。",
            "Founded by former testing-lab engineers, CompliancePass has handled certification "
            "and registration for 1,500 exporters, plus VAT returns and trademark filing.",
        ),
        "points": [
            ("欧盟授权代表与英国责任人", "EU authorised representative and UK responsible person"),
            ("EPR 包装法、WEEE、电池法注册", "EPR registration for packaging, WEEE and batteries"),
        ],
        "hs": "9503 8517 9405 3304 9018 8516",
        "markets": "EU GB US",
        "languages": "zh en de",
        "certs": "ISO9001",
        "certs_other": "欧盟授权代表 (EU AR), 英国责任人 (UKRP)",
        "offers": "compliance tax brand_ip training",
        "contact": ("谭琳", "合规顾问总监", "tan.lin", ""),
    },
    "globalremit": {
        "visibility": "members",
        "summary": (
            "跨境收款与结汇：欧美、东南亚与拉美本地账户，费率 0.3% 封顶",
            "Cross-border collection and FX: local accounts in Europe, North America, Southeast "
            "Asia and Latin America, fees capped at 0.3%",
        ),
        "about": (
            "环汇跨境支付持有跨境人民币支付业务备案，为电商卖家开设多币种收款账户，"
            "并提供基于销售流水的贷款。",
            "GlobalRemit is registered for cross-border RMB payments, opens multi-currency "
            "collection accounts for online sellers and lends against their sales.",
        ),
        "points": [("T+0 结汇到账", "Same-day conversion to RMB")],
        "hs": "9403 6109 8517 3304",
        "markets": "EU NORTH_AMERICA ASEAN LATIN_AMERICA GCC",
        "languages": "zh en",
        "certs": "PCI_DSS ISO9001",
        "certs_other": "跨境人民币支付业务备案",
        "offers": "payment financing",
        "contact": ("魏晨曦", "商户拓展经理", "wei.chenxi", "globalremit_wcx"),
    },
    "goglobal-marketing": {
        "summary": (
            "出海品牌营销：海外红人、TikTok 与社媒广告，东南亚代运营",
            "Brand marketing abroad: influencers, TikTok and social ads, store operation in "
            "Southeast Asia",
        ),
        "about": (
            "出海品牌营销在洛杉矶、曼谷与雅加达设有内容团队，签约红人 8,000 余位，"
            "帮助北京品牌从 0 到 1 建立海外认知。",
            "GoGlobal has content teams in Los Angeles, Bangkok and Jakarta and over 8,000 "
            "contracted influencers, helping Beijing brands build awareness abroad from scratch.",
        ),
        "points": [
            ("按效果付费的红人套餐", "Pay-for-performance influencer packages"),
            ("TikTok Shop 东南亚代运营", "TikTok Shop operation in Southeast Asia"),
        ],
        "hs": "3304 6109 9503 8518 0902",
        "markets": "NORTH_AMERICA EU ASEAN",
        "languages": "zh en th id",
        "offers": "marketing store_operation brand_ip training",
        "contact": ("彭可欣", "客户总监", "peng.kexin", ""),
    },
    "pl-fulfilment": {
        "summary": (
            "波兰与捷克海外仓，一件代发覆盖欧盟 27 国",
            "Warehouses in Poland and the Czech Republic, drop shipping to all 27 EU countries",
        ),
        "about": (
            "波兰仓储服务在罗兹和布拉格运营仓库，罗兹仓距中欧班列马拉舍维奇口岸 300 公里，"
            "适合家居、户外与厨具等中大件。",
            "We run warehouses in Łódź and Prague; Łódź is 300 km from the Małaszewicze rail "
            "border crossing, well placed for home, outdoor and kitchen goods.",
        ),
        "points": [
            ("波兰 VAT 与 OSS 申报", "Polish VAT and OSS returns"),
            ("欧盟 48 小时配送", "EU-wide delivery in 48 hours"),
        ],
        "hs": "9403 6306 7323 9405",
        "markets": "PL CZ DE EU",
        "languages": "zh en de",
        "certs": "ISO9001",
        "offers": "overseas_warehouse logistics tax customs",
        "warehouses": [("PL", "Łódź", 14000), ("CZ", "Prague", 6000)],
        "lanes": "PL:rail PL:sea",
        "contact": ("钟浩", "运营经理", "zhong.hao", "plfulfil_zh"),
    },
    # Still in the bureau's verification queue: lanes listed, no description yet.
    "sea-logistics": {
        "summary": (
            "东南亚物流：中越、中泰陆运专线与马来西亚、新加坡海运",
            "Southeast Asia logistics: road lines to Vietnam and Thailand, sea freight to "
            "Malaysia and Singapore",
        ),
        "hs": "8516 7323 3304",
        "markets": "ASEAN",
        "languages": "zh en th vi",
        "offers": "logistics customs",
        "lanes": "VN:road TH:road MY:sea SG:sea",
        "contact": ("梁宏", "业务经理", "liang.hong", ""),
    },
}

# Exporters whose products carry a (generated) photo, so that some reach a full score.
PHOTO_SLUGS = {"jingnan-furniture", "yanjing-apparel", "zgc-hardware", "guochao-beauty"}

POINTS_HEADING = {
    OrganizationKind.EXPORTER: ("我们的优势", "What we offer"),
    OrganizationKind.PLATFORM: ("入驻商家可获得", "What merchants get"),
    OrganizationKind.SERVICE_PROVIDER: ("服务亮点", "Highlights"),
}
CLOSING = ("欢迎通过平台预约洽谈。", "Request a meeting through the platform.")


def _codes(text: str) -> list[str]:
    return text.split()


def _description(kind: str, row: dict) -> tuple[str, str]:
    """Simple HTML in both languages: a paragraph, the points as a list, a closing line."""
    if "about" not in row:
        return "", ""
    texts = []
    for lang in (0, 1):
        parts = [f"<p>{html.escape(row['about'][lang])}</p>"]
        if row.get("points"):
            items = "".join(f"<li>{html.escape(point[lang])}</li>" for point in row["points"])
            parts.append(f"<p><strong>{POINTS_HEADING[kind][lang]}</strong></p><ul>{items}</ul>")
        parts.append(f"<p>{CLOSING[lang]}</p>")
        texts.append("".join(parts))
    return texts[0], texts[1]


def _contact(slug: str, row: dict) -> dict[str, str]:
    """Invented details; the phone number is derived from the slug so that it stays stable."""
    name, title, mailbox, wechat = row["contact"]
    number = zlib.crc32(slug.encode()) % 10_000_000
    return {
        "contact_name": name,
        "contact_title": title,
        "contact_phone": f"010-6{number // 10_000:03d} {number % 10_000:04d}",
        "contact_email": f"{mailbox}@{slug}.example.cn",
        "contact_wechat": wechat,
    }


class _Lookup:
    """Taxonomy rows by code, read once for the whole demo."""

    def __init__(self, rows: list[dict]):
        hs, markets, certs = set(), set(), set()
        for row in rows:
            hs.update(_codes(row["hs"]))
            for key in ("markets", "current", "warehouses_needed", "lanes_needed"):
                markets.update(_codes(row.get(key, "")))
            markets.update(site[0] for site in row.get("warehouses", ()))
            markets.update(lane.split(":")[0] for lane in _codes(row.get("lanes", "")))
            for key in ("certs", "required_certs"):
                certs.update(_codes(row.get(key, "")))
        hs.update(product[0] for items in PRODUCTS.values() for product in items)
        markets.add("CN")
        self.hs = {heading.code: heading for heading in hs_heading_list(codes=hs)}
        countries, regions = markets_get(codes=markets)
        self.countries = {country.code: country for country in countries}
        self.regions = {region.code: region for region in regions}
        self.certs = {cert.code: cert for cert in certification_list(codes=certs)}
        unknown = (
            (hs - set(self.hs))
            | (markets - set(self.countries) - set(self.regions))
            | (certs - set(self.certs))
        )
        if unknown:
            raise ValueError(f"unknown codes in the demo profiles: {sorted(unknown)}")

    def headings(self, text: str) -> list:
        return [self.hs[code] for code in _codes(text)]

    def country_list(self, text: str) -> list:
        return [self.countries[code] for code in _codes(text)]

    def markets(self, text: str) -> dict[str, list]:
        codes = _codes(text)
        return {
            "market_countries": [self.countries[c] for c in codes if c in self.countries],
            "market_regions": [self.regions[c] for c in codes if c in self.regions],
        }

    def cert_list(self, text: str) -> list:
        return [self.certs[code] for code in _codes(text)]


def _fields(kind: str, slug: str, row: dict) -> dict:
    """The profile's plain fields: whatever the table gives for the organization's kind."""
    description_zh, description_en = _description(kind, row)
    fields = {
        "visibility": row.get("visibility", "public"),
        "summary_zh": row["summary"][0],
        "summary_en": row["summary"][1],
        "description_zh": description_zh,
        "description_en": description_en,
        "languages": _codes(row["languages"]),
        **_contact(slug, row),
    }
    if kind == OrganizationKind.EXPORTER:
        fields |= {
            "certifications_other": row.get("certs_other", ""),
            "export_volume_band": row.get("volume", ""),
            "production_capacity": row.get("capacity", ""),
            "minimum_order": row.get("moq", ""),
            "brands": row.get("brands", ""),
            "channels_wanted": _codes(row.get("channels", "")),
            "services_needed": _codes(row.get("needs", "")),
            "years_cross_border": row.get("years"),
        }
    elif kind == OrganizationKind.PLATFORM:
        incentives = row.get("incentives", ("", ""))
        fields |= {
            "channels_offered": _codes(row.get("channels", "")),
            "services_offered": _codes(row.get("offers", "")),
            "merchant_min_volume_band": row.get("min_volume", ""),
            "requires_own_brand": row.get("own_brand", False),
            "supports_brands_overseas": row.get("brands_overseas", False),
            "incentives_zh": incentives[0],
            "incentives_en": incentives[1],
            "merchant_count_band": row.get("merchants", ""),
        }
    else:
        fields |= {
            "certifications_other": row.get("certs_other", ""),
            "services_offered": _codes(row.get("offers", "")),
        }
    return fields


def _relations(kind: str, row: dict, lookup: _Lookup) -> dict[str, list]:
    relations = {"hs_headings": lookup.headings(row["hs"]), **lookup.markets(row["markets"])}
    if kind == OrganizationKind.EXPORTER:
        relations |= {
            "certifications": lookup.cert_list(row.get("certs", "")),
            "current_market_countries": lookup.country_list(row.get("current", "")),
            "warehouse_countries_needed": lookup.country_list(row.get("warehouses_needed", "")),
            "lane_destinations_needed": lookup.country_list(row.get("lanes_needed", "")),
        }
    elif kind == OrganizationKind.PLATFORM:
        relations["required_certifications"] = lookup.cert_list(row.get("required_certs", ""))
    else:
        relations["certifications"] = lookup.cert_list(row.get("certs", ""))
    return relations


def _photo(seed: str, caption: str) -> ContentFile:
    """A small placeholder product picture: a coloured card with the product's name on it."""
    hue = zlib.crc32(seed.encode())
    background = (80 + hue % 120, 80 + (hue >> 8) % 120, 80 + (hue >> 16) % 120)
    image = Image.new("RGB", (320, 240), background)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((30, 70, 290, 170), radius=20, fill=tuple(c + 60 for c in background))
    font = ImageFont.load_default(size=16)
    draw.multiline_text(
        (160, 120),
        textwrap.fill(caption, 28),
        fill=(40, 40, 40),
        font=font,
        anchor="mm",
        align="center",
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="demo.png")


def _owner(organization: Organization, slug: str) -> User:
    membership = organization.memberships.filter(role=MembershipRole.OWNER).first()
    if membership is None:
        raise ValueError(f"demo organization {slug} has no owner to write its profile")
    return membership.user


def _children(
    organization: Organization, slug: str, row: dict, by: User, lookup: _Lookup
) -> Counter:
    """Products, warehouses and lanes the profile does not list yet."""
    created = Counter()
    for order, (hs, name_zh, name_en, note_zh, note_en) in enumerate(PRODUCTS.get(slug, ())):
        if Product.objects.filter(profile__organization=organization, name_zh=name_zh).exists():
            continue
        profile_services.product_create(
            organization=organization,
            by=by,
            hs_heading=lookup.hs[hs],
            photo=_photo(f"{slug}-{order}", name_en) if slug in PHOTO_SLUGS else None,
            name_zh=name_zh,
            name_en=name_en,
            description_zh=note_zh,
            description_en=note_en,
            sort_order=order,
        )
        created["products"] += 1
    for code, city, capacity in row.get("warehouses", ()):
        country = lookup.countries[code]
        if WarehouseSite.objects.filter(
            profile__organization=organization, country=country, city=city
        ).exists():
            continue
        profile_services.warehouse_add(
            organization=organization, by=by, country=country, city=city, capacity_m2=capacity
        )
        created["warehouses"] += 1
    for lane in _codes(row.get("lanes", "")):
        code, mode = lane.split(":")
        destination = lookup.countries[code]
        origin = lookup.countries["CN"]
        if LogisticsLane.objects.filter(
            profile__organization=organization, origin=origin, destination=destination, mode=mode
        ).exists():
            continue
        profile_services.lane_add(
            organization=organization, by=by, origin=origin, destination=destination, mode=mode
        )
        created["lanes"] += 1
    return created


@transaction.atomic
def load_profiles(organizations: dict[str, Organization]) -> Counter:
    """Write the demo profiles once. Returns what was created: profiles, products, warehouses,
    lanes. A profile that already has a summary (loaded before, or written by its owner) is
    left as it is."""
    tables = {**EXPORTERS, **PLATFORMS, **PROVIDERS}
    lookup = _Lookup(list(tables.values()))
    filled = set(
        Profile.objects.filter(organization__in=organizations.values())
        .exclude(summary_zh="", summary_en="")
        .values_list("organization_id", flat=True)
    )
    created = Counter()
    for slug, row in tables.items():
        organization = organizations[slug]
        if organization.pk in filled:
            continue
        kind = organization.kind
        owner = _owner(organization, slug)
        profile_services.profile_update(
            organization=organization,
            by=owner,
            relations=_relations(kind, row, lookup),
            **_fields(kind, slug, row),
        )
        created["profiles"] += 1
        created += _children(organization, slug, row, owner, lookup)
    return created
