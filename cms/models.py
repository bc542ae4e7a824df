"""Content pages of the public site, and the footer's site-wide settings.

The page tree per locale is: Root → HomePage → StandardPage (about, help, privacy; may nest)
and NewsIndexPage → NewsPage. Other apps (events) hang their own index pages under the home page,
so HomePage does not restrict its subpage types.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyStreamBlock
from cms.validators import validate_link_target

NEWS_PER_PAGE = 10


class HomePage(Page):
    hero_title = models.CharField(
        _("hero title"),
        max_length=120,
        blank=True,
        help_text=_("The large heading at the top. The page title is used when empty."),
    )
    hero_text = models.TextField(_("hero text"), max_length=400, blank=True)
    hero_cta_label = models.CharField(_("call-to-action label"), max_length=40, blank=True)
    hero_cta_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("call-to-action page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_cta_url = models.CharField(
        _("call-to-action address"),
        max_length=255,
        blank=True,
        validators=[validate_link_target],
        help_text=_("Used when no page is chosen: a path such as /accounts/signup/ or a full URL."),
    )
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyStreamBlock(), verbose_name=_("body"), blank=True)

    parent_page_types = ["wagtailcore.Page"]
    page_description = _("The home page of a language version of the site.")

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldPanel("hero_cta_label"),
                PageChooserPanel("hero_cta_page"),
                FieldPanel("hero_cta_url"),
            ],
            heading=_("Hero"),
        ),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_title"),
        index.SearchField("hero_text"),
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def clean(self):
        super().clean()
        if self.hero_cta_page_id and self.hero_cta_url:
            raise ValidationError(
                {"hero_cta_url": _("Choose a page or enter an address, not both.")}
            )
        if (self.hero_cta_page_id or self.hero_cta_url) and not self.hero_cta_label:
            raise ValidationError({"hero_cta_label": _("Give the call-to-action a label.")})

    @property
    def hero_cta_link(self) -> str:
        """Where the call-to-action goes, in the visitor's language when the page is translated."""
        if self.hero_cta_page_id:
            return self.hero_cta_page.localized.url or ""
        return self.hero_cta_url


class StandardPage(Page):
    """A plain content page: about the platform, help, privacy."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyStreamBlock(), verbose_name=_("body"), blank=True)

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]
    page_description = _("A content page such as About, Help or Privacy.")

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class NewsIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    page_description = _("Lists the news and notices below it, newest first.")

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = _("news index page")
        verbose_name_plural = _("news index pages")

    def news_pages(self) -> models.QuerySet["NewsPage"]:
        return (
            NewsPage.objects.live()
            .public()
            .child_of(self)
            .select_related("image")
            .order_by("-date", "-first_published_at", "-pk")
        )

    def paginate_news(self, page_number: str | None) -> PaginatorPage:
        """One page of news; an invalid or out-of-range number gives the first or last page."""
        return Paginator(self.news_pages(), NEWS_PER_PAGE).get_page(page_number)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news_pages"] = self.paginate_news(request.GET.get("page"))
        return context


class NewsPage(Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("introduction"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyStreamBlock(), verbose_name=_("body"), blank=True)

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []
    page_description = _("A news item or notice from the bureau.")

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    class Meta:
        verbose_name = _("news page")
        verbose_name_plural = _("news pages")


@register_setting(icon="list-ul")
class FooterSettings(BaseSiteSetting):
    """The footer's organizer and contact details, in both languages of the site.

    One record per site rather than a translatable snippet: the footer is a handful of short
    fields, and keeping both languages side by side lets an editor check them together.
    """

    organizer_zh = models.CharField(
        _("organizer (Chinese)"), max_length=100, default="北京市商务局"
    )
    organizer_en = models.CharField(
        _("organizer (English)"), max_length=100, default="Beijing Municipal Commerce Bureau"
    )
    address_zh = models.CharField(_("address (Chinese)"), max_length=200, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    hotline = models.CharField(
        _("service hotline"), max_length=40, blank=True, help_text=_("For example 12345.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    icp_number = models.CharField(
        _("ICP registration number"),
        max_length=60,
        blank=True,
        help_text=_("For example 京ICP备12345678号. Links to the MIIT registration site."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("organizer_zh"), FieldPanel("organizer_en")], heading=_("Organizer")
        ),
        MultiFieldPanel(
            [
                FieldPanel("address_zh"),
                FieldPanel("address_en"),
                FieldPanel("phone"),
                FieldPanel("hotline"),
                FieldPanel("email"),
            ],
            heading=_("Contact"),
        ),
        FieldPanel("icp_number"),
    ]

    class Meta:
        verbose_name = _("footer")

    def _localized(self, field: str) -> str:
        """The English value on English pages when there is one, otherwise the Chinese one."""
        if (get_language() or "").startswith("en"):
            english = getattr(self, f"{field}_en")
            if english:
                return english
        return getattr(self, f"{field}_zh")

    @property
    def organizer(self) -> str:
        return self._localized("organizer")

    @property
    def address(self) -> str:
        return self._localized("address")
