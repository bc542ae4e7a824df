from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from wagtail.models import Page

from accounts.models import Membership, Organization, OrganizationKind, User
from accounts.selectors import user_is_bureau_staff
from accounts.validators import validate_credit_code
from cms.demo.accounts import DEMO_PASSWORD, ROLE_LOGINS
from cms.models import HomePage, NewsPage
from matchmaking import services as matchmaking_services
from matchmaking.models import Channel, LogisticsLane, Post, Product, Profile, WarehouseSite
from matchmaking.selectors import post_list_public

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Some demo products carry a generated photo: keep the files out of the project."""
    settings.MEDIA_ROOT = tmp_path


def demo_state() -> tuple:
    """Row counts, and the sum of profile data versions (which any profile write raises)."""
    return (
        Organization.objects.count(),
        User.objects.count(),
        Page.objects.count(),
        Profile.objects.count(),
        Product.objects.count(),
        WarehouseSite.objects.count(),
        LogisticsLane.objects.count(),
        Post.objects.count(),
        sum(Profile.objects.values_list("data_version", flat=True)),
    )


def load_twice():
    call_command("load_demo", verbosity=0)
    first = demo_state()
    call_command("load_demo", verbosity=0)
    second = demo_state()
    return first, second


def test_demo_is_believable_bilingual_and_idempotent(client):
    first, second = load_twice()
    assert first == second

    kinds = dict(
        Organization.objects.values("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    assert sum(kinds.values()) >= 40
    assert kinds[OrganizationKind.BUREAU] == 1
    assert min(kinds[k] for k in ("exporter", "platform", "service_provider")) >= 8
    assert Organization.objects.values("district").distinct().count() >= 10
    for organization in Organization.objects.all():
        validate_credit_code(organization.credit_code)
        assert organization.name_en
        assert Membership.objects.filter(organization=organization, role="owner").exists()

    homes = HomePage.objects.all()
    assert {page.locale.language_code for page in homes} == {"zh-hans", "en"}
    assert NewsPage.objects.filter(locale__language_code="en").count() == 3
    assert "北京" in client.get("/").content.decode()
    assert "Beijing" in client.get("/en/").content.decode()
    assert client.get("/en/news/").status_code == 200


def test_every_demo_login_has_its_role():
    call_command("load_demo", verbosity=0)
    for key, (email, _slug, role) in ROLE_LOGINS.items():
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert user.memberships.get().role == role
        assert user_is_bureau_staff(user) == (key == "bureau_staff")


def test_loading_again_keeps_what_editors_changed():
    call_command("load_demo", verbosity=0)
    organization = Organization.objects.get(name_en__startswith="Beijing Jingnan")
    owner = organization.memberships.get(role="owner").user
    matchmaking_services.profile_update(
        organization=organization, by=owner, summary_zh="我们改写了简介。"
    )
    home = HomePage.objects.get(depth=2, locale__language_code="zh-hans")
    home.hero_title = ""
    home.body = [("paragraph", "<p>编辑改写的正文。</p>")]
    home.save_revision().publish()

    call_command("load_demo", verbosity=0)
    home = HomePage.objects.get(pk=home.pk)
    assert home.hero_title == ""
    assert [block.block_type for block in home.body] == ["paragraph"]
    assert "编辑改写的正文" in str(home.body[0].value)
    assert home.revisions.count() == 2
    assert Profile.objects.get(organization=organization).summary_zh == "我们改写了简介。"


def test_every_demo_company_has_a_full_bilingual_profile():
    call_command("load_demo", verbosity=0)
    companies = Organization.objects.exclude(kind=OrganizationKind.BUREAU)
    profiles = {
        profile.organization_id: profile
        for profile in Profile.objects.select_related("organization").prefetch_related(
            "hs_headings", "market_countries", "market_regions", "products"
        )
    }
    assert companies.count() == len(profiles) == 43
    for organization in companies:
        profile = profiles[organization.pk]
        assert profile.summary_zh and profile.summary_en, organization.name_en
        assert profile.hs_headings.all(), organization.name_en
        assert [*profile.market_countries.all(), *profile.market_regions.all()]
        assert profile.contact_name and profile.contact_email.endswith(".example.cn")
        if organization.kind == OrganizationKind.EXPORTER and profile.description_zh:
            assert 2 <= len(profile.products.all()) <= 4, organization.name_en

    described = [profile for profile in profiles.values() if profile.description_en]
    assert len(described) >= 35
    assert all("<li>" in profile.description_zh for profile in described)
    assert Profile.objects.values("hs_headings").distinct().count() >= 40
    assert Profile.objects.filter(market_regions__isnull=False).distinct().count() >= 20
    assert Profile.objects.filter(market_countries__isnull=False).distinct().count() >= 20

    scores = sorted(profile.completeness for profile in profiles.values())
    assert sum(score >= 70 for score in scores) >= 0.85 * len(scores)
    assert scores[0] < 70  # a few are thin on purpose, so that the hints have work to do
    assert scores[-1] == 100

    visibility = Counter(profile.visibility for profile in profiles.values())
    assert visibility["members"] == 3
    assert visibility["hidden"] == 1
    providers = Profile.objects.filter(organization__kind=OrganizationKind.SERVICE_PROVIDER)
    assert WarehouseSite.objects.filter(profile__in=providers).values("country").distinct().count()
    warehouse_countries = set(WarehouseSite.objects.values_list("country", flat=True))
    assert {"DE", "US", "GB", "PL", "AE", "JP"} <= warehouse_countries
    assert {lane.mode for lane in LogisticsLane.objects.filter(destination="DE")} >= {
        "sea",
        "rail",
        "air",
    }
    assert WarehouseSite.objects.filter(profile__organization__kind="platform").exists()
    assert Product.objects.exclude(photo="").exists()


def test_demo_platforms_offer_the_channels_exporters_want():
    call_command("load_demo", verbosity=0)
    offered = dict(
        Profile.objects.filter(organization__kind=OrganizationKind.PLATFORM).values_list(
            "organization__name_en", "channels_offered"
        )
    )
    assert all(offered.values()), offered
    assert {code for codes in offered.values() for code in codes} == set(Channel.values)
    exporters = Profile.objects.filter(organization__kind=OrganizationKind.EXPORTER).exclude(
        channels_wanted=[]  # the thin profiles on purpose
    )
    assert exporters.count() >= 15
    for name, wanted in exporters.values_list("organization__name_en", "channels_wanted"):
        assert any(set(wanted) & set(codes) for codes in offered.values()), name
    assert not Profile.objects.exclude(organization__kind=OrganizationKind.PLATFORM).exclude(
        channels_offered=[]
    )


def test_demo_posts_are_many_and_the_expired_ones_drop_out():
    call_command("load_demo", verbosity=0)
    today = timezone.localdate()
    posts = Post.objects.all()
    assert posts.count() >= 60
    listed = post_list_public()
    assert listed.count() >= 45
    assert {post.kind for post in listed} == {"supply", "demand"}
    assert {post.organization.kind for post in listed} == {
        "exporter",
        "platform",
        "service_provider",
    }

    expired = posts.filter(status="published", valid_until__lt=today)
    assert 5 <= expired.count() <= 10
    assert not listed.filter(pk__in=expired.values("pk")).exists()
    assert posts.filter(status="draft").count() >= 2
    assert posts.filter(status="closed").count() >= 2
    assert not listed.exclude(status="published").exists()
    # Publication dates are spread over the past weeks, not all "just now".
    assert listed.dates("published_at", "day").count() >= 15
    recruiting = posts.filter(organization__kind="platform", kind="demand")
    assert recruiting.count() >= 15
    assert recruiting.filter(terms__contains="免佣金").count() >= 3
