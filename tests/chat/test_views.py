"""The chat pages and their HTTP side: the list, a conversation, history and refresh pages,
sending over HTTP (with attachments), read receipts, and files served to participants only."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.services import membership_remove
from chat import events
from chat.models import Message, ReadMarker
from chat.services import conversation_open, message_delete, message_send
from tests.chat.layer import Listener
from tests.factories import MembershipFactory, OrganizationFactory
from tests.factories.chat import MessageFactory, pair_conversation

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def pair():
    return pair_conversation()


def signed_in(client, user):
    client.force_login(user)
    return client


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


# The list.


def test_the_list_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("chat:conversations"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_list_shows_each_conversation_with_its_unread_count(client, pair):
    MessageFactory.create_batch(3, conversation=pair.conversation, author=pair.bob)
    MessageFactory(conversation=pair.conversation, author=pair.alice)
    response = signed_in(client, pair.alice).get(reverse("chat:conversations"))
    assert response.status_code == 200
    body = response.content.decode()
    assert pair.second.name_zh in body  # named after the other side
    assert 'data-testid="unread"' in body
    (conversation,) = response.context["page"].object_list
    assert conversation.unread_count == 3
    # The header's menu links to the list with the number of conversations to read.
    assert 'data-testid="chat-unread">1<' in body


def test_a_new_member_sees_an_empty_list_with_a_way_forward(client):
    user = MembershipFactory().user
    response = signed_in(client, user).get(reverse("chat:conversations"))
    assert 'data-testid="conversations-empty"' in response.content.decode()


def test_the_list_is_paginated(client):
    organization = OrganizationFactory()
    user = MembershipFactory(organization=organization).user
    for _ in range(23):
        other = OrganizationFactory()
        conversation_open(kind="pair", organizations=[organization, other])
    first = signed_in(client, user).get(reverse("chat:conversations"))
    second = client.get(reverse("chat:conversations"), {"page": 2})
    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 3


# One conversation.


def test_the_page_shows_the_latest_messages_oldest_first(client, pair):
    messages = MessageFactory.create_batch(55, conversation=pair.conversation, author=pair.bob)
    pair.conversation.last_message_id = messages[-1].pk
    pair.conversation.save()
    response = signed_in(client, pair.alice).get(
        reverse("chat:conversation", args=[pair.conversation.pk])
    )
    assert response.status_code == 200
    shown = response.context["messages_page"]
    assert [m.pk for m in shown] == [m.pk for m in messages[-50:]]
    assert response.context["has_older"] is True
    config = response.context["chat_config"]
    assert config["lastId"] == messages[-1].pk
    assert config["socket"] == f"/ws/chat/{pair.conversation.pk}/"
    body = response.content.decode()
    assert 'id="chat-config"' in body and 'id="chat-labels"' in body
    assert "chat/chat.js" in body


def test_links_in_messages_are_clickable_and_text_is_escaped(client, pair):
    MessageFactory(
        conversation=pair.conversation,
        author=pair.bob,
        text="<b>价目表</b> https://example.com/price-list",
    )
    body = (
        signed_in(client, pair.alice)
        .get(reverse("chat:conversation", args=[pair.conversation.pk]))
        .content.decode()
    )
    assert "&lt;b&gt;价目表&lt;/b&gt;" in body
    assert '<a href="https://example.com/price-list"' in body


def test_outsiders_get_not_found(client, pair):
    outsider = MembershipFactory().user
    signed_in(client, outsider)
    assert client.get(reverse("chat:conversation", args=[pair.conversation.pk])).status_code == 404
    assert client.get(reverse("chat:messages", args=[pair.conversation.pk])).status_code == 404
    response = client.post(reverse("chat:messages", args=[pair.conversation.pk]), {"text": "hi"})
    assert response.status_code == 404
    assert not Message.objects.exists()


def test_a_user_removed_from_the_organization_loses_the_page(client, pair):
    membership = pair.bob.memberships.get()
    owner = MembershipFactory(organization=pair.second, role="owner").user
    membership_remove(membership=membership, by=owner)
    response = signed_in(client, pair.bob).get(
        reverse("chat:conversation", args=[pair.conversation.pk])
    )
    assert response.status_code == 404


def test_the_page_works_without_its_script(client, pair):
    url = reverse("chat:conversation", args=[pair.conversation.pk])
    response = signed_in(client, pair.alice).post(url, {"text": "你好，\r\n我们有货"})
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.text == "你好，\n我们有货"
    assert message.author == pair.alice


def test_an_empty_form_is_shown_again_with_the_reason(client, pair):
    url = reverse("chat:conversation", args=[pair.conversation.pk])
    response = signed_in(client, pair.alice).post(url, {"text": "   "})
    assert response.status_code == 400
    assert response.context["form"].has_error("__all__", "empty")
    assert "请输入消息或添加附件" in response.content.decode()
    assert not Message.objects.exists()


# History and refresh.


def test_history_pages_go_back_without_gaps_or_repeats(client, pair):
    messages = MessageFactory.create_batch(120, conversation=pair.conversation, author=pair.bob)
    url = reverse("chat:messages", args=[pair.conversation.pk])
    signed_in(client, pair.alice)
    seen = []
    before = None
    while True:
        query = {"before": before} if before else {}
        data = client.get(url, query).json()
        seen = [m["id"] for m in data["messages"]] + seen
        if not data["has_more"]:
            break
        before = data["messages"][0]["id"]
    assert seen == [m.pk for m in messages]


def test_refresh_returns_what_came_after_an_id(client, pair):
    messages = MessageFactory.create_batch(5, conversation=pair.conversation, author=pair.bob)
    data = (
        signed_in(client, pair.alice)
        .get(reverse("chat:messages", args=[pair.conversation.pk]), {"after": messages[1].pk})
        .json()
    )
    assert [m["id"] for m in data["messages"]] == [m.pk for m in messages[2:]]
    assert data["has_more"] is False


@pytest.mark.parametrize("value", ["x", "-1", "1.5"])
def test_a_bad_id_is_refused_with_a_reason(client, pair, value):
    response = signed_in(client, pair.alice).get(
        reverse("chat:messages", args=[pair.conversation.pk]), {"before": value}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


# Sending over HTTP (the refresh mode, attachments).


def test_sending_over_http_answers_like_the_socket_and_broadcasts(
    client, pair, django_capture_on_commit_callbacks
):
    url = reverse("chat:messages", args=[pair.conversation.pk])
    listener = Listener(events.conversation_group(pair.conversation.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, pair.alice).post(
            url, {"text": "样品已寄出", "client_id": "c-1"}
        )
    assert response.status_code == 201
    answer = response.json()
    assert answer["client_id"] == "c-1"
    assert answer["message"]["text"] == "样品已寄出"
    assert listener.events()[0]["message"]["id"] == answer["id"]


def test_a_retried_send_is_stored_once(client, pair):
    url = reverse("chat:messages", args=[pair.conversation.pk])
    signed_in(client, pair.alice)
    first = client.post(url, {"text": "报价单", "client_id": "same"})
    again = client.post(url, {"text": "报价单", "client_id": "same"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Message.objects.count() == 1


def test_too_long_a_message_is_refused_with_a_reason(client, pair, settings):
    settings.CHAT_MESSAGE_MAX_LENGTH = 10
    response = signed_in(client, pair.alice).post(
        reverse("chat:messages", args=[pair.conversation.pk]), {"text": "长" * 11}
    )
    assert response.status_code == 400
    assert "10" in response.json()["message"]
    assert not Message.objects.exists()


def test_sending_too_fast_over_http_is_refused_visibly(client, pair, settings):
    settings.CHAT_MESSAGES_PER_SECOND = 2
    url = reverse("chat:messages", args=[pair.conversation.pk])
    signed_in(client, pair.alice)
    statuses = [client.post(url, {"text": f"m{i}"}).status_code for i in range(6)]
    assert 429 in statuses
    refused = client.post(url, {"text": "again"})
    if refused.status_code == 429:
        assert refused.json()["code"] == "rate_limited"
    assert Message.objects.count() == statuses.count(201) + (refused.status_code == 201)


# Attachments.


def test_a_picture_is_stored_under_a_random_name_and_served_to_participants(client, pair):
    url = reverse("chat:messages", args=[pair.conversation.pk])
    upload = SimpleUploadedFile("../../产品图.png", PNG, content_type="text/html")
    response = signed_in(client, pair.alice).post(url, {"text": "", "attachment": upload})
    assert response.status_code == 201
    payload = response.json()["message"]["attachment"]
    assert payload["name"] == "产品图.png"
    assert payload["image"] is True
    message = Message.objects.get()
    assert "产品图" not in message.attachment.name
    assert message.attachment.name.startswith("chat/") and message.attachment.name.endswith(".png")

    download = signed_in(client, pair.bob).get(payload["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"  # from the content, not the browser's word
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG

    outsider = MembershipFactory().user
    assert signed_in(client, outsider).get(payload["url"]).status_code == 404
    client.logout()
    assert client.get(payload["url"]).status_code == 302


def test_a_document_downloads_with_its_name(client, pair):
    url = reverse("chat:messages", args=[pair.conversation.pk])
    upload = SimpleUploadedFile("报价.docx", docx_bytes())
    answer = signed_in(client, pair.alice).post(url, {"text": "报价", "attachment": upload}).json()
    download = client.get(answer["message"]["attachment"]["url"])
    assert "attachment" in download["Content-Disposition"]
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "attachment"),
        ("fake.png", b"MZ\x90\x00 not a picture", "attachment"),
        ("empty.pdf", b"", "invalid"),  # the form's own check
    ],
)
def test_a_file_of_the_wrong_kind_is_refused_and_nothing_is_kept(
    client, pair, tmp_path, name, content, code
):
    url = reverse("chat:messages", args=[pair.conversation.pk])
    response = signed_in(client, pair.alice).post(
        url, {"text": "见附件", "attachment": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert not Message.objects.exists()
    assert not (tmp_path / "chat").exists() or not any((tmp_path / "chat").iterdir())


def test_a_file_over_the_limit_is_refused(client, pair, settings):
    settings.CHAT_ATTACHMENT_MAX_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    response = signed_in(client, pair.alice).post(
        reverse("chat:messages", args=[pair.conversation.pk]),
        {"attachment": SimpleUploadedFile("big.pdf", big)},
    )
    assert response.status_code == 400
    assert "1 MB" in response.json()["message"]
    assert not Message.objects.exists()


def test_a_deleted_messages_file_is_no_longer_served(client, pair):
    upload = SimpleUploadedFile("a.pdf", PDF)
    message, _created = message_send(
        user=pair.alice, conversation=pair.conversation, text="", attachment=upload
    )
    url = reverse("chat:attachment", args=[message.pk])
    assert signed_in(client, pair.bob).get(url).status_code == 200
    message_delete(user=pair.alice, message=message)
    assert client.get(url).status_code == 404


# Read receipts over HTTP.


def test_reading_over_http_moves_the_marker(client, pair):
    messages = MessageFactory.create_batch(3, conversation=pair.conversation, author=pair.bob)
    pair.conversation.last_message_id = messages[-1].pk
    pair.conversation.save()
    url = reverse("chat:read", args=[pair.conversation.pk])
    response = signed_in(client, pair.alice).post(url, {"id": messages[1].pk})
    assert response.json() == {"id": messages[1].pk}
    assert ReadMarker.objects.get(user=pair.alice).last_read_id == messages[1].pk
    assert client.post(url, {"id": "abc"}).status_code == 400


def test_bureau_staff_do_not_read_conversations_between_companies(bureau_client, pair):
    url = reverse("chat:conversation", args=[pair.conversation.pk])
    assert bureau_client.get(url).status_code == 404


def test_the_dashboard_lists_conversations_with_unread_messages(client, pair):
    MessageFactory.create_batch(2, conversation=pair.conversation, author=pair.bob)
    response = signed_in(client, pair.alice).get(reverse("dashboard"))
    (conversation,) = response.context["unread_conversations_list"]
    assert conversation.unread_count == 2
    assert conversation.display_title == pair.second.name_zh
    assert 'data-testid="dashboard-unread-conversations"' in response.content.decode()
    # Nothing unread for the author: no section.
    response = signed_in(client, pair.bob).get(reverse("dashboard"))
    assert response.context["unread_conversations_list"] == []


def test_a_participant_reports_a_message_for_the_moderators(client, pair):
    from chat.models import MessageReport

    message = MessageFactory(conversation=pair.conversation, author=pair.bob)
    url = reverse("chat:report", args=[message.pk])
    signed_in(client, pair.alice)
    response = client.post(url, {"reason": "spam", "note": "广告"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["message"]
    report = MessageReport.objects.get()
    assert (report.reporter, report.reason, report.note) == (pair.alice, "spam", "广告")
    # A reason is required; an outsider cannot report.
    refused = client.post(url, {"reason": ""}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid"
    outsider = MembershipFactory().user
    assert signed_in(client, outsider).post(url, {"reason": "spam"}).status_code == 404
    assert MessageReport.objects.count() == 1
