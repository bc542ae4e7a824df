"""The form that names a new API token."""

from django import forms
from django.utils.translation import gettext_lazy

from matchmaking.models import ApiToken


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        labels = {"name": gettext_lazy("Token name")}
        help_texts = {
            "name": gettext_lazy("What uses this token, e.g. our shop system. Only for you.")
        }
