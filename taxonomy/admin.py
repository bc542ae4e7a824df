from django.contrib import admin

from taxonomy.models import Certification, Country, HSChapter, HSHeading, Region


class LoadedDataAdmin(admin.ModelAdmin):
    """Rows come from `manage.py load_taxonomy`, which would undo edits made here: view only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HSChapter)
class HSChapterAdmin(LoadedDataAdmin):
    list_display = ["code", "name_zh", "name_en", "section"]
    list_filter = ["section"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(HSHeading)
class HSHeadingAdmin(admin.ModelAdmin):
    """Only the Chinese name is editable: no source provides it and the loader never touches it."""

    list_display = ["code", "name_en", "name_zh", "chapter"]
    list_filter = ["chapter__section"]
    list_select_related = ["chapter"]
    search_fields = ["code", "name_en", "name_zh"]
    fields = ["code", "chapter", "name_en", "name_zh"]
    readonly_fields = ["code", "chapter", "name_en"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Country)
class CountryAdmin(LoadedDataAdmin):
    list_display = ["code", "alpha3", "name_zh", "name_en"]
    search_fields = ["code", "alpha3", "name_zh", "name_en"]


@admin.register(Region)
class RegionAdmin(LoadedDataAdmin):
    list_display = ["code", "name_zh", "name_en", "sort_order"]
    search_fields = ["code", "name_zh", "name_en"]
    filter_horizontal = ["countries"]


@admin.register(Certification)
class CertificationAdmin(LoadedDataAdmin):
    list_display = ["code", "name_zh", "name_en", "sort_order"]
    search_fields = ["code", "name_zh", "name_en"]
