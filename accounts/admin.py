from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, Membership, Organization, User
from accounts.signals import organization_changed


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "preferred_language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    # Read-only: membership changes go through the services, which keep an owner in place.
    extra = 0
    can_delete = False
    fields = readonly_fields = ["user", "role", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "kind", "district", "verification_state", "is_active"]
    list_filter = ["kind", "verification_state", "district", "is_active"]
    search_fields = ["name_zh", "name_en", "credit_code"]
    inlines = [MembershipInline]
    # What the bureau verified, and what makes members bureau staff, changes only through the
    # services (the verification page), which notify the organization and keep groups in step.
    readonly_fields = [
        "kind",
        "credit_code",
        "verification_state",
        "verification_note",
        "verified_at",
        "verified_by",
        "is_active",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would take the organization's profile, posts and memberships with it, past
        # every service (and leave its search documents behind); deactivate it instead.
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change and form.changed_data:
                # The admin writes past organization_update, so it announces the change itself.
                organization_changed.send(
                    sender=Organization,
                    organization=obj,
                    changed_fields=frozenset(form.changed_data),
                )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "created_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "organization__name_zh"]
