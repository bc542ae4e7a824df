"""Form fields shared by matchmaking's forms: HS headings typed as codes, markets in one list,
and the "any" choice of filter forms."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from taxonomy.selectors import hs_heading_list, market_choices, markets_get

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
