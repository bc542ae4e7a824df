"""Replace Wagtail's "Welcome" page with our HomePage and let bureau staff edit the site.

- The home page is created in the default locale (zh-hans) and every Site that pointed at the
  welcome page (on a fresh database: the default localhost site) now points at it.
- The "Bureau staff" group (accounts 0002) gets add/change/publish/lock/unlock on the home page
  and everything below it, add/change/choose for images and documents in the root collection,
  and the right to edit the footer settings.

Demo content is loaded by a management command, not here.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant

HOME_TITLE = "北京跨境电商供需对接平台"
HOME_HERO_TEXT = "连接北京外贸企业与跨境电商平台、服务商，发布供需对接会、展会和培训信息。"
GROUP_NAME = "Bureau staff"
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "image", ["add_image", "change_image", "choose_image"]),
    ("wagtaildocs", "document", ["add_document", "change_document", "choose_document"]),
]
MODEL_PERMISSIONS = [("cms", "footersettings", ["change_footersettings"])]

# Wagtail's tree (django-treebeard materialized paths): 4 characters per level, base 36.
STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _encode(number: int) -> str:
    digits = ""
    while number:
        number, remainder = divmod(number, len(ALPHABET))
        digits = ALPHABET[remainder] + digits
    return (digits or "0").rjust(STEPLEN, "0")


def _next_child_path(Page, parent) -> str:
    last = Page.objects.filter(depth=parent.depth + 1, path__startswith=parent.path)
    last = last.order_by("-path").first()
    position = int(last.path[-STEPLEN:], len(ALPHABET)) + 1 if last else 1
    return parent.path + _encode(position)


def _permission(apps, app_label: str, model: str, codename: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    # Django creates model permissions after all migrations ran; create the ones we need now,
    # as Wagtail's own migrations do. The post-migrate step finds and keeps them.
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": "Can " + codename.replace("_", " ")},
    )
    return permission


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    HomePage = apps.get_model("cms", "HomePage")

    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    home = HomePage.objects.filter(depth=2, locale=locale).order_by("path").first()
    if home is None:
        root = Page.objects.get(depth=1)
        homepage_type, _ = ContentType.objects.get_or_create(app_label="cms", model="homepage")
        now = timezone.now()
        home = HomePage.objects.create(
            title=HOME_TITLE,
            draft_title=HOME_TITLE,
            slug="home",
            content_type=homepage_type,
            path=_next_child_path(Page, root),
            depth=2,
            numchild=0,
            url_path="/home/",
            locale=locale,
            live=True,
            first_published_at=now,
            last_published_at=now,
            hero_text=HOME_HERO_TEXT,
        )
        plain_page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
        welcome_pages = Page.objects.filter(
            depth=2, content_type=plain_page_type, slug="home", numchild=0
        )
        Site.objects.filter(root_page__in=welcome_pages).update(root_page=home)
        welcome_pages.delete()
        if not Site.objects.exists():
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True
            )
        Page.objects.filter(pk=root.pk).update(
            numchild=Page.objects.filter(depth=2, path__startswith=root.path).count()
        )

    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for codename in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page_id=home.pk,
            permission=_permission(apps, "wagtailcore", "page", codename),
        )
    root_collection = Collection.objects.get(depth=1)
    for app_label, model, codenames in COLLECTION_PERMISSIONS:
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root_collection,
                permission=_permission(apps, app_label, model, codename),
            )
    for app_label, model, codenames in MODEL_PERMISSIONS:
        group.permissions.add(
            *(_permission(apps, app_label, model, codename) for codename in codenames)
        )


def remove_home_page(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    HomePage = apps.get_model("cms", "HomePage")

    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        collection_codenames = [c for _, _, codenames in COLLECTION_PERMISSIONS for c in codenames]
        GroupCollectionPermission.objects.filter(
            group=group, permission__codename__in=collection_codenames
        ).delete()
        group.permissions.remove(
            *group.permissions.filter(codename__in=["change_footersettings"])
        )
    # Page permissions and the sites rooted at the home page go with it (on_delete=CASCADE).
    HomePage.objects.filter(numchild=0).delete()
    root = Page.objects.get(depth=1)
    Page.objects.filter(pk=root.pk).update(
        numchild=Page.objects.filter(depth=2, path__startswith=root.path).count()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("accounts", "0002_bureau_staff_group"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_home_page, remove_home_page)]
