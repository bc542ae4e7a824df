"""Let bureau staff edit, publish and translate the pages of every locale.

0002 granted the "Bureau staff" group its page permissions on the Chinese home page only. The
English home page is a translation of it: a sibling at depth 2, not a descendant, so it and its
subtree were outside that grant. The grant moves to the tree's root page (depth 1), which covers
every locale's home page and everything below; the now-redundant grants on the Chinese home page
go. The group also gets simple_translation's "submit translation" permission, which the admin's
"Translate" action asks for.
"""

from django.conf import settings
from django.db import migrations
from wagtail.coreutils import get_supported_content_language_variant

GROUP_NAME = "Bureau staff"
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
TRANSLATION_PERMISSION = (
    "simple_translation",
    "simpletranslation",
    "submit_translation",
    "Can submit translations",
)


def _permission(apps, app_label: str, model: str, codename: str, name: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    # Django creates model permissions after all migrations ran; create the ones we need now.
    # The post-migrate step finds and keeps them.
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def _page_permissions(apps) -> list:
    return [
        _permission(apps, "wagtailcore", "page", codename, "Can " + codename.replace("_", " "))
        for codename in PAGE_PERMISSIONS
    ]


def _chinese_home(apps):
    """The home page 0002 granted the permissions on, found the way 0002 found it."""
    HomePage = apps.get_model("cms", "HomePage")
    language_code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    return (
        HomePage.objects.filter(depth=2, locale__language_code=language_code)
        .order_by("path")
        .first()
    )


def grant_on_root(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    root = Page.objects.get(depth=1)
    permissions = _page_permissions(apps)
    for permission in permissions:
        GroupPagePermission.objects.get_or_create(
            group=group, page_id=root.pk, permission=permission
        )
    home = _chinese_home(apps)
    if home is not None:
        GroupPagePermission.objects.filter(
            group=group, page_id=home.pk, permission__in=permissions
        ).delete()
    group.permissions.add(_permission(apps, *TRANSLATION_PERMISSION))


def grant_on_chinese_home(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is None:
        return
    permissions = _page_permissions(apps)
    home = _chinese_home(apps)
    if home is not None:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page_id=home.pk, permission=permission
            )
    root = Page.objects.get(depth=1)
    GroupPagePermission.objects.filter(
        group=group, page_id=root.pk, permission__in=permissions
    ).delete()
    group.permissions.remove(_permission(apps, *TRANSLATION_PERMISSION))


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_create_home_page"),
        ("simple_translation", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant_on_root, grant_on_chinese_home)]
