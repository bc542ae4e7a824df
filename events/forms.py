"""The registration form: attendees, the event's own questions, documents, and the
idempotency key that makes a double submission register once."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.models import EventPage, bilingual_value, in_english
from events.services.registrations import MAX_ATTENDEES, DocumentUpload
from events.uploads import validate_document


def _choices(block_value) -> list[tuple[str, str]]:
    chinese = [line.strip() for line in block_value["choices_zh"].splitlines() if line.strip()]
    english = [
        line.strip() for line in (block_value.get("choices_en") or "").splitlines() if line.strip()
    ]
    labels = english if in_english() and len(english) == len(chinese) else chinese
    return [(str(number), label) for number, label in enumerate(labels)]


class AttendeeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    position = forms.CharField(label=_("Position"), max_length=80, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


AttendeeFormSet = forms.formset_factory(
    AttendeeForm,
    extra=2,
    min_num=1,
    max_num=MAX_ATTENDEES,
    validate_min=True,
    validate_max=True,
)


class RegistrationForm(forms.Form):
    """Fields for the event's questions are named `q_<block id>`."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    accept_terms = forms.BooleanField(
        label=_(
            "The information given is accurate, and the bureau may contact the attendees "
            "about this event."
        ),
    )

    def __init__(self, *args, event: EventPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.questions = {}
        for block in event.questions:
            name = f"q_{block.id}"
            value = block.value
            options = {
                "label": bilingual_value(value, "label"),
                "help_text": bilingual_value(value, "help"),
                "required": bool(value.get("required")),
            }
            if block.block_type == "text":
                widget = forms.Textarea(attrs={"rows": 4}) if value.get("long") else None
                field = forms.CharField(max_length=2000, widget=widget, **options)
            elif block.block_type == "choice":
                field_class = (
                    forms.MultipleChoiceField if value.get("multiple") else forms.ChoiceField
                )
                widget = (
                    forms.CheckboxSelectMultiple if value.get("multiple") else forms.RadioSelect
                )
                field = field_class(choices=_choices(value), widget=widget, **options)
            else:
                field = forms.FileField(**options)
            self.fields[name] = field
            self.questions[name] = block
        # The key and the confirmation come last.
        self.order_fields([*self.questions, "accept_terms", "idempotency_key"])

    def clean(self):
        cleaned = super().clean()
        for name, block in self.questions.items():
            upload = cleaned.get(name)
            if block.block_type != "document" or not upload:
                continue
            try:
                cleaned[f"{name}__type"] = validate_document(
                    upload,
                    file_types=list(block.value["file_types"]),
                    max_megabytes=block.value["max_megabytes"],
                )
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def answers(self) -> dict:
        """What the registrant answered, with each question's Chinese wording kept beside the
        answer (staff read and export them even after the page's questions change)."""
        answers = {}
        for name, block in self.questions.items():
            if block.block_type == "document":
                continue
            value = self.cleaned_data.get(name)
            if block.block_type == "choice":
                chinese = [
                    line.strip() for line in block.value["choices_zh"].splitlines() if line.strip()
                ]
                picked = value if isinstance(value, list) else [value] if value else []
                value = [chinese[int(number)] for number in picked]
            answers[block.id] = {"question": block.value["label_zh"], "answer": value or ""}
        return answers

    def documents(self) -> list[DocumentUpload]:
        return [
            DocumentUpload(
                question_id=block.id,
                file=self.cleaned_data[name],
                file_type=self.cleaned_data[f"{name}__type"],
            )
            for name, block in self.questions.items()
            if block.block_type == "document" and self.cleaned_data.get(name)
        ]
