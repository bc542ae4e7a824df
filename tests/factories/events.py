"""Event pages and registrants for the events tests.

Pages are created under the default locale's home page and published through a revision, as
the admin does, so that `page_published` brings the place counters up.
"""

import datetime
import itertools

from django.utils import timezone
from wagtail.models import Locale, Page

from accounts.models import OrganizationKind
from events.models import (
    EventIndexPage,
    EventPlaces,
    ExpoCallPage,
    MatchmakingSessionPage,
    TrainingPage,
)
from tests.factories.accounts import MembershipFactory, OrganizationFactory

_slugs = itertools.count(1)


def event_index() -> EventIndexPage:
    """The event index under the Chinese home page (created once per test database)."""
    existing = EventIndexPage.objects.filter(locale=Locale.get_default()).first()
    if existing is not None:
        return existing
    home = Page.objects.get(depth=2, locale=Locale.get_default())
    index = EventIndexPage(title="活动", slug="events")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def event_publish(
    page_class=MatchmakingSessionPage,
    *,
    places: dict[str, int] | None = None,
    starts_in: datetime.timedelta = datetime.timedelta(days=10),
    hours: int = 3,
    closes_before_start: datetime.timedelta = datetime.timedelta(days=1),
    questions=None,
    **fields,
) -> MatchmakingSessionPage | ExpoCallPage | TrainingPage:
    """A published event with `places` per organization kind (50 exporters by default)."""
    now = timezone.now().replace(microsecond=0)
    starts = now + starts_in
    number = next(_slugs)
    defaults = {
        "title": f"测试活动{number}",
        "title_en": f"Test event {number}",
        "slug": f"event-{number}",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=hours),
        "registration_closes_at": starts - closes_before_start,
    }
    if page_class is TrainingPage:
        defaults["topics_zh"] = "欧盟产品安全\n增值税"
    page = page_class(**{**defaults, **fields})
    if questions is not None:
        page.questions = questions
    for kind, count in (places or {OrganizationKind.EXPORTER: 50}).items():
        page.places.add(EventPlaces(organization_kind=kind, places=count))
    event_index().add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def registrant(kind: str = OrganizationKind.EXPORTER, **organization_fields):
    """A user who is a member of a verified organization of `kind`: (user, organization)."""
    membership = MembershipFactory(
        organization=OrganizationFactory(kind=kind, **organization_fields)
    )
    return membership.user, membership.organization
