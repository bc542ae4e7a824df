"""E-mail digests of unread messages to participants who are offline (chat.digests)."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from accounts.services import membership_remove
from chat import digests
from chat.digests import digest_pending_list, digests_send, user_digest_send
from chat.limits import presence_key
from chat.models import DigestMarker
from chat.services import message_delete, read_mark
from tests.factories import MembershipFactory
from tests.factories.chat import MessageFactory, pair_conversation
from tests.markers import transactional_db

pytestmark = pytest.mark.django_db

SITE = "https://match.example.cn"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.WAGTAILADMIN_BASE_URL = SITE
    settings.CHAT_DIGEST_PERIOD_MINUTES = 60


def _to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def _html(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def _english(user) -> None:
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])


def test_an_offline_participant_gets_one_digest_in_their_language():
    pair = pair_conversation()
    _english(pair.bob)
    MessageFactory(conversation=pair.conversation, author=pair.alice, text="样品下周寄出")
    MessageFactory(conversation=pair.conversation, author=pair.alice, text="Samples ship Monday")
    MessageFactory(conversation=pair.conversation, author=pair.bob, text="请报价 FOB 天津")

    assert digests_send() == 2

    [english] = _to(pair.bob)
    assert english.subject == f"2 unread messages in {pair.first.name_en}"
    assert english.body.startswith("Hello Bob,")
    assert "样品下周寄出" in english.body and "Samples ship Monday" in english.body
    assert "请报价" not in english.body  # his own
    link = f"{SITE}/en/me/chat/{pair.conversation.pk}/"
    assert link in english.body and f'href="{link}"' in _html(english)
    assert "Samples ship Monday" in _html(english)

    [chinese] = _to(pair.alice)
    assert pair.second.name_zh in chinese.subject and pair.second.name_en not in chinese.subject
    assert chinese.body.startswith("Alice，您好：")
    assert "请报价 FOB 天津" in chinese.body and "样品下周寄出" not in chinese.body
    assert f"{SITE}/me/chat/{pair.conversation.pk}/" in chinese.body
    assert "/en/" not in chinese.body
    assert '<html lang="zh-hans">' in _html(chinese)


def test_one_email_covers_several_conversations():
    pair = pair_conversation(title="CIFTIS 2026 对接会")
    other = pair_conversation()
    MembershipFactory(user=pair.bob, organization=other.second)
    MessageFactory(conversation=pair.conversation, author=pair.alice, text="第一个会话")
    MessageFactory(conversation=other.conversation, author=other.alice, text="第二个会话")
    _english(pair.bob)

    digests_send()

    [digest] = _to(pair.bob)
    assert digest.subject == "Unread messages in 2 conversations"
    assert "CIFTIS 2026 对接会" in digest.body and other.first.name_en in digest.body
    # The latest activity first.
    assert digest.body.index("第二个会话") < digest.body.index("第一个会话")


def test_a_participant_online_in_the_conversation_gets_nothing_until_they_leave():
    pair = pair_conversation()
    MessageFactory(conversation=pair.conversation, author=pair.alice)
    cache.set(presence_key(pair.conversation.pk, pair.bob.pk), 1)

    assert digests_send() == 0
    assert mail.outbox == []

    cache.delete(presence_key(pair.conversation.pk, pair.bob.pk))
    assert digests_send() == 1
    assert len(_to(pair.bob)) == 1


def test_own_and_read_messages_are_left_out():
    pair = pair_conversation()
    _english(pair.bob)
    read = MessageFactory(conversation=pair.conversation, author=pair.alice, text="已读的消息")
    MessageFactory(conversation=pair.conversation, author=pair.alice, text="未读的消息")
    MessageFactory(conversation=pair.conversation, author=pair.bob, text="自己的消息")
    read_mark(user=pair.bob, conversation=pair.conversation, message_id=read.pk)

    digests_send()

    [digest] = _to(pair.bob)
    assert digest.subject.startswith("1 unread message in ")
    assert "未读的消息" in digest.body
    assert "已读的消息" not in digest.body and "自己的消息" not in digest.body


def test_a_reader_who_has_read_everything_gets_nothing():
    pair = pair_conversation()
    newest = MessageFactory(conversation=pair.conversation, author=pair.alice)
    read_mark(user=pair.bob, conversation=pair.conversation, message_id=newest.pk)
    reply = MessageFactory(conversation=pair.conversation, author=pair.bob)
    read_mark(user=pair.alice, conversation=pair.conversation, message_id=reply.pk)

    assert digests_send() == 0


def test_hidden_and_deleted_messages_never_appear():
    pair = pair_conversation()
    deleted = MessageFactory(conversation=pair.conversation, author=pair.alice, text="撤回的消息")
    message_delete(user=pair.alice, message=deleted)
    MessageFactory(
        conversation=pair.conversation,
        author=pair.alice,
        text="被隐藏的消息",
        hidden_at=timezone.now(),
        hidden_reason="spam",
    )

    assert digests_send() == 0

    MessageFactory(conversation=pair.conversation, author=pair.alice, text="正常的消息")
    digests_send()
    [digest] = _to(pair.bob)
    assert "正常的消息" in digest.body
    assert "撤回的消息" not in digest.body + _html(digest)
    assert "被隐藏的消息" not in digest.body + _html(digest)
    assert "1 条未读消息" in digest.body  # Bob reads Chinese: only the shown message counts


def test_an_attachment_without_text_shows_its_file_name():
    pair = pair_conversation()
    MessageFactory(
        conversation=pair.conversation,
        author=pair.alice,
        text="",
        attachment="chat/0123456789abcdef.pdf",
        attachment_name="报价单 2026.pdf",
        attachment_type="pdf",
        attachment_size=2048,
    )

    digests_send()

    [digest] = _to(pair.bob)
    assert "报价单 2026.pdf" in digest.body and "报价单 2026.pdf" in _html(digest)


def test_long_texts_are_shortened_and_only_the_newest_are_quoted():
    pair = pair_conversation()
    _english(pair.bob)
    texts = [f"消息{n:02d}" for n in range(5)]
    for text in texts:
        MessageFactory(conversation=pair.conversation, author=pair.alice, text=text)
    MessageFactory(conversation=pair.conversation, author=pair.alice, text="长" * 1000)

    digests_send()

    [digest] = _to(pair.bob)
    assert "6 unread messages (the newest below)" in digest.body
    assert "消息00" not in digest.body and "消息04" in digest.body
    assert "长" * 199 + "…" in digest.body and "长" * 200 not in digest.body


def test_a_second_run_within_the_period_sends_nothing_and_after_it_only_newer_messages():
    pair = pair_conversation()
    _english(pair.bob)
    MessageFactory(conversation=pair.conversation, author=pair.alice, text="第一批")
    start = timezone.now()

    assert digests_send(now=start) == 1
    assert digests_send(now=start) == 0
    MessageFactory(conversation=pair.conversation, author=pair.alice, text="第二批")
    assert digests_send(now=start + timedelta(minutes=59)) == 0
    assert len(mail.outbox) == 1

    assert digests_send(now=start + timedelta(minutes=61)) == 1
    later = mail.outbox[-1]
    assert later.to == [pair.bob.email]
    assert "第二批" in later.body and "第一批" not in later.body
    assert later.subject.startswith("1 unread message in ")
    assert digests_send(now=start + timedelta(minutes=200)) == 0


def test_a_run_that_read_before_another_sent_claims_nothing():
    """Two runs at once: the one that reads the markers second finds them moved, sends nothing."""
    pair = pair_conversation()
    MessageFactory(conversation=pair.conversation, author=pair.alice)
    now = timezone.now()
    [stale] = digest_pending_list(now=now)

    assert digests_send(now=now) == 1
    assert user_digest_send(digest=stale, now=now) is False
    assert len(mail.outbox) == 1


def _two_runs_at_once() -> list[bool]:
    """Two runs in two threads (a database connection each) that both read who is due before
    either sends, as two scheduler processes whose runs overlap would; what each send returned."""
    barrier = threading.Barrier(2)
    now = timezone.now()
    results, failures = [], []

    def run() -> None:
        try:
            pending = digest_pending_list(now=now)
            barrier.wait()
            results.extend(user_digest_send(digest=digest, now=now) for digest in pending)
        except Exception as error:  # reported below: a thread's exception is otherwise lost
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    return results


@transactional_db
def test_two_overlapping_runs_send_one_digest():
    pair = pair_conversation()
    MessageFactory(conversation=pair.conversation, author=pair.alice)

    assert sorted(_two_runs_at_once()) == [False, True]
    assert len(mail.outbox) == 1


@transactional_db
def test_negative_control_without_the_marker_check_both_runs_send(monkeypatch):
    def unconditional(*, user, section, now):
        DigestMarker.objects.update_or_create(
            user=user,
            conversation=section.conversation,
            defaults={"last_notified_id": section.newest_id, "sent_at": now},
        )
        return True

    monkeypatch.setattr(digests, "_marker_claim", unconditional)
    pair = pair_conversation()
    MessageFactory(conversation=pair.conversation, author=pair.alice)

    assert _two_runs_at_once() == [True, True]
    assert len(mail.outbox) == 2


class RefusingBackend(BaseEmailBackend):
    """A mail server that does not answer."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is down")


def test_a_digest_the_mail_server_refuses_is_sent_by_the_next_run(settings):
    pair = pair_conversation()
    MessageFactory(conversation=pair.conversation, author=pair.alice, text="别丢了我")
    settings.EMAIL_BACKEND = "tests.chat.test_digests.RefusingBackend"

    assert digests_send() == 0
    assert not DigestMarker.objects.filter(sent_at__isnull=False).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert digests_send() == 1
    assert "别丢了我" in mail.outbox[0].body


def test_members_of_a_deactivated_organization_and_removed_members_get_nothing():
    pair = pair_conversation()
    colleague = MembershipFactory(organization=pair.second).user
    MessageFactory(conversation=pair.conversation, author=pair.alice)
    pair.second.is_active = False
    pair.second.save()

    assert digests_send() == 0

    pair.second.is_active = True
    pair.second.save()
    membership_remove(membership=colleague.memberships.get(), by=colleague)
    pair.bob.is_active = False
    pair.bob.save()

    assert digests_send() == 0
    assert mail.outbox == []


def test_the_command_sends_the_digests_and_says_how_many():
    pair = pair_conversation()
    MessageFactory(conversation=pair.conversation, author=pair.alice)
    out = StringIO()

    call_command("chat_send_digests", stdout=out)

    assert out.getvalue().strip() == "Chat digests sent: 1."
    assert [message.to for message in mail.outbox] == [[pair.bob.email]]
    call_command("chat_send_digests", stdout=out)
    assert out.getvalue().strip().endswith("Chat digests sent: 0.")
