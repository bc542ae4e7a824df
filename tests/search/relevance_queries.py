"""Relevance judgements for organization search over the demo data (issue 4).

Each judgement is a query a user of the site would type and the organizations a trade expert,
having read the demo profiles (cms/demo/profiles.py), requires among the first ten results. The
list is what a reader of the profiles expects, not what any engine returns: a judgement is never
changed to suit the search. It names only organizations the index may hold (verified, active,
profile public or members-only); the bureau's pending and rejected companies and the hidden
profile cannot appear in any search.

Organizations are named by their Chinese name, which the demo keeps stable; the test maps names
to primary keys after loading the demo.
"""

from typing import NamedTuple

# Exporters.
JINGNAN_FURNITURE = "北京京南实木家具有限公司"
CANAL_HOME = "北京运河家居用品有限公司"
YANJING_APPAREL = "北京燕京服饰有限公司"
CLOISONNE = "北京景泰蓝工艺品有限公司"
PINGGU_FOODS = "北京平谷鲜果食品有限公司"
ZGC_HARDWARE = "北京中关村智能硬件科技有限公司"
YIZHUANG_MEDICAL = "北京亦庄医疗器械有限公司"  # members-only profile
SHUNYI_AUTOPARTS = "北京顺义汽车零部件有限公司"
CHANGPING_OUTDOOR = "北京昌平户外装备有限公司"
FENGTAI_LIGHTING = "北京丰台照明电器有限公司"
HAPPY_PET = "北京萌宠用品有限公司"
MIYUN_HONEY = "北京密云蜂业有限公司"
HUAIROU_CHESTNUT = "北京怀柔板栗食品有限公司"
ZHIFEI_DRONES = "北京智飞无人机科技有限公司"
ETOWN_ROBOTICS = "北京亦庄机器人科技有限公司"
GUOCHAO_BEAUTY = "北京国潮美妆有限公司"
TONGZHOU_KITCHEN = "北京通州厨具有限公司"
SHOUGANG_CREATIVE = "北京首钢文创有限公司"
YANQING_WINTER = "北京延庆冰雪运动用品有限公司"
JINGXI_TEA = "北京京西茶业有限公司"

# E-commerce platforms.
GLOBALPICK = "环球优选跨境电商平台"
EUROCART = "欧陆购跨境电商平台"
NANYANG_EBUY = "南洋易购电商平台"
DESERT_SHIP = "中东沙漠之舟电商平台"
SOLMERCADO = "拉美阳光电商平台"
NORTHSTAR_DTC = "北美精选独立站服务平台"
RUSGOODS = "俄语区优品电商平台"
SILK_ROAD_B2B = "丝路B2B外贸平台"  # members-only profile

# Service providers.
EURODEPOT = "北京欧仓海外仓储有限公司"
US_WEST = "北京美西仓储物流有限公司"
DUBAI_WAREHOUSE = "北京迪拜海外仓有限公司"
CHINA_EUROPE_RAIL = "北京中欧班列国际货运代理有限公司"
AIRPORT_EXPRESS = "北京空港国际快递有限公司"
COMPLIANCEPASS = "北京合规通跨境合规咨询有限公司"
GLOBALREMIT = "北京环汇跨境支付有限公司"  # members-only profile
GOGLOBAL_MARKETING = "北京出海品牌营销有限公司"
POLAND_FULFILMENT = "北京波兰仓储服务有限公司"


class Judgement(NamedTuple):
    query: str
    # Chinese names of the organizations that must be among the first ten results.
    expected: tuple[str, ...]
    # What in the profiles makes them required (for whoever reviews a miss).
    why: str


CHINESE = (
    # Two-character words, alone or inside the longer words of the profiles.
    Judgement(
        "家具",
        (JINGNAN_FURNITURE, EURODEPOT),
        "京南 makes solid-wood furniture (实木家具); 欧仓 stores and delivers bulky furniture",
    ),
    Judgement(
        "服装",
        (YANJING_APPAREL, GLOBALPICK, US_WEST, RUSGOODS),
        "燕京 is an apparel maker (服装企业); 环球优选 recruits apparel sellers; 美西 inspects "
        "apparel returns (服装退货); 俄语区优品 sells winter clothing (冬季服装)",
    ),
    Judgement(
        "物流",
        (US_WEST, CHINA_EUROPE_RAIL, AIRPORT_EXPRESS),
        "美西仓储物流 by name; 中欧班列 is an international freight forwarder and 空港 an "
        "express and air-freight carrier: both offer logistics, as their profiles list",
    ),
    Judgement("茶叶", (JINGXI_TEA,), "京西茶业 sells jasmine tea and tea powder (HS 0902 tea)"),
    Judgement("宠物", (HAPPY_PET, EUROCART), "萌宠 makes pet supplies; 欧陆购 has a pet category"),
    Judgement("滑雪", (YANQING_WINTER,), "延庆: 滑雪板, 滑雪镜, 滑雪服"),
    Judgement(
        "厨具",
        (TONGZHOU_KITCHEN, NANYANG_EBUY, POLAND_FULFILMENT),
        "通州厨具 by name; 南洋易购's fast-growing categories include 厨具; 波兰仓储 is suited "
        "to 家居、户外与厨具",
    ),
    Judgement("收纳", (CANAL_HOME,), "运河家居: 收纳、床品与编织篮"),
    Judgement(
        "汽配",
        (SHUNYI_AUTOPARTS, RUSGOODS, SILK_ROAD_B2B),
        "顺义 sells to 汽配批发商; 汽配 sell best on 俄语区优品 and are traded on 丝路",
    ),
    Judgement("蜂蜜", (MIYUN_HONEY,), "密云蜂业 sells vitex and linden honey (HS 0409)"),
    Judgement(
        "跨境支付",
        (GLOBALREMIT,),
        "环汇跨境支付: cross-border collection and FX for online sellers",
    ),
    Judgement(
        "清关",
        (EURODEPOT, DUBAI_WAREHOUSE, CHINA_EUROPE_RAIL),
        "欧仓 (本地清关), 迪拜海外仓 (提供清关), 中欧班列 (门到门清关派送)",
    ),
    # Glossary terms.
    Judgement(
        "海外仓",
        (EURODEPOT, US_WEST, DUBAI_WAREHOUSE, POLAND_FULFILMENT, GLOBALPICK, DESERT_SHIP),
        "four overseas-warehouse operators, and two platforms that offer overseas "
        "warehousing: 环球优选 (Frankfurt warehouse) and 沙漠之舟 (Dubai and Riyadh warehouses, "
        "迪拜海外仓一件代发)",
    ),
    Judgement(
        "独立站",
        (NORTHSTAR_DTC, ZHIFEI_DRONES, YANJING_APPAREL, CLOISONNE),
        "北美精选 builds 独立站; 智飞 seeks 独立站 channels; 燕京 and 景泰蓝 sell through their "
        "own 独立站",
    ),
    Judgement(
        "中欧班列",
        (CHINA_EUROPE_RAIL, EURODEPOT, POLAND_FULFILMENT, RUSGOODS),
        "the rail forwarder; 欧仓 is served by it (杜伊斯堡); 波兰仓储 sits near its border "
        "crossing; 俄语区优品 uses it for first-mile freight",
    ),
    Judgement(
        "一件代发",
        (CANAL_HOME, EURODEPOT, US_WEST, DUBAI_WAREHOUSE, POLAND_FULFILMENT, DESERT_SHIP),
        "every profile that offers drop shipping",
    ),
    # Longer phrases and product names.
    Judgement("实木家具出口", (JINGNAN_FURNITURE,), "京南实木家具 exports solid-wood furniture"),
    Judgement("北欧风餐桌椅", (JINGNAN_FURNITURE,), "京南: 北欧风餐桌椅"),
    Judgement("针织T恤", (YANJING_APPAREL,), "燕京: 针织 T 恤"),
    Judgement("黄桃罐头", (PINGGU_FOODS,), "平谷: 黄桃罐头"),
    Judgement("即食板栗", (HUAIROU_CHESTNUT,), "怀柔: 即食甘栗仁与鲜板栗"),
    Judgement("茉莉花茶礼盒", (JINGXI_TEA,), "京西: 茉莉花茶礼盒"),
    Judgement("扫地机器人", (ETOWN_ROBOTICS,), "亦庄机器人 makes robot vacuums (扫地机器人)"),
    Judgement("无人机", (ZHIFEI_DRONES,), "智飞无人机"),
    Judgement("血压计", (YIZHUANG_MEDICAL,), "亦庄医疗: 上臂式电子血压计"),
    Judgement("智能门铃", (ZGC_HARDWARE,), "中关村智能硬件: 智能门铃"),
    Judgement("盲盒手办", (SHOUGANG_CREATIVE,), "首钢文创: 盲盒手办"),
    Judgement("太阳能庭院灯", (FENGTAI_LIGHTING,), "丰台照明: 太阳能庭院灯"),
    Judgement(
        "汽车配件",
        (SHUNYI_AUTOPARTS, RUSGOODS, SILK_ROAD_B2B),
        "auto parts: 顺义汽车零部件, and the two platforms where 汽配 sell",
    ),
    Judgement("景泰蓝", (CLOISONNE,), "景泰蓝工艺品"),
    Judgement(
        "清真认证",
        (PINGGU_FOODS, MIYUN_HONEY, GUOCHAO_BEAUTY),
        "平谷 and 密云 state 清真认证; 国潮美妆 holds the HALAL certification",
    ),
    Judgement(
        "直播带货",
        (NANYANG_EBUY, GUOCHAO_BEAUTY),
        "南洋易购 (直播带货见长) and 国潮美妆 (擅长东南亚直播带货)",
    ),
    Judgement(
        "红人营销",
        (GOGLOBAL_MARKETING, NORTHSTAR_DTC),
        "出海品牌营销 (海外红人) and 北美精选 (红人营销)",
    ),
    Judgement(
        "欧盟合规",
        (COMPLIANCEPASS, EUROCART),
        "合规通 (欧盟 GPSR 与 EPR) and 欧陆购 (EPR、GPSR 等合规)",
    ),
    Judgement(
        "电商平台",
        (GLOBALPICK, EUROCART, NANYANG_EBUY, DESERT_SHIP, SOLMERCADO, RUSGOODS),
        "the six e-commerce marketplaces, each an 电商平台 by name",
    ),
    Judgement(
        "寻找德国海外仓服务商",
        (EURODEPOT, GLOBALPICK),
        "欧仓 runs warehouses in Germany; 环球优选 its own warehouse in Frankfurt",
    ),
    # Market names, HS codes, and mixed queries.
    Judgement(
        "德国",
        (GLOBALPICK, EURODEPOT, CANAL_HOME, HAPPY_PET, POLAND_FULFILMENT),
        "环球优选 (德国站), 欧仓 (德国海外仓), 运河家居 and 萌宠 (sell in Germany), 波兰仓储 "
        "(lists Germany as a market)",
    ),
    Judgement(
        "中东",
        (
            DESERT_SHIP,
            DUBAI_WAREHOUSE,
            SHUNYI_AUTOPARTS,
            FENGTAI_LIGHTING,
            YIZHUANG_MEDICAL,
            SILK_ROAD_B2B,
        ),
        "the Middle East platform and warehouse, and the four companies selling there",
    ),
    Judgement(
        "澳大利亚",
        (CHANGPING_OUTDOOR, ZHIFEI_DRONES, AIRPORT_EXPRESS, NORTHSTAR_DTC),
        "all four list Australia as a market",
    ),
    Judgement(
        "俄罗斯",
        (RUSGOODS, JINGXI_TEA, SHUNYI_AUTOPARTS, CHINA_EUROPE_RAIL),
        "俄语区优品, and the three that list Russia as a market",
    ),
    Judgement("迪拜", (DUBAI_WAREHOUSE, DESERT_SHIP), "both run warehouses in Dubai"),
    Judgement(
        "9403",
        (JINGNAN_FURNITURE, EURODEPOT),
        "HS heading 9403 (furniture): the furniture maker and the furniture warehouse list it",
    ),
    Judgement(
        "玩具 美国",
        (SHOUGANG_CREATIVE, GLOBALPICK),
        "首钢文创's toys sell in US toy shops; 环球优选 lists toys (9503) and has a US store",
    ),
    Judgement(
        "美妆 东南亚",
        (GUOCHAO_BEAUTY, NANYANG_EBUY),
        "国潮美妆 sells in Southeast Asia; beauty grows fastest on 南洋易购",
    ),
    Judgement("医疗器械 拉美", (YIZHUANG_MEDICAL,), "亦庄医疗 seeks distributors in 拉美"),
    Judgement("汽配 俄罗斯", (SHUNYI_AUTOPARTS, RUSGOODS), "顺义 sells to Russia; 俄语区优品"),
)

ENGLISH = (
    # Products and services, plural and singular.
    Judgement(
        "furniture",
        (JINGNAN_FURNITURE, EURODEPOT),
        "Jingnan makes furniture; EuroDepot stores and delivers bulky furniture",
    ),
    Judgement("solid wood furniture", (JINGNAN_FURNITURE,), "Jingnan Solid Wood Furniture"),
    Judgement("dining chairs", (JINGNAN_FURNITURE,), "Jingnan: ash dining chairs, dining sets"),
    Judgement("hoodies", (YANJING_APPAREL,), "Yanjing: fleece-lined hoodie, sweatshirts"),
    Judgement("T-shirts", (YANJING_APPAREL,), "Yanjing: knitted T-shirts"),
    Judgement("women's dresses", (YANJING_APPAREL,), "Yanjing: women's linen dress"),
    Judgement(
        "apparel",
        (YANJING_APPAREL, GLOBALPICK, US_WEST, RUSGOODS),
        "Yanjing Apparel; GlobalPick recruits apparel sellers; US-West inspects apparel "
        "returns; RusGoods sells winter clothing",
    ),
    Judgement(
        "kitchenware",
        (TONGZHOU_KITCHEN, NANYANG_EBUY),
        "Tongzhou Kitchenware; kitchenware grows fastest on Nanyang eBuy",
    ),
    Judgement("stainless steel cookware", (TONGZHOU_KITCHEN,), "Tongzhou: tri-ply cookware"),
    Judgement("honey", (MIYUN_HONEY,), "Miyun honey"),
    Judgement("chestnuts", (HUAIROU_CHESTNUT,), "Huairou chestnuts"),
    Judgement("jasmine tea", (JINGXI_TEA,), "Jingxi: jasmine tea"),
    Judgement("drones", (ZHIFEI_DRONES,), "Zhifei: camera and survey drones"),
    Judgement("robot vacuums", (ETOWN_ROBOTICS,), "E-Town Robotics: robot vacuums"),
    Judgement("blood pressure monitors", (YIZHUANG_MEDICAL,), "Yizhuang: blood pressure monitors"),
    Judgement(
        "LED lamps",
        (FENGTAI_LIGHTING, SHUNYI_AUTOPARTS),
        "Fengtai LED lighting; Shunyi's LED lamps for cars",
    ),
    Judgement("solar garden lights", (FENGTAI_LIGHTING,), "Fengtai: solar garden lights"),
    Judgement("camping tents", (CHANGPING_OUTDOOR,), "Changping: tents, camping gear"),
    Judgement("sleeping bags", (CHANGPING_OUTDOOR,), "Changping: sleeping bags"),
    Judgement("snowboards", (YANQING_WINTER,), "Yanqing: snowboards"),
    Judgement("blind box toys", (SHOUGANG_CREATIVE,), "Shougang: blind-box figures, toys"),
    Judgement(
        "cosmetics",
        (GUOCHAO_BEAUTY, NANYANG_EBUY),
        "Guochao cosmetics; beauty is a leading category on Nanyang eBuy",
    ),
    Judgement(
        "halal",
        (PINGGU_FOODS, MIYUN_HONEY, GUOCHAO_BEAUTY),
        "Pinggu and Miyun are halal certified; Guochao holds the HALAL certification",
    ),
    Judgement(
        "OEM",
        (JINGNAN_FURNITURE, YANJING_APPAREL, CHANGPING_OUTDOOR, ZGC_HARDWARE, FENGTAI_LIGHTING),
        "OEM/ODM makers (Jingnan, Yanjing), contract makers for outdoor brands (Changping, "
        "代工), white-label makers (ZGC and Fengtai, 贴牌)",
    ),
    Judgement("Amazon", (CANAL_HOME, ZGC_HARDWARE, TONGZHOU_KITCHEN), "all three sell on Amazon"),
    Judgement(
        "FBA",
        (CANAL_HOME, EURODEPOT, US_WEST),
        "FBA labelling (Canal), FBA transfer (EuroDepot), FBA replenishment (US-West)",
    ),
    # Services; glossary terms that cross into Chinese-only wording.
    Judgement(
        "overseas warehouse",
        (EURODEPOT, US_WEST, DUBAI_WAREHOUSE, POLAND_FULFILMENT, GLOBALPICK, DESERT_SHIP),
        "four warehouse operators, and the platforms with their own warehouses abroad",
    ),
    Judgement(
        "independent site",
        (NORTHSTAR_DTC, ZHIFEI_DRONES, YANJING_APPAREL, CLOISONNE),
        "独立站 in Chinese; web stores in the English text",
    ),
    Judgement(
        "web store",
        (NORTHSTAR_DTC, ZHIFEI_DRONES, YANJING_APPAREL, CLOISONNE),
        "NorthStar builds web stores; Zhifei seeks web-store channels; Yanjing and "
        "Cloisonné sell through their own",
    ),
    Judgement(
        "customs clearance",
        (EURODEPOT, DUBAI_WAREHOUSE, CHINA_EUROPE_RAIL),
        "EuroDepot (local customs clearance), Dubai (clears customs), China-Europe Rail "
        "(door-to-door clearance, 清关)",
    ),
    Judgement(
        "China-Europe rail",
        (CHINA_EUROPE_RAIL, EURODEPOT),
        "the rail forwarder, and the warehouse next to its Duisburg terminal",
    ),
    Judgement(
        "drop shipping Gulf",
        (DUBAI_WAREHOUSE, DESERT_SHIP),
        "both drop-ship across the Gulf states",
    ),
    Judgement("cross-border payments", (GLOBALREMIT,), "GlobalRemit"),
    Judgement(
        "influencer marketing",
        (GOGLOBAL_MARKETING, NORTHSTAR_DTC),
        "GoGlobal (influencers) and NorthStar (influencer marketing)",
    ),
    Judgement(
        "EU compliance GPSR",
        (COMPLIANCEPASS, EUROCART),
        "CompliancePass and EuroCart both handle EU GPSR compliance",
    ),
    Judgement("pet goods marketplace", (EUROCART,), "EuroCart: an EU marketplace for pet goods"),
    # Markets, HS codes, mixed queries.
    Judgement(
        "Germany",
        (GLOBALPICK, EURODEPOT, CANAL_HOME, HAPPY_PET, POLAND_FULFILMENT),
        "GlobalPick (German store), EuroDepot (German warehouses), Canal and Happy Pet (sell "
        "in Germany), Poland Fulfilment (lists Germany as a market)",
    ),
    Judgement(
        "Middle East",
        (
            DESERT_SHIP,
            DUBAI_WAREHOUSE,
            SHUNYI_AUTOPARTS,
            FENGTAI_LIGHTING,
            YIZHUANG_MEDICAL,
            SILK_ROAD_B2B,
        ),
        "the Middle East platform and warehouse, and the four companies selling there",
    ),
    Judgement(
        "Australia",
        (CHANGPING_OUTDOOR, ZHIFEI_DRONES, AIRPORT_EXPRESS, NORTHSTAR_DTC),
        "all four list Australia as a market",
    ),
    Judgement(
        "Russia",
        (RUSGOODS, JINGXI_TEA, SHUNYI_AUTOPARTS, CHINA_EUROPE_RAIL),
        "RusGoods, and the three that list Russia as a market",
    ),
    Judgement("8806", (ZHIFEI_DRONES, AIRPORT_EXPRESS), "HS heading 8806 (unmanned aircraft)"),
    Judgement(
        "furniture Germany",
        (JINGNAN_FURNITURE, EURODEPOT, GLOBALPICK, POLAND_FULFILMENT),
        "Jingnan exports furniture to Germany (current market, needs a German warehouse); "
        "EuroDepot's German warehouses handle bulky furniture; GlobalPick's German store "
        "recruits home-goods sellers; Poland Fulfilment delivers furniture (9403) to Germany",
    ),
    Judgement(
        "live selling Southeast Asia",
        (NANYANG_EBUY, GUOCHAO_BEAUTY),
        "both are strong in Southeast Asian live selling",
    ),
)
