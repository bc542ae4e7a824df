from django.contrib import admin

from matchmaking.models import ApiToken, LogisticsLane, Post, Product, Profile, WarehouseSite


class ReadOnlyAdmin(admin.ModelAdmin):
    """A read-only view for support staff: organizations write their own data (through the
    site, the API or the bureau's import), so that every change goes through the services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["title_zh", "title_en", "organization", "kind", "status", "valid_until"]
    list_filter = ["kind", "status"]
    search_fields = ["title_zh", "title_en", "organization__name_zh"]
    list_select_related = ["organization"]


class ProductInline(admin.TabularInline):
    model = Product
    fields = ["name_zh", "name_en", "hs_heading", "photo"]
    extra = 0


class WarehouseInline(admin.TabularInline):
    model = WarehouseSite
    extra = 0


class LaneInline(admin.TabularInline):
    model = LogisticsLane
    extra = 0


@admin.register(Profile)
class ProfileAdmin(ReadOnlyAdmin):
    list_display = ["organization", "visibility", "completeness", "data_version", "updated_at"]
    list_filter = ["visibility", "organization__kind"]
    search_fields = ["organization__name_zh", "organization__name_en", "summary_zh"]
    list_select_related = ["organization"]
    inlines = [ProductInline, WarehouseInline, LaneInline]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Support staff see which tokens exist and when they were used; never their secrets."""

    list_display = ["name", "organization", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["organization"]
    exclude = ["digest"]
