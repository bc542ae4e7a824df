"""The event index: upcoming and past events with filters, a month calendar, an iCalendar feed.

Served by EventIndexPage's routes; `index` is the index being visited (the English
translation under /en/), whose events are those of the default locale's index.
"""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from events import ics
from events.forms_listing import MONTH_FORMAT, EventFilterForm
from events.models import EventIndexPage
from events.selectors.listing import (
    BEIJING,
    calendar_month,
    event_cards,
    event_feed_list,
    event_list,
)

PAGE_SIZE = 12


def _address(base: str, filters: dict, **extra) -> str:
    """`base` with the filters (and `extra`) as its query string, empty values left out."""
    values = {**filters, **extra}
    query = {
        name: value.strftime(MONTH_FORMAT) if isinstance(value, datetime.date) else value
        for name, value in values.items()
        if value
    }
    return f"{base}?{urlencode(query)}" if query else base


def _links(request, index: EventIndexPage, filters: dict) -> dict[str, str]:
    """The tabs and the feed, each keeping the filters. The feed leaves the month out: a
    subscription follows the events to come, not one month."""
    base = index.get_url(request)
    return {
        "upcoming_url": _address(base, filters),
        "past_url": _address(base, filters, when="past"),
        "calendar_url": _address(base + index.reverse_subpage("calendar"), filters),
        "feed_url": _address(base + index.reverse_subpage("feed"), filters, month=None),
    }


def event_index(request, index: EventIndexPage):
    form = EventFilterForm(request.GET)
    filters = form.filters()
    when = form.tab()
    events = event_list(index=index, when=when, **filters)
    results = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    base = index.get_url(request)
    return TemplateResponse(
        request,
        "events/event_index_page.html",
        {
            "page": index,
            "form": form,
            "tab": when,
            "results": results,
            "cards": event_cards(events=list(results.object_list)),
            "filtered": bool(filters),
            "clear_url": _address(base, {}, when="past" if when == "past" else None),
            **_links(request, index, filters),
        },
    )


def event_calendar(request, index: EventIndexPage):
    """One Beijing month (?month=YYYY-MM, this month by default) with the other filters.

    An unreadable month sends the visitor to the current month, with a message, rather than to
    an error."""
    today = timezone.localdate(timezone=BEIJING)
    data = request.GET.copy()
    if not data.get("month"):
        # Shown in the filter form, so that changing another filter stays on this month.
        data["month"] = today.strftime(MONTH_FORMAT)
    form = EventFilterForm(data)
    filters = form.filters()
    calendar_base = index.get_url(request) + index.reverse_subpage("calendar")
    if "month" in form.errors:
        messages.warning(request, _("That month could not be read: here is the current month."))
        return HttpResponseRedirect(_address(calendar_base, filters))
    month = filters.pop("month")
    events = list(event_list(index=index, when="all", month=month, **filters))
    previous_month = (month - datetime.timedelta(days=1)).replace(day=1)
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    return TemplateResponse(
        request,
        "events/event_calendar.html",
        {
            "page": index,
            "form": form,
            "tab": "calendar",
            "month": month,
            "weeks": calendar_month(month.year, month.month, events, today=today),
            "has_events": bool(events),
            "previous_url": _address(calendar_base, filters, month=previous_month),
            "next_url": _address(calendar_base, filters, month=next_month),
            "filtered": bool(filters),
            "clear_url": _address(calendar_base, {}, month=month),
            **_links(request, index, filters),
        },
    )


def event_feed(request, index: EventIndexPage):
    """Events not yet ended and those of the last 90 days, as iCalendar, with the filters of
    the address (a subscribed calendar keeps them)."""
    form = EventFilterForm(request.GET)
    body = ics.calendar_bytes(event_feed_list(index=index, **form.filters()), name=index.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="events.ics"'
    return response
