"""Reference data every other app reads: HS chapters and headings, countries, trade regions and
certifications.

Rows are keyed by their public code (HS code, ISO 3166-1 alpha-2, region code) so that other apps'
foreign keys and stored market lists stay meaningful across reloads and between installations.
The rows are written only by `taxonomy.services.taxonomy_load`.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName:
    """`name` in the active language (English under "en", Chinese otherwise) and `str()`.

    Chinese falls back to English because HS headings have no Chinese source yet.
    """

    code: str
    name_zh: str
    name_en: str

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        if get_language() == "en":
            return self.name_en
        return self.name_zh or self.name_en


class HSChapter(BilingualName, models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    section = models.CharField(_("section"), max_length=8)
    name_zh = models.CharField(_("Chinese name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255)

    class Meta:
        verbose_name = _("HS chapter")
        verbose_name_plural = _("HS chapters")
        ordering = ["code"]


class HSHeading(BilingualName, models.Model):
    code = models.CharField(_("code"), max_length=4, primary_key=True)
    chapter = models.ForeignKey(
        HSChapter,
        verbose_name=_("chapter"),
        on_delete=models.PROTECT,
        related_name="headings",
    )
    name_en = models.CharField(_("English name"), max_length=500)
    name_zh = models.CharField(_("Chinese name"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("HS heading")
        verbose_name_plural = _("HS headings")
        ordering = ["code"]


class Country(BilingualName, models.Model):
    code = models.CharField(_("ISO alpha-2 code"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    name_en = models.CharField(_("English name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=100)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_en"]


class Region(BilingualName, models.Model):
    """A named group of countries (a trade bloc or a geographic region) offered as one market."""

    code = models.CharField(_("code"), max_length=20, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), related_name="regions", blank=True
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["sort_order", "code"]


class Certification(BilingualName, models.Model):
    """A product or management-system certification a profile can hold or ask for."""

    code = models.CharField(_("code"), max_length=20, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name
