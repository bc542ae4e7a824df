"""The filters of the organization directory."""

from django import forms
from django.utils.translation import gettext_lazy as _

from matchmaking.forms.fields import ListingFilterForm, choices_with_any
from matchmaking.profile_fields import PROFILE_KINDS
from matchmaking.selectors import DIRECTORY_SORTS
from taxonomy.selectors import certification_list


class DirectoryFilterForm(ListingFilterForm):
    """The filters of the organization directory."""

    sorts = DIRECTORY_SORTS
    field_order = [
        "kind",
        "hs_chapter",
        "hs_heading",
        "market",
        "district",
        "certification",
        "sort",
    ]

    kind = forms.ChoiceField(label=_("Kind"), required=False)
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
            (kind.value, kind.label) for kind in PROFILE_KINDS
        )
        self.fields["certification"].choices = choices_with_any(
            (certification.code, certification.name) for certification in certification_list()
        )
