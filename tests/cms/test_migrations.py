"""What the cms data migration leaves in a fresh database."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from cms.models import HomePage, NewsIndexPage
from tests.cms.utils import translate

pytestmark = pytest.mark.django_db


def test_default_site_points_at_the_chinese_home_page():
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert home.title == "北京跨境电商供需对接平台"
    assert home.locale.language_code == "zh-hans"
    assert home.live
    # Wagtail's "Welcome" page is gone and the tree is consistent.
    assert not Page.objects.filter(depth=2, title__icontains="welcome").exists()
    assert Page.get_first_root_node().numchild == Page.objects.filter(depth=2).count()
    assert all(not problems for problems in Page.find_problems())


PAGE_CODENAMES = {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"}


def page_codenames(group: Group, page: Page) -> set[str]:
    return set(
        GroupPagePermission.objects.filter(group=group, page=page).values_list(
            "permission__codename", flat=True
        )
    )


def test_bureau_staff_page_permissions_are_on_the_root_of_every_locale():
    """Granted on the tree's root (0003), so they cover each locale's home page and below."""
    group = Group.objects.get(name="Bureau staff")
    home = HomePage.objects.get(depth=2, locale__language_code="zh-hans")
    assert page_codenames(group, Page.get_first_root_node()) >= PAGE_CODENAMES
    assert page_codenames(group, home) == set()
    assert group.permissions.filter(
        content_type__app_label="simple_translation", codename="submit_translation"
    ).exists()


def test_moving_the_grant_to_the_root_is_reversible():
    migration = importlib.import_module("cms.migrations.0003_bureau_staff_page_permissions_on_root")
    group = Group.objects.get(name="Bureau staff")
    root = Page.get_first_root_node()
    home = HomePage.objects.get(depth=2, locale__language_code="zh-hans")

    migration.grant_on_chinese_home(apps, schema_editor=None)
    assert page_codenames(group, home) == PAGE_CODENAMES
    assert page_codenames(group, root) == set()
    assert not group.permissions.filter(codename="submit_translation").exists()

    migration.grant_on_root(apps, schema_editor=None)
    assert page_codenames(group, root) == PAGE_CODENAMES
    assert page_codenames(group, home) == set()
    assert group.permissions.filter(codename="submit_translation").exists()


def test_bureau_staff_may_upload_and_choose_images_and_documents():
    group = Group.objects.get(name="Bureau staff")
    codenames = set(
        GroupCollectionPermission.objects.filter(
            group=group, collection=Collection.get_first_root_node()
        ).values_list("permission__codename", flat=True)
    )
    assert codenames >= {
        "add_image",
        "change_image",
        "choose_image",
        "add_document",
        "change_document",
        "choose_document",
    }
    assert group.permissions.filter(codename="change_footersettings").exists()


def test_a_member_of_the_group_can_publish_pages_in_the_admin(bureau_staff):
    bureau_staff.groups.add(Group.objects.get(name="Bureau staff"))
    home = HomePage.objects.get(depth=2, locale__language_code="zh-hans")
    permissions = home.permissions_for_user(bureau_staff)
    assert permissions.can_edit()
    assert permissions.can_publish()
    assert permissions.can_add_subpage()


def test_a_member_of_the_group_can_edit_publish_and_translate_english_pages(
    bureau_staff, home, english_home, english
):
    bureau_staff.groups.add(Group.objects.get(name="Bureau staff"))
    news = home.add_child(instance=NewsIndexPage(title="新闻动态", slug="news"))
    english_news = translate(news, english, title="News")
    for page in (english_home, english_news):
        permissions = page.permissions_for_user(bureau_staff)
        assert permissions.can_edit()
        assert permissions.can_publish()
        assert permissions.can_add_subpage()
    assert bureau_staff.has_perm("simple_translation.submit_translation")
