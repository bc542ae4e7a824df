"""Template tags of the search page."""

from django import template
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def querystring_toggle(context, parameter: str, value: str) -> str:
    """The current query string with `value` added to or removed from the repeatable
    `parameter`, back on the first page (a facet link)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    values = query.getlist(parameter)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    query.setlist(parameter, values)
    return "?" + urlencode(sorted((key, query.getlist(key)) for key in query), doseq=True)
