"""Which profile fields each kind of organization fills in: plain data, read by the services
(which refuse the rest), the forms, the API and the spreadsheets. No side effects on import, so
that any module may read it."""

from accounts.models import OrganizationKind
from taxonomy.models import Certification, Country, HSHeading, Region

EXPORTER = OrganizationKind.EXPORTER
PLATFORM = OrganizationKind.PLATFORM
PROVIDER = OrganizationKind.SERVICE_PROVIDER
# The kinds of organization that have a capability profile (not the bureau).
PROFILE_KINDS = (EXPORTER, PLATFORM, PROVIDER)

# Plain fields a profile of each organization kind may set (forms, API and import use these).
COMMON_FIELDS = (
    "visibility",
    "summary_zh",
    "summary_en",
    "description_zh",
    "description_en",
    "languages",
    "contact_name",
    "contact_title",
    "contact_phone",
    "contact_email",
    "contact_wechat",
)
KIND_FIELDS = {
    EXPORTER: (
        "certifications_other",
        "export_volume_band",
        "production_capacity",
        "minimum_order",
        "brands",
        "channels_wanted",
        "services_needed",
        "years_cross_border",
    ),
    PLATFORM: (
        "channels_offered",
        "services_offered",
        "merchant_min_volume_band",
        "requires_own_brand",
        "incentives_zh",
        "incentives_en",
        "merchant_count_band",
        "supports_brands_overseas",
    ),
    PROVIDER: ("certifications_other", "services_offered"),
}
# Many-to-many relations per kind, with the model their values must be.
COMMON_RELATIONS = {"hs_headings": HSHeading, "market_countries": Country, "market_regions": Region}
KIND_RELATIONS = {
    EXPORTER: {
        "certifications": Certification,
        "current_market_countries": Country,
        "warehouse_countries_needed": Country,
        "lane_destinations_needed": Country,
    },
    PLATFORM: {"required_certifications": Certification},
    PROVIDER: {"certifications": Certification},
}


def profile_fields(kind: str) -> tuple[str, ...]:
    return COMMON_FIELDS + KIND_FIELDS.get(kind, ())


def profile_relations(kind: str) -> dict[str, type]:
    return COMMON_RELATIONS | KIND_RELATIONS.get(kind, {})
