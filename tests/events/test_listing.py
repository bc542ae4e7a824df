"""The public event index: filters, upcoming and past, pagination, the month calendar (in
Beijing days), the iCalendar feed and .ics files read back with a calendar parser, the English
index, the language switcher on an event page, and a query count that does not grow."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import Locale

from accounts.models import OrganizationKind
from cms.models import HomePage
from events import ics
from events.models import ExpoCallPage, MatchmakingSessionPage, TrainingPage
from events.selectors.listing import calendar_month, event_cards, event_list
from events.services.registrations import registration_create
from taxonomy.models import Country, HSChapter, Region
from tests.cms.utils import translate
from tests.factories.events import event_index, event_publish, registrant

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
DAY = datetime.timedelta(days=1)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def card_titles(response) -> list[str]:
    return [a.get_text(strip=True) for a in soup(response).select('[data-testid="event-link"]')]


def switch_language(client, response, language: str) -> str:
    """Submit the switcher's form for `language`; return where set_language redirects."""
    form = soup(response).select_one(f'[data-testid="lang-{language}"]').find_parent("form")
    data = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
    redirect = client.post(form["action"], data)
    assert redirect.status_code == 302
    return redirect["Location"]


def at(*args) -> datetime.datetime:
    """A fixed instant in UTC."""
    return datetime.datetime(*args, tzinfo=UTC)


def publish_at(starts: datetime.datetime, *, hours: int = 2, page_class=None, **fields):
    """An event at a fixed time, whose registration closed a day before it."""
    return event_publish(
        page_class or MatchmakingSessionPage,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=hours),
        registration_closes_at=starts - DAY,
        **fields,
    )


def targeting(event, **codes):
    """Give a published event target markets or HS chapters (market_countries=["DE"], ...) and
    publish it again, as an editor would."""
    models = {"market_countries": Country, "market_regions": Region, "hs_chapters": HSChapter}
    for name, values in codes.items():
        getattr(event, name).set(models[name].objects.filter(code__in=values))
    event.save_revision().publish()
    event.refresh_from_db()
    return event


def vevents(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


@pytest.fixture
def index():
    return event_index()


@pytest.fixture
def english_index(index):
    """English home and event index pages, translations of the Chinese ones."""
    english = Locale.objects.get_or_create(language_code="en")[0]
    home = HomePage.objects.get(depth=2, locale=Locale.get_default())
    translate(home, english, title="Home")
    return translate(index, english, title="Events")


# --- The selector ----------------------------------------------------------------------------


def test_upcoming_soonest_first_past_latest_first(index):
    now = timezone.now()
    later = event_publish(starts_in=10 * DAY)
    sooner = event_publish(starts_in=2 * DAY)
    under_way = event_publish(starts_in=-datetime.timedelta(hours=1), hours=3)
    long_ago = event_publish(starts_in=-30 * DAY)
    recently = event_publish(starts_in=-3 * DAY)

    assert list(event_list(index=index, now=now)) == [under_way, sooner, later]
    assert list(event_list(index=index, when="past", now=now)) == [recently, long_ago]
    assert list(event_list(index=index, when="all", now=now)) == [
        long_ago,
        recently,
        under_way,
        sooner,
        later,
    ]


def test_only_live_public_events(index):
    shown = event_publish()
    hidden = event_publish()
    hidden.unpublish()
    assert list(event_list(index=index)) == [shown]


def test_kind_filter_returns_specific_pages(index):
    session = event_publish(MatchmakingSessionPage)
    expo = event_publish(ExpoCallPage)
    training = event_publish(TrainingPage)

    assert list(event_list(index=index, kind="expo")) == [expo]
    assert list(event_list(index=index, kind="training")) == [training]
    events = list(event_list(index=index))
    assert [type(event) for event in events] == [
        MatchmakingSessionPage,
        ExpoCallPage,
        TrainingPage,
    ]
    assert events[0] == session


def test_month_filter_uses_beijing_months(index):
    # 00:30 on 1 March in Beijing is still 28 February in UTC.
    march_first = publish_at(at(2027, 2, 28, 16, 30))
    february_last = publish_at(at(2027, 2, 28, 10, 0))
    # Three days from 30 April to 2 May: in both months.
    spanning = publish_at(at(2027, 4, 30, 1, 0), hours=49)

    def month(year, number):
        return list(event_list(index=index, when="all", month=datetime.date(year, number, 1)))

    assert month(2027, 3) == [march_first]
    assert month(2027, 2) == [february_last]
    assert month(2027, 4) == [spanning]
    assert month(2027, 5) == [spanning]


def test_market_filter_expands_regions_on_both_sides(index, taxonomy):
    for_germany = targeting(event_publish(), market_countries=["DE"])
    for_the_eu = targeting(event_publish(), market_regions=["EU"])
    for_the_us = targeting(event_publish(), market_countries=["US"])
    for_everyone = event_publish()

    def market(code):
        return set(event_list(index=index, market=code))

    assert market("DE") == {for_germany, for_the_eu}
    assert market("FR") == {for_the_eu}
    assert market("EU") == {for_germany, for_the_eu}
    assert market("NORTH_AMERICA") == {for_the_us}
    # An event that names no market is not one aimed at any market in particular.
    assert for_everyone not in market("US")
    assert set(event_list(index=index)) == {for_germany, for_the_eu, for_the_us, for_everyone}


def test_market_filter_lists_an_event_once(index, taxonomy):
    event = targeting(
        event_publish(), market_countries=["DE", "FR"], market_regions=["EU", "EUROPE"]
    )
    assert list(event_list(index=index, market="EU")) == [event]


def test_hs_chapter_filter(index, taxonomy):
    furniture = targeting(event_publish(), hs_chapters=["94", "95"])
    targeting(event_publish(), hs_chapters=["61"])
    event_publish()
    assert list(event_list(index=index, hs_chapter="94")) == [furniture]
    assert list(event_list(index=index, hs_chapter="94", market="DE")) == []


def test_cards_show_places_left_and_registration_window(index):
    user, organization = registrant(OrganizationKind.EXPORTER)
    open_event = event_publish(places={OrganizationKind.EXPORTER: 2, OrganizationKind.PLATFORM: 5})
    registration_create(
        event=open_event, organization=organization, user=user, attendees=[{"name": "王"}]
    )
    not_yet = event_publish(registration_opens_at=timezone.now() + DAY)
    closed = event_publish(starts_in=-DAY)

    cards = {card.event.pk: card for card in event_cards(events=[open_event, not_yet, closed])}

    assert cards[open_event.pk].places_left == {"exporter": 1, "platform": 5}
    assert cards[open_event.pk].total_places_left == 6
    assert cards[open_event.pk].registration == "open"
    assert cards[open_event.pk].kind == "session"
    assert cards[not_yet.pk].registration == "soon"
    assert cards[closed.pk].registration == "closed"


def test_calendar_grid_puts_events_on_their_beijing_days():
    class Event:
        def __init__(self, pk, starts, ends):
            self.pk, self.starts_at, self.ends_at = pk, starts, ends

    just_after_midnight = Event(1, at(2027, 2, 28, 16, 30), at(2027, 2, 28, 18, 0))
    # 10:00 on 30 March to midnight at the end of 31 March, Beijing time.
    two_days = Event(2, at(2027, 3, 30, 2, 0), at(2027, 3, 31, 16, 0))
    from_february = Event(3, at(2027, 2, 27, 2, 0), at(2027, 3, 1, 2, 0))

    weeks = calendar_month(
        2027,
        3,
        [two_days, just_after_midnight, from_february],
        today=datetime.date(2027, 3, 15),
    )

    assert all(len(week) == 7 for week in weeks)
    assert weeks[0][0].date == datetime.date(2027, 3, 1)  # a Monday
    days = {day.date: day for week in weeks for day in week}
    assert days[datetime.date(2027, 3, 15)].is_today

    def on(day):
        return [
            (entry.event.pk, entry.continued) for entry in days[datetime.date(2027, 3, day)].entries
        ]

    assert on(1) == [(3, True), (1, False)]
    assert on(2) == []
    assert on(30) == [(2, False)]
    assert on(31) == [(2, True)]
    assert not days[datetime.date(2027, 4, 1)].in_month
    assert days[datetime.date(2027, 4, 1)].entries == []


# --- The index page --------------------------------------------------------------------------


def test_index_lists_upcoming_with_tabs_and_feed_link(client, index):
    upcoming = event_publish(venue_zh="北京国际会议中心")
    past = event_publish(starts_in=-5 * DAY)

    response = client.get("/events/")

    assert response.status_code == 200
    assert card_titles(response) == [upcoming.title]
    html = soup(response)
    card = html.select_one('[data-testid="event-card"]')
    assert "北京国际会议中心" in card.get_text()
    assert card.select_one(".badge-event-session")
    assert card.select_one("[data-local-time][data-starts][data-label]")
    assert "50" in card.select_one('[data-testid="event-places"]').get_text()
    tabs = {a.get_text(strip=True): a["href"] for a in html.select('[data-testid="event-tabs"] a')}
    assert list(tabs.values()) == ["/events/", "/events/?when=past", "/events/calendar/"]
    assert html.select_one('[data-testid="event-feed-link"]')["href"] == "/events/feed/"
    assert html.select_one('script[src$="events/local-time.js"]')

    past_page = client.get("/events/?when=past")
    assert card_titles(past_page) == [past.title]
    assert not soup(past_page).select_one('[data-testid="filter-errors"]')


def test_index_filters_and_keeps_them_in_its_links(client, index, taxonomy):
    training = targeting(event_publish(TrainingPage), market_regions=["EU"], hs_chapters=["94"])
    targeting(event_publish(MatchmakingSessionPage), market_regions=["EU"], hs_chapters=["94"])
    targeting(event_publish(TrainingPage), market_countries=["US"])

    response = client.get("/events/?kind=training&market=DE&hs_chapter=94")

    assert card_titles(response) == [training.title]
    html = soup(response)
    assert html.select_one('[data-testid="event-feed-link"]')["href"] == (
        "/events/feed/?kind=training&market=DE&hs_chapter=94"
    )
    past = html.select('[data-testid="event-tabs"] a')[1]["href"]
    assert past == "/events/?kind=training&market=DE&hs_chapter=94&when=past"


def test_bad_filter_values_are_reported_and_left_out(client, index, taxonomy):
    training = event_publish(TrainingPage)
    event_publish(MatchmakingSessionPage)

    response = client.get(
        "/events/?kind=training&market=ZZ&month=2027-13&hs_chapter=999&when=soon&page=x"
    )

    assert response.status_code == 200
    html = soup(response)
    assert html.select_one('[data-testid="filter-errors"]')
    errors = {
        field.select_one("label")["for"]
        for field in html.select('[data-testid="event-filters"] .field.has-error')
    }
    assert errors == {"id_market", "id_month", "id_hs_chapter"}
    # The valid filter still applies, and a bad tab falls back to upcoming.
    assert card_titles(response) == [training.title]
    for url in ("/events/?month=0001-01", "/events/?month=9999-12", "/events/?kind=%00"):
        assert client.get(url).status_code == 200
        assert (
            client.get(url.replace("/events/", "/events/calendar/"), follow=True).status_code == 200
        )


def test_empty_state_offers_to_clear_filters(client, index, taxonomy):
    targeting(event_publish(), market_countries=["DE"])

    response = client.get("/events/?market=US")

    html = soup(response)
    assert html.select_one('[data-testid="empty-state"]')
    assert html.select_one('[data-testid="empty-clear-filters"]')["href"] == "/events/"


def test_pagination_twelve_per_page_and_past_the_end_shows_the_last(client, index):
    events = [event_publish(starts_in=(number + 1) * DAY) for number in range(13)]

    first = client.get("/events/")
    assert card_titles(first) == [event.title for event in events[:12]]
    assert soup(first).select_one('[data-testid="pagination"]')
    assert card_titles(client.get("/events/?page=2")) == [events[12].title]
    assert card_titles(client.get("/events/?page=99")) == [events[12].title]


def test_index_queries_do_not_grow_with_the_number_of_events(client, index):
    kinds = (MatchmakingSessionPage, ExpoCallPage, TrainingPage)

    def queries() -> int:
        client.get("/events/")  # fills the site and content type caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/events/")
        assert response.status_code == 200
        return len(captured), len(card_titles(response))

    for page_class in kinds:
        event_publish(page_class)
    with_three, shown = queries()
    assert shown == 3
    for _round in range(3):
        for page_class in kinds:
            event_publish(page_class)
    with_twelve, shown = queries()
    assert shown == 12
    assert with_twelve == with_three


# --- The calendar ----------------------------------------------------------------------------


def test_calendar_shows_events_on_beijing_days(client, index):
    event = publish_at(at(2027, 2, 28, 16, 30))

    march = soup(client.get("/events/calendar/?month=2027-03"))
    february = soup(client.get("/events/calendar/?month=2027-02"))

    first = march.select_one('[data-date="2027-03-01"]')
    assert [a["href"] for a in first.select('[data-testid="calendar-event"] a')] == [event.url]
    assert "00:30" in first.get_text()
    assert not february.select('[data-testid="calendar-event"]')
    assert march.select_one('[data-testid="calendar-previous"]')["href"] == (
        "/events/calendar/?month=2027-02"
    )
    assert march.select_one('[data-testid="calendar-next"]')["href"] == (
        "/events/calendar/?month=2027-04"
    )
    assert march.select('[data-testid="event-tabs"] a')[2]["aria-current"] == "page"


def test_calendar_keeps_filters_across_months(client, index, taxonomy):
    publish_at(at(2027, 3, 10, 2, 0), page_class=TrainingPage)
    publish_at(at(2027, 3, 11, 2, 0), page_class=ExpoCallPage)

    html = soup(client.get("/events/calendar/?month=2027-03&kind=training"))

    assert len(html.select('[data-testid="calendar-event"]')) == 1
    assert html.select_one('[data-testid="calendar-next"]')["href"] == (
        "/events/calendar/?kind=training&month=2027-04"
    )


def test_calendar_with_a_bad_month_shows_the_current_month(client, index):
    response = client.get("/events/calendar/?month=March&kind=expo")

    assert response.status_code == 302
    assert response["Location"] == "/events/calendar/?kind=expo"
    page = client.get(response["Location"])
    html = soup(page)
    this_month = timezone.localdate().strftime("%Y-%m")
    assert html.select_one('[data-testid="calendar-month"] time')["datetime"] == this_month
    assert html.select_one('[data-testid="messages"]')


# --- iCalendar -------------------------------------------------------------------------------


def test_feed_holds_upcoming_and_recent_events_in_utc(client, index):
    upcoming = event_publish(online_url="https://meeting.example.com/secret-room")
    recent = event_publish(starts_in=-80 * DAY)
    event_publish(starts_in=-100 * DAY)

    response = client.get("/events/feed/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="events.ics"' in response["Content-Disposition"]
    entries = {str(entry["UID"]): entry for entry in vevents(response.content)}
    assert set(entries) == {ics.event_uid(upcoming), ics.event_uid(recent)}
    entry = entries[ics.event_uid(upcoming)]
    assert str(entry["SUMMARY"]) == upcoming.title
    assert entry.decoded("DTSTART") == upcoming.starts_at
    assert entry.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    assert str(entry["URL"]).endswith(f"/events/{upcoming.slug}/")
    assert b"secret-room" not in response.content
    # The same event keeps its UID in another fetch.
    assert ics.event_uid(upcoming) in {
        str(entry["UID"]) for entry in vevents(client.get("/events/feed/").content)
    }


def test_feed_honours_filters(client, index, taxonomy):
    training = targeting(event_publish(TrainingPage), market_countries=["DE"])
    targeting(event_publish(TrainingPage), market_countries=["US"])
    targeting(event_publish(ExpoCallPage), market_countries=["DE"])

    entries = vevents(client.get("/events/feed/?kind=training&market=EU").content)

    assert [str(entry["UID"]) for entry in entries] == [ics.event_uid(training)]


def test_event_ics_file(client, index):
    event = event_publish(venue_zh="国家会议中心", venue_en="China National Convention Center")

    response = client.get(event.url + "ics/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    [entry] = vevents(response.content)
    assert str(entry["SUMMARY"]) == event.title
    assert str(entry["LOCATION"]) == "国家会议中心"
    assert str(entry["UID"]) == ics.event_uid(event)
    assert entry.decoded("DTSTART") == event.starts_at
    assert entry.decoded("DTEND") == event.ends_at


# --- English ---------------------------------------------------------------------------------


def test_english_index_links_to_english_event_pages(client, english_index):
    event = event_publish(title_en="Platform resource-docking meeting")

    response = client.get("/en/events/")

    assert response.status_code == 200
    links = soup(response).select('[data-testid="event-link"]')
    assert [(a["href"], a.get_text(strip=True)) for a in links] == [
        (f"/en/events/{event.slug}/", "Platform resource-docking meeting")
    ]
    assert soup(response).select_one('[data-testid="event-feed-link"]')["href"] == (
        "/en/events/feed/"
    )
    event_page = client.get(f"/en/events/{event.slug}/")
    assert event_page.status_code == 200
    assert "Platform resource-docking meeting" in soup(event_page).h1.get_text()

    calendar = client.get(
        "/en/events/calendar/?month=" + timezone.localtime(event.starts_at).strftime("%Y-%m")
    )
    assert [a["href"] for a in soup(calendar).select('[data-testid="calendar-event"] a')] == [
        f"/en/events/{event.slug}/"
    ]


def test_english_feed_and_ics_are_in_english(client, english_index):
    event = event_publish(title_en="Compliance training: EU product safety")

    [entry] = vevents(client.get("/en/events/feed/").content)
    assert str(entry["SUMMARY"]) == "Compliance training: EU product safety"
    assert str(entry["URL"]).endswith(f"/en/events/{event.slug}/")
    assert str(entry["UID"]) == ics.event_uid(event)

    [entry] = vevents(client.get(f"/en/events/{event.slug}/ics/").content)
    assert str(entry["SUMMARY"]) == "Compliance training: EU product safety"


def test_language_switcher_on_an_event_page_leads_to_the_same_event(client, english_index):
    event = event_publish()

    chinese = client.get(event.url)
    assert switch_language(client, chinese, "en") == f"/en/events/{event.slug}/"
    english = client.get(f"/en/events/{event.slug}/")
    assert switch_language(client, english, "zh-hans") == f"/events/{event.slug}/"


def test_language_switcher_on_the_index_keeps_the_filters(client, english_index):
    response = client.get("/events/?when=past")
    assert switch_language(client, response, "en") == "/en/events/?when=past"


def test_switcher_without_an_english_index_leads_to_the_english_home(client, index):
    """Without a translated index no page serves the event in English: the usual rule
    (the nearest translated ancestor) applies."""
    english = Locale.objects.get_or_create(language_code="en")[0]
    translate(HomePage.objects.get(depth=2, locale=Locale.get_default()), english, title="Home")
    event = event_publish()

    assert switch_language(client, client.get(event.url), "en") == "/en/"
