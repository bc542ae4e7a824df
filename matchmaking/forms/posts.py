"""Forms of supply and demand posts: the owner's form and the public listing's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrganizationKind
from matchmaking.forms.fields import (
    HSHeadingCodesField,
    ListingFilterForm,
    MarketsField,
    choices_with_any,
)
from matchmaking.models import Post, PostKind
from matchmaking.selectors import POST_SORTS
from matchmaking.services import POST_FIELDS


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


class PostFilterForm(ListingFilterForm):
    """The filters of the public listing of posts."""

    sorts = POST_SORTS
    field_order = [
        "kind",
        "hs_chapter",
        "hs_heading",
        "market",
        "organization_kind",
        "district",
        "sort",
    ]

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    organization_kind = forms.ChoiceField(label=_("Posted by"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("newest", _("Newest first")), ("ending", _("Ending soonest"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = choices_with_any(PostKind.choices)
        self.fields["organization_kind"].choices = choices_with_any(
            (value, label)
            for value, label in OrganizationKind.choices
            if value != OrganizationKind.BUREAU
        )
