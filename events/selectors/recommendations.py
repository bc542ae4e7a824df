"""Trainings recommended to an organization: those whose markets meet its target markets.

An organization's target markets are the markets of its matchmaking profile (for an exporter,
where it wants to sell; for a platform or a provider, the markets it covers or serves).
Countries and regions are compared as countries: a region stands for the countries in it, on
the training's side and on the organization's.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from accounts.models import Organization
from events.models import ACTIVE_STATES, Registration, TrainingPage
from taxonomy.models import Country, Region


@dataclass(frozen=True)
class TrainingRecommendation:
    training: TrainingPage
    # What the training and the organization have in common, named as they declared it: a
    # region when all of its countries are shared, else the shared countries one by one.
    shared_markets: list[Country | Region]


@dataclass(frozen=True)
class _Markets:
    countries: set[str]
    regions: list[Region]


def _organization_markets(organization: Organization) -> _Markets:
    """The target markets of the organization's profile, regions expanded (three queries).

    Read here rather than through a matchmaking selector: the profile selectors load the whole
    profile, and the dashboard needs the markets only.
    """
    regions = list(
        Region.objects.filter(profiles__organization=organization).prefetch_related("countries")
    )
    countries = set(
        Country.objects.filter(profiles__organization=organization).values_list("code", flat=True)
    )
    for region in regions:
        countries.update(country.code for country in region.countries.all())
    return _Markets(countries=countries, regions=regions)


def _training_countries(training: TrainingPage) -> set[str]:
    codes = {country.code for country in training.market_countries.all()}
    for region in training.market_regions.all():
        codes.update(country.code for country in region.countries.all())
    return codes


def _shared_markets(
    training: TrainingPage, markets: _Markets, shared: set[str]
) -> list[Country | Region]:
    named: list[Country | Region] = []
    covered: set[str] = set()
    for region in [*training.market_regions.all(), *markets.regions]:
        codes = {country.code for country in region.countries.all()}
        if codes and codes <= shared and not codes <= covered:
            named.append(region)
            covered |= codes
    countries = {
        country.code: country
        for region in training.market_regions.all()
        for country in region.countries.all()
    }
    countries.update({country.code: country for country in training.market_countries.all()})
    named.extend(
        countries[code] for code in sorted(shared - covered, key=lambda c: countries[c].name_en)
    )
    return named


def training_recommended_list(
    *, organization: Organization | None, limit: int = 5
) -> list[TrainingRecommendation]:
    """Live trainings that have not started, take registrations now from organizations of
    this one's kind, and share a market with it, soonest first; those it is already
    registered for are left out. Trainings without markets are for nobody in particular and
    are never recommended. Seven queries, whatever the number of trainings."""
    if organization is None:
        return []
    markets = _organization_markets(organization)
    if not markets.countries:
        return []
    now = timezone.now()
    registered = Registration.objects.filter(
        organization=organization, state__in=ACTIVE_STATES
    ).values("event_id")
    trainings = (
        TrainingPage.objects.live()
        .filter(
            Q(market_countries__code__in=markets.countries)
            | Q(market_regions__countries__code__in=markets.countries),
            Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now),
            starts_at__gt=now,
            registration_closes_at__gt=now,
            places__organization_kind=organization.kind,
        )
        .exclude(pk__in=registered)
        .distinct()
        .order_by("starts_at", "pk")
        .prefetch_related("market_countries", "market_regions__countries")[:limit]
    )
    recommendations = []
    for training in trainings:
        shared = _training_countries(training) & markets.countries
        recommendations.append(
            TrainingRecommendation(
                training=training, shared_markets=_shared_markets(training, markets, shared)
            )
        )
    return recommendations
