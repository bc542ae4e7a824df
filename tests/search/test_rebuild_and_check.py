"""Rebuilding the index from the database, and checking the index against it.

Uses the real document types (matchmaking's organizations and posts) written through the real
services, so that incremental indexing (the outbox, after commit) and the rebuild read the same
documents.
"""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from accounts.models import MembershipRole, OrganizationKind, VerificationState
from matchmaking import services
from matchmaking.documents import ORGANIZATION, POST
from search.backends import EmbeddedBackend
from search.models import IndexedDocument, IndexJob
from search.services import _rebuild_flag, index_check, index_outbox_drain, index_rebuild
from search.tasks import drain_until_empty
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def verified_exporter(name_zh: str):
    organization = OrganizationFactory(
        kind=OrganizationKind.EXPORTER,
        verification_state=VerificationState.VERIFIED,
        name_zh=name_zh,
    )
    owner = MembershipFactory(organization=organization, role=MembershipRole.OWNER).user
    return organization, owner


def save_profile_and_post(name_zh: str, summary_zh: str):
    organization, owner = verified_exporter(name_zh)
    services.profile_update(organization=organization, by=owner, summary_zh=summary_zh)
    post = services.post_create(
        organization=organization, by=owner, kind="supply", title_zh=summary_zh, publish=True
    )
    return organization, owner, post


def test_the_rebuild_gives_the_documents_incremental_indexing_gave(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first, owner, post = save_profile_and_post("北京实木家具有限公司", "实木家具出口")
    with django_capture_on_commit_callbacks(execute=True):
        save_profile_and_post("北京茶业有限公司", "茉莉花茶")
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(organization=first, by=owner, summary_zh="橡木餐桌出口德国")
    backend = EmbeddedBackend()
    incremental = {doc_type: backend.fingerprints(doc_type) for doc_type in (ORGANIZATION, POST)}
    assert len(incremental[ORGANIZATION]) == 2 and post.pk in incremental[POST]
    assert not IndexJob.objects.exists()

    for doc_type in (ORGANIZATION, POST):
        index_rebuild(backend=backend, doc_type=doc_type)

    assert {doc_type: backend.fingerprints(doc_type) for doc_type in incremental} == incremental


def test_check_reports_missing_stale_and_extra_and_repair_fixes_them():
    kept, _owner, _post = save_profile_and_post("北京实木家具有限公司", "实木家具出口")
    stale, stale_owner, _ = save_profile_and_post("北京茶业有限公司", "茉莉花茶")
    gone, _, _ = save_profile_and_post("北京玩具有限公司", "毛绒玩具")
    backend = EmbeddedBackend()
    index_rebuild(backend=backend, doc_type=ORGANIZATION)
    missing, _, _ = save_profile_and_post("北京灯具有限公司", "户外灯具")
    # Changes the outbox has not applied (in a test transaction, on_commit never runs).
    services.profile_update(organization=stale, by=stale_owner, summary_zh="红茶")
    gone.is_active = False
    gone.save()
    IndexJob.objects.all().delete()

    report = index_check(backend=backend, doc_type=ORGANIZATION)

    assert (report.missing, report.stale, report.extra) == ([missing.pk], [stale.pk], [gone.pk])
    out = StringIO()
    with pytest.raises(CommandError, match="differs"):
        call_command("search_check", "--type", ORGANIZATION, stdout=out, stderr=StringIO())
    assert "1 missing, 1 stale, 1 extra" in out.getvalue()

    call_command("search_check", "--repair", stdout=StringIO(), stderr=StringIO())
    drain_until_empty()

    assert index_check(backend=backend, doc_type=ORGANIZATION).ok
    assert kept.pk in backend.fingerprints(ORGANIZATION)
    assert not IndexedDocument.objects.filter(doc_type=ORGANIZATION, object_id=gone.pk).exists()


def test_rebuild_command_indexes_everything_and_reports():
    organizations = [save_profile_and_post(f"北京第{n}家具有限公司", "家具")[0] for n in range(3)]
    out = StringIO()

    call_command("search_rebuild", stdout=out, stderr=StringIO())

    assert "organization: 3 document(s) indexed in embedded" in out.getvalue()
    assert "post: 3 document(s) indexed in embedded" in out.getvalue()
    assert set(EmbeddedBackend().fingerprints(ORGANIZATION)) == {o.pk for o in organizations}
    call_command("search_check", stdout=StringIO(), stderr=StringIO())  # no difference: no error


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "nothing_like_this"], "Unknown document type"),
        (["--batch-size", "0"], "at least 1"),
    ],
)
def test_rebuild_command_refuses_bad_options(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("search_rebuild", *args, stdout=StringIO(), stderr=StringIO())


def test_drains_leave_a_type_alone_while_it_is_rebuilt():
    organization, _owner, _post = save_profile_and_post("北京实木家具有限公司", "实木家具出口")
    backend = EmbeddedBackend()
    cache.set(_rebuild_flag(ORGANIZATION), True, 60)
    try:
        report = index_outbox_drain(backend=backend)
        assert report.claimed == 1  # the post only
        assert IndexJob.objects.filter(doc_type=ORGANIZATION).exists()
    finally:
        cache.delete(_rebuild_flag(ORGANIZATION))
    assert index_outbox_drain(backend=backend).claimed == 1
    assert organization.pk in backend.fingerprints(ORGANIZATION)


def test_the_rebuild_flag_is_cleared_even_when_the_rebuild_fails():
    class Failing(EmbeddedBackend):
        def rebuild(self, doc_type, batches):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        index_rebuild(backend=Failing(), doc_type=ORGANIZATION)
    assert cache.get(_rebuild_flag(ORGANIZATION)) is None
