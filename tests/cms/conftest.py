import pytest
from wagtail.models import Locale

from cms.models import HomePage
from tests.cms.utils import translate


@pytest.fixture
def home(db) -> HomePage:
    """The Chinese home page that the cms data migration creates."""
    return HomePage.objects.get(depth=2, locale__language_code="zh-hans")


@pytest.fixture
def english(db) -> Locale:
    locale, _ = Locale.objects.get_or_create(language_code="en")
    return locale


@pytest.fixture
def english_home(home, english) -> HomePage:
    return translate(
        home,
        english,
        title="Beijing Cross-border E-commerce Matchmaking Platform",
        hero_title="Find partners for cross-border trade",
    )
