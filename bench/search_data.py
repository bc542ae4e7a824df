"""Generated data for the search benchmark: bilingual organization documents and mixed queries.

Documents are plain dicts with the fields of matchmaking.documents.ORGANIZATION_SCHEMA, built the
way organization_document() builds them (taxonomy names in both languages, regions expanded to
their countries), from vocabularies a Beijing exporter, platform or service provider would
write with: product names and HS headings per industry, the trade glossary, districts,
certifications, markets. They are written straight into the index (EmbeddedBackend.rebuild):
creating 100,000 organizations and profiles through their services would take far longer than
the benchmark itself, and the search never reads those tables.

Everything is drawn from random.Random(seed), so the same seed gives the same documents and
queries on every machine and database.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from accounts.models import District, OrganizationKind
from matchmaking.models import ServiceType, Visibility
from taxonomy.certifications import CERTIFICATIONS
from taxonomy.models import Country, HSChapter, HSHeading, Region

GLOSSARY_CSV = Path(__file__).resolve().parent.parent / "search" / "data" / "trade_glossary.csv"
# Dates end here rather than at "now", so that documents do not depend on the day of the run.
LATEST_UPDATE = datetime(2026, 1, 1, tzinfo=UTC)

# Beijing's districts as profiles name them, in Chinese and in English.
DISTRICT_NAMES = {
    District.DONGCHENG: ("东城", "Dongcheng"),
    District.XICHENG: ("西城", "Xicheng"),
    District.CHAOYANG: ("朝阳", "Chaoyang"),
    District.HAIDIAN: ("海淀", "Haidian"),
    District.FENGTAI: ("丰台", "Fengtai"),
    District.SHIJINGSHAN: ("石景山", "Shijingshan"),
    District.MENTOUGOU: ("门头沟", "Mentougou"),
    District.FANGSHAN: ("房山", "Fangshan"),
    District.TONGZHOU: ("通州", "Tongzhou"),
    District.SHUNYI: ("顺义", "Shunyi"),
    District.CHANGPING: ("昌平", "Changping"),
    District.DAXING: ("大兴", "Daxing"),
    District.HUAIROU: ("怀柔", "Huairou"),
    District.PINGGU: ("平谷", "Pinggu"),
    District.MIYUN: ("密云", "Miyun"),
    District.YANQING: ("延庆", "Yanqing"),
    District.YIZHUANG: ("亦庄", "Yizhuang"),
}

# Syllables of company trade names (字号) with their pinyin: two of them make a name.
TRADE_NAME_SYLLABLES = [
    ("华", "Hua"), ("京", "Jing"), ("燕", "Yan"), ("盛", "Sheng"), ("达", "Da"), ("鑫", "Xin"),
    ("泰", "Tai"), ("恒", "Heng"), ("宏", "Hong"), ("远", "Yuan"), ("创", "Chuang"), ("博", "Bo"),
    ("瑞", "Rui"), ("新", "Xin"), ("联", "Lian"), ("通", "Tong"), ("海", "Hai"), ("天", "Tian"),
    ("中", "Zhong"), ("正", "Zheng"), ("安", "An"), ("康", "Kang"), ("美", "Mei"), ("佳", "Jia"),
    ("和", "He"), ("信", "Xin"), ("德", "De"), ("诚", "Cheng"), ("荣", "Rong"), ("兴", "Xing"),
    ("金", "Jin"), ("源", "Yuan"), ("辰", "Chen"), ("宇", "Yu"), ("航", "Hang"), ("星", "Xing"),
    ("光", "Guang"), ("明", "Ming"), ("致", "Zhi"), ("嘉", "Jia"), ("运", "Yun"), ("河", "He"),
]  # fmt: skip


@dataclass(frozen=True)
class Industry:
    name_zh: str
    name_en: str
    # (Chinese name, English name, HS heading)
    products: tuple[tuple[str, str, str], ...]
    certifications: tuple[str, ...]


INDUSTRIES = (
    Industry("家具", "Furniture", (
        ("实木餐桌", "solid wood dining table", "9403"), ("办公椅", "office chair", "9401"),
        ("布艺沙发", "fabric sofa", "9401"), ("儿童床", "children's bed", "9403"),
        ("床垫", "mattress", "9404"), ("书架", "bookshelf", "9403"),
    ), ("FSC", "ISO9001", "BSCI", "CPC")),
    Industry("照明", "Lighting", (
        ("LED灯泡", "LED bulb", "8539"), ("吊灯", "pendant lamp", "9405"),
        ("太阳能路灯", "solar street light", "9405"), ("台灯", "desk lamp", "9405"),
        ("LED灯带", "LED strip light", "9405"),
    ), ("CE", "ROHS", "UL", "FCC", "UKCA")),
    Industry("服饰", "Apparel", (
        ("针织T恤", "knitted T-shirt", "6109"), ("卫衣", "sweatshirt", "6110"),
        ("羽绒服", "down jacket", "6201"), ("牛仔裤", "jeans", "6203"),
        ("连衣裙", "dress", "6204"), ("瑜伽服", "yoga wear", "6112"),
    ), ("OEKO_TEX", "BSCI", "ISO9001")),
    Industry("玩具", "Toys", (
        ("毛绒玩具", "plush toy", "9503"), ("积木", "building blocks", "9503"),
        ("遥控车", "remote control car", "9503"), ("益智玩具", "educational toy", "9503"),
        ("桌游", "board game", "9504"),
    ), ("CE", "CPC", "BSCI", "ISO9001")),
    Industry("家电", "Home Appliances", (
        ("空气炸锅", "air fryer", "8516"), ("电热水壶", "electric kettle", "8516"),
        ("吸尘器", "vacuum cleaner", "8508"), ("咖啡机", "coffee machine", "8516"),
        ("电动牙刷", "electric toothbrush", "8509"), ("加湿器", "humidifier", "8509"),
    ), ("CE", "UKCA", "FCC", "UL", "PSE", "KC", "ROHS", "SASO")),
    Industry("化妆品", "Cosmetics", (
        ("口红", "lipstick", "3304"), ("面膜", "facial mask", "3304"),
        ("精华液", "face serum", "3304"), ("香水", "perfume", "3303"),
        ("洗发水", "shampoo", "3305"),
    ), ("GMP", "ISO9001", "HALAL", "FDA")),
    Industry("电子", "Electronics", (
        ("蓝牙耳机", "bluetooth earphones", "8518"), ("充电宝", "power bank", "8507"),
        ("手机壳", "phone case", "3926"), ("智能手表", "smart watch", "8517"),
        ("数据线", "charging cable", "8544"), ("无人机", "drone", "8806"),
    ), ("CE", "FCC", "ROHS", "UKCA", "KC", "PSE")),
    Industry("食品", "Food", (
        ("绿茶", "green tea", "0902"), ("茉莉花茶", "jasmine tea", "0902"),
        ("蜂蜜", "honey", "0409"), ("坚果", "roasted nuts", "0802"),
        ("方便面", "instant noodles", "1902"), ("调味品", "seasoning", "2103"),
        ("白酒", "baijiu", "2208"),
    ), ("HACCP", "ISO22000", "HALAL", "FDA")),
    Industry("宠物用品", "Pet Supplies", (
        ("宠物窝", "pet bed", "9404"), ("猫砂", "cat litter", "2508"),
        ("狗粮", "dog food", "2309"), ("宠物玩具", "pet toy", "9503"),
    ), ("CE", "ISO9001", "BSCI")),
    Industry("户外用品", "Outdoor Gear", (
        ("帐篷", "camping tent", "6306"), ("自行车", "bicycle", "8712"),
        ("瑜伽垫", "yoga mat", "9506"), ("登山鞋", "hiking shoes", "6404"),
        ("钓鱼竿", "fishing rod", "9507"),
    ), ("CE", "CPC", "ISO9001", "BSCI")),
    Industry("五金", "Hardware", (
        ("电钻", "electric drill", "8467"), ("扳手", "wrench", "8204"),
        ("智能门锁", "smart door lock", "8301"), ("家具五金", "furniture fittings", "8302"),
    ), ("CE", "GS", "UKCA", "ISO9001")),
    Industry("家纺", "Home Textiles", (
        ("床上用品", "bedding set", "6302"), ("毛巾", "bath towel", "6302"),
        ("窗帘", "curtains", "6303"), ("地毯", "tufted carpet", "5703"),
        ("收纳篮", "woven storage basket", "4602"),
    ), ("OEKO_TEX", "BSCI", "ISO9001")),
    Industry("汽车配件", "Auto Parts", (
        ("刹车片", "brake pads", "8708"), ("汽车座垫", "car seat cushion", "9401"),
        ("行车记录仪", "dash cam", "8525"), ("轮胎", "tyres", "4011"),
    ), ("ISO9001", "CE", "SASO")),
    Industry("医疗器械", "Medical Devices", (
        ("医用口罩", "medical face mask", "6307"), ("电子血压计", "blood pressure monitor", "9018"),
        ("体温计", "thermometer", "9025"), ("轮椅", "wheelchair", "8713"),
    ), ("ISO13485", "CE", "FDA", "GMP")),
    Industry("包装", "Packaging", (
        ("瓦楞纸箱", "corrugated cartons", "4819"), ("快递袋", "mailing bags", "3923"),
        ("礼品盒", "gift boxes", "4819"),
    ), ("FSC", "ISO9001", "ISO14001")),
    Industry("陶瓷", "Ceramics", (
        ("陶瓷餐具", "ceramic tableware", "6912"), ("骨瓷", "bone china", "6911"),
        ("花瓶", "vase", "6913"), ("茶具", "tea set", "6912"),
    ), ("ISO9001", "FDA", "BSCI")),
    Industry("新能源", "New Energy", (
        ("光伏组件", "solar panels", "8541"), ("储能电池", "energy storage battery", "8507"),
        ("逆变器", "inverter", "8504"),
    ), ("CE", "UL", "ISO9001", "ISO14001", "ROHS")),
    Industry("箱包", "Bags and Luggage", (
        ("双肩包", "backpack", "4202"), ("行李箱", "luggage", "4202"),
        ("真皮钱包", "leather wallet", "4202"), ("丝巾", "silk scarf", "6214"),
    ), ("BSCI", "REACH", "ISO9001")),
    Industry("工艺品", "Handicrafts", (
        ("景泰蓝", "cloisonne", "7117"), ("仿真花", "artificial flowers", "6702"),
        ("剪纸", "paper cutting", "4823"), ("油画", "oil painting", "9701"),
    ), ("BSCI", "ISO9001")),
)  # fmt: skip

# What service providers and platforms do, in both languages, by the service they offer.
SERVICE_TEXTS = {
    ServiceType.OVERSEAS_WAREHOUSE: ("海外仓", "overseas warehouse"),
    ServiceType.LOGISTICS: ("国际物流", "international logistics"),
    ServiceType.CUSTOMS: ("清关", "customs clearance"),
    ServiceType.COMPLIANCE: ("合规认证", "compliance and certification"),
    ServiceType.TAX: ("退税与VAT申报", "export tax rebate and VAT filing"),
    ServiceType.PAYMENT: ("跨境收款", "cross-border payment collection"),
    ServiceType.MARKETING: ("海外营销", "overseas marketing"),
    ServiceType.STORE_OPERATION: ("店铺代运营", "store operation"),
    ServiceType.BRAND_IP: ("商标注册与品牌保护", "trademark registration and brand protection"),
    ServiceType.FINANCING: ("供应链金融", "supply chain financing"),
    ServiceType.TRAINING: ("合规培训", "compliance training"),
}
PROVIDER_NAMES = {
    ServiceType.OVERSEAS_WAREHOUSE: ("供应链管理", "Supply Chain Management"),
    ServiceType.LOGISTICS: ("国际物流", "International Logistics"),
    ServiceType.CUSTOMS: ("报关", "Customs Brokerage"),
    ServiceType.COMPLIANCE: ("检测认证", "Testing and Certification"),
    ServiceType.TAX: ("税务咨询", "Tax Consulting"),
    ServiceType.PAYMENT: ("支付科技", "Payment Technology"),
    ServiceType.MARKETING: ("数字营销", "Digital Marketing"),
    ServiceType.STORE_OPERATION: ("电子商务", "E-commerce Services"),
    ServiceType.BRAND_IP: ("知识产权代理", "IP Agency"),
    ServiceType.FINANCING: ("商业保理", "Trade Finance"),
    ServiceType.TRAINING: ("企业管理咨询", "Business Consulting"),
}
MARKETPLACES = [
    ("亚马逊", "Amazon"), ("速卖通", "AliExpress"), ("TikTok Shop", "TikTok Shop"),
    ("Temu", "Temu"), ("Shopee", "Shopee"), ("Lazada", "Lazada"), ("eBay", "eBay"),
    ("Ozon", "Ozon"), ("美客多", "Mercado Libre"), ("Noon", "Noon"),
]  # fmt: skip
PRODUCT_FEATURES = [
    ("平板包装", "flat-pack"), ("支持定制", "customisable"), ("环保材料", "eco-friendly materials"),
    ("小批量起订", "small minimum order"), ("一件代发", "drop shipping"),
    ("快速打样", "samples in 7 days"), ("自主设计", "own designs"), ("专利产品", "patented"),
    ("OEM/ODM", "OEM/ODM"), ("FBA贴标", "FBA labelling"), ("多色可选", "many colours"),
]  # fmt: skip
# Markets most profiles name, most often first; any country may still appear.
POPULAR_MARKETS = (
    "US", "DE", "GB", "FR", "JP", "KR", "AU", "CA", "IT", "ES", "NL", "PL",
    "SA", "AE", "RU", "BR", "MX", "TH", "VN", "MY", "SG", "ID", "PH", "TR",
)  # fmt: skip


@dataclass
class Vocabulary:
    """Taxonomy names read once from the database (taxonomy_load wrote them)."""

    headings: dict[str, HSHeading]
    chapters: dict[str, HSChapter]
    countries: dict[str, Country]
    regions: dict[str, Region]
    region_members: dict[str, list[str]]
    glossary: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def load(cls) -> Vocabulary:
        regions = {region.code: region for region in Region.objects.prefetch_related("countries")}
        with GLOSSARY_CSV.open(encoding="utf-8", newline="") as file:
            glossary = [(row["zh"], row["en"]) for row in csv.DictReader(file)]
        vocabulary = cls(
            headings={heading.code: heading for heading in HSHeading.objects.all()},
            chapters={chapter.code: chapter for chapter in HSChapter.objects.all()},
            countries={country.code: country for country in Country.objects.all()},
            regions=regions,
            region_members={
                code: sorted(country.code for country in region.countries.all())
                for code, region in regions.items()
            },
            glossary=glossary,
        )
        missing = {
            code
            for industry in INDUSTRIES
            for _zh, _en, code in industry.products
            if code not in vocabulary.headings
        }
        if missing or not vocabulary.countries:
            raise RuntimeError(
                f"The taxonomy is not loaded (missing headings {sorted(missing)}); "
                "run manage.py load_taxonomy on the benchmark database."
            )
        return vocabulary


CERTIFICATION_NAMES = {c.code: (c.name_zh, c.name_en) for c in CERTIFICATIONS}


class DocumentGenerator:
    """Organization documents in the shape of matchmaking.documents.organization_document."""

    def __init__(self, vocabulary: Vocabulary, *, seed: int) -> None:
        self.vocabulary = vocabulary
        self.random = random.Random(seed)
        self.market_codes = sorted(vocabulary.countries)

    def batches(self, count: int, *, batch_size: int = 500) -> Iterator[list[dict[str, Any]]]:
        for start in range(1, count + 1, batch_size):
            stop = min(start + batch_size, count + 1)
            yield [self.document(object_id) for object_id in range(start, stop)]

    def document(self, object_id: int) -> dict[str, Any]:
        rnd = self.random
        kind = rnd.choices(
            [
                OrganizationKind.EXPORTER,
                OrganizationKind.PLATFORM,
                OrganizationKind.SERVICE_PROVIDER,
            ],
            weights=[70, 10, 20],
        )[0]
        district = rnd.choice(list(DISTRICT_NAMES))
        (zh1, en1), (zh2, en2) = rnd.sample(TRADE_NAME_SYLLABLES, 2)
        trade_zh, trade_en = zh1 + zh2, en1 + en2.lower()
        industries = rnd.sample(INDUSTRIES, rnd.choice([1, 1, 1, 2]))
        products = [
            product
            for industry in industries
            for product in rnd.sample(industry.products, min(len(industry.products), 3))
        ][: rnd.randint(1, 5)]
        if kind == OrganizationKind.EXPORTER:
            text = self._exporter_text(trade_zh, trade_en, district, industries[0], products)
            services = rnd.sample(list(SERVICE_TEXTS), rnd.randint(1, 3))
            certifications = rnd.sample(
                industries[0].certifications,
                rnd.randint(0, min(3, len(industries[0].certifications))),
            )
        elif kind == OrganizationKind.PLATFORM:
            text = self._platform_text(trade_zh, trade_en, products)
            services = rnd.sample(list(SERVICE_TEXTS), rnd.randint(1, 3))
            certifications = rnd.sample(["ISO9001", "PCI_DSS", "AEO"], rnd.randint(0, 1))
        else:
            services = rnd.sample(list(SERVICE_TEXTS), rnd.randint(1, 4))
            text = self._provider_text(trade_zh, trade_en, district, services)
            products = products[: rnd.randint(0, 1)]
            certifications = rnd.sample(["AEO", "IATA", "ISO9001", "PCI_DSS"], rnd.randint(0, 2))
        features = [rnd.choice(PRODUCT_FEATURES) for _product in products]
        pairs = list(zip(products, features, strict=True))
        updated_at = LATEST_UPDATE - timedelta(minutes=rnd.randint(0, 2 * 525_600))
        markets = self._markets()
        return {
            "id": object_id,
            "type": "organization",
            "kind": str(kind),
            "district": str(district),
            "visibility": str(Visibility.PUBLIC if rnd.random() < 0.85 else Visibility.MEMBERS),
            **text,
            "products_zh": " ".join(f"{product[0]} {feature[0]}" for product, feature in pairs),
            "products_en": " ".join(f"{product[1]} {feature[1]}" for product, feature in pairs),
            "product_names": [name for zh, en, _code in products for name in (zh, en)],
            "brands": f"{trade_zh}{rnd.choice(['优品', '生活', '家', '工坊'])}, "
            f"{trade_en}{rnd.choice(['', ' Home', 'ly', ' Co'])}",
            "certifications": sorted(certifications),
            "certifications_text": " ".join(
                f"{CERTIFICATION_NAMES[code][0]} {CERTIFICATION_NAMES[code][1]}"
                for code in sorted(certifications)
            ),
            "services": sorted(str(service) for service in services),
            "completeness": rnd.randint(20, 100),
            "updated_at": updated_at.isoformat(),
            **self._taxonomy(sorted({code for _zh, _en, code in products}), markets),
        }

    def _exporter_text(self, trade_zh, trade_en, district, industry, products) -> dict[str, str]:
        rnd = self.random
        district_zh, district_en = DISTRICT_NAMES[district]
        names_zh = "、".join(zh for zh, _en, _code in products)
        names_en = ", ".join(en for _zh, en, _code in products)
        year = rnd.randint(1995, 2022)
        area = rnd.choice([800, 1200, 3000, 5000, 12000, 26000])
        countries = rnd.sample(POPULAR_MARKETS, 3)
        zh_countries = "、".join(self.vocabulary.countries[c].name_zh for c in countries)
        en_countries = ", ".join(self.vocabulary.countries[c].name_en for c in countries)
        marketplace_zh, marketplace_en = rnd.choice(MARKETPLACES)
        glossary_zh, glossary_en = rnd.choice(self.vocabulary.glossary)
        sentences = [
            (
                f"{trade_zh}{industry.name_zh}成立于{year}年，在{district_zh}拥有{area}平方米的工厂，"
                f"主要生产{names_zh}。",
                f"Founded in {year}, {trade_en} {industry.name_en} runs a {area} m² factory in "
                f"{district_en}, making {names_en}.",
            ),
            (
                f"产品出口{zh_countries}等国家，为海外品牌贴牌代工多年。",
                f"We export to {en_countries} and have made products for overseas brands "
                "for many years.",
            ),
            (
                f"近年来以自有品牌经营跨境电商，在{marketplace_zh}和独立站销售。",
                f"Our own brand now sells online on {marketplace_en} and our independent site.",
            ),
            (
                f"希望对接海外仓、物流和{glossary_zh}方面的合作伙伴。",
                f"We are looking for partners in overseas warehousing, logistics and "
                f"{glossary_en}.",
            ),
            (
                "支持OEM/ODM与混柜出货，可提供样品和检测报告。",
                "OEM/ODM and mixed containers welcome; samples and test reports available.",
            ),
        ]
        chosen = [sentences[0], *rnd.sample(sentences[1:], rnd.randint(1, 3))]
        return {
            "name_zh": f"北京{trade_zh}{industry.name_zh}有限公司",
            "name_en": f"Beijing {trade_en} {industry.name_en} Co., Ltd.",
            "summary_zh": f"{district_zh}{industry.name_zh}企业：{names_zh}，"
            f"{marketplace_zh}多站点在售",
            "summary_en": f"{district_en} {industry.name_en.lower()} maker: {names_en}, "
            f"selling on {marketplace_en} in several countries",
            "description_zh": "".join(zh for zh, _en in chosen),
            "description_en": " ".join(en for _zh, en in chosen),
        }

    def _platform_text(self, trade_zh, trade_en, products) -> dict[str, str]:
        rnd = self.random
        marketplace_zh, marketplace_en = rnd.choice(MARKETPLACES)
        categories_zh = "、".join(zh for zh, _en, _code in products)
        categories_en = ", ".join(en for _zh, en, _code in products)
        merchants = rnd.choice([200, 1500, 8000, 30000])
        return {
            "name_zh": f"{trade_zh}跨境电商平台",
            "name_en": f"{trade_en} Cross-border Marketplace",
            "summary_zh": f"面向海外消费者的跨境电商平台，招商品类：{categories_zh}",
            "summary_en": f"Cross-border marketplace for overseas shoppers, recruiting sellers of "
            f"{categories_en}",
            "description_zh": f"{trade_zh}平台已有{merchants}家商家入驻，提供入驻培训、流量扶持与"
            f"{marketplace_zh}同款的物流方案。欢迎传统外贸企业品牌出海。",
            "description_en": f"{merchants} merchants already sell on {trade_en}; we offer "
            f"onboarding training, traffic support and logistics like {marketplace_en}'s. "
            "Traditional foreign-trade enterprises taking their brands overseas are welcome.",
        }

    def _provider_text(self, trade_zh, trade_en, district, services) -> dict[str, str]:
        rnd = self.random
        name_zh, name_en = PROVIDER_NAMES[services[0]]
        offered_zh = "、".join(SERVICE_TEXTS[service][0] for service in services)
        offered_en = ", ".join(SERVICE_TEXTS[service][1] for service in services)
        countries = rnd.sample(POPULAR_MARKETS, 2)
        zh_countries = "和".join(self.vocabulary.countries[c].name_zh for c in countries)
        en_countries = " and ".join(self.vocabulary.countries[c].name_en for c in countries)
        glossary_zh, glossary_en = rnd.choice(self.vocabulary.glossary)
        return {
            "name_zh": f"北京{trade_zh}{name_zh}有限公司",
            "name_en": f"Beijing {trade_en} {name_en} Co., Ltd.",
            "summary_zh": f"为跨境卖家提供{offered_zh}服务",
            "summary_en": f"{offered_en} for cross-border sellers",
            "description_zh": f"公司位于{DISTRICT_NAMES[district][0]}，"
            f"在{zh_countries}设有服务网点，提供头程、尾程与{glossary_zh}等一站式服务，"
            f"已服务{rnd.randint(50, 3000)}家外贸企业。",
            "description_en": f"Based in {DISTRICT_NAMES[district][1]} with service points in "
            f"{en_countries}; first-mile, last-mile and {glossary_en} in one place for "
            f"{rnd.randint(50, 3000)} foreign-trade enterprises so far.",
        }

    def _markets(self) -> tuple[list[str], list[str]]:
        """(country codes, region codes) a profile names; the index expands the regions."""
        rnd = self.random
        countries = set(rnd.sample(POPULAR_MARKETS, rnd.randint(1, 3)))
        if rnd.random() < 0.2:
            countries.add(rnd.choice(self.market_codes))
        regions = rnd.sample(sorted(self.vocabulary.regions), 1) if rnd.random() < 0.35 else []
        return sorted(countries), regions

    def _taxonomy(
        self, heading_codes: Sequence[str], markets: tuple[list[str], list[str]]
    ) -> dict[str, Any]:
        # The same fields and rules as matchmaking.documents._taxonomy.
        vocabulary = self.vocabulary
        country_codes, region_codes = markets
        headings = [vocabulary.headings[code] for code in heading_codes]
        chapters = {
            heading.chapter_id: vocabulary.chapters[heading.chapter_id] for heading in headings
        }
        regions = [vocabulary.regions[code] for code in region_codes]
        countries = [vocabulary.countries[code] for code in country_codes]
        expanded = set(country_codes)
        for code in region_codes:
            expanded.update(vocabulary.region_members[code])
        named = [*headings, *chapters.values(), *regions, *countries]
        return {
            "hs_headings": sorted(heading_codes),
            "hs_chapters": sorted(chapters),
            "markets": sorted(expanded),
            "market_regions": sorted(region_codes),
            "taxonomy_zh": " ".join(thing.name_zh for thing in named if thing.name_zh),
            "taxonomy_en": " ".join(thing.name_en for thing in named if thing.name_en),
        }


# --- Queries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuerySpec:
    """One search as a visitor would send it; the request layers translate it."""

    label: str  # which family of queries it belongs to, for the per-family table
    text: str = ""
    kinds: tuple[str, ...] = ()
    markets: tuple[str, ...] = ()
    hs_headings: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1

    def filters(self) -> dict[str, list[str]]:
        """The repeatable filters, by their request parameter (matchmaking.selectors.search)."""
        filters = {"kind": self.kinds, "market": self.markets, "hs_heading": self.hs_headings}
        return {name: list(values) for name, values in filters.items() if values}

    def params(self) -> dict[str, Any]:
        """Query-string parameters of the search page and the JSON API."""
        params: dict[str, Any] = {"q": self.text, **self.filters()}
        if self.sort != "relevance":
            params["sort"] = self.sort
        if self.page != 1:
            params["page"] = self.page
        return params

    def describe(self) -> str:
        parts = [repr(self.text)]
        parts += [f"{name}={','.join(values)}" for name, values in self.filters().items()]
        parts += [f"sort={self.sort}"] if self.sort != "relevance" else []
        parts += [f"page={self.page}"] if self.page != 1 else []
        return " ".join(parts)


# Words no generated document holds: a search that finds nothing (and, with two words, the
# relaxed second statement).
MISSING_WORDS = ["量子计算", "潜水艇", "submarine", "quantum", "火箭发动机", "telescope"]
ENGLISH_STOP = {"and", "of", "the", "for", "in", "on"}


def query_specs(vocabulary: Vocabulary, *, count: int, seed: int) -> list[QuerySpec]:
    """`count` mixed queries: Chinese words of 2-4 characters, English words, two-word mixes,
    glossary terms, HS codes, words nothing matches, and blank searches with filters only;
    about a quarter filter by kind, a fifth by market, a few by HS heading; some sort by date or
    ask for page 2."""
    rnd = random.Random(seed)
    products = [product for industry in INDUSTRIES for product in industry.products]
    chinese_words = sorted(
        {zh for zh, _en, _code in products if 2 <= len(zh) <= 4 and not zh.isascii()}
        | {industry.name_zh for industry in INDUSTRIES if len(industry.name_zh) <= 4}
        | {zh for zh, _en in DISTRICT_NAMES.values()}
        | {"实木", "跨境", "海外仓", "独立站", "物流", "清关", "蓝牙", "德国", "美国", "儿童"}
    )
    english_words = sorted(
        {word for _zh, en, _code in products for word in en.split() if word.isalpha()}
        - ENGLISH_STOP
        | {"furniture", "lighting", "warehouse", "logistics", "Germany", "Japan", "marketplace"}
    )
    glossary_terms = sorted({term for pair in vocabulary.glossary for term in pair})
    headings = sorted({code for _zh, _en, code in products})
    countries = [vocabulary.countries[code] for code in POPULAR_MARKETS]

    def two_words() -> str:
        # What people combine: a product or industry with a market, a material or a second
        # product of the same trade, in either language or mixed ("家具 Germany", "LED 吊灯").
        industry = rnd.choice(INDUSTRIES)
        zh, en, _code = rnd.choice(industry.products)
        first = rnd.choice([zh, en.split()[-1], industry.name_zh, industry.name_en.lower()])
        country = rnd.choice(countries)
        other_zh, other_en, _code = rnd.choice(industry.products)
        second = rnd.choice([country.name_zh, country.name_en, other_zh, other_en.split()[0]])
        return f"{first} {second}"

    families = [
        ("chinese", 0.22, lambda: rnd.choice(chinese_words)),
        ("english", 0.18, lambda: rnd.choice(english_words)),
        ("two words", 0.14, two_words),
        ("product", 0.08, lambda: rnd.choice(products)[rnd.randint(0, 1)]),
        ("glossary", 0.12, lambda: rnd.choice(glossary_terms)),
        ("hs code", 0.10, lambda: rnd.choice([rnd.choice(headings), rnd.choice(headings)[:2]])),
        ("no match", 0.06, lambda: " ".join(rnd.sample(MISSING_WORDS, rnd.randint(1, 2)))),
        ("blank", 0.10, lambda: ""),
    ]
    kinds = [str(kind) for kind in OrganizationKind if kind != OrganizationKind.BUREAU]
    # Each family gets its share of the queries (rounded down, the rest to the largest), in a
    # shuffled order, so that every family is spread over the whole run.
    counts = [int(share * count) for _label, share, _make in families]
    counts[0] += count - sum(counts)
    order = [family for family, n in zip(families, counts, strict=True) for _ in range(n)]
    rnd.shuffle(order)
    specs: list[QuerySpec] = []
    for label, _share, make in order:
        text = make()
        blank = not text
        spec_kinds: tuple[str, ...] = ()
        spec_markets: tuple[str, ...] = ()
        if rnd.random() < (0.7 if blank else 0.25):
            spec_kinds = tuple(sorted(rnd.sample(kinds, rnd.choice([1, 1, 2]))))
        if rnd.random() < (0.6 if blank else 0.2) or (blank and not spec_kinds):
            spec_markets = tuple(sorted(rnd.sample(POPULAR_MARKETS, rnd.choice([1, 1, 2]))))
        spec_headings = (rnd.choice(headings),) if rnd.random() < (0.3 if blank else 0.05) else ()
        sort = "recent" if rnd.random() < 0.12 else "relevance"
        page = 2 if rnd.random() < 0.12 else 1
        specs.append(
            QuerySpec(
                label=label,
                text=text,
                kinds=spec_kinds,
                markets=spec_markets,
                hs_headings=spec_headings,
                sort=sort,
                page=page,
            )
        )
    return specs
