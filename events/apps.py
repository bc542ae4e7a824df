from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Matchmaking sessions, expo participation calls and trainings, with registration."""

    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from events import receivers  # noqa: F401 - connects the signal receivers
