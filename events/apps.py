from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Matchmaking sessions, expo participation calls and trainings with registration (issue 5)."""

    name = "events"
    verbose_name = _("Events")
