"""What matchmaking puts into the search index: only what visibility allows, never contact
details, taxonomy names in both languages, regions expanded to their countries."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import MembershipRole, OrganizationKind, VerificationState
from matchmaking import documents, services
from matchmaking.models import Visibility
from search import registry
from taxonomy.models import Certification, Country, HSHeading, Region
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

CONTACT = {
    "contact_name": "王秘书",
    "contact_phone": "010-6512 3456",
    "contact_email": "wang.secret@example.cn",
    "contact_wechat": "wang-secret-wx",
}


def profile_of(visibility=Visibility.PUBLIC, state=VerificationState.VERIFIED, **organization):
    org = OrganizationFactory(
        kind=OrganizationKind.EXPORTER, verification_state=state, **organization
    )
    owner = MembershipFactory(organization=org, role=MembershipRole.OWNER).user
    services.profile_update(
        organization=org,
        by=owner,
        relations={
            "hs_headings": list(HSHeading.objects.filter(code="9403")),
            "market_regions": list(Region.objects.filter(code="EU")),
            "market_countries": list(Country.objects.filter(code="US")),
            "certifications": list(Certification.objects.filter(code="FSC")),
        },
        visibility=visibility,
        summary_zh="实木家具出口",
        description_en="<p>Oak <strong>tables</strong></p>",
        **CONTACT,
    )
    return org, owner


def test_both_document_types_are_registered():
    assert {"organization", "post"} <= set(registry.doc_types())


def test_an_organization_document_holds_the_profile_and_no_contact(taxonomy):
    org, _owner = profile_of()
    [document] = documents.organization_documents_load([org.pk])
    assert document["id"] == org.pk
    assert document["hs_headings"] == ["9403"] and document["hs_chapters"] == ["94"]
    assert "DE" in document["markets"] and "US" in document["markets"]  # the EU expanded
    assert document["market_regions"] == ["EU"]
    assert document["certifications"] == ["FSC"]
    assert document["description_en"] == "Oak tables"  # markup stripped
    assert "Furniture" in document["taxonomy_en"] and "欧盟" in document["taxonomy_zh"]
    text = json.dumps(document, ensure_ascii=False)
    for value in CONTACT.values():
        assert value not in text


@pytest.mark.parametrize(
    ("visibility", "state", "is_active", "indexed"),
    [
        (Visibility.PUBLIC, VerificationState.VERIFIED, True, True),
        (Visibility.MEMBERS, VerificationState.VERIFIED, True, True),
        (Visibility.HIDDEN, VerificationState.VERIFIED, True, False),
        (Visibility.PUBLIC, VerificationState.PENDING, True, False),
        (Visibility.PUBLIC, VerificationState.REJECTED, True, False),
        (Visibility.PUBLIC, VerificationState.VERIFIED, False, False),
    ],
)
def test_only_what_visibility_allows_is_indexed(taxonomy, visibility, state, is_active, indexed):
    org, _owner = profile_of(visibility=visibility, state=state, is_active=is_active)
    loaded = documents.organization_documents_load([org.pk])
    assert bool(loaded) is indexed
    assert (org.pk in set(documents.organization_ids_indexable())) is indexed
    if indexed:
        assert loaded[0]["visibility"] == visibility


def test_listed_posts_only(taxonomy):
    org, owner = profile_of()
    listed = services.post_create(
        organization=org,
        by=owner,
        kind="supply",
        title_zh="橡木餐桌现货",
        hs_headings=list(HSHeading.objects.filter(code="9403")),
        market_regions=list(Region.objects.filter(code="EU")),
        publish=True,
    )
    draft = services.post_create(organization=org, by=owner, kind="demand", title_en="Draft")
    expired = services.post_create(
        organization=org,
        by=owner,
        kind="supply",
        title_en="Expired",
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2020, 2, 1),
    )
    loaded = documents.post_documents_load([listed.pk, draft.pk, expired.pk])
    assert [document["id"] for document in loaded] == [listed.pk]
    assert loaded[0]["organization_id"] == org.pk and "DE" in loaded[0]["markets"]
    assert set(documents.post_ids_indexable()) == {listed.pk}


def test_loading_documents_takes_the_same_queries_for_1_or_20(taxonomy):
    ids = [profile_of()[0].pk for _ in range(20)]
    with CaptureQueriesContext(connection) as one:
        documents.organization_documents_load(ids[:1])
    with CaptureQueriesContext(connection) as twenty:
        documents.organization_documents_load(ids)
    assert len(twenty.captured_queries) == len(one.captured_queries)
