"""The filters of the organization directory."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import District, OrganizationKind
from matchmaking.forms.fields import choices_with_any
from matchmaking.selectors import DIRECTORY_SORTS
from taxonomy.selectors import certification_list, hs_chapter_list, market_choices

DIRECTORY_KINDS = (
    OrganizationKind.EXPORTER,
    OrganizationKind.PLATFORM,
    OrganizationKind.SERVICE_PROVIDER,
)


class DirectoryFilterForm(forms.Form):
    """The directory's filters (GET); invalid values are ignored, never an error page."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    hs_chapter = forms.ChoiceField(label=_("HS chapter"), required=False)
    hs_heading = forms.RegexField(
        label=_("HS heading"), regex=r"^\d{4}$", required=False, max_length=4
    )
    market = forms.ChoiceField(label=_("Market"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    certification = forms.ChoiceField(label=_("Certification"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("complete", _("Most complete first")),
            ("updated", _("Recently updated")),
            ("name", _("Name")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = choices_with_any(
            (kind.value, kind.label) for kind in DIRECTORY_KINDS
        )
        self.fields["hs_chapter"].choices = choices_with_any(
            (chapter.code, f"{chapter.code} {chapter.name}") for chapter in hs_chapter_list()
        )
        self.fields["market"].choices = choices_with_any(market_choices())
        self.fields["district"].choices = choices_with_any(District.choices)
        self.fields["certification"].choices = choices_with_any(
            (certification.code, certification.name) for certification in certification_list()
        )

    def filters(self) -> dict:
        """The valid, non-empty filters; a bad value drops only itself."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        filters = {name: value for name, value in cleaned.items() if value}
        if filters.get("sort") not in DIRECTORY_SORTS:
            filters.pop("sort", None)
        return filters
