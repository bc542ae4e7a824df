from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    """Conversations and messages over Django Channels (issue 7)."""

    name = "chat"
    verbose_name = _("Chat")
