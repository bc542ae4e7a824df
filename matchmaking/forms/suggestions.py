"""Forms of the suggested-partners page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrganizationKind
from matchmaking.models import DismissReason


class SuggestionFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Partner kind"),
        required=False,
        choices=[
            ("", _("All kinds")),
            (OrganizationKind.EXPORTER, OrganizationKind.EXPORTER.label),
            (OrganizationKind.PLATFORM, OrganizationKind.PLATFORM.label),
            (OrganizationKind.SERVICE_PROVIDER, OrganizationKind.SERVICE_PROVIDER.label),
        ],
    )
    saved = forms.BooleanField(label=_("Saved only"), required=False)


class DismissForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is it not relevant?"),
        choices=[("", _("No reason given")), *DismissReason.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"maxlength": 300}),
    )
