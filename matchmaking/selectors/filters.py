"""Filters that posts and profiles share: both carry HS headings and markets."""

from django.db.models import Q, QuerySet

from taxonomy.selectors import market_country_codes


def filter_by_goods_and_market(
    rows: QuerySet,
    *,
    hs_chapter: str | None = None,
    hs_heading: str | None = None,
    market: str | None = None,
) -> QuerySet:
    """Rows (posts or profiles) with the HS heading, else any heading of the HS chapter, and a
    market that shares a country with `market` (a country or a region code; regions on either
    side are expanded to their countries). Rows may repeat: filter the caller's ids after."""
    if hs_heading:
        rows = rows.filter(hs_headings__code=hs_heading)
    elif hs_chapter:
        rows = rows.filter(hs_headings__chapter_id=hs_chapter)
    if market:
        countries = market_country_codes(codes=[market])
        rows = rows.filter(
            Q(market_countries__code__in=countries)
            | Q(market_regions__countries__code__in=countries)
        )
    return rows
