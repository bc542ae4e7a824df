"""Every write that changes what the search index should hold leaves an index job in the outbox,
in its own transaction; a refused write leaves none.

The tests run inside pytest-django's transaction, so on_commit callbacks (the drain) do not run
and the jobs stay visible in IndexJob. Where the drain matters (expired posts), it is run by hand
against a backend that records what it is told.
"""

import datetime
from io import StringIO

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts import services as account_services
from accounts.models import MembershipRole, Organization, OrganizationKind
from matchmaking import services
from matchmaking.documents import ORGANIZATION, POST
from matchmaking.models import Post, PostKind, PostStatus, Profile
from matchmaking.receivers import organization_changed_enqueue
from matchmaking.services.imports import organization_profile_import
from matchmaking.services.search_index import (
    documents_enqueue,
    index_jobs_batched,
    organization_documents_enqueue,
)
from matchmaking.spreadsheets import read_rows
from matchmaking.tasks import post_index_expired_task
from search.models import IndexJob
from search.services import _DrainAfterCommit, index_outbox_drain
from taxonomy.models import Country, HSHeading
from tests.factories import MembershipFactory, OrganizationFactory
from tests.matchmaking.bulk_files import code, csv_file, exporter_row, platform_row

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def run_import(file, *, by):
    return organization_profile_import(rows=read_rows(file), by=by)


def take_jobs() -> set[tuple[str, int]]:
    """The (doc_type, object_id) of the jobs in the outbox, which is emptied for the next step."""
    jobs = set(IndexJob.objects.values_list("doc_type", "object_id"))
    IndexJob.objects.all().delete()
    return jobs


def organization_with_owner(kind: str):
    organization = OrganizationFactory(kind=kind)
    owner = MembershipFactory(organization=organization, role=MembershipRole.OWNER).user
    return organization, owner


def drafted(organization, *, by, **fields) -> Post:
    fields.setdefault("kind", PostKind.SUPPLY)
    fields.setdefault("title_zh", "实木餐桌现货")
    return services.post_create(organization=organization, by=by, **fields)


def published(organization, *, by, **fields) -> Post:
    return drafted(organization, by=by, publish=True, **fields)


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


class RecordingBackend:
    """Stands in for the search engine: keeps what the drain sends it."""

    def __init__(self):
        self.indexed: set[tuple[str, int]] = set()
        self.deleted: set[tuple[str, int]] = set()

    def index(self, doc_type, documents):
        self.indexed |= {(doc_type, document["id"]) for document in documents}

    def delete(self, doc_type, ids):
        self.deleted |= {(doc_type, object_id) for object_id in ids}


def drained() -> RecordingBackend:
    backend = RecordingBackend()
    while index_outbox_drain(backend=backend).claimed:
        pass
    return backend


# --- Profiles and their parts ----------------------------------------------------------------


def test_a_profile_change_enqueues_its_organization(organization, owner, taxonomy):
    services.profile_update(
        organization=organization,
        by=owner,
        summary_zh="实木家具",
        relations={"hs_headings": list(HSHeading.objects.filter(code="9403"))},
    )
    assert take_jobs() == {(ORGANIZATION, organization.pk)}

    services.profile_update(organization=organization, by=owner, visibility="hidden")
    assert take_jobs() == {(ORGANIZATION, organization.pk)}  # the drain will delete it


def test_a_no_op_profile_update_enqueues_nothing(organization, owner, taxonomy):
    headings = list(HSHeading.objects.filter(code__in=["9401", "9403"]))
    services.profile_update(
        organization=organization,
        by=owner,
        summary_zh="实木家具",
        relations={"hs_headings": headings},
    )
    take_jobs()
    version = Profile.objects.get(organization=organization).data_version

    services.profile_update(
        organization=organization,
        by=owner,
        summary_zh=" 实木家具 ",  # stripped: the same value
        relations={"hs_headings": list(reversed(headings))},
    )

    assert take_jobs() == set()
    assert Profile.objects.get(organization=organization).data_version == version


def test_a_new_profile_is_enqueued_even_when_empty(organization, owner):
    services.profile_ensure(organization=organization)
    assert take_jobs() == {(ORGANIZATION, organization.pk)}
    services.profile_ensure(organization=organization)
    assert take_jobs() == set()

    other, other_owner = organization_with_owner(OrganizationKind.PLATFORM)
    # Sets the default: no change to the profile, but the profile itself is new.
    services.profile_update(organization=other, by=other_owner, visibility="public")
    assert take_jobs() == {(ORGANIZATION, other.pk)}


def test_a_refused_profile_update_enqueues_nothing(organization, owner, member, taxonomy):
    services.profile_ensure(organization=organization)
    take_jobs()
    with pytest.raises(ValidationError):
        services.profile_update(organization=organization, by=owner, incentives_zh="免佣金")
    with pytest.raises(ValidationError):
        services.profile_update(organization=organization, by=owner, summary_zh="x" * 201)
    with pytest.raises(PermissionDenied):
        services.profile_update(organization=organization, by=member, summary_zh="实木家具")

    assert take_jobs() == set()
    assert Profile.objects.get(organization=organization).summary_zh == ""


def test_products_enqueue_their_organization(organization, owner, taxonomy):
    heading = HSHeading.objects.get(code="9403")
    product = services.product_create(
        organization=organization, by=owner, hs_heading=heading, name_zh="实木餐桌"
    )
    assert take_jobs() == {(ORGANIZATION, organization.pk)}
    services.product_update(product=product, by=owner, name_en="Solid wood table")
    assert take_jobs() == {(ORGANIZATION, organization.pk)}
    services.product_delete(product=product, by=owner)
    assert take_jobs() == {(ORGANIZATION, organization.pk)}

    with pytest.raises(ValidationError):  # a product needs a name
        services.product_create(organization=organization, by=owner, hs_heading=heading)
    assert take_jobs() == set()


def test_warehouses_and_lanes_enqueue_their_organization(taxonomy):
    provider, owner = organization_with_owner(OrganizationKind.SERVICE_PROVIDER)
    germany, china = Country.objects.get(code="DE"), Country.objects.get(code="CN")

    warehouse = services.warehouse_add(
        organization=provider, by=owner, country=germany, city="汉堡"
    )
    assert take_jobs() == {(ORGANIZATION, provider.pk)}
    services.warehouse_remove(warehouse=warehouse, by=owner)
    assert take_jobs() == {(ORGANIZATION, provider.pk)}

    lane = services.lane_add(
        organization=provider, by=owner, origin=china, destination=germany, mode="rail"
    )
    assert take_jobs() == {(ORGANIZATION, provider.pk)}
    with pytest.raises(ValidationError):  # the same lane twice
        services.lane_add(
            organization=provider, by=owner, origin=china, destination=germany, mode="rail"
        )
    assert take_jobs() == set()
    services.lane_remove(lane=lane, by=owner)
    assert take_jobs() == {(ORGANIZATION, provider.pk)}


def test_one_service_call_schedules_one_drain(
    organization, owner, taxonomy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        services.profile_update(
            organization=organization,
            by=owner,
            summary_zh="实木家具",
            relations={"hs_headings": list(HSHeading.objects.filter(code="9403"))},
        )
    # One drain of the index outbox; the other callback recomputes the suggestions.
    assert callback_kinds(callbacks) == ["_DrainAfterCommit", "_RecomputeAfterCommit"]


def callback_kinds(callbacks) -> list[str]:
    return sorted(type(callback).__name__ for callback in callbacks)


# --- Posts -----------------------------------------------------------------------------------


def test_posts_are_enqueued_while_published_and_when_closed(organization, owner, taxonomy):
    draft = drafted(organization, by=owner)
    services.post_update(post=draft, by=owner, title_en="Solid wood tables in stock")
    assert take_jobs() == set()  # a draft has no document, and never had one

    services.post_publish(post=draft, by=owner)
    assert take_jobs() == {(POST, draft.pk)}
    services.post_update(
        post=draft, by=owner, market_countries=list(Country.objects.filter(code="DE"))
    )
    assert take_jobs() == {(POST, draft.pk)}
    services.post_close(post=draft, by=owner)
    assert take_jobs() == {(POST, draft.pk)}  # the drain will delete it
    services.post_close(post=draft, by=owner)
    services.post_update(post=draft, by=owner, quantity="2 containers")
    assert take_jobs() == set()  # closed: its document is already on its way out
    services.post_publish(post=draft, by=owner)
    assert take_jobs() == {(POST, draft.pk)}

    at_once = published(organization, by=owner)
    assert take_jobs() == {(POST, at_once.pk)}


def test_a_refused_post_write_enqueues_nothing(organization, owner, outsider):
    with pytest.raises(ValidationError):  # cannot be published: it has expired
        published(organization, by=owner, valid_from=TODAY - 5 * DAY, valid_until=TODAY - DAY)
    assert not Post.objects.exists()
    post = published(organization, by=owner)
    take_jobs()

    with pytest.raises(ValidationError):
        services.post_update(post=post, by=owner, title_zh="", title_en="")
    with pytest.raises(PermissionDenied):
        services.post_close(post=post, by=outsider)
    with pytest.raises(PermissionDenied):
        drafted(organization, by=outsider, publish=True)

    assert take_jobs() == set()
    post.refresh_from_db()
    assert (post.status, post.title_zh) == (PostStatus.PUBLISHED, "实木餐桌现货")


# --- Organizations ---------------------------------------------------------------------------


def test_an_organization_change_enqueues_it_and_its_published_posts(organization, owner):
    listed = published(organization, by=owner)
    closed = published(organization, by=owner)
    services.post_close(post=closed, by=owner)
    drafted(organization, by=owner)
    other, other_owner = organization_with_owner(OrganizationKind.PLATFORM)
    published(other, by=other_owner)
    take_jobs()

    organization_documents_enqueue(organization=organization)

    assert take_jobs() == {(ORGANIZATION, organization.pk), (POST, listed.pk)}


def test_a_bureau_change_enqueues_only_its_posts(bureau_staff):
    bureau = Organization.objects.get(kind=OrganizationKind.BUREAU)
    post = published(bureau, by=bureau_staff)
    take_jobs()

    organization_documents_enqueue(organization=bureau)

    assert take_jobs() == {(POST, post.pk)}


@pytest.mark.parametrize(
    ("changed_fields", "enqueued"),
    [
        ({"name_zh"}, True),
        ({"name_en", "website"}, True),
        ({"district"}, True),
        ({"verification_state", "verification_note", "verified_at", "verified_by"}, True),
        ({"is_active"}, True),
        ({"website", "logo"}, False),  # in no document
        (set(), False),
    ],
)
def test_the_receiver_enqueues_only_for_fields_the_documents_read(
    organization, owner, changed_fields, enqueued
):
    listed = published(organization, by=owner)
    take_jobs()

    organization_changed_enqueue(
        sender=Organization, organization=organization, changed_fields=changed_fields
    )

    expected = {(ORGANIZATION, organization.pk), (POST, listed.pk)} if enqueued else set()
    assert take_jobs() == expected


# --- Bulk import -----------------------------------------------------------------------------


def test_an_import_enqueues_its_rows_together(
    bureau_staff, taxonomy, django_capture_on_commit_callbacks
):
    rows = [exporter_row(1), exporter_row(2), platform_row(3)]
    with django_capture_on_commit_callbacks() as callbacks:
        run_import(csv_file(rows), by=bureau_staff)

    ids = Organization.objects.filter(credit_code__in=[code(1), code(2), code(3)]).values_list(
        "pk", flat=True
    )
    assert take_jobs() == {(ORGANIZATION, pk) for pk in ids}
    # One enqueue, one drain (and one recompute of suggestions) for the whole file.
    assert callback_kinds(callbacks) == ["_DrainAfterCommit", "_RecomputeAfterCommit"]

    run_import(csv_file(rows), by=bureau_staff)
    assert take_jobs() == set()  # unchanged rows write nothing

    changed = [exporter_row(1, summary_en="Tables and chairs"), exporter_row(2), platform_row(3)]
    run_import(csv_file(changed), by=bureau_staff)
    assert take_jobs() == {(ORGANIZATION, Organization.objects.get(credit_code=code(1)).pk)}


def test_rejected_rows_enqueue_nothing(bureau_staff, taxonomy):
    rows = [
        exporter_row(1, hs_headings="94O3"),  # refused before anything is written
        exporter_row(2, summary_zh="实木\x01家具"),  # refused by the model, in the row's savepoint
    ]
    report = run_import(csv_file(rows), by=bureau_staff)

    assert report.rejected == 2
    assert not Organization.objects.filter(credit_code__in=[code(1), code(2)]).exists()
    assert take_jobs() == set()


def test_a_batch_enqueues_nothing_when_it_fails(organization):
    with pytest.raises(RuntimeError), index_jobs_batched():
        documents_enqueue(organization_ids=[organization.pk])
        raise RuntimeError("the import broke off")
    assert take_jobs() == set()


def test_a_nested_batch_joins_the_outer_one(organization, django_capture_on_commit_callbacks):
    other = OrganizationFactory()
    with django_capture_on_commit_callbacks() as callbacks, index_jobs_batched():
        documents_enqueue(organization_ids=[organization.pk])
        with index_jobs_batched():
            documents_enqueue(organization_ids=[other.pk])
        assert take_jobs() == set()  # nothing before the outer batch ends
    assert take_jobs() == {(ORGANIZATION, organization.pk), (ORGANIZATION, other.pk)}
    assert len(callbacks) == 1


# --- Posts the calendar lists or unlists -----------------------------------------------------


def test_posts_that_expired_in_the_window_are_enqueued(organization, owner):
    ends_tomorrow = published(organization, by=owner, valid_until=TODAY + DAY)
    ends_in_two_days = published(organization, by=owner, valid_until=TODAY + 2 * DAY)
    ends_later = published(organization, by=owner, valid_until=TODAY + 10 * DAY)
    published(organization, by=owner)  # no end date
    closed = published(organization, by=owner, valid_until=TODAY + DAY)
    services.post_close(post=closed, by=owner)
    drafted(organization, by=owner, valid_until=TODAY + DAY)
    take_jobs()

    # Three days on, the window (two days) holds the posts that ended tomorrow and the day after.
    assert services.post_index_expired(now=noon(TODAY + 3 * DAY)) == 2
    assert take_jobs() == {(POST, ends_tomorrow.pk), (POST, ends_in_two_days.pk)}
    assert services.post_index_expired(now=noon(TODAY + 4 * DAY)) == 1
    assert take_jobs() == {(POST, ends_in_two_days.pk)}
    assert services.post_index_expired(now=noon(TODAY + 5 * DAY)) == 0
    assert services.post_index_expired(now=noon(TODAY + 5 * DAY), days=4) == 2
    assert take_jobs() == {(POST, ends_tomorrow.pk), (POST, ends_in_two_days.pk)}
    assert services.post_index_expired(now=noon(TODAY + 11 * DAY)) == 1
    assert take_jobs() == {(POST, ends_later.pk)}


def test_posts_published_ahead_of_their_start_are_enqueued_when_it_arrives(organization, owner):
    starts_in_two_days = published(organization, by=owner, valid_from=TODAY + 2 * DAY)
    published(organization, by=owner)  # starts today: enqueued when published
    take_jobs()

    assert services.post_index_expired(now=noon(TODAY + DAY)) == 0
    assert services.post_index_expired(now=noon(TODAY + 2 * DAY)) == 1
    assert take_jobs() == {(POST, starts_in_two_days.pk)}
    assert services.post_index_expired(now=noon(TODAY + 3 * DAY)) == 1
    assert services.post_index_expired(now=noon(TODAY + 4 * DAY)) == 0


def test_the_drain_removes_expired_posts_and_adds_started_ones(organization, owner):
    """The real drain, with the dates moved as time would move them."""
    expired = published(organization, by=owner, valid_until=TODAY + DAY)
    started = published(organization, by=owner, valid_from=TODAY + DAY)
    still_listed = published(organization, by=owner)
    Post.objects.filter(pk=expired.pk).update(valid_from=TODAY - 10 * DAY, valid_until=TODAY - DAY)
    Post.objects.filter(pk=started.pk).update(
        valid_from=TODAY, published_at=timezone.now() - 3 * DAY
    )
    take_jobs()

    assert services.post_index_expired() == 2
    backend = drained()

    assert backend.deleted == {(POST, expired.pk)}
    assert backend.indexed == {(POST, started.pk)}
    assert (POST, still_listed.pk) not in backend.indexed | backend.deleted


def test_the_task_and_the_command_run_the_check(organization, owner):
    post = published(organization, by=owner, valid_until=TODAY + DAY)
    Post.objects.filter(pk=post.pk).update(valid_from=TODAY - 10 * DAY, valid_until=TODAY - DAY)
    take_jobs()

    result = post_index_expired_task.enqueue()  # the immediate backend runs it at once
    assert result.return_value == 1
    assert take_jobs() == {(POST, post.pk)}

    output = StringIO()
    call_command("search_expire_posts", stdout=output)
    assert take_jobs() == {(POST, post.pk)}
    assert "Enqueued 1 post(s)" in output.getvalue()
    with pytest.raises(CommandError):
        call_command("search_expire_posts", "--days", "0")


# --- Organizations, through accounts' services (accounts.signals.organization_changed) -------


def test_an_organization_update_enqueues_it_and_its_posts(organization, owner):
    post = published(organization, by=owner)
    take_jobs()

    account_services.organization_update(organization=organization, by=owner, name_en="Oak Ltd")
    assert take_jobs() == {(ORGANIZATION, organization.pk), (POST, post.pk)}

    account_services.organization_update(organization=organization, by=owner, name_en="Oak Ltd")
    account_services.organization_update(
        organization=organization, by=owner, website="https://oak.example.com"
    )
    assert take_jobs() == set()  # nothing changed, then nothing a document holds

    with pytest.raises(ValidationError):
        account_services.organization_update(
            organization=organization, by=owner, name_zh="新名称", district="atlantis"
        )
    assert take_jobs() == set()


def test_a_verification_change_enqueues_the_organization_and_its_posts(
    organization, owner, bureau_staff
):
    post = published(organization, by=owner)
    take_jobs()

    account_services.organization_set_verification(
        organization=organization, by=bureau_staff, state="rejected", note="执照已过期"
    )
    assert take_jobs() == {(ORGANIZATION, organization.pk), (POST, post.pk)}

    account_services.organization_set_verification(
        organization=organization, by=bureau_staff, state="rejected", note="执照已过期。"
    )
    assert take_jobs() == set()  # the state did not change


def test_an_import_that_renames_an_organization_enqueues_its_posts_with_the_rest(
    bureau_staff, taxonomy
):
    run_import(csv_file([exporter_row(1), exporter_row(2)]), by=bureau_staff)
    renamed = Organization.objects.get(credit_code=code(1))
    author = MembershipFactory(organization=renamed).user
    post = published(renamed, by=author)
    take_jobs()

    run_import(csv_file([exporter_row(1, name_en="Beijing Oak"), exporter_row(2)]), by=bureau_staff)

    assert take_jobs() == {(ORGANIZATION, renamed.pk), (POST, post.pk)}
    # One drain waits for the commit of the test's transaction, however many rows were written.
    drains = [
        entry for entry in connection.run_on_commit if isinstance(entry[1], _DrainAfterCommit)
    ]
    assert len(drains) == 1


class _ChangedForm:
    """What OrganizationAdmin.save_model reads of its form."""

    def __init__(self, changed_data):
        self.changed_data = changed_data


def test_the_organization_admin_announces_its_edits_and_deletes_nothing(rf, admin_user):
    organization, owner = organization_with_owner(OrganizationKind.EXPORTER)
    post = published(organization, by=owner)
    take_jobs()
    model_admin = admin.site._registry[Organization]
    request = rf.post("/")
    request.user = admin_user

    organization.name_en = "Renamed in the admin"
    model_admin.save_model(request, organization, _ChangedForm(["name_en"]), change=True)
    assert take_jobs() == {(ORGANIZATION, organization.pk), (POST, post.pk)}

    model_admin.save_model(request, organization, _ChangedForm(["website"]), change=True)
    assert take_jobs() == set()  # no document shows the website
    assert not model_admin.has_delete_permission(request, organization)
