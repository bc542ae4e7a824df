"""What the cms data migration leaves in a fresh database."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from cms.models import HomePage

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


def test_bureau_staff_may_edit_and_publish_the_home_page():
    group = Group.objects.get(name="Bureau staff")
    home = HomePage.objects.get(depth=2, locale__language_code="zh-hans")
    codenames = set(
        GroupPagePermission.objects.filter(group=group, page=home).values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames >= {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"}


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
