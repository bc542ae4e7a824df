"""The public event index: which events it lists, the cards it shows them as, a month's
calendar, the iCalendar feed, and where an event lives in each language.

Days and months are Beijing days and months (settings.TIME_ZONE), whoever is looking: an event
at 00:30 on 1 March in Beijing is a March event, though it is still 28 February in UTC.
"""

import calendar
import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from wagtail.models import Page
from wagtail.query import PageQuerySet

from events.models import (
    EventIndexPage,
    EventPage,
    EventPlaces,
    ExpoCallPage,
    MatchmakingSessionPage,
    PlaceCounter,
    TrainingPage,
)
from taxonomy.selectors import market_country_codes

BEIJING = zoneinfo.ZoneInfo(settings.TIME_ZONE)

# The kinds a visitor filters by, as they appear in the address (?kind=training).
EVENT_KINDS: dict[str, type[EventPage]] = {
    "session": MatchmakingSessionPage,
    "expo": ExpoCallPage,
    "training": TrainingPage,
}
# How far back the feed reaches: a subscribed calendar keeps recent events, not all history.
FEED_PAST_DAYS = 90


def event_kind(event: EventPage) -> str:
    """The event's key in EVENT_KINDS ("session", "expo", "training")."""
    for kind, page_class in EVENT_KINDS.items():
        if isinstance(event, page_class):
            return kind
    return ""


def beijing_month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of `month` (any day in it) and of the next month, in Beijing time."""
    start = datetime.datetime(month.year, month.month, 1, tzinfo=BEIJING)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, following


def event_list(
    *,
    index: EventIndexPage,
    kind: str | None = None,
    month: datetime.date | None = None,
    market: str | None = None,
    hs_chapter: str | None = None,
    when: str = "upcoming",
    now: datetime.datetime | None = None,
) -> PageQuerySet:
    """Live, public events under the index (the default locale's, whichever translation of the
    index asks), as specific pages.

    `when`: "upcoming" are events that have not ended yet (one under way included), soonest
    first; "past" those that have ended, latest first; "all" every event, in date order.
    `month` (a date in it) keeps events that take place, wholly or in part, in that Beijing
    month. `market` is a country or a region code: it keeps events that target a country the
    market covers, through a country of theirs or one of their regions (a filter on Germany
    finds an event for the EU, and one on the EU finds an event for Germany). An event that
    names no market is left out: a market filter shows events aimed at that market, and an
    event for every market is not one. `hs_chapter` (two digits) likewise keeps only events
    that name the chapter.

    Evaluate it in slices (a page of results): each slice runs one query per event kind in it,
    plus a fixed few, however many events there are. Body and question fields are not loaded.
    """
    now = now or timezone.now()
    events = EventPage.objects.live().public().child_of(index.source_index())
    if kind:
        events = events.exact_type(EVENT_KINDS[kind])
    if month is not None:
        start, end = beijing_month_bounds(month)
        events = events.filter(starts_at__lt=end, ends_at__gt=start)
    if market:
        countries = market_country_codes(codes=[market])
        targeted = EventPage.objects.filter(
            Q(market_countries__code__in=countries)
            | Q(market_regions__countries__code__in=countries)
        )
        events = events.filter(pk__in=targeted.values("pk"))
    if hs_chapter:
        events = events.filter(
            pk__in=EventPage.objects.filter(hs_chapters__code=hs_chapter).values("pk")
        )
    if when == "upcoming":
        events = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    elif when == "past":
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.order_by("starts_at", "pk")
    return (
        events.specific()
        .defer_streamfields()
        .select_related("locale", for_specific_subqueries=True)
    )


def event_feed_list(
    *, index: EventIndexPage, now: datetime.datetime | None = None, **filters
) -> PageQuerySet:
    """What the iCalendar feed holds: events that have not ended, and those that ended in the
    last FEED_PAST_DAYS days, with the index's filters (see event_list)."""
    now = now or timezone.now()
    return event_list(index=index, when="all", now=now, **filters).filter(
        ends_at__gte=now - datetime.timedelta(days=FEED_PAST_DAYS)
    )


@dataclass
class EventCard:
    """What a card on the index shows beside the event's own fields."""

    event: EventPage
    kind: str
    places_left: dict[str, int]
    # "open", "soon" (opens later) or "closed".
    registration: str

    @property
    def total_places_left(self) -> int:
        return sum(self.places_left.values())


def event_cards(
    *, events: Sequence[EventPage], now: datetime.datetime | None = None
) -> list[EventCard]:
    """Cards for `events` (a page of the index): two queries whatever their number.

    Places left per organization kind are computed as events.selectors.places_left does: the
    live counter where there is one, otherwise the published capacity.
    """
    now = now or timezone.now()
    ids = [event.pk for event in events]
    left: dict[int, dict[str, int]] = defaultdict(dict)
    for row in EventPlaces.objects.filter(event_id__in=ids).order_by("sort_order", "pk"):
        left[row.event_id][row.organization_kind] = row.places
    for counter in PlaceCounter.objects.filter(event_id__in=ids):
        if counter.organization_kind in left[counter.event_id]:
            left[counter.event_id][counter.organization_kind] = counter.free
    cards = []
    for event in events:
        if event.registration_is_open(at=now):
            registration = "open"
        elif event.registration_opens_at and now < event.registration_opens_at:
            registration = "soon"
        else:
            registration = "closed"
        cards.append(
            EventCard(
                event=event,
                kind=event_kind(event),
                places_left=left[event.pk],
                registration=registration,
            )
        )
    return cards


@dataclass
class CalendarEntry:
    event: EventPage
    kind: str
    # True on the second and later days of an event that spans several days.
    continued: bool


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    is_today: bool
    entries: list[CalendarEntry] = field(default_factory=list)


def calendar_month(
    year: int, month: int, events: Iterable[EventPage], *, today: datetime.date | None = None
) -> list[list[CalendarDay]]:
    """The month as weeks (Monday first) of days, each with the events on it.

    An event is on every Beijing day from the one it starts on to the one it ends on (an event
    ending at midnight is not on the next day). Days of the neighbouring months that fill the
    first and last weeks are in the grid, marked `in_month=False`, with no events.
    """
    today = today or timezone.localdate(timezone=BEIJING)
    weeks = [
        [CalendarDay(date=day, in_month=day.month == month, is_today=day == today) for day in week]
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    ]
    days = {day.date: day for week in weeks for day in week if day.in_month}
    first, last = min(days), max(days)
    for event in sorted(events, key=lambda event: (event.starts_at, event.pk)):
        starts = timezone.localtime(event.starts_at, BEIJING).date()
        ends = timezone.localtime(
            event.ends_at - datetime.timedelta(microseconds=1), BEIJING
        ).date()
        day = max(starts, first)
        while day <= min(ends, last):
            days[day].entries.append(
                CalendarEntry(event=event, kind=event_kind(event), continued=day != starts)
            )
            day += datetime.timedelta(days=1)
    return weeks


def event_language_urls(*, page: Page, request=None) -> dict[str, str]:
    """For an event page, its address in each language whose event index is live
    ({language code: URL}); for any other page, nothing.

    An event page exists once, in the default locale, and a translated index serves it under
    its own prefix (EventIndexPage.route), so the language switcher should lead to the same
    event rather than to the nearest translated ancestor. Where an index has no live
    translation, the event is not served in that language, and the switcher's usual rule
    applies. One query.
    """
    if not isinstance(page, EventPage):
        return {}
    parent = Page.objects.filter(path=page.path[: -page.steplen]).values("translation_key")
    served_in = set(
        EventIndexPage.objects.live()
        .filter(translation_key__in=parent)
        .values_list("locale__language_code", flat=True)
    )
    urls = {}
    for code, _name in settings.LANGUAGES:
        if code not in served_in:
            continue
        with translation.override(code):
            url = page.get_url(request)
        if url:
            urls[code] = url
    return urls
