"""Forms for the HTTP side of chat: a message (the page without its script, attachments, the
refresh mode) and a report of a message."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from chat.models import CLIENT_ID_MAX_LENGTH, MessageReport, ReportReason


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        required=False,
        strip=False,  # chat.services trims, and counts what it keeps
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    client_id = forms.CharField(required=False, max_length=CLIENT_ID_MAX_LENGTH)
    attachment = forms.FileField(label=_("Attach a file"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limit is a setting that operators (and tests) may change after import.
        self.fields["text"].max_length = settings.CHAT_MESSAGE_MAX_LENGTH
        self.fields["text"].widget.attrs["maxlength"] = settings.CHAT_MESSAGE_MAX_LENGTH
        self.fields["text"].validators = [
            forms.CharField(max_length=settings.CHAT_MESSAGE_MAX_LENGTH).validators[0]
        ]

    def clean(self):
        cleaned = super().clean()
        empty = not (cleaned.get("text") or "").strip() and not cleaned.get("attachment")
        if empty and not self.errors:
            raise forms.ValidationError(_("Write a message or attach a file."), code="empty")
        return cleaned


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this message?"), choices=ReportReason.choices
    )
    note = forms.CharField(
        label=_("Note for the moderators"),
        required=False,
        max_length=MessageReport._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
