"""Template helpers for event pages and e-mails: times in Beijing time and the venue's zone,
and the visitor's language picked out of bilingual block values."""

import datetime
import zoneinfo

from django import template
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from events.models import EventPage, bilingual_value

register = template.Library()

BEIJING = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _span(starts: datetime.datetime, ends: datetime.datetime, zone) -> str:
    starts, ends = starts.astimezone(zone), ends.astimezone(zone)
    first = formats.date_format(starts, "DATETIME_FORMAT")
    if starts.date() == ends.date():
        return f"{first}–{formats.time_format(ends, 'TIME_FORMAT')}"
    return f"{first} – {formats.date_format(ends, 'DATETIME_FORMAT')}"


@register.filter
def event_when(event: EventPage) -> str:
    """ "12 March 2027, 14:00–17:00 (Beijing time)", plus the venue's local time when the
    event's zone is another one."""
    text = _("%(span)s (Beijing time)") % {"span": _span(event.starts_at, event.ends_at, BEIJING)}
    if not event.in_beijing_time:
        local = _span(event.starts_at, event.ends_at, event.zone)
        text += "; " + _("%(span)s local time (%(zone)s)") % {
            "span": local,
            "zone": event.get_time_zone_display(),
        }
    return text


@register.filter
def beijing(value: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(value, BEIJING) if value else value


@register.filter
def pick(value, field: str) -> str:
    """`{{ block.value|pick:"title" }}`: title_en on English pages when filled, else title_zh."""
    return bilingual_value(value, field)


@register.filter
def lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]
