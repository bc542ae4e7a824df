"""Forms of the bureau's registration review in the Wagtail admin: the list's filters, the
bulk decision, filling places from the waitlist, and a ticket code typed at the door."""

from urllib.parse import parse_qs, urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import REGISTRANT_KINDS, EventPage, Registration, RegistrationState

APPROVE = "approve"
DECLINE = "decline"


class RegistrationFilterForm(forms.Form):
    """Read from the query string; an invalid value counts as no filter."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *RegistrationState.choices],
    )
    kind = forms.ChoiceField(
        label=_("Organization kind"),
        required=False,
        choices=[("", _("All kinds")), *REGISTRANT_KINDS],
    )
    q = forms.CharField(label=_("Organization name"), required=False, max_length=100)

    def filters(self) -> dict[str, str]:
        """Keyword arguments for selectors.review.registration_review_list."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"state": data["state"], "kind": data["kind"], "query": data["q"]}


class RegistrationDecisionForm(forms.Form):
    """Approve or decline the registrations ticked in the list; a decline needs the reason the
    registrants will read."""

    action = forms.ChoiceField(
        choices=[(APPROVE, _("Approve")), (DECLINE, _("Decline"))], widget=forms.HiddenInput
    )
    registrations = forms.ModelMultipleChoiceField(
        queryset=Registration.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Select at least one registration.")},
    )
    reason = forms.CharField(
        label=_("Reason for declining"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the registrants with the decision."),
    )

    def __init__(self, *args, event: EventPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registrations"].queryset = Registration.objects.filter(event=event)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == DECLINE and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give a reason for declining."))
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data["action"] == APPROVE


class WaitlistPromoteForm(forms.Form):
    kind = forms.ChoiceField(choices=REGISTRANT_KINDS)


class TicketCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Ticket code"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
        ),
        help_text=_("The code printed under the ticket's QR code, or the QR code's address."),
    )

    def clean_code(self) -> str:
        text = self.cleaned_data["code"].strip()
        if "?" in text:
            # The whole address a QR code holds (".../check-in/?code=..."), pasted or typed.
            text = parse_qs(urlsplit(text).query).get("code", [""])[0].strip()
        if not text:
            raise forms.ValidationError(_("This address holds no ticket code."))
        return text
