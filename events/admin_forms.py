"""The page editor's form for events: checks that span the page and its inline places."""

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm


class EventPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        places = self.formsets.get("places")
        if places is None or not places.is_valid():
            return cleaned
        # Imported here: the models module imports this form.
        from events.models import PlaceCounter

        taken = {}
        if self.instance.pk:
            taken = dict(
                PlaceCounter.objects.filter(event_id=self.instance.pk).values_list(
                    "organization_kind", "taken"
                )
            )
        offered = {}
        for row in places.forms:
            data = getattr(row, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            kind = data.get("organization_kind")
            if kind in offered:
                row.add_error("organization_kind", _("Each organization kind is listed once."))
                continue
            offered[kind] = data.get("places") or 0
            if offered[kind] < taken.get(kind, 0):
                row.add_error(
                    "places",
                    _("%(taken)d places are already taken: offer at least that many.")
                    % {"taken": taken[kind]},
                )
        if any(count and kind not in offered for kind, count in taken.items()):
            self.add_error(
                None,
                _(
                    "Registrations hold places of an organization kind you removed: keep the "
                    "kind, or cancel those registrations first."
                ),
            )
        return cleaned
