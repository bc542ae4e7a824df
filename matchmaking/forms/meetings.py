"""Forms of the meeting-request pages: asking, answering (accept, decline, other times) and
reporting the outcome. Times are entered and shown in Beijing time."""

import datetime
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matchmaking.models import MeetingDeclineReason, MeetingOutcomeKind
from matchmaking.services.meetings import MAX_PROPOSED_TIMES

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
TIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class BeijingDateTimeField(forms.DateTimeField):
    """A date and time typed in Beijing time, whatever time zone is active."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", TIME_INPUT_FORMATS)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            for fmt in self.input_formats:
                try:
                    parsed = datetime.datetime.strptime(value.strip(), fmt)
                except ValueError:
                    continue
                return parsed.replace(tzinfo=BEIJING)
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ProposedTimesForm(forms.Form):
    """Up to three proposed times, each in the future."""

    times_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_PROPOSED_TIMES + 1):
            self.fields[f"time_{number}"] = BeijingDateTimeField(
                label=_("Time %(number)d (Beijing time)") % {"number": number},
                required=False,
            )

    def time_fields(self):
        return [self[f"time_{number}"] for number in range(1, MAX_PROPOSED_TIMES + 1)]

    def clean(self):
        cleaned = super().clean()
        now = timezone.now()
        times = []
        for number in range(1, MAX_PROPOSED_TIMES + 1):
            value = cleaned.get(f"time_{number}")
            if value is None:
                continue
            if value <= now:
                self.add_error(f"time_{number}", _("Choose a time in the future."))
            else:
                times.append(value)
        if self.times_required and not times and not self.errors:
            raise forms.ValidationError(_("Propose at least one time."))
        cleaned["proposed_times"] = times
        return cleaned


class MeetingRequestForm(ProposedTimesForm):
    note = forms.CharField(
        label=_("Note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you would like to discuss, in a few sentences."),
    )


class MeetingCounterForm(ProposedTimesForm):
    times_required = True

    note = forms.CharField(
        label=_("Note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingAcceptForm(forms.Form):
    """Pick one of the proposed times, or leave the time to be agreed later."""

    time = forms.ChoiceField(label=_("Meeting time"), required=False, widget=forms.RadioSelect)

    def __init__(self, *args, times: list[datetime.datetime], **kwargs):
        super().__init__(*args, **kwargs)
        self.times = {time.isoformat(): time for time in times}
        choices = [
            (value, timezone.localtime(time, BEIJING).strftime("%Y-%m-%d %H:%M"))
            for value, time in self.times.items()
        ]
        self.fields["time"].choices = [*choices, ("", _("We will agree on a time later"))]

    def chosen_time(self) -> datetime.datetime | None:
        return self.times.get(self.cleaned_data.get("time") or "")


class MeetingDeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=MeetingDeclineReason.choices)
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the reason is “Other”."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("reason") == MeetingDeclineReason.OTHER
            and not (cleaned.get("note") or "").strip()
        ):
            self.add_error("note", _("Say why in a few words when the reason is “Other”."))
        return cleaned


class MeetingOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MeetingOutcomeKind.choices)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
