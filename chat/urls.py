from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    path("me/chat/", views.conversation_list, name="conversations"),
    path("me/chat/<int:pk>/", views.conversation_detail, name="conversation"),
    path("me/chat/<int:pk>/messages/", views.conversation_messages, name="messages"),
    path("me/chat/<int:pk>/read/", views.conversation_read, name="read"),
    path("me/chat/messages/<int:message_pk>/report/", views.message_report, name="report"),
    path(
        "me/chat/messages/<int:message_pk>/attachment/",
        views.attachment_download,
        name="attachment",
    ),
]
