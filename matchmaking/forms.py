import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import District, OrganizationKind
from matchmaking.models import Post, PostKind
from matchmaking.selectors import POST_SORTS
from matchmaking.services import POST_FIELDS
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


class PostForm(forms.ModelForm):
    hs_headings = HSHeadingCodesField(label=_("HS headings"))
    markets = MarketsField(label=_("Markets"))

    class Meta:
        model = Post
        fields = list(POST_FIELDS)  # what the services accept, and nothing else
        widgets = {
            "kind": forms.RadioSelect,
            "body_zh": forms.Textarea(attrs={"rows": 6}),
            "body_en": forms.Textarea(attrs={"rows": 6}),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["hs_headings"] = list(self.instance.hs_headings.all())
            self.initial["markets"] = [c.code for c in self.instance.market_countries.all()] + [
                r.code for r in self.instance.market_regions.all()
            ]

    def service_arguments(self) -> dict:
        """cleaned_data shaped as the post services take it."""
        data = dict(self.cleaned_data)
        countries, regions = data.pop("markets")
        if data.get("valid_from") is None:
            data.pop("valid_from", None)
        return {**data, "market_countries": countries, "market_regions": regions}


def _choices_with_any(choices) -> list:
    return [("", _("Any")), *choices]


class PostFilterForm(forms.Form):
    """The public listing's filters (GET); invalid values are ignored, never an error page."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    hs_chapter = forms.ChoiceField(label=_("HS chapter"), required=False)
    hs_heading = forms.RegexField(
        label=_("HS heading"), regex=r"^\d{4}$", required=False, max_length=4
    )
    market = forms.ChoiceField(label=_("Market"), required=False)
    organization_kind = forms.ChoiceField(label=_("Posted by"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("newest", _("Newest first")), ("ending", _("Ending soonest"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _choices_with_any(PostKind.choices)
        self.fields["hs_chapter"].choices = _choices_with_any(
            (chapter.code, f"{chapter.code} {chapter.name}") for chapter in hs_chapter_list()
        )
        self.fields["market"].choices = _choices_with_any(market_choices())
        self.fields["organization_kind"].choices = _choices_with_any(
            (value, label)
            for value, label in OrganizationKind.choices
            if value != OrganizationKind.BUREAU
        )
        self.fields["district"].choices = _choices_with_any(District.choices)

    def filters(self) -> dict:
        """The valid, non-empty filters; a bad value drops only itself."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        filters = {name: value for name, value in cleaned.items() if value}
        if filters.get("sort") not in POST_SORTS:
            filters.pop("sort", None)
        return filters
