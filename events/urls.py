from django.urls import path

from events.views import registrations

app_name = "events"

urlpatterns = [
    path("me/registrations/", registrations.my_registrations, name="my_registrations"),
    path("me/registrations/<int:pk>/", registrations.ticket, name="ticket"),
    path("me/registrations/<int:pk>/qr.svg", registrations.ticket_qr, name="ticket_qr"),
    path("me/registrations/<int:pk>/cancel/", registrations.cancel, name="cancel"),
    path(
        "me/registrations/<int:pk>/documents/<int:document_pk>/",
        registrations.document_download,
        name="document",
    ),
]
