"""Helpers for the registration tests: the form a registrant posts, and a harness that releases
many clients at the same moment, each in a thread with a database connection of its own."""

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections


@pytest.fixture
def registration_form() -> Callable[..., dict]:
    """The register/ form of an event without questions, with one attendee."""

    def form(key: uuid.UUID, number: int = 1) -> dict:
        return {
            "idempotency_key": str(key),
            "accept_terms": "on",
            "attendees-TOTAL_FORMS": "1",
            "attendees-INITIAL_FORMS": "0",
            "attendees-MIN_NUM_FORMS": "1",
            "attendees-MAX_NUM_FORMS": "5",
            "attendees-0-name": f"参会人{number}",
            "attendees-0-position": "外贸经理",
            "attendees-0-phone": "13800000000",
            "attendees-0-email": f"attendee{number}@example.com",
        }

    return form


@pytest.fixture
def run_at_once() -> Callable[..., list]:
    """Run `tasks` in `threads` threads that a barrier releases together; each thread then
    runs its share of the tasks one after another. The tasks' results, in order; a task's
    exception fails the test.

    Needs committed data (a transactional test): each thread opens its own connection, and
    closes it when done so that none is left open on the server.
    """

    def run(tasks: list[Callable], *, threads: int) -> list:
        threads = min(threads, len(tasks))
        barrier = threading.Barrier(threads)
        results = [None] * len(tasks)

        def run_share(first: int) -> None:
            try:
                barrier.wait(timeout=60)
                for number in range(first, len(tasks), threads):
                    results[number] = tasks[number]()
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=threads) as pool:
            for share in [pool.submit(run_share, first) for first in range(threads)]:
                share.result()
        return results

    return run
