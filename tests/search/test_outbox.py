"""The durable index outbox: no save is lost or blocked by the search engine.

The database is real; only the search engine is replaced, by small backends implementing
search.backends.base.SearchBackend: one recording what it is sent, two failing. The indexed
"document type" is a test one over django.contrib.auth's Group (search imports no domain app, and
neither do these tests): a group named "hidden ..." must not be in the index.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from search import registry
from search.backends.base import BackendUnavailable, SearchBackend
from search.models import IndexedDocument, IndexJob
from search.selectors import index_outbox_stats
from search.services import (
    MAX_RETRY_DELAY,
    index_job_enqueue,
    index_outbox_drain,
    index_outbox_retry_failed,
    retry_delay,
)
from tests.markers import transactional_db

DOC_TYPE = "test_group"


class RecordingBackend:
    """Stands in for the search engine: keeps what it was told, per document type."""

    def __init__(self):
        self.documents: dict[str, dict[int, dict]] = {}
        self.index_calls = 0
        self.delete_calls = 0

    def index(self, doc_type, documents):
        self.index_calls += 1
        self.documents.setdefault(doc_type, {}).update({doc["id"]: doc for doc in documents})

    def delete(self, doc_type, ids):
        self.delete_calls += 1
        for object_id in ids:
            self.documents.get(doc_type, {}).pop(object_id, None)


class UnavailableBackend:
    def index(self, doc_type, documents):
        raise BackendUnavailable("connection refused")

    def delete(self, doc_type, ids):
        raise BackendUnavailable("connection refused")


class BrokenBackend:
    def index(self, doc_type, documents):
        raise RuntimeError("mapping rejected the document")

    def delete(self, doc_type, ids):
        raise RuntimeError("mapping rejected the document")


# What the SEARCH_BACKEND setting names during a test (see the `configured` fixture).
_configured: list[SearchBackend] = []


def configured_backend():
    return _configured[0]


def _load_groups(ids):
    return [
        {"id": group.pk, "name": group.name}
        for group in Group.objects.filter(pk__in=ids).exclude(name__startswith="hidden")
    ]


def _all_group_ids():
    return Group.objects.exclude(name__startswith="hidden").values_list("pk", flat=True)


@pytest.fixture(autouse=True)
def group_documents():
    registry.register(DOC_TYPE, load=_load_groups, all_ids=_all_group_ids)
    yield
    registry.unregister(DOC_TYPE)


@pytest.fixture
def configured(settings):
    """Configure a backend for the after-commit drain; returns a function that swaps it."""

    def use(backend):
        _configured[:] = [backend]
        return backend

    settings.SEARCH_BACKEND = f"{__name__}.configured_backend"
    use(RecordingBackend())
    yield use
    _configured.clear()


def group_save(name, *, group=None):
    """A stand-in for a domain service: the change and its index job in one transaction."""
    with transaction.atomic():
        if group is None:
            group = Group.objects.create(name=name)
        else:
            group.name = name
            group.save()
        index_job_enqueue(doc_type=DOC_TYPE, object_ids=[group.pk])
    return group


def jobs():
    return list(IndexJob.objects.order_by("object_id"))


# Real commits and rollbacks.


@transactional_db
def test_a_rolled_back_change_leaves_no_job(configured):
    with pytest.raises(RuntimeError, match="later step failed"), transaction.atomic():
        group = Group.objects.create(name="Furniture exporters")
        index_job_enqueue(doc_type=DOC_TYPE, object_ids=[group.pk])
        raise RuntimeError("a later step failed")

    assert not IndexJob.objects.exists()
    assert configured_backend().index_calls == 0


@transactional_db
def test_after_commit_the_drain_runs_inline_and_the_backend_gets_the_document(configured):
    group = group_save("服装 exporters")

    assert configured_backend().documents == {
        DOC_TYPE: {group.pk: {"id": group.pk, "name": "服装 exporters"}}
    }
    assert not IndexJob.objects.exists()


@transactional_db
@pytest.mark.parametrize(
    ("backend_class", "error"),
    [
        (UnavailableBackend, "BackendUnavailable: connection refused"),
        (BrokenBackend, "RuntimeError: mapping rejected the document"),
    ],
)
def test_a_failing_backend_never_fails_the_save(configured, backend_class, error):
    configured(backend_class())
    before = timezone.now()

    group = group_save("Logistics")

    assert Group.objects.filter(pk=group.pk, name="Logistics").exists()
    [job] = jobs()
    assert (job.doc_type, job.object_id) == (DOC_TYPE, group.pk)
    assert job.attempts == 1
    assert job.next_attempt_at > before
    assert job.last_error == error
    assert job.failed_at is None


@transactional_db
def test_enqueue_outside_a_transaction_is_refused():
    group = Group.objects.create(name="Autocommit")

    with pytest.raises(TransactionManagementError):
        index_job_enqueue(doc_type=DOC_TYPE, object_ids=[group.pk])
    assert not IndexJob.objects.exists()


@transactional_db
def test_by_default_the_embedded_backend_takes_the_jobs(settings):
    settings.SEARCH_BACKEND = ""

    group = group_save("Embedded")

    assert not jobs()
    assert IndexedDocument.objects.filter(doc_type=DOC_TYPE, object_id=group.pk).exists()


# Inside the test transaction: the drain is called directly, or on_commit callbacks are captured.


@pytest.mark.django_db
def test_on_commit_drain_is_scheduled_by_enqueue(configured, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        group = group_save("Payments")

    assert len(callbacks) == 1
    assert configured_backend().documents[DOC_TYPE][group.pk]["name"] == "Payments"
    assert not IndexJob.objects.exists()


@pytest.mark.django_db
def test_one_drain_per_transaction(configured, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        groups = [group_save(f"Bulk {number}") for number in range(5)]

    assert len(callbacks) == 1
    assert set(configured_backend().documents[DOC_TYPE]) == {group.pk for group in groups}


@pytest.mark.django_db
def test_unknown_document_type_is_refused():
    with pytest.raises(LookupError, match="no_such_type"):
        index_job_enqueue(doc_type="no_such_type", object_ids=[1])


@pytest.mark.django_db
def test_absent_documents_become_deletes():
    backend = RecordingBackend()
    shown = group_save("Shown")
    hidden = group_save("Overseas warehouse")
    gone = group_save("Gone")
    index_outbox_drain(backend=backend)
    assert set(backend.documents[DOC_TYPE]) == {shown.pk, hidden.pk, gone.pk}

    group_save("hidden warehouse", group=hidden)
    with transaction.atomic():
        gone_pk = gone.pk
        gone.delete()
        index_job_enqueue(doc_type=DOC_TYPE, object_ids=[gone_pk])
    report = index_outbox_drain(backend=backend)

    assert (report.claimed, report.indexed, report.deleted) == (2, 0, 2)
    assert set(backend.documents[DOC_TYPE]) == {shown.pk}
    assert not IndexJob.objects.exists()


@pytest.mark.django_db
def test_changes_to_one_object_coalesce_into_one_job():
    group = group_save("First name")
    [first] = jobs()

    group_save("Second name", group=group)
    with transaction.atomic():
        index_job_enqueue(doc_type=DOC_TYPE, object_ids=[group.pk, group.pk])

    [job] = jobs()
    assert job.pk == first.pk
    assert job.created_at == first.created_at  # the oldest change not yet indexed
    assert job.token != first.token

    backend = RecordingBackend()
    index_outbox_drain(backend=backend)
    assert backend.documents[DOC_TYPE][group.pk]["name"] == "Second name"


@pytest.mark.django_db
def test_a_change_made_while_its_batch_is_in_flight_is_not_lost():
    group = group_save("Old name")

    class SaveDuringIndexing(RecordingBackend):
        """The engine is slow; meanwhile a request saves the object again."""

        def index(self, doc_type, documents):
            super().index(doc_type, documents)
            if self.index_calls == 1:
                group_save("New name", group=group)

    backend = SaveDuringIndexing()
    report = index_outbox_drain(backend=backend)

    assert report.released == 1
    assert backend.documents[DOC_TYPE][group.pk]["name"] == "Old name"
    [job] = jobs()
    assert job.next_attempt_at <= timezone.now()  # due again at once

    index_outbox_drain(backend=backend)
    assert backend.documents[DOC_TYPE][group.pk]["name"] == "New name"
    assert not IndexJob.objects.exists()


@pytest.mark.django_db
def test_jobs_in_flight_are_not_taken_by_another_drain():
    group_save("Leased")
    other = RecordingBackend()

    class DrainAgainWhileIndexing(RecordingBackend):
        def index(self, doc_type, documents):
            super().index(doc_type, documents)
            self.nested = index_outbox_drain(backend=other)

    backend = DrainAgainWhileIndexing()
    index_outbox_drain(backend=backend)

    assert backend.nested.claimed == 0
    assert other.index_calls == 0


@pytest.mark.django_db
def test_backoff_grows_with_each_failure():
    group_save("Backing off")
    backend = UnavailableBackend()
    now = timezone.now()
    delays = []
    for attempt in range(1, 6):
        report = index_outbox_drain(backend=backend, now=now)
        assert report.failed == 1
        job = IndexJob.objects.get()
        assert job.attempts == attempt
        delays.append(job.next_attempt_at - now)
        # Not due before its time...
        assert (
            index_outbox_drain(
                backend=backend, now=job.next_attempt_at - timedelta(seconds=1)
            ).claimed
            == 0
        )
        now = job.next_attempt_at

    assert delays == sorted(delays)
    assert len(set(delays)) == len(delays)
    assert timedelta(seconds=2 * 0.75) <= delays[0] <= timedelta(seconds=2)
    assert timedelta(seconds=32 * 0.75) <= delays[-1] <= timedelta(seconds=32)


def test_retry_delay_is_capped_at_an_hour():
    for attempts in (12, 13, 30):
        assert MAX_RETRY_DELAY * 0.75 <= retry_delay(attempts) <= MAX_RETRY_DELAY


@pytest.mark.django_db
def test_after_the_maximum_attempts_a_job_is_marked_failed_and_left_alone(settings):
    settings.SEARCH_OUTBOX_MAX_ATTEMPTS = 3
    group_save("Doomed")
    backend = BrokenBackend()
    now = timezone.now()
    reports = []
    for _attempt in range(3):
        reports.append(index_outbox_drain(backend=backend, now=now))
        now = IndexJob.objects.get().next_attempt_at

    assert [report.gave_up for report in reports] == [0, 0, 1]
    job = IndexJob.objects.get()
    assert job.attempts == 3
    assert job.failed_at is not None
    assert "mapping rejected" in job.last_error
    far_future = timezone.now() + timedelta(days=30)
    assert index_outbox_drain(backend=RecordingBackend(), now=far_future).claimed == 0
    stats = index_outbox_stats(now=far_future)
    assert (stats.pending, stats.due, stats.failed) == (0, 0, 1)


@pytest.mark.django_db
def test_retry_failed_requeues_the_failed_jobs(
    settings, configured, django_capture_on_commit_callbacks
):
    settings.SEARCH_OUTBOX_MAX_ATTEMPTS = 1
    group = group_save("Retry me")
    index_outbox_drain(backend=BrokenBackend())
    assert IndexJob.objects.get().failed_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        assert index_outbox_retry_failed() == 1

    # The re-queued job was drained after commit into the configured (recording) backend.
    assert configured_backend().documents[DOC_TYPE][group.pk]["name"] == "Retry me"
    assert not IndexJob.objects.exists()
    assert index_outbox_retry_failed() == 0


@pytest.mark.django_db
def test_retry_failed_resets_attempts(settings):
    settings.SEARCH_OUTBOX_MAX_ATTEMPTS = 1
    group_save("Retry later")
    index_outbox_drain(backend=UnavailableBackend())

    index_outbox_retry_failed(doc_type=DOC_TYPE)

    job = IndexJob.objects.get()
    assert (job.attempts, job.failed_at) == (0, None)
    assert job.next_attempt_at <= timezone.now()
    assert "connection refused" in job.last_error  # kept until a drain succeeds


@pytest.mark.django_db
def test_one_failing_document_type_does_not_hold_back_the_others():
    def load_broken(ids):
        raise RuntimeError("bug in load")

    registry.register("test_broken", load=load_broken, all_ids=list)
    try:
        group = group_save("Healthy")
        with transaction.atomic():
            index_job_enqueue(doc_type="test_broken", object_ids=[7])
        backend = RecordingBackend()

        report = index_outbox_drain(backend=backend)
    finally:
        registry.unregister("test_broken")

    assert (report.claimed, report.indexed, report.failed) == (2, 1, 1)
    assert group.pk in backend.documents[DOC_TYPE]
    [job] = jobs()
    assert (job.doc_type, job.attempts, job.last_error) == (
        "test_broken",
        1,
        "RuntimeError: bug in load",
    )


@pytest.mark.django_db
def test_drain_takes_batches():
    with transaction.atomic():
        groups = [Group.objects.create(name=f"Group {number}") for number in range(5)]
        index_job_enqueue(doc_type=DOC_TYPE, object_ids=[group.pk for group in groups])
    backend = RecordingBackend()

    claimed = [index_outbox_drain(backend=backend, batch_size=2).claimed for _ in range(4)]

    assert claimed == [2, 2, 1, 0]
    assert len(backend.documents[DOC_TYPE]) == 5


@pytest.mark.django_db
def test_stats():
    now = timezone.now()
    assert index_outbox_stats(now=now).oldest_pending_age is None
    group_save("One")
    group_save("Two")
    index_outbox_drain(backend=UnavailableBackend())  # both back off
    group_save("Three")

    stats = index_outbox_stats(now=timezone.now() + timedelta(minutes=1))

    assert (stats.pending, stats.due, stats.failed) == (3, 3, 0)
    assert stats.oldest_pending_age >= timedelta(minutes=1)
    assert index_outbox_stats().due == 1


@pytest.mark.django_db
def test_stats_take_one_query(django_assert_num_queries):
    for name in ("One", "Two", "Three"):
        group_save(name)

    with django_assert_num_queries(1):
        index_outbox_stats()


# The command.


@pytest.mark.django_db
def test_search_drain_command(configured):
    backend = configured(RecordingBackend())
    groups = [group_save(f"Command {number}") for number in range(3)]
    out = StringIO()

    call_command(
        "search_drain", backend=f"{__name__}.configured_backend", stdout=out, stderr=StringIO()
    )

    assert set(backend.documents[DOC_TYPE]) == {group.pk for group in groups}
    assert "Indexed 3, deleted 0, failed 0" in out.getvalue()
    assert "Outbox: 0 pending (0 due), 0 failed." in out.getvalue()


@pytest.mark.django_db
def test_search_drain_command_retries_failed_jobs(settings, configured):
    settings.SEARCH_OUTBOX_MAX_ATTEMPTS = 1
    group = group_save("Failed once")
    configured(UnavailableBackend())
    call_command("search_drain", stdout=StringIO(), stderr=StringIO())  # SEARCH_BACKEND
    assert IndexJob.objects.get().failed_at is not None

    configured(UnavailableBackend())
    out = StringIO()
    call_command("search_drain", stdout=out, stderr=StringIO())
    assert "1 failed" in out.getvalue()  # not retried without --retry-failed
    assert "--retry-failed" in out.getvalue()

    backend = configured(RecordingBackend())
    out = StringIO()
    call_command("search_drain", "--retry-failed", stdout=out, stderr=StringIO())

    assert "Re-queued 1 failed job(s)." in out.getvalue()
    assert group.pk in backend.documents[DOC_TYPE]
    assert not IndexJob.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--backend", "no.such.module.backend"], "Cannot use backend"),
        (["--backend", "django.utils.timezone.now"], "Cannot use backend"),
        (["--backend", f"{__name__}.RecordingBackend", "--batch-size", "0"], "at least 1"),
    ],
)
def test_search_drain_command_rejects_bad_options(settings, args, message):
    settings.SEARCH_BACKEND = ""
    with pytest.raises(CommandError, match=message):
        call_command("search_drain", *args, stdout=StringIO(), stderr=StringIO())
