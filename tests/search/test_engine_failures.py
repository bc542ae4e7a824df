"""Never lose an update: while Elasticsearch refuses connections, answers 503 or hangs, every save
succeeds and leaves its index jobs in the outbox; searches answer from the embedded index within
a bounded time, marked degraded; /healthz says so; once the engine is back the jobs drain.

The saves are real domain services (matchmaking) committed for real (transactional tests), so
that the after-commit drain runs inline, as it does in a request on the immediate tasks backend.
Elasticsearch is played by the local stubs of tests.search.es_stub; where the engine has to come
back, by a small backend plugged in through the SEARCH_BACKEND setting.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from io import StringIO
from typing import TypeVar

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import MembershipRole
from matchmaking import services
from matchmaking.documents import ORGANIZATION, POST
from matchmaking.models import Post, PostKind, PostStatus, Profile
from search import backends
from search.analysis import index_text
from search.backends import BackendUnavailable, EmbeddedBackend, configured_writer
from search.models import IndexedDocument, IndexJob
from search.query import SearchQuery
from search.selectors import search_health, search_run, search_suggest
from search.services import index_outbox_drain
from tests.factories import MembershipFactory, OrganizationFactory
from tests.markers import transactional_db
from tests.search.es_stub import answering_url, refusing_url, silent_url

T = TypeVar("T")

TIMEOUT = 0.5  # SEARCH_TIMEOUT during these tests, in seconds
# What a save or a search may take beyond one timeout: the embedded index's own work on a busy
# machine. A bound that catches waiting for the engine's longer timeouts (the client's default,
# index creation's) or retrying, not a benchmark.
MARGIN = 5.0

SUMMARY = "实木家具出口"
TITLE = "实木餐桌现货"
QUERY = SearchQuery(doc_types=(ORGANIZATION, POST), text="实木")

# Each way the engine can fail: the stub standing in for it, and a word the error must name.
FAILURES: dict[str, tuple[Callable[[], AbstractContextManager[str]], str]] = {
    "refused": (refusing_url, "refused"),
    "503": (lambda: answering_url(503), "503"),
    "hang": (silent_url, "timed out"),
}


@pytest.fixture(scope="module", autouse=True)
def _jieba_loaded():
    """Load jieba before anything is timed: its first load is no wait for the engine."""
    index_text(SUMMARY)


@pytest.fixture(autouse=True)
def _fresh_engine_state():
    """No test inherits another's "engine down" memo or its client of a stub that is gone."""
    cache.clear()
    backends._elasticsearch.cache_clear()
    yield
    cache.clear()
    backends._elasticsearch.cache_clear()


def _use_elasticsearch(settings, url: str, *, timeout: float = TIMEOUT) -> None:
    settings.SEARCH_BACKEND = ""
    settings.ELASTICSEARCH_URL = url
    settings.SEARCH_TIMEOUT = timeout


@pytest.fixture(params=list(FAILURES))
def failing_engine(request, settings) -> Iterator[str]:
    """Elasticsearch configured at a stub failing in one of the FAILURES ways; yields the way."""
    stub, _error = FAILURES[request.param]
    with stub() as url:
        _use_elasticsearch(settings, url)
        yield request.param


def exporter_with_owner():
    organization = OrganizationFactory()
    owner = MembershipFactory(organization=organization, role=MembershipRole.OWNER).user
    return organization, owner


def profile_saved(organization, owner) -> Profile:
    return services.profile_update(organization=organization, by=owner, summary_zh=SUMMARY)


def post_published(organization, owner) -> Post:
    return services.post_create(
        organization=organization, by=owner, kind=PostKind.SUPPLY, title_zh=TITLE, publish=True
    )


def timed(call: Callable[[], T]) -> tuple[T, float]:
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


def outbox() -> dict[tuple[str, int], IndexJob]:
    return {(job.doc_type, job.object_id): job for job in IndexJob.objects.all()}


def embedded_index() -> set[tuple[str, int]]:
    return set(IndexedDocument.objects.values_list("doc_type", "object_id"))


def found(results) -> set[tuple[str, int]]:
    return {(hit.doc_type, hit.id) for hit in results.hits}


# --- Saves during the outage -----------------------------------------------------------------


@transactional_db
def test_saves_succeed_and_their_jobs_wait_in_the_outbox(failing_engine):
    organization, owner = exporter_with_owner()
    before = timezone.now()

    _profile, profile_seconds = timed(lambda: profile_saved(organization, owner))
    post, post_seconds = timed(lambda: post_published(organization, owner))

    if failing_engine == "hang":
        # Each save waited for the hanging engine, but no longer than its timeout (and a bit).
        assert profile_seconds < TIMEOUT + MARGIN
        assert post_seconds < TIMEOUT + MARGIN
    assert Profile.objects.get(organization=organization).summary_zh == SUMMARY
    assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED
    jobs = outbox()
    assert set(jobs) == {(ORGANIZATION, organization.pk), (POST, post.pk)}
    for job in jobs.values():
        assert job.attempts == 1
        assert job.last_error.startswith("BackendUnavailable: Elasticsearch could not")
        assert FAILURES[failing_engine][1] in job.last_error.lower()
        assert job.failed_at is None
        assert job.next_attempt_at > before


@transactional_db
def test_during_the_outage_searches_find_the_saves_in_the_embedded_index(failing_engine):
    organization, owner = exporter_with_owner()
    profile_saved(organization, owner)
    post = post_published(organization, owner)

    # The mirror wrote the embedded index before Elasticsearch failed the drain.
    assert embedded_index() == {(ORGANIZATION, organization.pk), (POST, post.pk)}
    results, seconds = timed(lambda: search_run(QUERY))

    assert results.degraded
    assert found(results) == {(ORGANIZATION, organization.pk), (POST, post.pk)}
    assert seconds < TIMEOUT + MARGIN


@transactional_db
def test_a_hanging_engine_delays_one_search_and_then_is_skipped(settings):
    # Longer than elsewhere, so that "did not wait" is told from "waited" on a busy machine.
    timeout = 1.5
    with silent_url() as url:
        _use_elasticsearch(settings, url, timeout=timeout)
        organization, owner = exporter_with_owner()
        profile_saved(organization, owner)
        # The save's drain waited for the engine once and marked it down: searches now skip it.
        after_save, after_save_seconds = timed(lambda: search_run(QUERY))
        cache.clear()  # as if that was more than 30 seconds ago

        first, first_seconds = timed(lambda: search_run(QUERY))
        second, second_seconds = timed(lambda: search_run(QUERY))
        suggestions, suggest_seconds = timed(
            lambda: search_suggest("北京", doc_types=(ORGANIZATION,))
        )
        cache.clear()  # as if the 30 seconds of the "engine down" memo had passed
        third, third_seconds = timed(lambda: search_run(QUERY))

    assert after_save_seconds < timeout / 2 and after_save.degraded
    # The first search waited for the engine's timeout, and no longer.
    assert timeout * 0.9 <= first_seconds < timeout + MARGIN
    # The next ones did not wait again: they went straight to the embedded index.
    assert second_seconds < timeout / 2
    assert suggest_seconds < timeout / 2
    assert organization.name_zh in {suggestion.text for suggestion in suggestions}
    # Once the memo expires the engine is asked again (so the memo is what made them fast).
    assert third_seconds >= timeout * 0.9
    for results in (first, second, third):
        assert results.degraded
        assert found(results) == {(ORGANIZATION, organization.pk)}


@transactional_db
def test_the_search_page_says_results_may_be_incomplete(client, settings):
    with refusing_url() as url:
        _use_elasticsearch(settings, url)
        organization, owner = exporter_with_owner()
        profile_saved(organization, owner)

        response = client.get(reverse("matchmaking:search"), {"q": "实木家具"})

    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="search-degraded"' in content
    assert organization.name_zh in content


# --- Health ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_health_with_the_embedded_default(settings):
    settings.SEARCH_BACKEND = ""
    settings.ELASTICSEARCH_URL = ""

    health = search_health()

    assert (health.backend, health.available, health.degraded) == ("embedded", True, False)
    assert (health.outbox.pending, health.outbox.due, health.outbox.failed) == (0, 0, 0)


@pytest.mark.django_db
def test_search_health_with_a_refusing_engine(settings):
    with refusing_url() as url:
        _use_elasticsearch(settings, url)
        health = search_health()

    assert (health.backend, health.available, health.degraded) == ("elasticsearch", False, True)


@pytest.mark.django_db
def test_healthz_with_the_embedded_default(client, settings):
    settings.SEARCH_BACKEND = ""
    settings.ELASTICSEARCH_URL = ""

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["search"]["backend"] == "embedded"
    assert (body["search"]["available"], body["search"]["degraded"]) == (True, False)


@transactional_db
def test_healthz_reports_the_degraded_search_and_the_waiting_jobs(client, failing_engine):
    organization, owner = exporter_with_owner()
    profile_saved(organization, owner)

    response, seconds = timed(lambda: client.get(reverse("healthz")))

    # The site still serves: degraded is not down.
    assert response.status_code == 200
    assert seconds < TIMEOUT + MARGIN
    body = response.json()
    assert body["status"] == "degraded"
    search = body["search"]
    assert (search["backend"], search["available"], search["degraded"]) == (
        "elasticsearch",
        False,
        True,
    )
    outbox_state = search["outbox"]
    # The job is backing off: pending, not due yet, not given up.
    assert (outbox_state["pending"], outbox_state["due"], outbox_state["failed"]) == (1, 0, 0)
    # The job was written moments ago, by this test.
    assert 0 <= outbox_state["oldest_pending_seconds"] < TIMEOUT + MARGIN


# --- The engine comes back -------------------------------------------------------------------


class ComingBack:
    """A search engine that is down until `up` is set; then it answers as the embedded backend
    would (it is not an EmbeddedBackend, so searches treat it as a separate engine that can
    fail). Plugged in by SEARCH_BACKEND, it takes the outbox's writes alone: no mirror."""

    name = "coming-back"

    def __init__(self) -> None:
        self.up = False
        self._embedded = EmbeddedBackend()

    def _engine(self) -> EmbeddedBackend:
        if not self.up:
            raise BackendUnavailable("connection refused")
        return self._embedded

    def index(self, doc_type, documents):
        self._engine().index(doc_type, documents)

    def delete(self, doc_type, ids):
        self._engine().delete(doc_type, ids)

    def search(self, query):
        return self._engine().search(query)

    def ping(self):
        self._engine().ping()


# What SEARCH_BACKEND names during a test (see the `engine` fixture).
_engine: list[ComingBack] = []


def coming_back_engine() -> ComingBack:
    return _engine[0]


@pytest.fixture
def engine(settings) -> Iterator[ComingBack]:
    settings.SEARCH_BACKEND = f"{__name__}.coming_back_engine"
    _engine[:] = [ComingBack()]
    yield _engine[0]
    _engine.clear()


def wait_for_backoff() -> None:
    """Sleep until every job is due again (the first retry comes within 2 seconds)."""
    due_at = max(job.next_attempt_at for job in IndexJob.objects.all())
    delay = (due_at - timezone.now()).total_seconds()
    assert delay <= 2
    time.sleep(max(delay, 0) + 0.05)


@transactional_db
def test_when_the_engine_comes_back_the_jobs_drain_and_searches_use_it_again(engine):
    organization, owner = exporter_with_owner()
    profile_saved(organization, owner)
    post = post_published(organization, owner)
    assert {job.attempts for job in outbox().values()} == {1}
    assert search_run(QUERY).degraded
    assert search_health().degraded

    engine.up = True
    health = search_health()
    assert (health.available, health.degraded, health.outbox.pending) == (True, False, 2)
    # Backing off: a drain now leaves the jobs alone...
    assert index_outbox_drain(backend=configured_writer()).claimed == 0
    # ...and applies them once their backoff has passed.
    later = max(job.next_attempt_at for job in outbox().values())
    report = index_outbox_drain(backend=configured_writer(), now=later)

    assert (report.claimed, report.indexed, report.failed) == (2, 2, 0)
    assert not IndexJob.objects.exists()
    results = search_run(QUERY)
    assert not results.degraded
    assert found(results) == {(ORGANIZATION, organization.pk), (POST, post.pk)}


@transactional_db
def test_the_next_save_after_the_backoff_drains_the_earlier_jobs(engine):
    organization, owner = exporter_with_owner()
    profile_saved(organization, owner)
    assert set(outbox()) == {(ORGANIZATION, organization.pk)}

    engine.up = True
    wait_for_backoff()
    post = post_published(organization, owner)

    assert not IndexJob.objects.exists()
    assert embedded_index() == {(ORGANIZATION, organization.pk), (POST, post.pk)}


@transactional_db
def test_search_drain_applies_the_jobs_once_the_engine_is_back(engine):
    organization, owner = exporter_with_owner()
    profile_saved(organization, owner)
    engine.up = True

    early = StringIO()
    call_command("search_drain", stdout=early, stderr=StringIO())
    assert "Outbox: 1 pending (0 due)" in early.getvalue()

    wait_for_backoff()
    out = StringIO()
    call_command("search_drain", stdout=out, stderr=StringIO())

    assert "Indexed 1, deleted 0, failed 0" in out.getvalue()
    assert not IndexJob.objects.exists()
    assert embedded_index() == {(ORGANIZATION, organization.pk)}


@transactional_db
def test_after_one_failed_write_saves_do_not_wait_for_a_hanging_engine(settings):
    timeout = 1.5
    with silent_url() as url:
        _use_elasticsearch(settings, url, timeout=timeout)
        organization, owner = exporter_with_owner()
        _profile, first_seconds = timed(lambda: profile_saved(organization, owner))
        _post, second_seconds = timed(lambda: post_published(organization, owner))

    assert first_seconds >= timeout * 0.9  # the first drain asked the engine and waited
    assert second_seconds < timeout / 2  # the next one knew it was down
    job = IndexJob.objects.get(doc_type=POST)
    assert job.attempts == 1 and "not asked again" in job.last_error
    assert "timed out" in job.last_error.lower()  # the engine's own error, repeated
