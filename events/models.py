"""Events the bureau publishes in Wagtail, and the registrations companies make for them.

Page tree: HomePage → EventIndexPage → MatchmakingSessionPage | ExpoCallPage | TrainingPage.
An event page exists once, in the default (Chinese) locale, and carries both languages in its
own fields: registrations, capacity and check-in belong to one event, not to one translation.
The English event index (a translation of the Chinese one) serves the same event pages under
/en/ (EventIndexPage.route), and an event's URL follows the active language (get_url_parts).

Capacity lives in two places on purpose. Staff edit `EventPlaces` rows in the page editor (they
travel with revisions and drafts); the live count is `PlaceCounter`, one row per event and
organization kind, never part of a page revision, so publishing an old revision cannot reset how
many places are taken. The database refuses a counter above its capacity (a CHECK constraint),
and registrations take places only through events.services.registrations.
"""

import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Locale, Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from accounts.models import Organization, OrganizationKind
from events.admin_forms import EventPageForm
from events.blocks import (
    AgendaItemBlock,
    EventBodyBlock,
    MaterialBlock,
    QuestionsBlock,
    SpeakerBlock,
)
from taxonomy.models import Country, HSChapter, Region

# Organization kinds that may register for events (the bureau organizes them).
REGISTRANT_KINDS = [
    (OrganizationKind.EXPORTER.value, OrganizationKind.EXPORTER.label),
    (OrganizationKind.PLATFORM.value, OrganizationKind.PLATFORM.label),
    (OrganizationKind.SERVICE_PROVIDER.value, OrganizationKind.SERVICE_PROVIDER.label),
]

TIME_ZONE_CHOICES = [
    ("Asia/Shanghai", _("Beijing time (UTC+8)")),
    ("Europe/London", _("London")),
    ("Europe/Berlin", _("Central Europe (Berlin, Paris)")),
    ("America/New_York", _("US Eastern (New York)")),
    ("America/Los_Angeles", _("US Pacific (Los Angeles)")),
    ("Asia/Tokyo", _("Tokyo")),
    ("Asia/Singapore", _("Singapore")),
    ("Asia/Dubai", _("Dubai")),
    ("Europe/Moscow", _("Moscow")),
    ("America/Sao_Paulo", _("São Paulo")),
    ("Australia/Sydney", _("Sydney")),
]


def in_english() -> bool:
    return (translation.get_language() or "").startswith("en")


def bilingual(chinese: str, english: str) -> str:
    """The English text on English pages when there is one, otherwise the Chinese text."""
    return english if in_english() and english else chinese


def bilingual_value(value, field: str) -> str:
    """`field` of a block value holding `<field>_zh` and `<field>_en`, in the visitor's language."""
    return bilingual(value.get(f"{field}_zh") or "", value.get(f"{field}_en") or "")


@register_snippet
class ResponsibleUnit(models.Model):
    """An organizer or responsible unit: the commerce bureau, customs, tax, the foreign exchange
    administration, ... Staff keep the list under Snippets; event pages choose from it."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=160, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    panels = [FieldPanel("name_zh"), FieldPanel("name_en"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("organizer or responsible unit")
        verbose_name_plural = _("organizers and responsible units")
        ordering = ["sort_order", "name_zh"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self.name_zh, self.name_en)


class EventIndexPage(RoutablePageMixin, Page):
    """Lists the events below it (upcoming and past, filters, a month calendar, an iCalendar
    feed). Its views live in events.views.listing; the routes are declared on the page so that
    they follow it wherever an editor moves it."""

    intro_zh = models.TextField(_("introduction (Chinese)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["events.MatchmakingSessionPage", "events.ExpoCallPage", "events.TrainingPage"]
    page_description = _("Lists events: matchmaking sessions, expo calls and trainings.")
    max_count_per_parent = 1

    content_panels = [*Page.content_panels, FieldPanel("intro_zh"), FieldPanel("intro_en")]

    class Meta:
        verbose_name = _("event index page")
        verbose_name_plural = _("event index pages")

    @property
    def intro(self) -> str:
        return bilingual(self.intro_zh, self.intro_en)

    def source_index(self) -> "EventIndexPage":
        """The index in the default locale, under which the event pages live."""
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return self
        return (
            EventIndexPage.objects.filter(
                translation_key=self.translation_key, locale=default
            ).first()
            or self
        )

    def route(self, request, path_components):
        """Serve the default locale's events under a translated index too (/en/events/x/)."""
        source = self.source_index()
        if path_components and source.pk != self.pk:
            try:
                return super().route(request, path_components)
            except Http404:
                child = source.get_children().filter(slug=path_components[0]).first()
                if child is None:
                    raise
                return child.specific.route(request, path_components[1:])
        return super().route(request, path_components)

    # The views behind the routes live in events.views.listing (imported when called: views
    # import the models).
    @path("")
    def listing(self, request):
        from events.views import listing

        return listing.event_index(request, self)

    @path("calendar/")
    def calendar(self, request):
        from events.views import listing

        return listing.event_calendar(request, self)

    @path("feed/")
    def feed(self, request):
        from events.views import listing

        return listing.event_feed(request, self)


class EventPage(RoutablePageMixin, Page):
    """What every event has. Not created directly: editors pick one of the three kinds."""

    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), max_length=400, blank=True)
    summary_en = models.TextField(_("summary (English)"), max_length=400, blank=True)
    body_zh = StreamField(EventBodyBlock(), verbose_name=_("details (Chinese)"), blank=True)
    body_en = StreamField(EventBodyBlock(), verbose_name=_("details (English)"), blank=True)

    starts_at = models.DateTimeField(
        _("starts"), help_text=_("In Beijing time, whatever the event's own time zone.")
    )
    ends_at = models.DateTimeField(_("ends"), help_text=_("In Beijing time."))
    time_zone = models.CharField(
        _("time zone of the venue"),
        max_length=40,
        choices=TIME_ZONE_CHOICES,
        default="Asia/Shanghai",
        help_text=_("Times are also shown in this zone when it is not Beijing time."),
    )
    venue_zh = models.CharField(_("venue (Chinese)"), max_length=200, blank=True)
    venue_en = models.CharField(_("venue (English)"), max_length=200, blank=True)
    online_url = models.URLField(
        _("online meeting link"),
        blank=True,
        help_text=_("Shown to confirmed registrants only."),
    )

    hs_chapters = ParentalManyToManyField(
        HSChapter, verbose_name=_("target HS chapters"), blank=True, related_name="+"
    )
    market_countries = ParentalManyToManyField(
        Country, verbose_name=_("target markets (countries)"), blank=True, related_name="+"
    )
    market_regions = ParentalManyToManyField(
        Region, verbose_name=_("target markets (regions)"), blank=True, related_name="+"
    )
    organizers = ParentalManyToManyField(
        ResponsibleUnit, verbose_name=_("organizers and responsible units"), blank=True
    )

    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Empty: open on publishing.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration deadline"), help_text=_("In Beijing time.")
    )
    questions = StreamField(
        QuestionsBlock(),
        verbose_name=_("questions for registrants"),
        blank=True,
        help_text=_("Asked on the registration form, with any documents to upload."),
    )

    is_creatable = False
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []
    base_form_class = EventPageForm

    # Sessions and trainings confirm while places remain; expo calls go to review.
    requires_review = False
    kind_label = _("Event")

    search_fields = [
        *Page.search_fields,
        index.SearchField("title_en"),
        index.SearchField("summary_zh"),
        index.SearchField("summary_en"),
        index.FilterField("starts_at"),
    ]

    common_panels = [
        MultiFieldPanel(
            [FieldPanel("title_en"), FieldPanel("summary_zh"), FieldPanel("summary_en")],
            heading=_("Titles and summary"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("time_zone"),
                FieldRowPanel([FieldPanel("venue_zh"), FieldPanel("venue_en")]),
                FieldPanel("online_url"),
            ],
            heading=_("When and where"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("hs_chapters"),
                FieldPanel("market_countries"),
                FieldPanel("market_regions"),
                FieldPanel("organizers"),
            ],
            heading=_("Audience and organizers"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]
                ),
                InlinePanel(
                    "places",
                    label=_("Places per organization kind"),
                    help_text=_("Only the kinds listed here may register."),
                    min_num=1,
                ),
                FieldPanel("questions"),
            ],
            heading=_("Registration"),
        ),
    ]

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        return bilingual(self.title, self.title_en)

    @property
    def summary(self) -> str:
        return bilingual(self.summary_zh, self.summary_en)

    @property
    def venue(self) -> str:
        return bilingual(self.venue_zh, self.venue_en)

    @property
    def body(self):
        return self.body_en if in_english() and self.body_en else self.body_zh

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def in_beijing_time(self) -> bool:
        return self.time_zone == settings.TIME_ZONE

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        if (
            self.registration_closes_at
            and self.ends_at
            and self.registration_closes_at > (self.ends_at)
        ):
            errors["registration_closes_at"] = _("Registration must close before the event ends.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_opens_at >= self.registration_closes_at
        ):
            errors["registration_opens_at"] = _("Registration must open before it closes.")
        if errors:
            raise ValidationError(errors)

    def get_url_parts(self, request=None):
        """The event's address in the active language: /events/x/ in Chinese, /en/events/x/
        in English (the English index serves it, see EventIndexPage.route)."""
        parts = super().get_url_parts(request)
        if parts is None or parts[2] is None:
            return parts
        site_id, root_url, page_path = parts
        language = translation.get_language() or settings.LANGUAGE_CODE
        if language != settings.LANGUAGE_CODE and self.locale.language_code != language:
            # translate_url reads the path in the language it was built for. The English
            # index keeps the Chinese index's slug (Wagtail's translations copy it), so the
            # path under /en/ leads through it to this page.
            with translation.override(self.locale.language_code):
                page_path = translate_url(page_path, language)
        return site_id, root_url, page_path

    @path("register/")
    def register(self, request):
        from events.views import registrations

        return registrations.event_register(request, self)

    @path("ics/")
    def calendar_file(self, request):
        from events.views import registrations

        return registrations.event_ics(request, self)

    def get_context(self, request, *args, **kwargs):
        from events import selectors

        return {
            **super().get_context(request, *args, **kwargs),
            **selectors.event_page_context(event=self, user=request.user),
        }

    def registration_is_open(self, *, at=None) -> bool:
        at = at or timezone.now()
        opened = self.registration_opens_at is None or self.registration_opens_at <= at
        return self.live and opened and at < self.registration_closes_at

    def eligible_kinds(self) -> list[str]:
        return [row.organization_kind for row in self.places.all()]


class EventPlaces(Orderable):
    """How many organizations of one kind an event takes (edited with the page)."""

    event = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="places")
    organization_kind = models.CharField(
        _("organization kind"), max_length=20, choices=REGISTRANT_KINDS
    )
    places = models.PositiveIntegerField(_("places"))

    panels = [FieldRowPanel([FieldPanel("organization_kind"), FieldPanel("places")])]

    class Meta(Orderable.Meta):
        verbose_name = _("places")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organization_kind"], name="event_places_unique_kind"
            )
        ]


class SessionFormat(models.TextChoices):
    RESOURCE_DOCKING = "resource_docking", _("Resource-docking meeting")
    ENTERPRISE_EXCHANGE = "enterprise_exchange", _("Enterprise exchange meeting")


class MatchmakingSessionPage(EventPage):
    """资源对接会 / 企业交流会: platforms, exporters and providers meet, at a venue or online."""

    session_format = models.CharField(
        _("format"),
        max_length=30,
        choices=SessionFormat.choices,
        default=SessionFormat.RESOURCE_DOCKING,
    )
    agenda = StreamField([("item", AgendaItemBlock())], verbose_name=_("agenda"), blank=True)

    kind_label = _("Matchmaking session")
    page_description = _("A resource-docking or enterprise exchange meeting.")
    is_creatable = True
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []
    template = "events/event_page.html"

    content_panels = [
        *Page.content_panels,
        FieldPanel("session_format"),
        *EventPage.common_panels,
        FieldPanel("agenda"),
        FieldPanel("body_zh"),
        FieldPanel("body_en"),
    ]

    class Meta:
        verbose_name = _("matchmaking session")
        verbose_name_plural = _("matchmaking sessions")


class Expo(models.TextChoices):
    CIFTIS = "ciftis", _("CIFTIS (China International Fair for Trade in Services)")
    CHINA_ECOMMERCE_CONFERENCE = "cec", _("China E-commerce Conference")
    OTHER = "other", _("Other expo")


class PlaceType(models.TextChoices):
    BOOTH = "booth", _("Booth")
    DELEGATION = "delegation", _("Delegation place")


class ExpoCallPage(EventPage):
    """A call to take part in an expo: the bureau selects applicants by review."""

    expo = models.CharField(_("expo"), max_length=10, choices=Expo.choices, default=Expo.CIFTIS)
    expo_name_zh = models.CharField(
        _("expo name (Chinese)"), max_length=160, blank=True, help_text=_("For other expos.")
    )
    expo_name_en = models.CharField(_("expo name (English)"), max_length=160, blank=True)
    place_type = models.CharField(
        _("what applicants receive"),
        max_length=12,
        choices=PlaceType.choices,
        default=PlaceType.BOOTH,
    )

    requires_review = True
    kind_label = _("Expo participation call")
    page_description = _("A call for companies to exhibit at CIFTIS or another expo.")
    is_creatable = True
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []
    template = "events/event_page.html"

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("expo"),
                FieldRowPanel([FieldPanel("expo_name_zh"), FieldPanel("expo_name_en")]),
                FieldPanel("place_type"),
            ],
            heading=_("Expo"),
        ),
        *EventPage.common_panels,
        FieldPanel("body_zh"),
        FieldPanel("body_en"),
    ]

    class Meta:
        verbose_name = _("expo participation call")
        verbose_name_plural = _("expo participation calls")

    def clean(self):
        super().clean()
        if self.expo == Expo.OTHER and not self.expo_name_zh:
            raise ValidationError({"expo_name_zh": _("Name the expo.")})

    @property
    def expo_name(self) -> str:
        if self.expo == Expo.OTHER:
            return bilingual(self.expo_name_zh, self.expo_name_en)
        return self.get_expo_display()


class TrainingPage(EventPage):
    """Compliance training on an overseas market's rules (EU product safety and VAT, US
    customs and FDA, ...), with speakers and materials to download afterwards."""

    topics_zh = models.TextField(_("topics (Chinese)"), help_text=_("One topic per line."))
    topics_en = models.TextField(_("topics (English)"), blank=True)
    speakers = StreamField([("speaker", SpeakerBlock())], verbose_name=_("speakers"), blank=True)
    materials = StreamField(
        [("material", MaterialBlock())],
        verbose_name=_("materials"),
        blank=True,
        help_text=_("Offered for download once the training has ended."),
    )

    kind_label = _("Compliance training")
    page_description = _("Training on the trading rules of overseas markets.")
    is_creatable = True
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []
    template = "events/event_page.html"

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("topics_zh"), FieldPanel("topics_en"), FieldPanel("speakers")],
            heading=_("Topics and speakers"),
        ),
        *EventPage.common_panels,
        FieldPanel("materials"),
        FieldPanel("body_zh"),
        FieldPanel("body_en"),
    ]

    class Meta:
        verbose_name = _("compliance training")
        verbose_name_plural = _("compliance trainings")

    @property
    def topics(self) -> list[str]:
        text = bilingual(self.topics_zh, self.topics_en)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def materials_available(self, *, at=None) -> bool:
        return (at or timezone.now()) >= self.ends_at


class PlaceCounter(models.Model):
    """Places of one organization kind at one event, and how many are taken.

    Written only by events.services.registrations: a confirmation increments `taken` with a
    conditional UPDATE, and the CHECK constraint makes the database refuse any write that would
    take more places than there are, whatever the code above it does.
    """

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="counters")
    organization_kind = models.CharField(max_length=20, choices=REGISTRANT_KINDS)
    capacity = models.PositiveIntegerField()
    taken = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organization_kind"], name="place_counter_unique_kind"
            ),
            models.CheckConstraint(
                condition=Q(taken__lte=models.F("capacity")), name="place_counter_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.organization_kind}: {self.taken}/{self.capacity}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)


class RegistrationState(models.TextChoices):
    PENDING = "pending", _("Pending review")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    CHECKED_IN = "checked_in", _("Checked in")


# States in which a registration counts as the organization's one registration for the event.
ACTIVE_STATES = [
    RegistrationState.PENDING,
    RegistrationState.CONFIRMED,
    RegistrationState.WAITLISTED,
    RegistrationState.CHECKED_IN,
]
# States that hold one of the event's places.
PLACE_STATES = [RegistrationState.CONFIRMED, RegistrationState.CHECKED_IN]


def new_ticket_code() -> str:
    return secrets.token_urlsafe(18)


class Registration(models.Model):
    """One organization's registration for one event. Written only through
    events.services.registrations, which keeps `PlaceCounter` in step with the states."""

    event = models.ForeignKey(
        EventPage, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="event_registrations",
        verbose_name=_("organization"),
    )
    # The organization's kind when it registered: the places it took are of this kind.
    organization_kind = models.CharField(
        _("organization kind"), max_length=20, choices=REGISTRANT_KINDS
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="event_registrations",
        verbose_name=_("submitted by"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=RegistrationState.choices, db_index=True
    )
    attendees = models.JSONField(_("attendees"), default=list)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    idempotency_key = models.UUIDField(_("idempotency key"), unique=True, default=uuid.uuid4)
    ticket_code = models.CharField(max_length=32, unique=True, default=new_ticket_code)

    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when the registration joined the waitlist: promotion goes by this, first come first.
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organization"],
                condition=Q(state__in=ACTIVE_STATES),
                name="registration_one_active_per_organization",
            )
        ]
        indexes = [models.Index(fields=["event", "state", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.organization} → {self.event}"

    @property
    def holds_place(self) -> bool:
        return self.state in PLACE_STATES

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


def registration_document_upload_to(instance: "RegistrationDocument", filename: str) -> str:
    # A random name with the extension of the type the content was checked to be.
    return f"registrations/{uuid.uuid4().hex}.{instance.file_type}"


class RegistrationDocument(models.Model):
    """A document a registrant uploaded for a document question. Served only to the
    registering organization's members and to bureau staff (events.views.registrations)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="documents"
    )
    question_id = models.CharField(max_length=64)
    file = models.FileField(upload_to=registration_document_upload_to, max_length=200)
    file_type = models.CharField(max_length=8)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name
