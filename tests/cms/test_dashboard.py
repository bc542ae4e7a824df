"""The signed-in home (/me/): memberships, upcoming registrations, recommended trainings."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import MembershipRole, OrganizationKind
from events.models import EventPage, TrainingPage
from events.services.registrations import registration_cancel, registration_create
from matchmaking.models import Profile
from tests.cms.utils import translate
from tests.factories import MembershipFactory, OrganizationFactory
from tests.factories.events import event_index, event_publish, registrant

pytestmark = pytest.mark.django_db

ATTENDEES = [{"name": "王建国"}]


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def register(event, user, organization):
    return registration_create(
        event=event, organization=organization, user=user, attendees=ATTENDEES
    )


def eu_training(**fields):
    page = event_publish(TrainingPage, **fields)
    page.market_regions.set(["EU"])
    page.save_revision().publish()
    return page


@pytest.fixture
def exporter(taxonomy):
    """(user, organization): an exporter whose profile targets Germany."""
    user, organization = registrant()
    profile = Profile.objects.create(organization=organization)
    profile.market_countries.add("DE")
    return user, organization


def test_the_dashboard_lives_at_me_and_needs_a_sign_in(client):
    assert reverse("dashboard") == "/me/"
    response = client.get("/en/me/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_memberships_and_the_organization_switcher(client):
    acting = OrganizationFactory(name_zh="北京甲贸易有限公司")
    other = OrganizationFactory(name_zh="北京乙贸易有限公司")
    user = MembershipFactory(organization=acting, role=MembershipRole.OWNER).user
    MembershipFactory(user=user, organization=other, role=MembershipRole.MEMBER)
    user.active_organization = acting
    user.save()
    client.force_login(user)

    html = soup(client.get(reverse("dashboard")))
    cards = html.select('[data-testid="membership-card"]')
    assert len(cards) == 2
    other_card, acting_card = cards  # by Chinese name: 乙 (U+4E59) sorts before 甲 (U+7532)
    assert "北京甲贸易有限公司" in acting_card.get_text()
    assert not acting_card.select("form")
    assert other_card.form["action"] == reverse("accounts:organization_switch", args=[other.pk])
    switcher = html.select_one('[data-testid="org-switcher"]')
    assert "北京甲贸易有限公司" in switcher.select_one("summary").get_text()


def test_upcoming_registrations_with_their_state_and_ticket(client, exporter):
    user, organization = exporter
    confirmed = register(event_publish(title_en="Docking meeting"), user, organization)
    full = event_publish(title_en="Full meeting", places={OrganizationKind.EXPORTER: 0})
    waitlisted = register(full, user, organization)
    cancelled = register(event_publish(), user, organization)
    registration_cancel(registration=cancelled, by=user)
    past = register(event_publish(), user, organization)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    EventPage.objects.filter(pk=past.event_id).update(
        starts_at=yesterday - datetime.timedelta(hours=3), ends_at=yesterday
    )
    client.force_login(user)

    panel = soup(client.get("/en/me/")).select_one('[data-testid="upcoming-registrations"]')
    rows = panel.select('[data-testid="upcoming-registration"]')
    assert [row.a.get_text() for row in rows] == ["Docking meeting", "Full meeting"]
    assert [row.a["href"] for row in rows] == [
        f"/en/me/registrations/{confirmed.pk}/",
        f"/en/me/registrations/{waitlisted.pk}/",
    ]
    assert [row.select_one(".badge").get_text() for row in rows] == ["Confirmed", "Waitlisted"]
    assert panel.select_one('a[href="/en/me/registrations/"]')


def test_recommended_trainings_say_why(client, exporter, english_home):
    english_index = translate(event_index(), english_home.locale, title="Events")
    assert english_index.live
    user, organization = exporter
    training = eu_training(title="欧盟产品安全与增值税合规培训", title_en="EU product safety")
    client.force_login(user)

    panel = soup(client.get("/en/me/")).select_one('[data-testid="recommended-trainings"]')
    cards = panel.select('[data-testid="recommended-training"]')
    assert len(cards) == 1
    assert cards[0].a.get_text() == "EU product safety"
    assert cards[0].a["href"].endswith(f"/events/{training.slug}/")
    assert "Germany" in cards[0].select_one('[data-testid="recommendation-why"]').get_text()

    register(training, user, organization)
    panel = soup(client.get("/en/me/")).select_one('[data-testid="recommended-trainings"]')
    assert not panel.select('[data-testid="recommended-training"]')


def test_both_panels_have_an_empty_state(client, taxonomy):
    user, _organization = registrant()
    client.force_login(user)
    html = soup(client.get(reverse("dashboard")))
    assert html.select_one('[data-testid="upcoming-registrations-empty"]')
    empty = html.select_one('[data-testid="recommended-trainings-empty"]')
    assert empty.select_one(f'a[href="{reverse("matchmaking:profile_edit")}"]')


def test_no_event_panels_for_the_bureau(bureau_client):
    html = soup(bureau_client.get(reverse("dashboard")))
    assert html.select_one('[data-testid="membership-card"]')
    assert not html.select_one('[data-testid="upcoming-registrations"]')
    assert not html.select_one('[data-testid="recommended-trainings"]')


def test_the_query_count_does_not_grow_with_registrations_or_trainings(client, exporter):
    user, organization = exporter
    register(event_publish(), user, organization)
    eu_training()
    client.force_login(user)
    client.get(reverse("dashboard"))  # warm the site root paths cache

    with CaptureQueriesContext(connection) as few:
        html = soup(client.get(reverse("dashboard")))
    assert len(html.select('[data-testid="recommended-training"]')) == 1

    for _ in range(3):
        register(event_publish(), user, organization)
        eu_training()
    with CaptureQueriesContext(connection) as many:
        html = soup(client.get(reverse("dashboard")))
    assert len(html.select('[data-testid="upcoming-registration"]')) == 4
    assert len(html.select('[data-testid="recommended-training"]')) == 4
    assert len(many) == len(few)
