"""The event index: upcoming and past events with filters, a month calendar, an iCalendar feed."""

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from events import ics
from events.models import EventIndexPage, EventPage


def _events(index: EventIndexPage):
    return (
        EventPage.objects.live()
        .public()
        .child_of(index.source_index())
        .specific()
        .order_by("starts_at")
    )


def event_index(request, index: EventIndexPage):
    now = timezone.now()
    events = list(_events(index))
    return TemplateResponse(
        request,
        "events/event_index_page.html",
        {
            "page": index,
            "upcoming": [event for event in events if event.ends_at >= now],
            "past": [event for event in events if event.ends_at < now][::-1],
        },
    )


def event_calendar(request, index: EventIndexPage):
    return event_index(request, index)


def event_feed(request, index: EventIndexPage):
    body = ics.calendar_bytes(_events(index), name=index.title)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
