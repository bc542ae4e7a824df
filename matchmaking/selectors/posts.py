"""Reads of supply and demand posts. Query counts do not grow with the number of rows."""

import datetime
from collections.abc import Iterable

from django.db.models import F, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Organization, VerificationState
from accounts.selectors import membership_get
from matchmaking.models import Post, PostStatus
from matchmaking.selectors.filters import filter_by_goods_and_market
from taxonomy.models import HSHeading

# Posts without an end date sort after those that end, on SQLite and PostgreSQL alike.
POST_SORTS = {
    "newest": [F("published_at").desc(nulls_last=True), "-pk"],
    "ending": [
        F("valid_until").asc(nulls_last=True),
        F("published_at").desc(nulls_last=True),
        "-pk",
    ],
}


def _with_relations(posts: QuerySet[Post]) -> QuerySet[Post]:
    return posts.select_related("organization").prefetch_related(
        Prefetch("hs_headings", queryset=HSHeading.objects.select_related("chapter")),
        "market_countries",
        "market_regions",
    )


def post_listed(*, today: datetime.date | None = None) -> QuerySet[Post]:
    """Posts anyone may see today: published, within their dates, of a verified, active
    organization. Expired posts drop out here, without anyone closing them."""
    today = today or timezone.localdate()
    return Post.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        status=PostStatus.PUBLISHED,
        valid_from__lte=today,
        organization__is_active=True,
        organization__verification_state=VerificationState.VERIFIED,
    )


def post_list_public(
    *,
    kind: str | None = None,
    hs_chapter: str | None = None,
    hs_heading: str | None = None,
    market: str | None = None,
    organization_kind: str | None = None,
    district: str | None = None,
    sort: str = "newest",
    today: datetime.date | None = None,
) -> QuerySet[Post]:
    """The public listing with its filters. `market` is a country or region code: a post
    matches when its own markets, regions expanded to their countries, share a country with it.
    """
    posts = post_listed(today=today)
    if kind:
        posts = posts.filter(kind=kind)
    posts = filter_by_goods_and_market(
        posts, hs_chapter=hs_chapter, hs_heading=hs_heading, market=market
    )
    if organization_kind:
        posts = posts.filter(organization__kind=organization_kind)
    if district:
        posts = posts.filter(organization__district=district)
    # A post matching through several headings or countries appears once: filter by the ids.
    ids = posts.values("pk")
    ordered = Post.objects.filter(pk__in=ids).order_by(*POST_SORTS.get(sort, POST_SORTS["newest"]))
    return _with_relations(ordered)


def post_list_listed_for_organization(*, organization: Organization) -> QuerySet[Post]:
    """An organization's posts that are listed today, newest first (its profile page)."""
    return _with_relations(
        post_listed().filter(organization=organization).order_by(*POST_SORTS["newest"])
    )


def post_list_indexable(*, ids: list[int] | None = None) -> QuerySet[Post]:
    """Posts that belong in the search index: those listed today, with what their documents
    read. A post that expires leaves this list by itself, without a save: its document goes
    when the index is next checked against this list."""
    posts = post_listed()
    if ids is not None:
        posts = posts.filter(pk__in=ids)
    return _with_relations(posts.order_by("pk")).prefetch_related("market_regions__countries")


def post_list_for_organization(*, organization: Organization) -> QuerySet[Post]:
    """All of an organization's posts, drafts and closed ones included, for its members."""
    return _with_relations(
        Post.objects.filter(organization=organization).order_by("-created_at", "-pk")
    )


def post_get_visible(*, pk: int, user) -> Post | None:
    """A post as `user` may see it: listed posts for everyone, any post for its members.

    The post carries `viewer_is_member`, so that pages need not ask again.
    """
    post = _with_relations(Post.objects.filter(pk=pk)).first()
    if post is None:
        return None
    organization = post.organization
    post.viewer_is_member = membership_get(user=user, organization=organization) is not None
    listed = (
        post.is_listed_on(timezone.localdate())
        and organization.is_verified
        and organization.is_active
    )
    return post if listed or post.viewer_is_member else None


def post_last_changed(*, organization_ids: Iterable[int] | None = None) -> dict:
    """When each organization last changed any of its posts (organization id -> time)."""
    posts = Post.objects.all()
    if organization_ids is not None:
        posts = posts.filter(organization_id__in=set(organization_ids))
    return dict(
        posts.values("organization_id")
        .annotate(latest=Max("updated_at"))
        .values_list("organization_id", "latest")
    )
