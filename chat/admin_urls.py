"""Chat moderation, under /admin/chat/ (chat.wagtail_hooks registers these inside the Wagtail
admin, namespace "chat_admin")."""

from django.urls import path

from chat import admin_views

app_name = "chat_admin"

urlpatterns = [
    path("reports/", admin_views.report_list, name="report_list"),
    path("reports/<int:report_pk>/dismiss/", admin_views.report_dismiss, name="report_dismiss"),
    path("messages/<int:message_pk>/hide/", admin_views.message_hide, name="message_hide"),
    path("lobbies/", admin_views.lobby_list, name="lobby_list"),
    path("lobbies/<int:conversation_pk>/", admin_views.lobby_detail, name="lobby_detail"),
]
