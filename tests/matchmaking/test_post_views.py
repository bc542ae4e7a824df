import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import MembershipRole
from matchmaking import services
from matchmaking.models import Post, PostStatus
from taxonomy.models import Country, HSHeading
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

XSS_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def exporter_member(taxonomy):
    exporter = OrganizationFactory(kind="exporter", district="daxing")
    return MembershipFactory(organization=exporter, role=MembershipRole.MEMBER).user


def form_data(**overrides):
    data = {
        "kind": "supply",
        "title_zh": "实木餐桌，可供欧洲",
        "title_en": "Solid wood dining tables for Europe",
        "body_zh": "年产能 5 万张。\n\n可做 FSC 认证。",
        "body_en": "",
        "hs_headings": "9403, 9401",
        "markets": ["EU", "GB"],
        "quantity": "2 containers a month",
        "terms": "FOB Tianjin",
        "valid_from": "2026-01-01",
        "valid_until": "",
        "publish": "",
    }
    data.update(overrides)
    return data


def test_a_member_posts_and_the_public_listing_shows_it(client, exporter_member):
    client.force_login(exporter_member)
    response = client.post(reverse("matchmaking:post_create"), form_data())
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.status == PostStatus.PUBLISHED
    assert sorted(post.hs_headings.values_list("code", flat=True)) == ["9401", "9403"]
    assert list(post.market_regions.values_list("code", flat=True)) == ["EU"]
    client.logout()
    listing = client.get(reverse("matchmaking:post_list"), {"market": "DE", "hs_chapter": "94"})
    assert post in listing.context["page"].object_list
    japan = client.get(reverse("matchmaking:post_list"), {"market": "JP"})
    assert not japan.context["page"].object_list
    assert (
        "实木餐桌"
        in client.get(reverse("matchmaking:post_detail", args=[post.pk])).content.decode()
    )


def test_invalid_input_rerenders_with_messages_and_saves_nothing(client, exporter_member):
    client.force_login(exporter_member)
    response = client.post(
        reverse("matchmaking:post_create"),
        form_data(hs_headings="9403 12 9999", valid_until="2025-01-01", markets=["XX"]),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "12" in str(errors["hs_headings"])
    assert "markets" in errors
    assert "实木餐桌，可供欧洲" in response.content.decode()  # what was typed is kept
    assert not Post.objects.exists()
    response = client.post(reverse("matchmaking:post_create"), form_data(title_zh="", title_en=""))
    assert response.context["form"].non_field_errors()
    assert not Post.objects.exists()


def test_script_in_any_field_is_rendered_harmless(client, exporter_member):
    client.force_login(exporter_member)
    client.post(
        reverse("matchmaking:post_create"),
        form_data(
            title_zh=XSS_TITLE,
            body_zh=f"<p>ok</p>{XSS_TITLE}<a href='javascript:alert(1)'>x</a>",
            quantity=XSS_TITLE[:100],
            terms=XSS_TITLE,
        ),
    )
    post = Post.objects.get()
    for url in (
        reverse("matchmaking:post_detail", args=[post.pk]),
        reverse("matchmaking:post_list"),
        reverse("matchmaking:my_posts"),
    ):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "<a href='javascript" not in page
        assert 'href="javascript' not in page
    detail = client.get(reverse("matchmaking:post_detail", args=[post.pk])).content.decode()
    assert "&lt;script&gt;alert" in detail  # shown as the text that was typed


def test_other_organizations_cannot_see_drafts_or_edit(client, exporter_member, outsider):
    organization = exporter_member.memberships.get().organization
    draft = services.post_create(
        organization=organization, by=exporter_member, kind="demand", title_zh="内部草稿"
    )
    client.force_login(outsider)
    assert client.get(reverse("matchmaking:post_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("matchmaking:post_edit", args=[draft.pk])).status_code == 404
    response = client.post(reverse("matchmaking:post_set_status", args=[draft.pk, "publish"]))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == PostStatus.DRAFT


def test_bad_filter_values_are_ignored_not_errors(client, taxonomy):
    response = client.get(
        reverse("matchmaking:post_list"),
        {
            "kind": "x",
            "market": "<script>",
            "hs_heading": "'; DROP TABLE",
            "sort": "?",
            "page": "9",
        },
    )
    assert response.status_code == 200
    assert "empty-state" in response.content.decode()


def test_listing_queries_do_not_grow_with_posts(client, exporter_member):
    organization = exporter_member.memberships.get().organization
    headings = list(HSHeading.objects.filter(code__in=["9401", "9403"]))
    countries = list(Country.objects.filter(code__in=["DE", "FR"]))

    def add_posts(count):
        for index in range(count):
            post = services.post_create(
                organization=organization,
                by=exporter_member,
                kind="supply",
                title_zh=f"产品{index}",
                hs_headings=headings,
                market_countries=countries,
            )
            services.post_publish(post=post, by=exporter_member)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("matchmaking:post_list")).status_code == 200
        return len(captured)

    add_posts(2)
    queries()  # warm the per-process caches (site root paths, locales)
    few = queries()
    add_posts(8)
    assert queries() == few


def test_publishing_an_expired_post_from_the_form_saves_nothing(client, exporter_member):
    client.force_login(exporter_member)
    response = client.post(
        reverse("matchmaking:post_create"),
        form_data(valid_from="2025-01-01", valid_until="2025-02-01"),
    )
    assert response.status_code == 200
    assert "valid_until" in response.context["form"].errors
    assert not Post.objects.exists()
    as_draft = form_data(valid_from="2025-01-01", valid_until="2025-02-01", draft="")
    del as_draft["publish"]
    response = client.post(reverse("matchmaking:post_create"), as_draft)
    assert response.status_code == 302
    assert Post.objects.get().status == PostStatus.DRAFT


def test_line_breaks_of_the_details_are_kept(client, exporter_member):
    client.force_login(exporter_member)
    client.post(reverse("matchmaking:post_create"), form_data(body_zh="第一段\n\nR&D 5 < 10"))
    post = Post.objects.get()
    page = client.get(reverse("matchmaking:post_detail", args=[post.pk])).content.decode()
    assert "<p>第一段</p>" in page
    assert "R&amp;D 5 &lt; 10" in page
    edit = client.get(reverse("matchmaking:post_edit", args=[post.pk]))
    assert edit.context["form"]["body_zh"].value() == "第一段\n\nR&D 5 < 10"
