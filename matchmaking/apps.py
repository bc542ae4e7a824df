from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    """Capability profiles, supply and demand posts, matching and meeting requests (issues 3, 6)."""

    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        from accounts.signals import organization_changed
        from matchmaking.documents import register_documents
        from matchmaking.receivers import organization_changed_enqueue

        register_documents()
        organization_changed.connect(
            organization_changed_enqueue, dispatch_uid="matchmaking.organization_changed_enqueue"
        )
