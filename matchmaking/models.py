"""What organizations put on the platform for others to find: supply and demand posts.

Capability profiles join them here (issue 3 continues); search and matching read both.
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from taxonomy.models import Country, HSHeading, Region


class PostKind(models.TextChoices):
    SUPPLY = "supply", _("Supply (we offer)")
    DEMAND = "demand", _("Demand (we are looking for)")


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class Post(models.Model):
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
    body_zh = models.TextField(_("details (Chinese)"), blank=True)
    body_en = models.TextField(_("details (English)"), blank=True)
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
