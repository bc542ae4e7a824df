from django.urls import path

from matchmaking import views

app_name = "matchmaking"

urlpatterns = [
    path("posts/", views.post_list, name="post_list"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("me/posts/", views.my_posts, name="my_posts"),
    path("me/posts/new/", views.post_create, name="post_create"),
    path("me/posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path(
        "me/posts/<int:pk>/<str:action>/",
        views.post_set_status,
        name="post_set_status",
    ),
]
