"""The demo's companies: Beijing exporters, e-commerce platforms and service providers.

All names, websites and credit codes are invented; the codes are well-formed (their check
characters are computed) and use each company's district code, as real ones do.
"""

# (kind, district, name_zh, name_en, website slug, verification)
EXPORTERS = [
    (
        "daxing",
        "北京京南实木家具有限公司",
        "Beijing Jingnan Solid Wood Furniture Co., Ltd.",
        "jingnan-furniture",
    ),
    (
        "tongzhou",
        "北京运河家居用品有限公司",
        "Beijing Grand Canal Home Goods Co., Ltd.",
        "canal-home",
    ),
    ("chaoyang", "北京燕京服饰有限公司", "Beijing Yanjing Apparel Co., Ltd.", "yanjing-apparel"),
    (
        "dongcheng",
        "北京景泰蓝工艺品有限公司",
        "Beijing Cloisonné Crafts Co., Ltd.",
        "cloisonne-crafts",
    ),
    (
        "pinggu",
        "北京平谷鲜果食品有限公司",
        "Beijing Pinggu Fresh Fruit Foods Co., Ltd.",
        "pinggu-foods",
    ),
    (
        "xicheng",
        "北京同心堂中药饮片有限公司",
        "Beijing Tongxintang Herbal Pieces Co., Ltd.",
        "tongxintang",
    ),
    (
        "haidian",
        "北京中关村智能硬件科技有限公司",
        "Beijing Zhongguancun Smart Hardware Co., Ltd.",
        "zgc-hardware",
    ),
    (
        "yizhuang",
        "北京亦庄医疗器械有限公司",
        "Beijing Yizhuang Medical Devices Co., Ltd.",
        "yz-medical",
    ),
    (
        "shunyi",
        "北京顺义汽车零部件有限公司",
        "Beijing Shunyi Auto Parts Co., Ltd.",
        "shunyi-autoparts",
    ),
    (
        "changping",
        "北京昌平户外装备有限公司",
        "Beijing Changping Outdoor Gear Co., Ltd.",
        "cp-outdoor",
    ),
    (
        "fengtai",
        "北京丰台照明电器有限公司",
        "Beijing Fengtai LED Lighting Co., Ltd.",
        "ft-lighting",
    ),
    ("daxing", "北京萌宠用品有限公司", "Beijing Happy Pet Supplies Co., Ltd.", "happy-pet"),
    ("miyun", "北京密云蜂业有限公司", "Beijing Miyun Honey Co., Ltd.", "miyun-honey"),
    (
        "huairou",
        "北京怀柔板栗食品有限公司",
        "Beijing Huairou Chestnut Foods Co., Ltd.",
        "huairou-chestnut",
    ),
    (
        "haidian",
        "北京智飞无人机科技有限公司",
        "Beijing Zhifei Drone Technology Co., Ltd.",
        "zhifei-drones",
    ),
    (
        "yizhuang",
        "北京亦庄机器人科技有限公司",
        "Beijing E-Town Robotics Co., Ltd.",
        "etown-robotics",
    ),
    ("chaoyang", "北京国潮美妆有限公司", "Beijing Guochao Cosmetics Co., Ltd.", "guochao-beauty"),
    ("tongzhou", "北京通州厨具有限公司", "Beijing Tongzhou Kitchenware Co., Ltd.", "tz-kitchen"),
    (
        "fangshan",
        "北京房山石材工艺有限公司",
        "Beijing Fangshan Stone Crafts Co., Ltd.",
        "fangshan-stone",
    ),
    (
        "shijingshan",
        "北京首钢文创有限公司",
        "Beijing Shougang Cultural Creative Co., Ltd.",
        "sg-creative",
    ),
    (
        "yanqing",
        "北京延庆冰雪运动用品有限公司",
        "Beijing Yanqing Winter Sports Goods Co., Ltd.",
        "yq-winter",
    ),
    ("mentougou", "北京京西茶业有限公司", "Beijing Jingxi Tea Co., Ltd.", "jingxi-tea"),
    ("changping", "北京昌平电动自行车有限公司", "Beijing Changping E-Bike Co., Ltd.", "cp-ebike"),
]

PLATFORMS = [
    ("chaoyang", "环球优选跨境电商平台", "GlobalPick Cross-border Marketplace", "globalpick"),
    ("haidian", "欧陆购跨境电商平台", "EuroCart Marketplace", "eurocart"),
    ("chaoyang", "南洋易购电商平台", "Nanyang eBuy", "nanyang-ebuy"),
    ("dongcheng", "中东沙漠之舟电商平台", "Desert Ship Middle East Marketplace", "desertship"),
    ("xicheng", "拉美阳光电商平台", "SolMercado Latin America", "solmercado"),
    ("haidian", "北美精选独立站服务平台", "NorthStar DTC Storefronts", "northstar-dtc"),
    ("chaoyang", "俄语区优品电商平台", "RusGoods Marketplace", "rusgoods"),
    ("tongzhou", "非洲之星电商平台", "AfriStar Marketplace", "afristar"),
    ("chaoyang", "日韩精品跨境平台", "J-K Select Cross-border", "jk-select"),
    ("fengtai", "丝路B2B外贸平台", "Silk Road B2B Trade Platform", "silkroad-b2b"),
]

SERVICE_PROVIDERS = [
    (
        "shunyi",
        "北京欧仓海外仓储有限公司",
        "Beijing EuroDepot Overseas Warehousing Co., Ltd.",
        "eurodepot",
    ),
    (
        "daxing",
        "北京美西仓储物流有限公司",
        "Beijing US-West Warehousing & Logistics Co., Ltd.",
        "uswest-wh",
    ),
    ("shunyi", "北京迪拜海外仓有限公司", "Beijing Dubai Overseas Warehouse Co., Ltd.", "dubai-wh"),
    (
        "chaoyang",
        "北京中欧班列国际货运代理有限公司",
        "Beijing China-Europe Rail Freight Forwarding Co., Ltd.",
        "cer-freight",
    ),
    (
        "shunyi",
        "北京空港国际快递有限公司",
        "Beijing Airport International Express Co., Ltd.",
        "airport-express",
    ),
    (
        "xicheng",
        "北京合规通跨境合规咨询有限公司",
        "Beijing CompliancePass Cross-border Consulting Co., Ltd.",
        "compliancepass",
    ),
    (
        "haidian",
        "北京环汇跨境支付有限公司",
        "Beijing GlobalRemit Cross-border Payments Co., Ltd.",
        "globalremit",
    ),
    (
        "chaoyang",
        "北京出海品牌营销有限公司",
        "Beijing GoGlobal Brand Marketing Co., Ltd.",
        "goglobal-marketing",
    ),
    (
        "tongzhou",
        "北京波兰仓储服务有限公司",
        "Beijing Poland Fulfilment Services Co., Ltd.",
        "pl-fulfilment",
    ),
    ("daxing", "北京东南亚物流有限公司", "Beijing SEA Logistics Co., Ltd.", "sea-logistics"),
]

BUREAU = ("xicheng", "北京市商务局", "Beijing Municipal Commerce Bureau", "commerce-bureau")

# Division codes of the districts (GB/T 2260), used in positions 3-8 of a credit code.
DISTRICT_DIVISION = {
    "dongcheng": "110101",
    "xicheng": "110102",
    "chaoyang": "110105",
    "fengtai": "110106",
    "shijingshan": "110107",
    "haidian": "110108",
    "mentougou": "110109",
    "fangshan": "110111",
    "tongzhou": "110112",
    "shunyi": "110113",
    "changping": "110114",
    "daxing": "110115",
    "huairou": "110116",
    "pinggu": "110117",
    "miyun": "110118",
    "yanqing": "110119",
    "yizhuang": "110115",
}

# A few stay in the bureau's queue so that the verification pages have something to show.
PENDING_SLUGS = {"fangshan-stone", "cp-ebike", "afristar", "sea-logistics"}
REJECTED_SLUGS = {"jk-select": "营业执照照片无法辨认，请重新上传。"}
