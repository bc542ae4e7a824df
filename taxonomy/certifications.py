"""Product and management-system certifications offered as a list on profiles, as plain data.

`taxonomy_load` writes these into the database in this order. Profiles name anything else in a
free-text "other certifications" field; add a certification here once several companies type it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CertificationDefinition:
    code: str
    name_zh: str
    name_en: str


CERTIFICATIONS = (
    CertificationDefinition("CE", "欧盟CE认证", "CE marking (EU)"),
    CertificationDefinition("UKCA", "英国UKCA认证", "UKCA marking (UK)"),
    CertificationDefinition("FCC", "美国FCC认证", "FCC (US)"),
    CertificationDefinition("FDA", "美国FDA注册", "FDA registration (US)"),
    CertificationDefinition("UL", "UL认证", "UL listing"),
    CertificationDefinition("ROHS", "RoHS有害物质限制", "RoHS"),
    CertificationDefinition("REACH", "REACH化学品注册", "REACH"),
    CertificationDefinition("CPC", "美国儿童产品证书CPC", "Children's Product Certificate (US)"),
    CertificationDefinition("GS", "德国GS认证", "GS mark (Germany)"),
    CertificationDefinition("PSE", "日本PSE认证", "PSE (Japan)"),
    CertificationDefinition("KC", "韩国KC认证", "KC mark (Korea)"),
    CertificationDefinition("SASO", "沙特SASO认证", "SASO (Saudi Arabia)"),
    CertificationDefinition("HALAL", "清真认证", "Halal"),
    CertificationDefinition("ISO9001", "ISO 9001质量管理体系", "ISO 9001 quality management"),
    CertificationDefinition(
        "ISO14001", "ISO 14001环境管理体系", "ISO 14001 environmental management"
    ),
    CertificationDefinition("ISO13485", "ISO 13485医疗器械质量体系", "ISO 13485 medical devices"),
    CertificationDefinition("ISO22000", "ISO 22000食品安全管理体系", "ISO 22000 food safety"),
    CertificationDefinition("HACCP", "HACCP食品安全体系", "HACCP"),
    CertificationDefinition("GMP", "GMP良好生产规范", "GMP"),
    CertificationDefinition("BSCI", "BSCI社会责任审核", "amfori BSCI social audit"),
    CertificationDefinition("FSC", "FSC森林认证", "FSC chain of custody"),
    CertificationDefinition("OEKO_TEX", "OEKO-TEX纺织品认证", "OEKO-TEX Standard 100"),
    CertificationDefinition("AEO", "海关AEO高级认证", "Customs AEO (authorised economic operator)"),
    CertificationDefinition("IATA", "IATA航空货运代理资质", "IATA cargo agent"),
    CertificationDefinition("PCI_DSS", "PCI DSS支付安全认证", "PCI DSS (payments)"),
)
