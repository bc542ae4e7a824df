from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("organizations/<int:pk>/switch/", views.organization_switch, name="organization_switch"),
    path("organizations/<int:pk>/invite/", views.invitation_create, name="invitation_create"),
    path("organizations/<int:pk>/verify/", views.organization_verify, name="organization_verify"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("members/<int:pk>/role/", views.membership_change_role, name="membership_change_role"),
    path("members/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("verification/", views.verification_queue, name="verification_queue"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
]
