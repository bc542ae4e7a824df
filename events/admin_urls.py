"""The bureau's registration review, under /admin/events/ (events.wagtail_hooks registers
these inside the Wagtail admin, namespace "events_admin")."""

from django.urls import path

from events.views import admin

app_name = "events_admin"

urlpatterns = [
    path("", admin.event_list, name="event_list"),
    path("<int:event_id>/registrations/", admin.registration_list, name="registration_list"),
    path(
        "<int:event_id>/registrations/export.xlsx",
        admin.registration_export,
        name="registration_export",
    ),
    path(
        "<int:event_id>/registrations/promote/",
        admin.waitlist_promote,
        name="waitlist_promote",
    ),
    path("<int:event_id>/check-in/", admin.check_in, name="check_in"),
]
