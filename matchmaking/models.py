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
    channels_offered = models.JSONField(
        _("sales channels offered"),
        default=list,
        blank=True,
        validators=[validate_channels],
        help_text=_("How merchants sell through the platform."),
    )
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

    def channels_offered_labels(self) -> list[str]:
        return _listed(self.channels_offered, Channel)

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


# ---------------------------------------------------------------------------------------------
# Matching: stored suggestions and what organizations think of them


class Suggestion(models.Model):
    """A partner the matching engine suggests to an organization, as it last scored the pair.

    Written only by matchmaking.services.suggestions, which replaces an organization's rows
    whenever it recomputes them. The two versions are the profiles' data_version at that
    moment, so a row tells whether it is older than the data it explains.
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="suggestions",
        verbose_name=_("organization"),
    )
    partner = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="suggested_to",
        verbose_name=_("suggested partner"),
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    # matchmaking.matching.Reason items as dicts: kind, side ("you" / "them"), weight, facts.
    reasons = models.JSONField(_("reasons"), default=list)
    organization_version = models.PositiveIntegerField(_("data version of the organization"))
    partner_version = models.PositiveIntegerField(_("data version of the partner"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["organization", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "partner"], name="suggestion_once_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(organization=F("partner")), name="suggestion_not_to_itself"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="suggestion_score_in_unit_range"
            ),
        ]
        indexes = [models.Index(fields=["organization", "rank"], name="suggestion_rank_idx")]

    def __str__(self) -> str:
        return f"{self.organization} → {self.partner} ({self.score:.2f})"


class MatchingFacts(models.Model):
    """The matching engine's facts of one organization (matchmaking.matching.Facts as JSON),
    prepared when its profile or posts last changed, so that recomputing one organization's
    suggestions reads every candidate's facts in one query instead of segmenting their texts
    again. Derived data: matchmaking.services.suggestions rebuilds it from the profiles."""

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="matching_facts",
        verbose_name=_("organization"),
    )
    kind = models.CharField(_("kind"), max_length=20)
    data_version = models.PositiveIntegerField(_("data version"))
    facts = models.JSONField(_("facts"))
    prepared_at = models.DateTimeField(_("prepared at"), default=timezone.now)

    class Meta:
        verbose_name = _("matching facts")
        verbose_name_plural = _("matching facts")
        # One organization's recompute reads the rows prepared since its last look.
        indexes = [models.Index(fields=["prepared_at"], name="matching_facts_prepared_idx")]

    def __str__(self) -> str:
        return f"{self.organization_id} v{self.data_version}"


class FeedbackAction(models.TextChoices):
    SAVED = "saved", _("Saved")
    DISMISSED = "dismissed", _("Not relevant")


class DismissReason(models.TextChoices):
    PRODUCTS = "products", _("Products or categories do not fit")
    MARKETS = "markets", _("Markets do not fit")
    SCALE = "scale", _("Size or requirements do not fit")
    ALREADY_PARTNERS = "already_partners", _("We already work together")
    OTHER = "other", _("Other")


class SuggestionFeedback(TextWithoutControlCharacters, models.Model):
    """What an organization did with a suggested partner: saved it, or dismissed it as not
    relevant. A dismissed partner is never suggested to the organization again; both kinds of
    feedback weigh on later rankings (matchmaking.matching.Feedback)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="suggestion_feedback",
        verbose_name=_("organization"),
    )
    partner = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="feedback_received",
        verbose_name=_("partner"),
    )
    action = models.CharField(_("action"), max_length=10, choices=FeedbackAction.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=DismissReason.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("suggestion feedback")
        verbose_name_plural = _("suggestion feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "partner"], name="feedback_once_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(organization=F("partner")), name="feedback_not_on_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.action} {self.partner}"


# ---------------------------------------------------------------------------------------------
# Meeting requests


class MeetingState(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    COUNTERED = "countered", _("Other times proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


# States in which a request still waits for one side to answer.
OPEN_MEETING_STATES = (MeetingState.PENDING, MeetingState.COUNTERED)


class MeetingSource(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggested partners")
    PROFILE = "profile", _("Profile page")
    SEARCH = "search", _("Search results")
    DIRECTORY = "directory", _("Directory")


class MeetingDeclineReason(models.TextChoices):
    NOT_RELEVANT = "not_relevant", _("Our businesses do not fit")
    NO_CAPACITY = "no_capacity", _("Not taking on new partners now")
    MARKETS = "markets", _("We do not serve those markets")
    REQUIREMENTS = "requirements", _("Our requirements are not met")
    TIMING = "timing", _("None of the times suits us")
    OTHER = "other", _("Other")


class MeetingOutcomeKind(models.TextChoices):
    NO_CONTACT = "no_contact", _("No contact yet")
    NEGOTIATING = "negotiating", _("In negotiation")
    AGREEMENT = "agreement", _("Agreement reached")
    ONBOARDED = "onboarded", _("Merchant onboarded")


class MeetingRequest(TextWithoutControlCharacters, models.Model):
    """One organization asks another for a meeting. The receiver accepts, declines or proposes
    other times; after a counter-proposal it is the requester's turn (`awaiting`). Written only
    by matchmaking.services.meetings.

    `pair` names the two organizations in a fixed order ("<smaller id>-<larger id>"), so that
    the database keeps one open request per pair, whichever side asked.
    """

    requester = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="meeting_requests_sent",
        verbose_name=_("requested by organization"),
    )
    receiver = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="meeting_requests_received",
        verbose_name=_("requested of organization"),
    )
    pair = models.CharField(max_length=41, editable=False)
    requested_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    source = models.CharField(
        _("requested from"), max_length=12, choices=MeetingSource.choices, blank=True
    )
    note = models.TextField(_("note"), max_length=1000, blank=True)
    # Aware datetimes as ISO 8601 strings, proposed by whoever spoke last; may be empty.
    proposed_times = models.JSONField(_("proposed times"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=MeetingState.choices, default=MeetingState.PENDING
    )
    awaiting = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("awaiting an answer from"),
    )
    agreed_time = models.DateTimeField(_("agreed time"), null=True, blank=True)
    decline_reason = models.CharField(
        _("reason for declining"), max_length=20, choices=MeetingDeclineReason.choices, blank=True
    )
    decline_note = models.CharField(_("note on declining"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair"],
                condition=Q(state__in=OPEN_MEETING_STATES),
                name="meeting_one_open_request_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(requester=F("receiver")), name="meeting_not_with_itself"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "expires_at"], name="meeting_expiry_idx"),
            models.Index(fields=["requester", "state"], name="meeting_requester_state_idx"),
            models.Index(fields=["receiver", "state"], name="meeting_receiver_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.receiver} ({self.state})"

    @staticmethod
    def pair_of(first_id: int, second_id: int) -> str:
        low, high = sorted((first_id, second_id))
        return f"{low}-{high}"

    def other_side(self, organization_id: int) -> Organization:
        return self.receiver if organization_id == self.requester_id else self.requester

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_MEETING_STATES


class MeetingRequestEvent(models.Model):
    """One step in a request's history (requested, countered, accepted, ...), for both sides
    to read and for the bureau's figures."""

    request = models.ForeignKey(
        MeetingRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    state = models.CharField(_("state"), max_length=10, choices=MeetingState.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("by organization"),
    )
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    proposed_times = models.JSONField(_("proposed times"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting request step")
        verbose_name_plural = _("meeting request steps")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.state}"


class MeetingOutcome(TextWithoutControlCharacters, models.Model):
    """What one side reports came of an accepted meeting; each side keeps one current report."""

    request = models.ForeignKey(
        MeetingRequest,
        on_delete=models.CASCADE,
        related_name="outcomes",
        verbose_name=_("request"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name=_("reported by")
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=MeetingOutcomeKind.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    reported_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting outcome")
        verbose_name_plural = _("meeting outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organization"], name="meeting_outcome_once_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.outcome}"
