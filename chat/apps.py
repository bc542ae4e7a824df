from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    """Conversations and messages over Django Channels (issue 7)."""

    name = "chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out
        from django.db.models.signals import post_delete

        from accounts.models import Membership
        from accounts.signals import organization_changed
        from chat import receivers

        user_logged_out.connect(
            receivers.user_logged_out_revoke, dispatch_uid="chat.user_logged_out_revoke"
        )
        # accounts sends no signal of its own when a membership ends; the row's deletion is
        # that moment (membership_remove deletes it inside its transaction).
        post_delete.connect(
            receivers.membership_deleted_revoke,
            sender=Membership,
            dispatch_uid="chat.membership_deleted_revoke",
        )
        organization_changed.connect(
            receivers.organization_changed_revoke, dispatch_uid="chat.organization_changed_revoke"
        )
