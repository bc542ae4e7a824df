"""Chat moderation in the Wagtail admin: its URLs and a "Chat moderation" menu (reported
messages, event lobbies) that only bureau staff see."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from chat import admin_urls
from chat.moderation import is_moderator


@hooks.register("register_admin_urls")
def register_moderation_urls():
    return [path("chat/", include((admin_urls, "chat_admin"), namespace="chat_admin"))]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator(request.user)


@hooks.register("register_admin_menu_item")
def register_moderation_menu():
    # The submenu shows only when one of its items does (SubmenuMenuItem.is_shown).
    return SubmenuMenuItem(
        _("Chat moderation"),
        Menu(
            items=[
                ModeratorMenuItem(
                    _("Reported messages"),
                    reverse("chat_admin:report_list"),
                    name="chat-reports",
                    icon_name="warning",
                    order=100,
                ),
                ModeratorMenuItem(
                    _("Event lobbies"),
                    reverse("chat_admin:lobby_list"),
                    name="chat-lobbies",
                    icon_name="group",
                    order=200,
                ),
            ]
        ),
        name="chat-moderation",
        icon_name="comment",
        order=260,
    )
