from django.contrib import admin

from matchmaking.models import Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """A read-only view for support staff: posts are written by their organizations."""

    list_display = ["title_zh", "title_en", "organization", "kind", "status", "valid_until"]
    list_filter = ["kind", "status"]
    search_fields = ["title_zh", "title_en", "organization__name_zh"]
    list_select_related = ["organization"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
