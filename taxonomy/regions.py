"""Trade regions offered as markets, as plain data: ISO 3166-1 alpha-2 members per region.

`taxonomy_load` writes these into the database in this order (their `sort_order`). Region codes
must never be two letters (except EU, which ISO reserves for the European Union and assigns to no
country), so that a stored list of market codes can mix regions and countries unambiguously.
Membership as of 2026; when a bloc admits or loses a member, change it here and run
`manage.py load_taxonomy`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class RegionDefinition:
    code: str
    name_zh: str
    name_en: str
    countries: frozenset[str]


def _codes(text: str) -> frozenset[str]:
    """Space-separated alpha-2 codes, so that long member lists stay readable."""
    return frozenset(text.split())


EU_MEMBERS = _codes(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
)

# The ten states that signed RCEP in 2020 as ASEAN members.
ASEAN_RCEP_SIGNATORIES = _codes("BN ID KH LA MM MY PH SG TH VN")

# Timor-Leste was admitted as the eleventh member at the 47th ASEAN Summit (October 2025).
ASEAN_MEMBERS = ASEAN_RCEP_SIGNATORIES | {"TL"}

RCEP_MEMBERS = ASEAN_RCEP_SIGNATORIES | {"AU", "CN", "JP", "KR", "NZ"}

GCC_MEMBERS = _codes("AE BH KW OM QA SA")

NORTH_AMERICA = _codes("CA MX US")

# The 33 member states of CELAC (Latin America and the Caribbean).
LATIN_AMERICA = _codes(
    "AG AR BB BO BR BS BZ CL CO CR CU DM DO EC GD GT GY HN HT JM KN LC MX NI PA PE PY SR SV TT "
    "UY VC VE"
)

MIDDLE_EAST = GCC_MEMBERS | _codes("EG IL IQ IR JO LB PS SY TR YE")

# The 54 sovereign African states, plus Western Sahara, Réunion, Mayotte and Saint Helena.
AFRICA = _codes(
    "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML "
    "MR MU MW MZ NA NE NG RW SC SD SL SN SO SS ST SZ TD TG TN TZ UG ZA ZM ZW "
    "EH RE YT SH"
)

# The UN geoscheme's Europe, plus Cyprus (an EU member the geoscheme puts in Western Asia).
EUROPE = EU_MEMBERS | _codes(
    "AD AL AX BA BY CH FO GB GG GI IM IS JE LI MC MD ME MK NO RS RU SJ SM UA VA"
)

CENTRAL_ASIA = _codes("KG KZ TJ TM UZ")

EAST_ASIA = _codes("CN HK JP KP KR MN MO TW")

# The UN geoscheme's Oceania: Australia and New Zealand, Melanesia, Micronesia, Polynesia.
OCEANIA = _codes(
    "AS AU CC CK CX FJ FM GU HM KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS"
)

REGIONS: tuple[RegionDefinition, ...] = (
    RegionDefinition("EU", "欧盟", "European Union", EU_MEMBERS),
    RegionDefinition("ASEAN", "东盟", "ASEAN", ASEAN_MEMBERS),
    RegionDefinition("RCEP", "区域全面经济伙伴关系协定 (RCEP)", "RCEP", RCEP_MEMBERS),
    RegionDefinition("GCC", "海湾阿拉伯国家合作委员会", "Gulf Cooperation Council", GCC_MEMBERS),
    RegionDefinition("NORTH_AMERICA", "北美", "North America", NORTH_AMERICA),
    RegionDefinition("LATIN_AMERICA", "拉丁美洲", "Latin America", LATIN_AMERICA),
    RegionDefinition("EUROPE", "欧洲", "Europe", EUROPE),
    RegionDefinition("EAST_ASIA", "东亚", "East Asia", EAST_ASIA),
    # The same members as ASEAN, under the name exporters search for (东南亚市场).
    RegionDefinition("SOUTHEAST_ASIA", "东南亚", "Southeast Asia", ASEAN_MEMBERS),
    RegionDefinition("CENTRAL_ASIA", "中亚", "Central Asia", CENTRAL_ASIA),
    RegionDefinition("MIDDLE_EAST", "中东", "Middle East", MIDDLE_EAST),
    RegionDefinition("AFRICA", "非洲", "Africa", AFRICA),
    RegionDefinition("OCEANIA", "大洋洲", "Oceania", OCEANIA),
)
