"""What matchmaking's forms share: HS headings typed as codes, markets in one list, and the
base of the listings' filter forms."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import District
from taxonomy.selectors import hs_chapter_list, hs_heading_list, market_choices, markets_get

HS_CODE_SEPARATORS = re.compile(r"[\s,，;；、]+")


class HSHeadingCodesField(forms.CharField):
    """HS headings typed as four-digit codes ("9401, 9403"): quicker than a list of 1,229."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", _("Four-digit HS codes separated by spaces or commas, e.g. 9401 9403.")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, str) or value is None:
            return value or ""
        return " ".join(heading.code if hasattr(heading, "code") else heading for heading in value)

    def clean(self, value):
        text = super().clean(value)
        codes = [code for code in HS_CODE_SEPARATORS.split(text or "") if code]
        malformed = [code for code in codes if not re.fullmatch(r"\d{4}", code)]
        if malformed:
            raise forms.ValidationError(
                _("Not a four-digit HS heading: %(codes)s"), params={"codes": ", ".join(malformed)}
            )
        headings = list(hs_heading_list(codes=codes))
        unknown = sorted(set(codes) - {heading.code for heading in headings})
        if unknown:
            raise forms.ValidationError(
                _("No such HS heading: %(codes)s"), params={"codes": ", ".join(unknown)}
            )
        return headings


class MarketsField(forms.MultipleChoiceField):
    """Countries and regions in one list; cleans to (countries, regions)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 8}))
        super().__init__(choices=market_choices, **kwargs)

    def clean(self, value):
        return markets_get(codes=super().clean(value))


def choices_with_any(choices) -> list:
    return [("", _("Any")), *choices]


class ListingFilterForm(forms.Form):
    """The filters every public listing offers (GET). Invalid values are ignored, never an
    error page. Subclasses add their own fields and name their sorts in `sorts`."""

    sorts: dict = {}

    hs_chapter = forms.ChoiceField(label=_("HS chapter"), required=False)
    hs_heading = forms.RegexField(
        label=_("HS heading"), regex=r"^\d{4}$", required=False, max_length=4
    )
    market = forms.ChoiceField(label=_("Market"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hs_chapter"].choices = choices_with_any(
            (chapter.code, f"{chapter.code} {chapter.name}") for chapter in hs_chapter_list()
        )
        self.fields["market"].choices = choices_with_any(market_choices())
        self.fields["district"].choices = choices_with_any(District.choices)

    def filters(self) -> dict:
        """The valid, non-empty filters; a bad value drops only itself."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        filters = {name: value for name, value in cleaned.items() if value}
        if filters.get("sort") not in self.sorts:
            filters.pop("sort", None)
        return filters
