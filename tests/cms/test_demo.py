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
from matchmaking.models import Post
from matchmaking.selectors import post_list_public

pytestmark = pytest.mark.django_db


def load_twice():
    call_command("load_demo", verbosity=0)
    first = (Organization.objects.count(), User.objects.count(), Page.objects.count())
    call_command("load_demo", verbosity=0)
    second = (Organization.objects.count(), User.objects.count(), Page.objects.count())
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


def test_loading_again_keeps_the_editors_home_page():
    call_command("load_demo", verbosity=0)
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


def test_demo_posts_are_listed_and_the_expired_one_drops_out():
    call_command("load_demo", verbosity=0)
    listed = post_list_public()
    assert listed.count() >= 10
    assert {post.kind for post in listed} == {"supply", "demand"}
    expired = Post.objects.exclude(pk__in=listed.values("pk"))
    assert expired.count() == 1
    assert expired.get().valid_until < timezone.localdate()
