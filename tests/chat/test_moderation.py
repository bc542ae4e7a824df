"""Moderation: participants report messages; bureau staff hide them with a reason or dismiss
the reports, and read event lobbies, in the Wagtail admin."""

from dataclasses import dataclass

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import MembershipRole, Organization, OrganizationKind, User
from accounts.services import BUREAU_STAFF_GROUP
from chat import admin_views, events
from chat.models import (
    Conversation,
    ConversationKind,
    Message,
    MessageReport,
    ReportReason,
    ReportResolution,
)
from chat.moderation import (
    lobby_list,
    lobby_message_list,
    message_hide,
    message_report,
    report_dismiss,
    report_open_list,
)
from chat.selectors import message_list_after
from chat.services import ChatError, conversation_open, message_delete, message_send
from tests.chat.layer import Listener
from tests.chat.sockets import open_socket
from tests.factories import MembershipFactory, OrganizationFactory
from tests.factories.chat import MessageFactory, pair_conversation
from tests.factories.two_factor import activate_totp, sign_in_with_totp
from tests.markers import transactional_db


@dataclass
class Lobby:
    """An event lobby with two organizations and a member of each."""

    conversation: Conversation
    first: Organization
    second: Organization
    alice: User
    bob: User


def event_lobby(title: str = "跨境电商资源对接会") -> Lobby:
    first = OrganizationFactory()
    second = OrganizationFactory(kind=OrganizationKind.PLATFORM)
    conversation = conversation_open(
        kind=ConversationKind.EVENT_LOBBY,
        organizations=[first, second],
        title=title,
        source=f"tests.lobby:{first.pk}",
    )
    alice = MembershipFactory(organization=first, user__full_name="Alice").user
    bob = MembershipFactory(organization=second, user__full_name="Bob").user
    return Lobby(conversation, first, second, alice, bob)


def said(lobby: Lobby, text: str = "加微信看低价货源") -> Message:
    message, _created = message_send(user=lobby.alice, conversation=lobby.conversation, text=text)
    return message


@pytest.fixture
def lobby(db) -> Lobby:
    return event_lobby()


def refused(code: str, call, **kwargs):
    with pytest.raises(ChatError) as error:
        call(**kwargs)
    assert error.value.code == code
    assert error.value.message
    return error.value


# --- Reporting --------------------------------------------------------------------------------


def test_a_participant_reports_a_message_once(lobby):
    message = said(lobby)
    report = message_report(
        user=lobby.bob, message=message, reason=ReportReason.SPAM, note="  广告  "
    )
    assert (report.reporter, report.reason, report.note) == (lobby.bob, "spam", "广告")
    assert report.resolved_at is None

    again = message_report(user=lobby.bob, message=message, reason=ReportReason.ABUSE)
    assert again.pk == report.pk and again.reason == "spam"
    assert MessageReport.objects.count() == 1


def test_reports_are_refused_to_outsiders_authors_and_unknown_reasons(lobby, staff):
    message = said(lobby)
    outsider = MembershipFactory().user
    refused("not_member", message_report, user=outsider, message=message, reason="spam")
    # Staff read lobbies in the admin, but do not take part: they hide rather than report.
    refused("not_member", message_report, user=staff, message=message, reason="spam")
    refused("own_message", message_report, user=lobby.alice, message=message, reason="spam")
    refused("invalid", message_report, user=lobby.bob, message=message, reason="boring")
    refused(
        "too_long", message_report, user=lobby.bob, message=message, reason="spam", note="x" * 501
    )
    assert not MessageReport.objects.exists()


def test_a_message_no_longer_shown_cannot_be_reported(lobby):
    message = message_delete(user=lobby.alice, message=said(lobby))
    refused("not_visible", message_report, user=lobby.bob, message=message, reason="spam")


# --- Hiding and dismissing ----------------------------------------------------------------


def test_staff_hide_a_message_with_a_reason_and_its_open_reports_are_resolved(
    lobby, staff, django_capture_on_commit_callbacks
):
    message = said(lobby)
    carol = MembershipFactory(organization=lobby.second).user
    first = message_report(user=lobby.bob, message=message, reason="spam")
    dismissed = report_dismiss(
        staff=staff, report=message_report(user=carol, message=message, reason="other")
    )
    listener = Listener(events.conversation_group(lobby.conversation.pk))

    with django_capture_on_commit_callbacks(execute=True):
        hidden = message_hide(staff=staff, message=message, reason="  站外引流  ")

    message.refresh_from_db()
    assert message.hidden_at is not None and not message.is_visible
    assert (message.hidden_reason, message.hidden_by) == ("站外引流", staff)
    first.refresh_from_db()
    assert (first.resolution, first.resolved_by) == (ReportResolution.HIDDEN, staff)
    dismissed.refresh_from_db()
    assert dismissed.resolution == ReportResolution.DISMISSED
    [update] = listener.events()
    assert update["type"] == "chat.update"
    assert update["message"] == events.message_payload(hidden)
    assert update["message"]["id"] == message.pk
    assert update["message"]["text"] == "" and update["message"]["hidden"] is True


def test_a_hidden_message_keeps_its_place_without_its_text(lobby, staff):
    message = said(lobby)
    message_hide(staff=staff, message=message, reason="spam")
    [resumed] = message_list_after(conversation=lobby.conversation, after_id=0)
    payload = events.message_payload(resumed)
    assert (payload["id"], payload["text"], payload["hidden"]) == (message.pk, "", True)
    assert payload["attachment"] is None
    # The text stays for the record.
    assert Message.objects.get(pk=message.pk).text == "加微信看低价货源"


def test_hiding_needs_staff_and_a_reason(lobby, staff):
    message = said(lobby)
    refused("not_staff", message_hide, staff=lobby.bob, message=message, reason="spam")
    refused("reason_required", message_hide, staff=staff, message=message, reason="   ")
    refused("too_long", message_hide, staff=staff, message=message, reason="x" * 301)
    message.refresh_from_db()
    assert message.is_visible


def test_hiding_twice_keeps_the_first_decision(lobby, staff, django_capture_on_commit_callbacks):
    message = said(lobby)
    message_hide(staff=staff, message=message, reason="first")
    listener = Listener(events.conversation_group(lobby.conversation.pk))
    with django_capture_on_commit_callbacks(execute=True):
        message_hide(staff=staff, message=message, reason="second")
    message.refresh_from_db()
    assert message.hidden_reason == "first"
    assert listener.events() == []


def test_private_conversations_are_moderated_only_where_a_message_was_reported(staff):
    pair = pair_conversation()
    quiet, reported = (
        message_send(user=pair.alice, conversation=pair.conversation, text=text)[0]
        for text in ("报价单", "骗子链接")
    )
    refused("not_reported", message_hide, staff=staff, message=quiet, reason="spam")
    message_report(user=pair.bob, message=reported, reason=ReportReason.FRAUD)
    assert message_hide(staff=staff, message=reported, reason="诈骗").hidden_at is not None


def test_dismissing_closes_one_report_and_leaves_the_message(lobby, staff):
    message = said(lobby)
    report = message_report(user=lobby.bob, message=message, reason="other")
    refused("not_staff", report_dismiss, staff=lobby.bob, report=report)

    dismissed = report_dismiss(staff=staff, report=report)

    assert (dismissed.resolution, dismissed.resolved_by) == (ReportResolution.DISMISSED, staff)
    assert report_dismiss(staff=staff, report=report).resolved_at == dismissed.resolved_at
    message.refresh_from_db()
    assert message.is_visible


# --- What staff read ------------------------------------------------------------------------


def test_open_reports_come_oldest_first_in_one_query(lobby, staff):
    messages = [said(lobby, f"消息{n}") for n in range(3)]
    reports = [message_report(user=lobby.bob, message=m, reason="spam") for m in messages]
    report_dismiss(staff=staff, report=reports[1])
    with CaptureQueriesContext(connection) as queries:
        listed = [
            (report.pk, report.message.text, str(report.message.conversation), report.reporter.pk)
            for report in report_open_list()
        ]
    assert len(queries) == 1
    assert listed == [
        (reports[0].pk, "消息0", "跨境电商资源对接会", lobby.bob.pk),
        (reports[2].pk, "消息2", "跨境电商资源对接会", lobby.bob.pk),
    ]


def test_lobbies_are_listed_with_their_counts_and_private_conversations_are_not(lobby, staff):
    quiet = event_lobby("企业交流会")
    pair = pair_conversation()
    message_send(user=pair.alice, conversation=pair.conversation, text="私聊")
    said(lobby)
    message_hide(staff=staff, message=said(lobby), reason="spam")

    with CaptureQueriesContext(connection) as queries:
        listed = [
            (row.pk, row.message_count, row.hidden_count, row.participant_count)
            for row in lobby_list()
        ]
    assert len(queries) == 1
    assert listed == [(lobby.conversation.pk, 2, 1, 2), (quiet.conversation.pk, 0, 0, 2)]


def test_a_lobby_s_messages_for_staff_include_the_hidden_ones_newest_first(lobby, staff):
    kept = said(lobby, "你好")
    hidden = message_hide(staff=staff, message=said(lobby, "广告"), reason="广告")
    message_report(user=lobby.bob, message=kept, reason="other")
    rows = list(lobby_message_list(conversation=lobby.conversation))
    assert [(row.pk, row.text, row.hidden_reason, row.open_report_count) for row in rows] == [
        (hidden.pk, "广告", "广告", 0),
        (kept.pk, "你好", "", 1),
    ]


# --- A connected socket -----------------------------------------------------------------------


@transactional_db
async def test_a_connected_participant_sees_the_message_lose_its_text():
    lobby = await sync_to_async(event_lobby)()
    staff = await sync_to_async(
        lambda: (
            MembershipFactory(organization=OrganizationFactory(kind=OrganizationKind.BUREAU)).user
        )
    )()
    message = await sync_to_async(said)(lobby)
    bob = await open_socket(lobby.bob, lobby.conversation.pk)

    await sync_to_async(message_hide)(staff=staff, message=message, reason="站外引流")

    update = await bob.receive()
    assert update["type"] == "update"
    assert update["message"]["id"] == message.pk
    assert update["message"]["text"] == "" and update["message"]["hidden"] is True
    assert "站外引流" not in str(update)
    await bob.close()


# --- The staff pages --------------------------------------------------------------------------


def urls(lobby: Lobby, message: Message, report: MessageReport) -> dict[str, str]:
    return {
        "reports": reverse("chat_admin:report_list"),
        "lobbies": reverse("chat_admin:lobby_list"),
        "lobby": reverse("chat_admin:lobby_detail", args=[lobby.conversation.pk]),
        "hide": reverse("chat_admin:message_hide", args=[message.pk]),
        "dismiss": reverse("chat_admin:report_dismiss", args=[report.pk]),
    }


@pytest.fixture
def reported(lobby):
    message = said(lobby)
    report = message_report(user=lobby.bob, message=message, reason="spam", note="推销")
    return message, report, urls(lobby, message, report)


def test_the_pages_live_under_the_wagtail_admin(lobby, reported):
    addresses = reported[2]
    assert addresses["reports"] == "/admin/chat/reports/"
    assert addresses["lobby"] == f"/admin/chat/lobbies/{lobby.conversation.pk}/"


def test_anonymous_and_company_members_are_sent_to_sign_in(client, lobby, reported):
    message, _report, addresses = reported
    for user in (None, lobby.bob):
        if user is not None:
            client.force_login(user)
        for url in addresses.values():
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("account_login")), url
        client.post(addresses["hide"], {"reason": "spam"})
    message.refresh_from_db()
    assert message.is_visible


def test_admin_access_without_the_bureau_gets_403_and_changes_nothing(client, reported):
    message, report, addresses = reported
    editor = MembershipFactory(role=MembershipRole.OWNER).user
    editor.groups.add(Group.objects.get(name=BUREAU_STAFF_GROUP))
    sign_in_with_totp(client, editor, activate_totp(editor))
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    assert addresses["reports"] not in home.text
    for url in addresses.values():
        assert client.get(url).status_code == 403, url
    assert client.post(addresses["hide"], {"reason": "spam"}).status_code == 403
    assert client.post(addresses["dismiss"]).status_code == 403
    message.refresh_from_db()
    report.refresh_from_db()
    assert message.is_visible and report.resolved_at is None


def test_staff_see_the_menu_and_the_open_reports(staff_client, reported):
    message, report, addresses = reported
    home = staff_client.get(reverse("wagtailadmin_home"))
    assert "Chat moderation" in home.text
    assert addresses["reports"] in home.text and addresses["lobbies"] in home.text

    response = staff_client.get(addresses["reports"])
    assert response.status_code == 200
    assert f'data-report="{report.pk}"' in response.text
    assert message.text in response.text and "推销" in response.text
    assert addresses["hide"] in response.text and addresses["dismiss"] in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text


def test_staff_hide_a_reported_message_with_a_reason(staff_client, staff, reported):
    message, report, addresses = reported
    response = staff_client.post(
        addresses["hide"], {"reason": "站外引流", "next": addresses["reports"]}
    )
    assert response.status_code == 302
    assert response["Location"] == addresses["reports"]
    message.refresh_from_db()
    report.refresh_from_db()
    assert (message.hidden_reason, message.hidden_by) == ("站外引流", staff)
    assert report.resolution == ReportResolution.HIDDEN
    listing = staff_client.get(addresses["reports"])
    assert f'data-report="{report.pk}"' not in listing.text
    assert "No open reports." in listing.text


def test_hiding_without_a_reason_shows_the_form_again_with_the_error(staff_client, reported):
    message, report, addresses = reported
    response = staff_client.post(addresses["hide"], {"reason": "  ", "next": addresses["reports"]})
    assert response.status_code == 200
    assert 'data-testid="hide-errors"' in response.text
    assert "Give a reason for hiding the message." in response.text
    message.refresh_from_db()
    report.refresh_from_db()
    assert message.is_visible and report.resolved_at is None


def test_the_hide_page_goes_back_only_to_our_own_pages(staff_client, reported):
    addresses = reported[2]
    response = staff_client.post(
        addresses["hide"], {"reason": "spam", "next": "https://evil.example/"}
    )
    assert response["Location"] == addresses["reports"]


def test_staff_dismiss_a_report_by_post_only(staff_client, reported):
    message, report, addresses = reported
    assert staff_client.get(addresses["dismiss"]).status_code == 405
    response = staff_client.post(addresses["dismiss"], {"next": addresses["reports"]})
    assert response.status_code == 302
    report.refresh_from_db()
    message.refresh_from_db()
    assert report.resolution == ReportResolution.DISMISSED and message.is_visible


def test_staff_read_a_lobby_page_by_page_with_hidden_messages_marked(
    staff_client, staff, lobby, monkeypatch
):
    monkeypatch.setattr(admin_views, "MESSAGES_PER_PAGE", 2)
    MessageFactory(conversation=lobby.conversation, author=lobby.alice, text="最早")
    hidden = MessageFactory(conversation=lobby.conversation, author=lobby.bob, text="违规内容")
    newest = MessageFactory(conversation=lobby.conversation, author=lobby.alice, text="最新")
    message_hide(staff=staff, message=hidden, reason="广告刷屏")
    url = reverse("chat_admin:lobby_detail", args=[lobby.conversation.pk])

    first = staff_client.get(url)
    assert first.status_code == 200
    assert "最新" in first.text and "违规内容" in first.text and "最早" not in first.text
    assert first.text.count('data-testid="message-hidden"') == 1
    assert "广告刷屏" in first.text
    # The visible message carries a hide form; the hidden one does not.
    hide_newest = reverse("chat_admin:message_hide", args=[newest.pk])
    assert hide_newest in first.text
    assert reverse("chat_admin:message_hide", args=[hidden.pk]) not in first.text
    second = staff_client.get(url, {"p": 2})
    assert "最早" in second.text and "最新" not in second.text

    response = staff_client.post(hide_newest, {"reason": "重复", "next": url})
    assert response["Location"] == url
    newest.refresh_from_db()
    assert newest.hidden_reason == "重复"


def test_staff_do_not_open_unreported_messages_of_private_conversations(staff_client):
    pair = pair_conversation()
    quiet, reported = (
        message_send(user=pair.alice, conversation=pair.conversation, text=text)[0]
        for text in ("报价单", "骗子链接")
    )
    message_report(user=pair.bob, message=reported, reason=ReportReason.FRAUD)
    quiet_url = reverse("chat_admin:message_hide", args=[quiet.pk])
    assert staff_client.get(quiet_url).status_code == 404
    assert staff_client.post(quiet_url, {"reason": "spam"}).status_code == 404
    response = staff_client.get(reverse("chat_admin:message_hide", args=[reported.pk]))
    assert response.status_code == 200 and "骗子链接" in response.text
    assert "报价单" not in response.text


def test_the_lobby_list_shows_lobbies_only(staff_client, lobby):
    pair = pair_conversation(title="私下洽谈")
    said(lobby)
    response = staff_client.get(reverse("chat_admin:lobby_list"))
    assert response.status_code == 200
    assert f'data-lobby="{lobby.conversation.pk}"' in response.text
    assert "私下洽谈" not in response.text
    assert (
        staff_client.get(
            reverse("chat_admin:lobby_detail", args=[pair.conversation.pk])
        ).status_code
        == 404
    )


def test_the_pages_render_in_chinese_too(client, bureau_staff, reported):
    bureau_staff.groups.add(Group.objects.get(name=BUREAU_STAFF_GROUP))
    sign_in_with_totp(client, bureau_staff, bureau_staff.totp_secret)
    addresses = reported[2]
    for name in ("reports", "lobbies", "lobby", "hide"):
        response = client.get(addresses[name])
        assert response.status_code == 200, name
        assert '<html lang="zh-hans"' in response.text, name
