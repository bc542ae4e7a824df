from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    MembershipRole,
    Organization,
    OrganizationKind,
    User,
    VerificationState,
)
from accounts.validators import normalize_credit_code

SELF_SERVICE_KINDS = [
    (value, label) for value, label in OrganizationKind.choices if value != OrganizationKind.BUREAU
]


class OrganizationForm(forms.ModelForm):
    """Create or edit an organization. The credit code is accepted in any case or width."""

    # Longer than 18 on purpose: spaces and hyphens typed from a licence are removed by
    # clean_credit_code, and the validator then checks the 18 characters.
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=Organization._meta.get_field("credit_code").help_text,
    )
    # A website typed without a scheme is taken as https (Django 6's default).
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["kind", "name_zh", "name_en", "credit_code", "district", "website", "logo"]
        widgets = {"logo": forms.ClearableFileInput(attrs={"accept": "image/*"})}

    def __init__(self, *args, allow_bureau: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_bureau:
            self.fields["kind"].choices = SELF_SERVICE_KINDS
        if self.instance.pk:
            # What the bureau verified stays fixed; a different company registers anew.
            del self.fields["kind"]
            del self.fields["credit_code"]
        else:
            self.fields["credit_code"].widget.attrs.update(
                {"autocomplete": "off", "spellcheck": "false", "maxlength": 24}
            )

    def clean_credit_code(self) -> str:
        return normalize_credit_code(self.cleaned_data["credit_code"])


def assignable_roles(acting_role: str | None) -> list[tuple[str, str]]:
    """The roles someone with `acting_role` may give: owners any, admins admin and member."""
    if acting_role == MembershipRole.OWNER:
        return list(MembershipRole.choices)
    if acting_role == MembershipRole.ADMIN:
        return [(v, label) for v, label in MembershipRole.choices if v != MembershipRole.OWNER]
    return []


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=MembershipRole.choices, initial=MembershipRole.MEMBER
    )

    def __init__(self, *args, acting_role: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if acting_role is not None:
            self.fields["role"].choices = assignable_roles(acting_role)


class FirstOwnerInvitationForm(forms.Form):
    """Bureau staff invite the first owner of an organization without members; the role is
    always owner, so only the address is asked."""

    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_(
            "Someone entitled to act for the company: whoever accepts becomes its owner and "
            "invites colleagues."
        ),
    )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class VerificationForm(forms.Form):
    state = forms.ChoiceField(label=_("Decision"), choices=VerificationState.choices)
    note = forms.CharField(
        label=_("Note to the organization"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting: say what is wrong so that they can fix it."),
    )


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]
