"""Every write to supply and demand posts.

Any member of an organization manages its posts; nobody else does (PermissionDenied). A save
and its publication happen in one transaction: a post that cannot be published is not saved.

A post has a search document while it is listed. Writes enqueue it while the post is published
(drafts never had one) and when closing takes it away; post_index_expired covers the posts that
the calendar alone lists or unlists.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.selectors import membership_get
from matchmaking.models import Post, PostStatus
from matchmaking.services.search_index import documents_enqueue
from matchmaking.services.suggestions import suggestions_recompute_enqueue
from taxonomy.models import Country, HSHeading, Region

# The fields a post form may set (relations are passed separately).
POST_FIELDS = (
    "kind",
    "title_zh",
    "title_en",
    "body_zh",
    "body_en",
    "quantity",
    "terms",
    "valid_from",
    "valid_until",
)


def _require_member(*, organization: Organization, user: User) -> None:
    if membership_get(user=user, organization=organization) is None:
        raise PermissionDenied(_("Only members of the organization can manage its posts."))


def _publish(post: Post) -> None:
    """Call inside the transaction that saved or locked the post."""
    if post.valid_until is not None and post.valid_until < timezone.localdate():
        raise ValidationError(
            {
                "valid_until": ValidationError(
                    _("This post has expired: set a later end date to publish it."),
                    code="post_expired",
                )
            }
        )
    if post.status != PostStatus.PUBLISHED:
        # Re-opening counts as news: the post goes back to the top of "newest first".
        post.published_at = timezone.now()
    post.status = PostStatus.PUBLISHED
    post.save(update_fields=["status", "published_at", "updated_at"])


def _save(
    post: Post,
    *,
    hs_headings: Iterable[HSHeading] | None,
    market_countries: Iterable[Country] | None,
    market_regions: Iterable[Region] | None,
    publish: bool,
) -> Post:
    post.full_clean(exclude=["organization"])
    post.save()
    if hs_headings is not None:
        post.hs_headings.set(hs_headings)
    if market_countries is not None:
        post.market_countries.set(market_countries)
    if market_regions is not None:
        post.market_regions.set(market_regions)
    if publish:
        _publish(post)
    if post.status == PostStatus.PUBLISHED:
        documents_enqueue(post_ids=[post.pk])
        suggestions_recompute_enqueue(organization_ids=[post.organization_id])
    return post


@transaction.atomic
def post_create(
    *,
    organization: Organization,
    by: User,
    kind: str,
    title_zh: str = "",
    title_en: str = "",
    body_zh: str = "",
    body_en: str = "",
    quantity: str = "",
    terms: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    hs_headings: Iterable[HSHeading] = (),
    market_countries: Iterable[Country] = (),
    market_regions: Iterable[Region] = (),
    publish: bool = False,
) -> Post:
    """Create a post for the organization: a draft, or published at once with `publish`."""
    _require_member(organization=organization, user=by)
    post = Post(
        organization=organization,
        kind=kind,
        title_zh=title_zh.strip(),
        title_en=title_en.strip(),
        body_zh=body_zh.strip(),
        body_en=body_en.strip(),
        quantity=quantity.strip(),
        terms=terms.strip(),
        valid_until=valid_until,
    )
    if valid_from is not None:
        post.valid_from = valid_from
    return _save(
        post,
        hs_headings=hs_headings,
        market_countries=market_countries,
        market_regions=market_regions,
        publish=publish,
    )


@transaction.atomic
def post_update(
    *,
    post: Post,
    by: User,
    hs_headings: Iterable[HSHeading] | None = None,
    market_countries: Iterable[Country] | None = None,
    market_regions: Iterable[Region] | None = None,
    publish: bool = False,
    **fields: str | datetime.date | None,
) -> Post:
    """Change a post's fields (names from POST_FIELDS); relations passed as None stay as they
    are. With `publish`, the post is published in the same transaction or not saved at all."""
    _require_member(organization=post.organization, user=by)
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise ValueError(f"not a post field: {sorted(unknown)}")
    post = Post.objects.select_for_update().get(pk=post.pk)
    for name, value in fields.items():
        setattr(post, name, value.strip() if isinstance(value, str) else value)
    return _save(
        post,
        hs_headings=hs_headings,
        market_countries=market_countries,
        market_regions=market_regions,
        publish=publish,
    )


@transaction.atomic
def post_publish(*, post: Post, by: User) -> Post:
    """Publish a draft, or re-open a closed post. Its end date must not have passed."""
    _require_member(organization=post.organization, user=by)
    post = Post.objects.select_for_update().get(pk=post.pk)
    _publish(post)
    documents_enqueue(post_ids=[post.pk])
    suggestions_recompute_enqueue(organization_ids=[post.organization_id])
    return post


@transaction.atomic
def post_close(*, post: Post, by: User) -> Post:
    """Take a post out of the listings (the offer is filled, the campaign is over)."""
    _require_member(organization=post.organization, user=by)
    post = Post.objects.select_for_update().get(pk=post.pk)
    was_published = post.status == PostStatus.PUBLISHED
    post.status = PostStatus.CLOSED
    post.save(update_fields=["status", "updated_at"])
    if was_published:
        documents_enqueue(post_ids=[post.pk])
        suggestions_recompute_enqueue(organization_ids=[post.organization_id])
    return post


# How many days back post_index_expired looks. A post's listing changes at local midnight only,
# so a daily run needs one day; the second one covers a run missed or late by up to a day.
EXPIRY_CHECK_DAYS = 2


@transaction.atomic
def post_index_expired(
    *, now: datetime.datetime | None = None, days: int = EXPIRY_CHECK_DAYS
) -> int:
    """Enqueue the documents of published posts that the calendar alone listed or unlisted in
    the last `days` days up to `now`: those whose end date passed (the drain removes them) and
    those published ahead of a start date that has now arrived (the drain adds them). Returns
    how many posts were enqueued.

    Run it at least daily, soon after local midnight (matchmaking.tasks.post_index_expired_task
    or `manage.py search_expire_posts`). Posts already handled by an earlier run are enqueued
    again while they are in the window; refreshing them is idempotent.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    today = timezone.localdate(now)
    since = today - datetime.timedelta(days=days)
    expired = Q(valid_until__gte=since, valid_until__lt=today)
    # Published on a day before it started: not listed (nor indexed) then, listed now.
    started = Q(valid_from__gt=since, valid_from__lte=today) & Q(
        valid_from__gt=TruncDate("published_at")
    )
    rows = list(
        Post.objects.filter(expired | started, status=PostStatus.PUBLISHED).values_list(
            "pk", "organization_id"
        )
    )
    post_ids = [pk for pk, _organization_id in rows]
    documents_enqueue(post_ids=post_ids)
    if rows:
        # Listed posts' texts are part of their organization's matching facts.
        suggestions_recompute_enqueue(organization_ids={pk for _post, pk in rows})
    return len(post_ids)
