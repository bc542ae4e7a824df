"""The demo's events: believable, of every kind, with registrations the services made."""

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page

from events.models import (
    PLACE_STATES,
    EventIndexPage,
    EventPage,
    Expo,
    ExpoCallPage,
    MatchmakingSessionPage,
    PlaceCounter,
    Registration,
    RegistrationDocument,
    SessionFormat,
    TrainingPage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """The demo writes brochures, materials and product photos: keep them out of the project."""
    settings.MEDIA_ROOT = tmp_path


def events_state() -> tuple:
    return (
        Page.objects.count(),
        EventPage.objects.count(),
        Registration.objects.count(),
        RegistrationDocument.objects.count(),
        get_document_model().objects.count(),
        tuple(PlaceCounter.objects.order_by("pk").values_list("taken", "capacity")),
        tuple(Registration.objects.order_by("pk").values_list("state", flat=True)),
    )


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return events_state()


def test_loading_again_adds_no_event_and_no_registration(demo):
    call_command("load_demo", verbosity=0)
    assert events_state() == demo


def test_events_of_every_kind_past_and_upcoming(demo, client):
    events = EventPage.objects.live().specific()
    assert len(events) >= 8
    kinds = {type(event) for event in events}
    assert kinds == {MatchmakingSessionPage, ExpoCallPage, TrainingPage}
    now = timezone.now()
    assert any(event.ends_at < now for event in events)
    assert sum(event.starts_at > now for event in events) >= 5
    sessions = [event for event in events if isinstance(event, MatchmakingSessionPage)]
    assert {event.session_format for event in sessions} == set(SessionFormat.values)
    assert any(event.time_zone == "Europe/Berlin" and event.online_url for event in sessions)
    assert {event.expo for event in events if isinstance(event, ExpoCallPage)} >= {
        Expo.CIFTIS,
        Expo.CHINA_ECOMMERCE_CONFERENCE,
    }
    for event in events:
        assert event.title_en and event.summary_zh and event.summary_en, event.slug
        assert event.organizers.exists(), event.slug
    trainings = [event for event in events if isinstance(event, TrainingPage)]
    assert len(trainings) >= 3
    assert all(t.market_countries.exists() or t.market_regions.exists() for t in trainings)
    past_training = next(t for t in trainings if t.materials_available())
    assert past_training.materials[0].value["document"].file.read().startswith(b"%PDF-")

    index = EventIndexPage.objects.get(locale__language_code="zh-hans")
    assert index.show_in_menus
    english = EventIndexPage.objects.get(locale__language_code="en")
    assert english.translation_key == index.translation_key
    assert english.live and english.title == "Events"
    for url in ("/events/", "/en/events/", events[0].url):
        assert client.get(url).status_code == 200


def test_registrations_a_full_event_a_call_under_review_and_the_counters(demo):
    """One test, as loading the demo takes a while."""
    full = PlaceCounter.objects.filter(taken=F("capacity"), capacity__gt=0)
    waitlisted = Registration.objects.filter(state="waitlisted")
    assert any(
        waitlisted.filter(event=counter.event, organization_kind=counter.organization_kind)
        for counter in full
    )

    call = ExpoCallPage.objects.get(expo=Expo.CIFTIS)
    assert {block.block_type for block in call.questions} == {"text", "choice", "document"}
    assert next(b for b in call.questions if b.block_type == "text").value["long"]
    assert list(
        next(b for b in call.questions if b.block_type == "document").value["file_types"]
    ) == ["pdf"]
    states = dict(
        call.registrations.values("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    assert states["pending"] >= 3
    assert states.get("confirmed") and states.get("declined")
    pending = call.registrations.filter(state="pending").prefetch_related("documents")
    for registration in pending:
        assert len(registration.answers) == 2
        assert registration.documents.get().file.read().startswith(b"%PDF-")

    holding = Count("registrations", filter=Q(registrations__state__in=PLACE_STATES))
    assert Registration.objects.count() >= 40
    for counter in PlaceCounter.objects.all():
        held = Registration.objects.filter(
            event=counter.event, organization_kind=counter.organization_kind, state__in=PLACE_STATES
        ).count()
        assert counter.taken == held, counter
    assert EventPage.objects.annotate(n=holding).filter(n__gt=0).count() >= 8
