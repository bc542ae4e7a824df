"""Every write to supply and demand posts.

Any member of an organization manages its posts; nobody else does (PermissionDenied). Rich text
is sanitized here, on the way in, so that no caller can store what the sanitizer would refuse.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.selectors import membership_get
from matchmaking.models import Post, PostStatus
from matchmaking.sanitize import sanitize_rich_text
from taxonomy.models import Country, HSHeading, Region

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


def _apply_post_fields(
    post: Post,
    fields: dict,
    *,
    hs_headings: Iterable[HSHeading] | None,
    market_countries: Iterable[Country] | None,
    market_regions: Iterable[Region] | None,
) -> Post:
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise ValueError(f"not a post field: {sorted(unknown)}")
    for name, value in fields.items():
        if name in ("body_zh", "body_en"):
            value = sanitize_rich_text(value)
        setattr(post, name, value)
    post.full_clean(exclude=["organization"])
    post.save()
    if hs_headings is not None:
        post.hs_headings.set(hs_headings)
    if market_countries is not None:
        post.market_countries.set(market_countries)
    if market_regions is not None:
        post.market_regions.set(market_regions)
    return post


@transaction.atomic
def post_create(
    *,
    organization: Organization,
    by: User,
    hs_headings: Iterable[HSHeading] = (),
    market_countries: Iterable[Country] = (),
    market_regions: Iterable[Region] = (),
    **fields,
) -> Post:
    """Create a draft post for the organization; publish it with post_publish."""
    _require_member(organization=organization, user=by)
    return _apply_post_fields(
        Post(organization=organization),
        fields,
        hs_headings=hs_headings,
        market_countries=market_countries,
        market_regions=market_regions,
    )


@transaction.atomic
def post_update(
    *,
    post: Post,
    by: User,
    hs_headings: Iterable[HSHeading] | None = None,
    market_countries: Iterable[Country] | None = None,
    market_regions: Iterable[Region] | None = None,
    **fields,
) -> Post:
    """Change a post's content; relations passed as None are left as they are."""
    _require_member(organization=post.organization, user=by)
    post = Post.objects.select_for_update().get(pk=post.pk)
    return _apply_post_fields(
        post,
        fields,
        hs_headings=hs_headings,
        market_countries=market_countries,
        market_regions=market_regions,
    )


@transaction.atomic
def post_publish(*, post: Post, by: User) -> Post:
    """Publish a draft (or re-open a closed post). Its end date must not have passed."""
    _require_member(organization=post.organization, user=by)
    post = Post.objects.select_for_update().get(pk=post.pk)
    today = timezone.localdate()
    if post.valid_until is not None and post.valid_until < today:
        raise ValidationError(
            {
                "valid_until": ValidationError(
                    _("This post has expired: set a later end date to publish it."),
                    code="post_expired",
                )
            }
        )
    post.status = PostStatus.PUBLISHED
    post.published_at = post.published_at or timezone.now()
    post.save(update_fields=["status", "published_at", "updated_at"])
    return post


@transaction.atomic
def post_close(*, post: Post, by: User) -> Post:
    """Take a post out of the listings (the offer is filled, the campaign is over)."""
    _require_member(organization=post.organization, user=by)
    post = Post.objects.select_for_update().get(pk=post.pk)
    post.status = PostStatus.CLOSED
    post.save(update_fields=["status", "updated_at"])
    return post
