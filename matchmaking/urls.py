from django.urls import path

from matchmaking.views import (
    api_tokens,
    bulk,
    directory,
    meetings,
    posts,
    profiles,
    search,
    suggestions,
)

app_name = "matchmaking"

urlpatterns = [
    # Search over organizations and posts.
    path("search/", search.search_page, name="search"),
    path("search/suggest/", search.search_autocomplete_view, name="search_autocomplete"),
    # Supply and demand posts.
    path("posts/", posts.post_list, name="post_list"),
    path("posts/<int:pk>/", posts.post_detail, name="post_detail"),
    path("me/posts/", posts.my_posts, name="my_posts"),
    path("me/posts/new/", posts.post_create, name="post_create"),
    path("me/posts/<int:pk>/edit/", posts.post_edit, name="post_edit"),
    path("me/posts/<int:pk>/<str:action>/", posts.post_set_status, name="post_set_status"),
    # The directory of organizations and their profile pages.
    path("directory/", directory.directory, name="directory"),
    path("directory/<int:pk>/", directory.organization_profile, name="organization_profile"),
    path("directory/export.<str:file_format>", bulk.directory_export, name="directory_export"),
    # The acting organization's own profile.
    path("me/profile/", profiles.profile_edit, name="profile_edit"),
    path("me/profile/products/new/", profiles.product_create, name="product_create"),
    path("me/profile/products/<int:pk>/edit/", profiles.product_edit, name="product_edit"),
    path("me/profile/products/<int:pk>/delete/", profiles.product_delete, name="product_delete"),
    path("me/profile/coverage/", profiles.coverage_edit, name="coverage_edit"),
    path(
        "me/profile/warehouses/<int:pk>/remove/",
        profiles.warehouse_remove,
        name="warehouse_remove",
    ),
    path("me/profile/lanes/<int:pk>/remove/", profiles.lane_remove, name="lane_remove"),
    # Bulk import (bureau staff and organization administrators).
    path("me/import/", bulk.import_upload, name="import_upload"),
    path("me/import/template.<str:file_format>", bulk.import_template, name="import_template"),
    # Suggested partners of the acting organization.
    path("me/suggestions/", suggestions.suggestions, name="suggestions"),
    path(
        "me/suggestions/<int:partner_id>/<str:action>/",
        suggestions.suggestion_feedback,
        name="suggestion_feedback",
    ),
    # API tokens of the acting organization.
    path("me/api-tokens/", api_tokens.token_list, name="api_tokens"),
    path("me/api-tokens/<int:pk>/revoke/", api_tokens.token_revoke, name="api_token_revoke"),
    # Meeting requests of the acting organization.
    path("me/meetings/", meetings.meetings, name="meetings"),
    path(
        "me/meetings/new/<int:organization_id>/",
        meetings.meeting_request_create_view,
        name="meeting_request_create",
    ),
    path("me/meetings/<int:pk>/", meetings.meeting_request_detail, name="meeting_request_detail"),
    path(
        "me/meetings/<int:pk>/accept/",
        meetings.meeting_request_accept_view,
        name="meeting_request_accept",
    ),
    path(
        "me/meetings/<int:pk>/decline/",
        meetings.meeting_request_decline_view,
        name="meeting_request_decline",
    ),
    path(
        "me/meetings/<int:pk>/counter/",
        meetings.meeting_request_counter_view,
        name="meeting_request_counter",
    ),
    path(
        "me/meetings/<int:pk>/withdraw/",
        meetings.meeting_request_withdraw_view,
        name="meeting_request_withdraw",
    ),
    path(
        "me/meetings/<int:pk>/outcome/",
        meetings.meeting_outcome_report_view,
        name="meeting_outcome_report",
    ),
]
