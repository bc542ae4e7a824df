"""iCalendar (RFC 5545) for events: one event's .ics, the index's feed, e-mail attachments.

Times are written in UTC (a calendar shows them in its owner's zone); the title, summary and
place come in the active language. The online meeting link is never written: it is for
confirmed registrants, and feeds are public.
"""

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from events.models import EventPage

PRODUCT_ID = "-//Beijing cross-border e-commerce matchmaking platform//events//EN"


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def event_uid(event: EventPage) -> str:
    """Stable across edits, languages and feeds, so a calendar updates rather than duplicates."""
    host = settings.WAGTAILADMIN_BASE_URL.split("://", 1)[-1].strip("/") or "localhost"
    return f"event-{event.pk}@{host}"


def _calendar_event(event: EventPage) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", event_uid(event))
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.display_title)
    url = absolute_url(event.url or "")
    description = "\n\n".join(part for part in (event.summary, url) if part)
    if description:
        entry.add("description", description)
    if event.venue:
        entry.add("location", event.venue)
    entry.add("url", url)
    if event.last_published_at:
        entry.add("last-modified", event.last_published_at)
    return entry


def calendar_bytes(events: Iterable[EventPage], *, name: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_calendar_event(event))
    return calendar.to_ical()


def event_filename(event: EventPage) -> str:
    return f"event-{event.pk}.ics"
