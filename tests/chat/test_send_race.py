"""Members sending at the same moment: each broadcast names the message committed before it.

Consumers rely on that chain (`previous_id`) to notice a message whose broadcast has not reached
them and fetch it first, so it must hold under concurrency. Real threads, real commits, a
database connection per thread, released together by a barrier.

The negative control removes the conversation's row lock (reads the row without locking it)
and widens the window between reading the newest id and writing: the same harness must then
see two messages that name the same predecessor. SQLite takes its write lock when a
transaction begins, so the race cannot happen there: the control runs on PostgreSQL only.
"""

import threading
import time

import pytest
from django.db import connection, connections

from chat import events, services
from chat.models import Conversation, Message
from tests.chat.layer import Listener
from tests.factories.chat import pair_conversation
from tests.markers import transactional_db

pytestmark = transactional_db

THREADS = 6
MESSAGES_PER_THREAD = 5


def send_all_at_once(pair) -> list[dict]:
    """Every thread sends its messages once the barrier opens; the broadcasts received."""
    listener = Listener(events.conversation_group(pair.conversation.pk))
    barrier = threading.Barrier(THREADS)
    failures = []

    def sender(number: int) -> None:
        user = pair.alice if number % 2 else pair.bob
        try:
            barrier.wait()
            for index in range(MESSAGES_PER_THREAD):
                services.message_send(
                    user=user,
                    conversation=pair.conversation,
                    text=f"{number}-{index}",
                    client_id=f"{number}-{index}",
                )
        except Exception as error:  # reported below: a thread's exception is otherwise lost
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    return listener.events(wait=1)


def test_each_broadcast_names_the_message_committed_before_it():
    pair = pair_conversation()
    received = send_all_at_once(pair)
    ids = list(Message.objects.order_by("id").values_list("id", flat=True))
    assert len(ids) == THREADS * MESSAGES_PER_THREAD
    previous = {event["message"]["id"]: event["previous_id"] for event in received}
    assert sorted(previous) == ids
    assert [previous[pk] for pk in ids] == [None, *ids[:-1]]
    assert Conversation.objects.get().last_message_id == ids[-1]


def test_the_same_message_retried_at_once_from_several_sockets_is_stored_once():
    pair = pair_conversation()
    barrier = threading.Barrier(THREADS)
    results, failures = [], []

    def retry() -> None:
        try:
            barrier.wait()
            results.append(
                services.message_send(
                    user=pair.alice, conversation=pair.conversation, text="报价", client_id="once"
                )
            )
        except Exception as error:  # reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=retry) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert Message.objects.count() == 1
    assert {message.pk for message, _created in results} == {Message.objects.get().pk}
    assert sorted(created for _message, created in results) == [False] * (THREADS - 1) + [True]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serializes writers at BEGIN: no race"
)
def test_negative_control_without_the_lock_two_messages_name_the_same_predecessor(
    monkeypatch,
):
    def unlocked(conversation):
        row = Conversation.objects.get(pk=conversation.pk)
        time.sleep(0.05)  # the work a busy server does between reading and writing
        return row

    monkeypatch.setattr(services, "_conversation_locked", unlocked)
    pair = pair_conversation()
    received = send_all_at_once(pair)
    predecessors = [event["previous_id"] for event in received]
    assert len(set(predecessors)) < len(predecessors)
