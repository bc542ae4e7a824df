"""The filters of the public event index, its calendar and its feed (GET parameters)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from events.selectors.listing import EVENT_KINDS
from taxonomy.selectors import hs_chapter_list, market_choices

MONTH_FORMAT = "%Y-%m"


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=MONTH_FORMAT)


class EventFilterForm(forms.Form):
    """Kind, month, market and HS chapter, and the tab (upcoming or past).

    Always bound (to request.GET, empty or not). A bad value is reported on its field and
    dropped; the other filters still apply, so a hand-edited address never costs the page.
    """

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=[MONTH_FORMAT],
        widget=MonthInput(attrs={"placeholder": "2027-03"}),
        error_messages={"invalid": _("Enter a month as year and month, e.g. 2027-03.")},
    )
    market = forms.ChoiceField(label=_("Market"), required=False)
    hs_chapter = forms.ChoiceField(label=_("HS chapter"), required=False)
    when = forms.ChoiceField(
        required=False,
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        any_value = ("", _("Any"))
        self.fields["kind"].choices = [
            any_value,
            *((kind, page_class.kind_label) for kind, page_class in EVENT_KINDS.items()),
        ]
        self.fields["market"].choices = [any_value, *market_choices()]
        self.fields["hs_chapter"].choices = [
            any_value,
            *((chapter.code, f"{chapter.code} {chapter.name}") for chapter in hs_chapter_list()),
        ]

    def clean_month(self):
        month = self.cleaned_data["month"]
        # The calendar links to the months either side: keep both within what a date holds.
        if month and not datetime.MINYEAR < month.year < datetime.MAXYEAR:
            raise forms.ValidationError(self.fields["month"].error_messages["invalid"])
        return month

    def filters(self) -> dict:
        """The valid, non-empty filters for events.selectors.listing.event_list (without
        `when`): a bad value drops only itself."""
        self.is_valid()
        cleaned = self.cleaned_data
        return {
            name: cleaned[name]
            for name in ("kind", "month", "market", "hs_chapter")
            if cleaned.get(name)
        }

    def tab(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("when") or "upcoming"
