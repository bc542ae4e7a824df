"""The search page's and API's parameters: one text box and repeatable facet filters."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from search.query import SORT_RECENT, SORT_RELEVANCE

QUERY_MAX_CHARS = 200
# What each repeatable filter's values look like. A value that does not fit is dropped, never an
# error page: filter links are built by the page, so a bad one is a hand-edited URL.
FILTER_VALUE_PATTERNS = {
    "type": re.compile(r"^(organization|post)$"),
    "kind": re.compile(r"^[a-z_]{1,32}$"),
    "hs_chapter": re.compile(r"^\d{2}$"),
    "hs_heading": re.compile(r"^\d{4}$"),
    "market": re.compile(r"^[A-Za-z0-9_]{2,16}$"),
    "district": re.compile(r"^[a-z_]{1,32}$"),
    "certification": re.compile(r"^[A-Za-z0-9_-]{1,32}$"),
}
MAX_VALUES_PER_FILTER = 20


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        # Longer text is cut, not refused: a pasted paragraph still searches its start.
        strip=True,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "maxlength": QUERY_MAX_CHARS,
                "placeholder": _("Products, services, markets, company names…"),
            }
        ),
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[(SORT_RELEVANCE, _("Best match")), (SORT_RECENT, _("Most recent"))],
    )

    def text(self) -> str:
        self.is_valid()
        return (getattr(self, "cleaned_data", {}).get("q") or "")[:QUERY_MAX_CHARS]

    def sort_value(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("sort") or SORT_RELEVANCE

    def filters(self) -> dict[str, list[str]]:
        """The well-formed values of each filter parameter (repeatable: ?kind=a&kind=b)."""
        filters = {}
        for name, pattern in FILTER_VALUE_PATTERNS.items():
            values = [value for value in self.data.getlist(name) if pattern.match(value)]
            if values:
                filters[name] = list(dict.fromkeys(values))[:MAX_VALUES_PER_FILTER]
        return filters
