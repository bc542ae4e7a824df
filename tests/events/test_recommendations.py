import datetime

import pytest
from django.utils import timezone

from accounts.models import OrganizationKind
from events.models import ExpoCallPage, MatchmakingSessionPage, TrainingPage
from events.selectors import training_recommended_list
from events.services.registrations import registration_cancel, registration_create
from matchmaking.models import Profile
from tests.factories.events import event_publish, registrant

pytestmark = pytest.mark.django_db

ATTENDEES = [{"name": "王建国"}]


def with_markets(organization, *, countries=(), regions=()):
    profile, _ = Profile.objects.get_or_create(organization=organization)
    profile.market_countries.add(*countries)
    profile.market_regions.add(*regions)
    return organization


def with_event_markets(page, *, countries=(), regions=()):
    """Markets are page fields: set them in a new revision and publish it, as an editor would."""
    page.market_countries.set(countries)
    page.market_regions.set(regions)
    page.save_revision().publish()
    return page


def training(*, countries=(), regions=(), **fields):
    page = event_publish(TrainingPage, **fields)
    return with_event_markets(page, countries=countries, regions=regions)


def titles(recommendations):
    return [recommendation.training.title for recommendation in recommendations]


def named(recommendation):
    return [market.code for market in recommendation.shared_markets]


def test_trainings_meeting_the_markets_soonest_first_with_the_shared_markets_named(taxonomy):
    _user, exporter = registrant()
    with_markets(exporter, countries=["DE", "US"])
    later = training(countries=["US", "CA"], starts_in=datetime.timedelta(days=20))
    sooner = training(regions=["EU"], starts_in=datetime.timedelta(days=5))
    training(countries=["JP"])  # another market
    training()  # no markets: for nobody in particular

    recommendations = training_recommended_list(organization=exporter, limit=5)

    assert titles(recommendations) == [sooner.title, later.title]
    assert named(recommendations[0]) == ["DE"]  # the EU meets the exporter in Germany only
    assert named(recommendations[1]) == ["US"]


def test_regions_on_both_sides_are_compared_as_countries(taxonomy):
    _user, exporter = registrant()
    with_markets(exporter, regions=["EUROPE"])
    eu = training(regions=["EU"])
    france = training(countries=["FR"])
    training(countries=["BR"])

    recommendations = training_recommended_list(organization=exporter, limit=5)

    assert titles(recommendations) == [eu.title, france.title]
    # A region whose countries are all shared is named as the region, not country by country.
    assert named(recommendations[0]) == ["EU"]
    assert named(recommendations[1]) == ["FR"]


def test_an_organization_without_markets_gets_no_recommendation(taxonomy):
    _user, exporter = registrant()
    training(regions=["EU"])
    assert training_recommended_list(organization=exporter) == []
    with_markets(exporter)  # a profile, but no markets in it
    assert training_recommended_list(organization=exporter) == []
    assert training_recommended_list(organization=None) == []


def test_only_trainings_it_can_still_register_for(taxonomy):
    user, exporter = registrant()
    with_markets(exporter, countries=["DE"])
    open_one = training(countries=["DE"])
    training(countries=["DE"], closes_before_start=datetime.timedelta(days=20))  # closed
    training(
        countries=["DE"],
        registration_opens_at=timezone.now() + datetime.timedelta(days=2),
    )
    training(countries=["DE"], places={OrganizationKind.PLATFORM: 10})  # not for exporters
    draft = training(countries=["DE"])
    draft.unpublish()
    for page_class in (MatchmakingSessionPage, ExpoCallPage):  # trainings only
        with_event_markets(event_publish(page_class), countries=["DE"])

    assert titles(training_recommended_list(organization=exporter)) == [open_one.title]

    registration = registration_create(
        event=open_one, organization=exporter, user=user, attendees=ATTENDEES
    )
    assert training_recommended_list(organization=exporter) == []
    registration_cancel(registration=registration, by=user)
    assert titles(training_recommended_list(organization=exporter)) == [open_one.title]


def test_the_limit_and_a_query_count_that_does_not_grow(taxonomy, django_assert_max_num_queries):
    _user, exporter = registrant()
    with_markets(exporter, countries=["DE"], regions=["ASEAN"])
    for days in range(3, 9):
        training(countries=["DE", "VN"], regions=["EU"], starts_in=datetime.timedelta(days=days))

    with django_assert_max_num_queries(7):
        recommendations = training_recommended_list(organization=exporter, limit=4)
    assert len({r.training.pk for r in recommendations}) == len(recommendations) == 4
    assert [r.training.starts_at for r in recommendations] == sorted(
        r.training.starts_at for r in recommendations
    )
    assert named(recommendations[0]) == ["DE", "VN"]
