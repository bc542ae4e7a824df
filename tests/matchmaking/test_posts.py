import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import MembershipRole, VerificationState
from matchmaking import selectors, services
from matchmaking.models import Post, PostKind, PostStatus
from taxonomy.models import Country, HSHeading, Region
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def publish(organization, *, by, **fields):
    fields.setdefault("kind", PostKind.DEMAND)
    fields.setdefault("title_zh", "招募家居卖家")
    post = services.post_create(organization=organization, by=by, **fields)
    return services.post_publish(post=post, by=by)


@pytest.fixture
def platform_member(taxonomy):
    platform = OrganizationFactory(kind="platform")
    return MembershipFactory(organization=platform, role=MembershipRole.MEMBER).user


def test_a_platform_recruits_with_a_post(platform_member):
    platform = platform_member.memberships.get().organization
    post = services.post_create(
        organization=platform,
        by=platform_member,
        kind=PostKind.DEMAND,
        title_zh="招募家居卖家入驻德国站",
        title_en="Recruiting home-goods sellers for Germany",
        body_zh="前三个月免佣金。\n\n欢迎家居品牌。",
        terms="No commission for three months",
        hs_headings=HSHeading.objects.filter(code__in=["9403", "9401"]),
        market_countries=Country.objects.filter(code="DE"),
    )
    assert post.status == PostStatus.DRAFT
    assert post.body_zh == "前三个月免佣金。\n\n欢迎家居品牌。"
    assert not selectors.post_list_public().exists()
    services.post_publish(post=post, by=platform_member)
    assert list(selectors.post_list_public()) == [post]
    services.post_close(post=post, by=platform_member)
    assert not selectors.post_list_public().exists()


def test_only_members_write_posts(platform_member, outsider):
    platform = platform_member.memberships.get().organization
    with pytest.raises(PermissionDenied):
        services.post_create(organization=platform, by=outsider, kind="supply", title_zh="x")
    post = services.post_create(
        organization=platform, by=platform_member, kind="supply", title_zh="x"
    )
    for action in (services.post_publish, services.post_close):
        with pytest.raises(PermissionDenied):
            action(post=post, by=outsider)
    with pytest.raises(PermissionDenied):
        services.post_update(post=post, by=outsider, title_zh="hijacked")
    post.refresh_from_db()
    assert (post.title_zh, post.status) == ("x", PostStatus.DRAFT)


def test_invalid_posts_are_refused_and_nothing_is_saved(platform_member):
    platform = platform_member.memberships.get().organization
    with pytest.raises(ValidationError) as error:
        services.post_create(organization=platform, by=platform_member, kind="supply")
    assert "__all__" in error.value.error_dict  # no title in either language
    with pytest.raises(ValidationError):
        services.post_create(
            organization=platform,
            by=platform_member,
            kind="supply",
            title_en="Dates reversed",
            valid_from=TODAY,
            valid_until=TODAY - datetime.timedelta(days=1),
        )
    with pytest.raises(ValidationError):
        services.post_create(organization=platform, by=platform_member, kind="rumour", title_en="x")
    assert not Post.objects.exists()


def test_expired_posts_drop_out_by_themselves(platform_member):
    platform = platform_member.memberships.get().organization
    post = publish(platform, by=platform_member, valid_until=TODAY + datetime.timedelta(days=3))
    assert selectors.post_list_public(today=TODAY).get() == post
    later = TODAY + datetime.timedelta(days=4)
    assert not selectors.post_list_public(today=later).exists()
    assert post.status == PostStatus.PUBLISHED  # nobody had to close it


def test_an_expired_post_cannot_be_published_again_without_a_new_end_date(platform_member):
    platform = platform_member.memberships.get().organization
    post = services.post_create(
        organization=platform,
        by=platform_member,
        kind="supply",
        title_zh="旧",
        valid_from=TODAY - datetime.timedelta(days=10),
        valid_until=TODAY - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        services.post_publish(post=post, by=platform_member)
    assert error.value.error_dict["valid_until"][0].code == "post_expired"


def test_posts_of_unverified_or_inactive_organizations_are_not_listed(platform_member):
    platform = platform_member.memberships.get().organization
    publish(platform, by=platform_member)
    platform.verification_state = VerificationState.PENDING
    platform.save()
    assert not selectors.post_list_public().exists()
    platform.verification_state = VerificationState.VERIFIED
    platform.is_active = False
    platform.save()
    assert not selectors.post_list_public().exists()


def test_market_filter_expands_regions_both_ways(platform_member):
    platform = platform_member.memberships.get().organization
    germany = publish(
        platform, by=platform_member, market_countries=Country.objects.filter(code="DE")
    )
    eu = publish(platform, by=platform_member, market_regions=Region.objects.filter(code="EU"))
    japan = publish(
        platform, by=platform_member, market_countries=Country.objects.filter(code="JP")
    )
    assert set(selectors.post_list_public(market="DE")) == {germany, eu}
    assert set(selectors.post_list_public(market="EU")) == {germany, eu}
    assert set(selectors.post_list_public(market="JP")) == {japan}
    assert set(selectors.post_list_public(market="RCEP")) == {japan}


def test_hs_filters_and_no_duplicates(platform_member):
    platform = platform_member.memberships.get().organization
    furniture = publish(
        platform,
        by=platform_member,
        hs_headings=HSHeading.objects.filter(code__in=["9401", "9403"]),
        market_countries=Country.objects.filter(code__in=["DE", "FR"]),
    )
    publish(platform, by=platform_member, hs_headings=HSHeading.objects.filter(code="6109"))
    assert list(selectors.post_list_public(hs_chapter="94")) == [furniture]
    assert list(selectors.post_list_public(hs_heading="9403", market="EU")) == [furniture]


def test_listing_query_count_does_not_grow_with_rows(platform_member, django_assert_num_queries):
    platform = platform_member.memberships.get().organization
    headings = HSHeading.objects.filter(code__in=["9401", "9403"])
    countries = Country.objects.filter(code__in=["DE", "FR"])

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            rendered = [
                (
                    post.organization.name,
                    [heading.chapter.name for heading in post.hs_headings.all()],
                    [country.name for country in post.market_countries.all()],
                    [region.name for region in post.market_regions.all()],
                )
                for post in selectors.post_list_public()
            ]
        assert rendered
        return len(queries)

    publish(platform, by=platform_member, hs_headings=headings, market_countries=countries)
    few = count_queries()
    for _ in range(5):
        publish(platform, by=platform_member, hs_headings=headings, market_countries=countries)
    assert count_queries() == few


def test_drafts_are_visible_to_members_only(platform_member, outsider):
    platform = platform_member.memberships.get().organization
    draft = services.post_create(
        organization=platform, by=platform_member, kind="supply", title_zh="草稿"
    )
    assert selectors.post_get_visible(pk=draft.pk, user=platform_member) == draft
    assert selectors.post_get_visible(pk=draft.pk, user=outsider) is None
    assert selectors.post_get_visible(pk=draft.pk, user=AnonymousUser()) is None
    services.post_publish(post=draft, by=platform_member)
    assert selectors.post_get_visible(pk=draft.pk, user=AnonymousUser()) == draft


def test_ending_soonest_puts_open_ended_posts_last(platform_member):
    platform = platform_member.memberships.get().organization
    open_ended = publish(platform, by=platform_member, title_zh="长期")
    soon = publish(
        platform,
        by=platform_member,
        title_zh="将截止",
        valid_until=TODAY + datetime.timedelta(days=2),
    )
    later = publish(
        platform,
        by=platform_member,
        title_zh="较晚",
        valid_until=TODAY + datetime.timedelta(days=9),
    )
    assert list(selectors.post_list_public(sort="ending")) == [soon, later, open_ended]


def test_reopening_a_post_brings_it_back_to_the_top(platform_member):
    platform = platform_member.memberships.get().organization
    first = publish(platform, by=platform_member, title_zh="先发")
    second = publish(platform, by=platform_member, title_zh="后发")
    services.post_close(post=first, by=platform_member)
    services.post_publish(post=first, by=platform_member)
    assert list(selectors.post_list_public()) == [first, second]
