"""In-app notifications: the services any app calls, the list page, and opening one."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from accounts.models import Notification
from accounts.selectors import notification_list, notification_text, notification_unread_count
from accounts.services import notification_create, notification_mark_read
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

MESSAGE = gettext_noop("%(organization)s accepted the meeting request.")


def english(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def chinese(name: str, *args) -> str:
    with translation.override("zh-hans"):
        return reverse(name, args=args)


@pytest.fixture
def user(db):
    return UserFactory()


def notify(user, number: int = 0, **overrides) -> Notification:
    values = {
        "user": user,
        "kind": "test.notice",
        "message": MESSAGE,
        "params": {"organization": f"北京平台{number}", "organization_en": f"Platform {number}"},
        "url": "/me/meetings/",
        **overrides,
    }
    return notification_create(**values)


def test_a_notification_is_stored_untranslated_and_shown_in_the_readers_language(user):
    organization = OrganizationFactory()
    notification = notify(user, 1, organization=organization)
    notification.refresh_from_db()
    assert notification.message == MESSAGE
    assert notification.organization == organization
    assert notification.read_at is None
    with translation.override("en"):
        assert notification_text(notification) == "Platform 1 accepted the meeting request."
    with translation.override("zh-hans"):
        assert "北京平台1" in notification_text(notification)


def test_an_english_name_left_empty_falls_back_and_bad_params_do_not_fail(user):
    notification = notify(user, params={"organization": "北京平台", "organization_en": ""})
    with translation.override("en"):
        assert notification_text(notification).startswith("北京平台")
    broken = notify(user, params={"other": "x"})
    assert notification_text(broken) == translation.gettext(MESSAGE)


def test_marking_read_touches_only_the_users_own_notifications(user):
    first, second, third = notify(user, 1), notify(user, 2), notify(user, 3)
    stranger = notify(UserFactory(), 4)
    assert notification_mark_read(user=user, ids=[first.pk, stranger.pk]) == 1
    assert notification_unread_count(user=user) == 2
    assert notification_mark_read(user=user) == 2
    assert notification_mark_read(user=user) == 0
    assert notification_unread_count(user=user) == 0
    stranger.refresh_from_db()
    assert stranger.read_at is None
    assert {second.pk, third.pk} <= set(
        Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True)
    )


def test_the_list_puts_unread_first_then_newest(user):
    old_unread = notify(user, 1)
    read = notify(user, 2)
    new_unread = notify(user, 3)
    notification_mark_read(user=user, ids=[read.pk])
    assert list(notification_list(user=user)) == [new_unread, old_unread, read]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_lists_notifications_in_both_languages(client, user, language):
    notify(user, 1)
    notify(UserFactory(), 2)
    client.force_login(user)
    with translation.override(language):
        url = reverse("accounts:notifications")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="notification"') == 1
    expected = "Platform 1" if language == "en" else "北京平台1"
    assert expected in html
    assert 'data-testid="mark-all-read"' in html


def test_the_page_is_paginated_and_empty_without_notifications(client, user):
    client.force_login(user)
    empty = client.get(reverse("accounts:notifications"))
    assert 'data-testid="notification"' not in empty.content.decode()
    assert 'class="empty-state"' in empty.content.decode()
    for number in range(25):
        notify(user, number)
    first = client.get(reverse("accounts:notifications"))
    assert first.content.decode().count('data-testid="notification"') == 20
    second = client.get(reverse("accounts:notifications"), {"page": 2})
    assert second.content.decode().count('data-testid="notification"') == 5


def test_signing_in_is_required(client):
    response = client.get(reverse("accounts:notifications"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_mark_all_read_is_a_post(client, user):
    notify(user, 1)
    notify(user, 2)
    client.force_login(user)
    assert client.get(reverse("accounts:notifications_mark_read")).status_code == 405
    response = client.post(reverse("accounts:notifications_mark_read"))
    assert response.status_code == 302
    assert notification_unread_count(user=user) == 0


def test_opening_a_notification_marks_it_read_and_follows_it_in_the_readers_language(client, user):
    notification = notify(user, 1, url="/me/notifications/")
    other = notify(user, 2, url="/me/notifications/")
    client.force_login(user)
    response = client.get(english("accounts:notification_open", notification.pk))
    assert response.status_code == 302
    assert response["Location"] == "/en/me/notifications/"
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.read_at is not None
    assert other.read_at is None
    response = client.get(chinese("accounts:notification_open", other.pk))
    assert response["Location"] == "/me/notifications/"


def test_nobody_opens_another_users_notification_or_leaves_the_site_through_one(client, user):
    stranger = notify(UserFactory(), 1)
    outside = notify(user, 2, url="https://evil.example.com/")
    client.force_login(user)
    assert client.get(reverse("accounts:notification_open", args=[stranger.pk])).status_code == (
        404
    )
    stranger.refresh_from_db()
    assert stranger.read_at is None
    response = client.get(reverse("accounts:notification_open", args=[outside.pk]))
    assert response["Location"] == reverse("accounts:notifications")
