"""What organizations put on the platform for others to find: capability profiles (with products,
warehouse sites and logistics lanes) and supply and demand posts. Search and matching read both.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from accounts.models import Organization, random_image_name
from accounts.validators import ImageFileValidator
from taxonomy.models import Certification, Country, HSHeading, Region

# C0 control characters other than tab, line feed and carriage return: invisible, useless in
# business text, and refused by spreadsheets (one would break the bureau's Excel export).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class TextWithoutControlCharacters:
    """Model mixin: clean() refuses control characters in any text field, with a message on
    the field, whatever path (form, API, import) the text came by."""

    def clean(self) -> None:
        super().clean()
        errors = {
            field.name: ValidationError(
                _("Remove the invisible control characters from this text."),
                code="control_characters",
            )
            for field in self._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and CONTROL_CHARACTERS.search(getattr(self, field.attname) or "")
        }
        if errors:
            raise ValidationError(errors)


BODY_MAX_LENGTH = 10_000


class PostKind(models.TextChoices):
    SUPPLY = "supply", _("Supply (we offer)")
    DEMAND = "demand", _("Demand (we are looking for)")


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class Post(TextWithoutControlCharacters, models.Model):
    """A supply or demand notice (供需信息), e.g. a platform's recruitment campaign.

    A post is listed while it is published and today lies within its validity dates; it drops
    out of listings by itself when `valid_until` passes. Bodies are plain text (shown with their
    line breaks, escaped); posts are written only through matchmaking.services.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="posts", verbose_name=_("organization")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PostKind.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    body_zh = models.TextField(
        _("details (Chinese)"), blank=True, validators=[MaxLengthValidator(BODY_MAX_LENGTH)]
    )
    body_en = models.TextField(
        _("details (English)"), blank=True, validators=[MaxLengthValidator(BODY_MAX_LENGTH)]
    )
    hs_headings = models.ManyToManyField(
        HSHeading, verbose_name=_("HS headings"), related_name="posts", blank=True
    )
    market_countries = models.ManyToManyField(
        Country, verbose_name=_("markets (countries)"), related_name="posts", blank=True
    )
    market_regions = models.ManyToManyField(
        Region, verbose_name=_("markets (regions)"), related_name="posts", blank=True
    )
    quantity = models.CharField(
        _("quantity"),
        max_length=100,
        blank=True,
        help_text=_("For example: 2 containers a month, or 50 merchants."),
    )
    terms = models.CharField(
        _("terms"),
        max_length=300,
        blank=True,
        help_text=_("For example: no commission for the first three months."),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Leave empty for no end date.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supply or demand post")
        verbose_name_plural = _("supply and demand posts")
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="post_valid_until_after_valid_from",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(title_zh="") | ~Q(title_en=""),
                name="post_has_a_title",
                violation_error_message=_("Give the post a title in Chinese or English."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The title in the active language, falling back to the other one."""
        if get_language() == "en":
            return self.title_en or self.title_zh
        return self.title_zh or self.title_en

    @property
    def body(self) -> str:
        if get_language() == "en":
            return self.body_en or self.body_zh
        return self.body_zh or self.body_en

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    def is_listed_on(self, day) -> bool:
        return (
            self.status == PostStatus.PUBLISHED
            and self.valid_from <= day
            and (self.valid_until is None or self.valid_until >= day)
        )


# --- Capability profiles -----------------------------------------------------------------------


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can see the profile")
    MEMBERS = "members", _("Members only: signed-in members of verified organizations")
    HIDDEN = "hidden", _("Hidden: only our own members and the bureau")


class Language(models.TextChoices):
    ZH = "zh", _("Chinese")
    EN = "en", _("English")
    RU = "ru", _("Russian")
    ES = "es", _("Spanish")
    FR = "fr", _("French")
    DE = "de", _("German")
    PT = "pt", _("Portuguese")
    AR = "ar", _("Arabic")
    JA = "ja", _("Japanese")
    KO = "ko", _("Korean")
    TH = "th", _("Thai")
    VI = "vi", _("Vietnamese")
    ID = "id", _("Indonesian")
    MS = "ms", _("Malay")


class ServiceType(models.TextChoices):
    """Services exporters need and platforms and service providers offer (one vocabulary, so
    that matching can compare them)."""

    OVERSEAS_WAREHOUSE = "overseas_warehouse", _("Overseas warehouse")
    LOGISTICS = "logistics", _("International logistics")
    CUSTOMS = "customs", _("Customs clearance")
    COMPLIANCE = "compliance", _("Compliance and certification")
    TAX = "tax", _("Tax and VAT")
    PAYMENT = "payment", _("Payment and foreign exchange")
    MARKETING = "marketing", _("Marketing and advertising")
    STORE_OPERATION = "store_operation", _("Store operation")
    BRAND_IP = "brand_ip", _("Trademark and brand protection")
    FINANCING = "financing", _("Trade financing")
    TRAINING = "training", _("Training")


class Channel(models.TextChoices):
    MARKETPLACE = "marketplace", _("Marketplace platforms")
    INDEPENDENT_SITE = "independent_site", _("Independent online store")
    SOCIAL_COMMERCE = "social_commerce", _("Social commerce and live streaming")
    DISTRIBUTOR = "distributor", _("Overseas distributors")
    B2B = "b2b", _("B2B wholesale platforms")


class ExportVolumeBand(models.TextChoices):
    UNDER_1M = "under_1m", _("Under USD 1 million a year")
    FROM_1M = "1m_5m", _("USD 1–5 million a year")
    FROM_5M = "5m_20m", _("USD 5–20 million a year")
    FROM_20M = "20m_100m", _("USD 20–100 million a year")
    OVER_100M = "over_100m", _("Over USD 100 million a year")


class MerchantCountBand(models.TextChoices):
    UNDER_1K = "under_1k", _("Under 1,000 merchants")
    FROM_1K = "1k_10k", _("1,000–10,000 merchants")
    FROM_10K = "10k_100k", _("10,000–100,000 merchants")
    OVER_100K = "over_100k", _("Over 100,000 merchants")


class TransportMode(models.TextChoices):
    SEA = "sea", _("Sea freight")
    AIR = "air", _("Air freight")
    RAIL = "rail", _("Rail freight")
    EXPRESS = "express", _("Express and postal")
    ROAD = "road", _("Road freight")


def _validate_codes(values, choices, message) -> None:
    """A JSON list field holds codes of one TextChoices class, each once."""
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise ValidationError(message)
    allowed = set(choices.values)
    unknown = [value for value in values if value not in allowed]
    if unknown or len(set(values)) != len(values):
        raise ValidationError(message, params={"values": ", ".join(unknown)})


def validate_languages(values) -> None:
    _validate_codes(values, Language, _("Choose languages from the list."))


def validate_service_types(values) -> None:
    _validate_codes(values, ServiceType, _("Choose services from the list."))


def validate_channels(values) -> None:
    _validate_codes(values, Channel, _("Choose sales channels from the list."))


def _listed(values, choices) -> list[str]:
    """Labels of stored codes in the active language, in the order of the choices."""
    return [label for value, label in choices.choices if value in set(values or ())]


# Long texts stay well under a spreadsheet cell's 32,767 characters, so that an export can
# always be imported again.
DESCRIPTION_MAX_LENGTH = 20_000  # of sanitized HTML

# Rich-text descriptions allow this much and no more; the field sanitizes every save (nh3), so
# no script, event handler or javascript: link survives, whatever the editor or the API sends.
DESCRIPTION_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Link": {"protocols": ["http", "https", "mailto"]},
    "HardBreak": True,
}


class Profile(TextWithoutControlCharacters, models.Model):
    """An organization's capability profile: one per organization, written only through
    matchmaking.services. Common fields first, then those of each organization kind.

    `hs_headings` and the markets mean what the organization's kind makes of them: what an
    exporter makes and wants to sell to, the categories a platform recruits and the markets it
    covers, the goods and markets a service provider serves. `data_version` grows with every
    saved change, so that stored suggestions can tell which data they were computed from.
    """

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("organization"),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    summary_zh = models.CharField(_("summary (Chinese)"), max_length=200, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=200, blank=True)
    description_zh = ProseEditorField(
        _("description (Chinese)"),
        extensions=DESCRIPTION_EXTENSIONS,
        sanitize=True,
        blank=True,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    description_en = ProseEditorField(
        _("description (English)"),
        extensions=DESCRIPTION_EXTENSIONS,
        sanitize=True,
        blank=True,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    hs_headings = models.ManyToManyField(
        HSHeading, verbose_name=_("HS headings"), related_name="profiles", blank=True
    )
    market_countries = models.ManyToManyField(
        Country, verbose_name=_("markets (countries)"), related_name="profiles", blank=True
    )
    market_regions = models.ManyToManyField(
        Region, verbose_name=_("markets (regions)"), related_name="profiles", blank=True
    )
    languages = models.JSONField(
        _("languages spoken"), default=list, blank=True, validators=[validate_languages]
    )
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_title = models.CharField(_("position"), max_length=100, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_wechat = models.CharField(_("WeChat ID"), max_length=60, blank=True)
    certifications = models.ManyToManyField(
        Certification,
        verbose_name=_("certifications held"),
        related_name="profiles",
        blank=True,
    )
    certifications_other = models.CharField(
        _("other certifications"),
        max_length=200,
        blank=True,
        help_text=_("Certifications not in the list, separated by commas."),
    )

    # Exporters
    export_volume_band = models.CharField(
        _("annual export volume"), max_length=12, choices=ExportVolumeBand.choices, blank=True
    )
    production_capacity = models.CharField(
        _("production capacity"),
        max_length=120,
        blank=True,
        help_text=_("For example: 200,000 pieces a month."),
    )
    minimum_order = models.CharField(
        _("minimum order"), max_length=120, blank=True, help_text=_("For example: 500 pieces.")
    )
    brands = models.CharField(
        _("own brands"), max_length=200, blank=True, help_text=_("Separated by commas.")
    )
    current_market_countries = models.ManyToManyField(
        Country,
        verbose_name=_("current export markets"),
        related_name="exporting_profiles",
        blank=True,
    )
    channels_wanted = models.JSONField(
        _("sales channels wanted"), default=list, blank=True, validators=[validate_channels]
    )
    services_needed = models.JSONField(
        _("services needed"), default=list, blank=True, validators=[validate_service_types]
    )
    warehouse_countries_needed = models.ManyToManyField(
        Country,
        verbose_name=_("overseas warehouse needed in"),
        related_name="warehouse_seeking_profiles",
        blank=True,
    )
    lane_destinations_needed = models.ManyToManyField(
        Country,
        verbose_name=_("logistics needed to"),
        related_name="lane_seeking_profiles",
        blank=True,
    )
    years_cross_border = models.PositiveSmallIntegerField(
        _("years of cross-border e-commerce"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )

    # Platforms (and the services of service providers)
    services_offered = models.JSONField(
        _("services offered"), default=list, blank=True, validators=[validate_service_types]
    )
    merchant_min_volume_band = models.CharField(
        _("minimum merchant scale"),
        max_length=12,
        choices=ExportVolumeBand.choices,
        blank=True,
        help_text=_("The smallest annual export volume the platform accepts."),
    )
    required_certifications = models.ManyToManyField(
        Certification,
        verbose_name=_("certifications required of merchants"),
        related_name="requiring_profiles",
        blank=True,
    )
    requires_own_brand = models.BooleanField(_("merchants must own a brand"), default=False)
    incentives_zh = models.TextField(
        _("onboarding incentives and fees (Chinese)"),
        blank=True,
        validators=[MaxLengthValidator(BODY_MAX_LENGTH)],
    )
    incentives_en = models.TextField(
        _("onboarding incentives and fees (English)"),
        blank=True,
        validators=[MaxLengthValidator(BODY_MAX_LENGTH)],
    )
    merchant_count_band = models.CharField(
        _("merchants on the platform"), max_length=12, choices=MerchantCountBand.choices, blank=True
    )
    supports_brands_overseas = models.BooleanField(
        _("supports brands going overseas"), default=False
    )

    # Kept up to date by every write (services recompute it), so that lists can sort by it.
    completeness = models.PositiveSmallIntegerField(_("completeness (%)"), default=0)
    data_version = models.PositiveIntegerField(_("data version"), default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("capability profile")
        verbose_name_plural = _("capability profiles")
        indexes = [models.Index(fields=["visibility", "completeness"])]

    def __str__(self) -> str:
        return str(self.organization)

    def clean(self) -> None:
        # The editor leaves markup without text ("<p><br></p>") in a field the user emptied.
        for name in ("description_zh", "description_en"):
            if not strip_tags(getattr(self, name)).strip():
                setattr(self, name, "")
        super().clean()

    @property
    def summary(self) -> str:
        if get_language() == "en":
            return self.summary_en or self.summary_zh
        return self.summary_zh or self.summary_en

    @property
    def description(self) -> str:
        """Sanitized HTML in the active language, falling back to the other one."""
        if get_language() == "en":
            return self.description_en or self.description_zh
        return self.description_zh or self.description_en

    @property
    def incentives(self) -> str:
        if get_language() == "en":
            return self.incentives_en or self.incentives_zh
        return self.incentives_zh or self.incentives_en

    @property
    def has_contact(self) -> bool:
        return any((self.contact_name, self.contact_phone, self.contact_email, self.contact_wechat))

    def language_labels(self) -> list[str]:
        return _listed(self.languages, Language)

    def channel_labels(self) -> list[str]:
        return _listed(self.channels_wanted, Channel)

    def services_needed_labels(self) -> list[str]:
        return _listed(self.services_needed, ServiceType)

    def services_offered_labels(self) -> list[str]:
        return _listed(self.services_offered, ServiceType)


PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 6000
validate_product_photo = ImageFileValidator(max_bytes=PHOTO_MAX_BYTES, max_side=PHOTO_MAX_SIDE)


def product_photo_upload_to(instance: "Product", filename: str) -> str:
    return random_image_name(folder="products", file=instance.photo.file)


class Product(TextWithoutControlCharacters, models.Model):
    """An exporter's product line, shown on its profile with an optional photo."""

    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="products", verbose_name=_("profile")
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    hs_heading = models.ForeignKey(
        HSHeading,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("HS heading"),
    )
    description_zh = models.CharField(_("short description (Chinese)"), max_length=300, blank=True)
    description_en = models.CharField(_("short description (English)"), max_length=300, blank=True)
    photo = models.ImageField(
        _("photo"),
        upload_to=product_photo_upload_to,
        blank=True,
        validators=[validate_product_photo],
        help_text=_("PNG, JPEG, WebP or GIF, at most 5 MB and 6000 pixels a side."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_zh="") | ~Q(name_en=""),
                name="product_has_a_name",
                violation_error_message=_("Give the product a name in Chinese or English."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if get_language() == "en":
            return self.name_en or self.name_zh
        return self.name_zh or self.name_en

    @property
    def description(self) -> str:
        if get_language() == "en":
            return self.description_en or self.description_zh
        return self.description_zh or self.description_en


class WarehouseSite(TextWithoutControlCharacters, models.Model):
    """An overseas warehouse a service provider operates (or a platform offers its merchants)."""

    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="warehouses", verbose_name=_("profile")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="warehouse_sites", verbose_name=_("country")
    )
    city = models.CharField(_("city"), max_length=100)
    capacity_m2 = models.PositiveIntegerField(_("floor space (m²)"), null=True, blank=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["country__name_en", "city"]

    def __str__(self) -> str:
        return f"{self.city}, {self.country.name}"


class LogisticsLane(models.Model):
    """A lane a logistics provider runs, origin to destination country, by one transport mode."""

    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="lanes", verbose_name=_("profile")
    )
    origin = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="lanes_from", verbose_name=_("from")
    )
    destination = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="lanes_to", verbose_name=_("to")
    )
    mode = models.CharField(_("transport"), max_length=10, choices=TransportMode.choices)

    class Meta:
        verbose_name = _("logistics lane")
        verbose_name_plural = _("logistics lanes")
        ordering = ["origin__name_en", "destination__name_en", "mode"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "origin", "destination", "mode"],
                name="lane_unique_per_profile",
                violation_error_message=_("This lane is already listed."),
            ),
            models.CheckConstraint(
                condition=~Q(origin=F("destination")),
                name="lane_crosses_a_border",
                violation_error_message=_("A lane goes from one country to another."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.origin.name} → {self.destination.name} ({self.get_mode_display()})"


# --- API access ---------------------------------------------------------------------------------


class ApiToken(models.Model):
    """A secret that lets a program act for one organization through the JSON API.

    Only a SHA-256 digest of the secret is stored; the secret is shown once, when created.
    `prefix` (the secret's first characters) lets people tell their tokens apart.
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=80, help_text=_("What uses this token."))
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
