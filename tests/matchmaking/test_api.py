"""The JSON API (/api/v1/): its schema and docs page, what the public reads show (and never
show), token authentication, and an organization's writes to its own profile and posts."""

import datetime
import json

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openapi_spec_validator import validate

from accounts.models import Membership, MembershipRole, VerificationState
from matchmaking import services
from matchmaking.models import ApiToken, Post, PostKind, PostStatus, Profile
from matchmaking.services.api_tokens import api_token_create, api_token_revoke
from taxonomy.models import Certification, Country, HSHeading, Region
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
CONTACT_EMAIL = "private-contact-4711@example.com"
CONTACT_FIELDS = {
    "contact_name",
    "contact_title",
    "contact_phone",
    "contact_email",
    "contact_wechat",
}
TODAY = timezone.localdate()


def owner_of(organization):
    return MembershipFactory(organization=organization, role=MembershipRole.OWNER).user


def make_profile(organization, *, by=None, visibility="public", relations=None, **fields):
    """A profile with contact details filled in, so that tests can check they never leak."""
    by = by or owner_of(organization)
    fields.setdefault("summary_zh", f"{organization.name_zh}的简介")
    return services.profile_update(
        organization=organization,
        by=by,
        visibility=visibility,
        contact_name="王经理",
        contact_phone="+86 10 1234 5678",
        contact_email=CONTACT_EMAIL,
        contact_wechat="wang-private",
        relations=relations or {},
        **fields,
    )


def publish_post(organization, *, by, **fields):
    fields.setdefault("kind", PostKind.SUPPLY)
    fields.setdefault("title_zh", "实木餐桌")
    return services.post_create(organization=organization, by=by, publish=True, **fields)


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def send(client, method: str, path: str, data=None, *, secret=None, raw: str | None = None):
    body = raw if raw is not None else json.dumps(data if data is not None else {})
    headers = bearer(secret) if secret else {}
    return getattr(client, method)(
        f"{API}{path}", data=body, content_type="application/json", **headers
    )


@pytest.fixture
def exporter(taxonomy):
    return OrganizationFactory(kind="exporter", district="daxing")


@pytest.fixture
def exporter_owner(exporter):
    return owner_of(exporter)


@pytest.fixture
def secret(exporter, exporter_owner):
    make_profile(exporter, by=exporter_owner)
    _token, secret = api_token_create(organization=exporter, by=exporter_owner, name="ERP")
    return secret


def assert_error(response, status: int, *fields: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"]
    for field in fields:
        assert body["errors"].get(field), body
    return body


# --- Schema and documentation ------------------------------------------------------------------


def test_the_served_schema_is_valid_openapi_3(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)  # raises on any violation of the OpenAPI specification
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["version"] == "1"
    for path in ("/profiles", "/profiles/{organization_id}", "/posts", "/me/profile", "/me/posts"):
        assert f"{API}{path}" in schema["paths"]
    assert {"type": "http", "scheme": "bearer"} in schema["components"]["securitySchemes"].values()
    # The writes document their field-level errors.
    assert "422" in schema["paths"][f"{API}/me/profile"]["patch"]["responses"]


def test_the_docs_page_loads_swagger_from_our_own_static_files(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert f"{API}/openapi.json" in html
    for external in ("http://", "https://", "//cdn", "unpkg", "jsdelivr"):
        assert external not in html
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert finders.find(asset), f"{asset} is not served locally"


# --- Public reads ---------------------------------------------------------------------------


@pytest.fixture
def directory(taxonomy):
    """One listed profile and one of each kind that must never be listed."""
    listed = OrganizationFactory(kind="platform")
    make_profile(
        listed,
        services_offered=["store_operation"],
        relations={
            "hs_headings": HSHeading.objects.filter(code="9401"),
            "market_regions": Region.objects.filter(code="EU"),
        },
    )
    members = OrganizationFactory(kind="platform")
    make_profile(members, visibility="members")
    hidden = OrganizationFactory(kind="exporter")
    make_profile(hidden, visibility="hidden")
    unverified = OrganizationFactory(kind="exporter", verification_state=VerificationState.PENDING)
    make_profile(unverified)
    inactive = OrganizationFactory(kind="exporter", is_active=False)
    make_profile(inactive)
    return {
        "listed": listed,
        "never": [members, hidden, unverified, inactive],
    }


def test_the_directory_lists_only_public_profiles_of_verified_active_organizations(
    client, directory
):
    response = client.get(f"{API}/profiles")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [item["organization"]["id"] for item in body["items"]] == [directory["listed"].pk]
    item = body["items"][0]
    assert not CONTACT_FIELDS & set(item)
    assert "visibility" not in item
    assert item["hs_headings"] == ["9401"]
    assert item["markets"] == ["EU"]
    assert item["services_offered"] == ["store_operation"]
    assert "services_needed" not in item  # an exporter's field, not a platform's
    assert CONTACT_EMAIL not in response.content.decode()

    detail = client.get(f"{API}/profiles/{directory['listed'].pk}")
    assert detail.status_code == 200
    assert not CONTACT_FIELDS & set(detail.json())
    assert CONTACT_EMAIL not in detail.content.decode()
    for organization in directory["never"]:
        assert_error(client.get(f"{API}/profiles/{organization.pk}"), 404)
    assert_error(client.get(f"{API}/profiles/999999"), 404)


def test_a_public_exporter_profile_shows_its_products_but_no_contact(client, exporter):
    owner = owner_of(exporter)
    make_profile(
        exporter,
        by=owner,
        export_volume_band="1m_5m",
        relations={"certifications": Certification.objects.filter(code="CE")},
    )
    services.product_create(
        organization=exporter,
        by=owner,
        hs_heading=HSHeading.objects.get(code="9403"),
        name_zh="橡木餐桌",
    )
    body = client.get(f"{API}/profiles/{exporter.pk}").json()
    assert body["products"][0]["hs_heading"] == "9403"
    assert body["certifications"] == ["CE"]
    assert body["export_volume_band"] == "1m_5m"
    assert "services_offered" not in body and "lanes" not in body
    assert "channels_offered" not in body  # a platform's field
    assert not CONTACT_FIELDS & set(body)


def test_the_directory_is_paginated_with_a_maximum_page_size(client, taxonomy):
    for _index in range(3):
        make_profile(OrganizationFactory(kind="exporter"))
    first = client.get(f"{API}/profiles", {"limit": 2}).json()
    assert (first["count"], len(first["items"])) == (3, 2)
    rest = client.get(f"{API}/profiles", {"limit": 2, "offset": 2}).json()
    assert len(rest["items"]) == 1
    seen = {item["organization"]["id"] for item in first["items"] + rest["items"]}
    assert len(seen) == 3
    assert_error(client.get(f"{API}/profiles", {"limit": 101}), 422, "limit")
    assert_error(client.get(f"{API}/profiles", {"offset": -1}), 422, "offset")
    assert_error(client.get(f"{API}/profiles", {"limit": "lots"}), 422, "limit")


def test_directory_filters(client, taxonomy):
    furniture = OrganizationFactory(kind="exporter", district="daxing")
    make_profile(
        furniture,
        relations={
            "hs_headings": HSHeading.objects.filter(code="9401"),
            "market_regions": Region.objects.filter(code="EU"),
            "certifications": Certification.objects.filter(code="CE"),
        },
    )
    platform = OrganizationFactory(kind="platform", district="chaoyang")
    make_profile(platform, relations={"market_countries": Country.objects.filter(code="JP")})

    def ids(**filters):
        response = client.get(f"{API}/profiles", filters)
        assert response.status_code == 200, response.content
        return {item["organization"]["id"] for item in response.json()["items"]}

    assert ids(kind="platform") == {platform.pk}
    assert ids(market="DE") == {furniture.pk}  # Germany is in the EU
    assert ids(market="jp") == {platform.pk}
    assert ids(hs_chapter="94") == {furniture.pk}
    assert ids(hs_heading="9401", certification="CE") == {furniture.pk}
    assert ids(district="chaoyang") == {platform.pk}
    assert ids(sort="name") == {furniture.pk, platform.pk}
    assert_error(client.get(f"{API}/profiles", {"kind": "bureau"}), 422, "kind")
    assert_error(client.get(f"{API}/profiles", {"hs_heading": "94"}), 422, "hs_heading")
    assert_error(client.get(f"{API}/profiles", {"sort": "random"}), 422, "sort")


def test_public_posts_are_only_listed_ones(client, exporter, exporter_owner):
    listed = publish_post(
        exporter,
        by=exporter_owner,
        hs_headings=HSHeading.objects.filter(code="9403"),
        market_regions=Region.objects.filter(code="EU"),
    )
    draft = services.post_create(
        organization=exporter, by=exporter_owner, kind="demand", title_zh="草稿"
    )
    closed = services.post_close(post=publish_post(exporter, by=exporter_owner), by=exporter_owner)
    expired = publish_post(
        exporter, by=exporter_owner, valid_from=TODAY - datetime.timedelta(days=10)
    )
    Post.objects.filter(pk=expired.pk).update(valid_until=TODAY - datetime.timedelta(days=1))
    unverified = OrganizationFactory(verification_state=VerificationState.PENDING)
    of_unverified = publish_post(unverified, by=owner_of(unverified))

    body = client.get(f"{API}/posts").json()
    assert [item["id"] for item in body["items"]] == [listed.pk]
    item = body["items"][0]
    assert item["markets"] == ["EU"] and item["hs_headings"] == ["9403"]
    assert "status" not in item
    assert client.get(f"{API}/posts", {"market": "FR"}).json()["count"] == 1
    assert client.get(f"{API}/posts", {"market": "US"}).json()["count"] == 0
    assert client.get(f"{API}/posts", {"kind": "demand"}).json()["count"] == 0
    assert client.get(f"{API}/posts/{listed.pk}").status_code == 200
    for hidden in (draft, closed, expired, of_unverified):
        assert_error(client.get(f"{API}/posts/{hidden.pk}"), 404)


def test_public_list_query_counts_do_not_grow_with_rows(client, taxonomy):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{API}/profiles").status_code == 200
            assert client.get(f"{API}/posts").status_code == 200
        return len(captured)

    def add_rows():
        organization = OrganizationFactory(kind="exporter")
        owner = owner_of(organization)
        make_profile(
            organization,
            by=owner,
            relations={"hs_headings": HSHeading.objects.filter(code__in=["9401", "9403"])},
        )
        publish_post(
            organization, by=owner, market_countries=Country.objects.filter(code__in=["DE", "FR"])
        )

    add_rows()
    few = queries()
    for _index in range(4):
        add_rows()
    assert queries() == few


# --- Token authentication ---------------------------------------------------------------------


def test_requests_without_a_valid_token_are_refused_with_a_reason(
    client, exporter, exporter_owner, secret
):
    missing = client.get(f"{API}/me/profile")
    assert_error(missing, 401)
    assert missing["WWW-Authenticate"] == "Bearer"
    for header in ("Token abc", "Bearer", "Bearer    ", secret, "Basic dXNlcjpwYXNz"):
        assert_error(client.get(f"{API}/me/profile", HTTP_AUTHORIZATION=header), 401)
    assert_error(client.get(f"{API}/me/profile", **bearer("not-a-token")), 401)
    assert_error(client.get(f"{API}/me/profile", **bearer("x" * 10_000)), 401)
    assert client.get(f"{API}/me/profile", **bearer(secret)).status_code == 200


def test_a_revoked_token_or_an_inactive_organization_is_refused(
    client, exporter, exporter_owner, secret
):
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    assert client.get(f"{API}/me/profile", **bearer(secret)).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    exporter.is_active = False
    exporter.save()
    assert_error(client.get(f"{API}/me/profile", **bearer(secret)), 401)
    exporter.is_active = True
    exporter.save()
    assert client.get(f"{API}/me/profile", **bearer(secret)).status_code == 200

    api_token_revoke(token=token, by=exporter_owner)
    assert_error(client.get(f"{API}/me/profile", **bearer(secret)), 401)
    assert_error(send(client, "post", "/me/posts", {"kind": "supply"}, secret=secret), 401)


def test_a_token_stops_working_when_its_creator_no_longer_administers(
    client, exporter, exporter_owner, secret
):
    membership = Membership.objects.get(user=exporter_owner, organization=exporter)
    membership.role = MembershipRole.MEMBER
    membership.save()
    body = assert_error(client.get(f"{API}/me/profile", **bearer(secret)), 403)
    assert "creator" in body["detail"] or "创建" in body["detail"]
    response = send(client, "patch", "/me/profile", {"summary_zh": "改"}, secret=secret)
    assert_error(response, 403)
    membership.delete()
    assert_error(send(client, "post", "/me/posts", {"kind": "supply"}, secret=secret), 403)
    assert not Post.objects.exists()


def test_token_writes_need_no_csrf_token(exporter, secret):
    strict = Client(enforce_csrf_checks=True)
    response = send(
        strict, "post", "/me/posts", {"kind": "supply", "title_zh": "餐桌"}, secret=secret
    )
    assert response.status_code == 201, response.content


# --- The organization's own profile ---------------------------------------------------------


def test_own_profile_round_trip(client, exporter, secret):
    change = {
        "summary_zh": "  实木家具出口商  ",
        "summary_en": "Solid wood furniture exporter",
        "hs_headings": ["9401", "9403", "9401"],
        "markets": ["DE", "eu"],
        "certifications": ["CE"],
        "languages": ["zh", "en"],
        "years_cross_border": 5,
        "channels_wanted": ["marketplace"],
        "current_market_countries": ["US"],
        "contact_email": "sales@example.com",
    }
    response = send(client, "patch", "/me/profile", change, secret=secret)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["summary_zh"] == "实木家具出口商"
    assert body["hs_headings"] == ["9401", "9403"]
    assert body["markets"] == ["EU", "DE"]
    assert body["certifications"] == ["CE"]
    assert body["current_market_countries"] == ["US"]
    assert body["years_cross_border"] == 5
    assert body["contact_email"] == "sales@example.com"
    assert body["visibility"] == "public"

    again = client.get(f"{API}/me/profile", **bearer(secret)).json()
    assert again == body
    profile = Profile.objects.get(organization=exporter)
    assert list(profile.market_regions.values_list("code", flat=True)) == ["EU"]

    public = client.get(f"{API}/profiles/{exporter.pk}")
    assert public.json()["summary_en"] == "Solid wood furniture exporter"
    assert "sales@example.com" not in public.content.decode()

    cleared = send(client, "patch", "/me/profile", {"years_cross_border": None}, secret=secret)
    assert cleared.json()["years_cross_border"] is None
    assert cleared.json()["summary_zh"] == "实木家具出口商"  # left out, so left alone


def test_fields_of_another_kind_are_refused_field_by_field(client, exporter, secret):
    version = Profile.objects.get(organization=exporter).data_version
    response = send(
        client,
        "patch",
        "/me/profile",
        {"summary_zh": "新", "services_offered": ["logistics"], "required_certifications": ["CE"]},
        secret=secret,
    )
    errors = assert_error(response, 422, "services_offered", "required_certifications")["errors"]
    assert "summary_zh" not in errors
    profile = Profile.objects.get(organization=exporter)
    assert profile.data_version == version and profile.summary_zh != "新"


def test_a_platform_token_cannot_set_exporter_fields(client, taxonomy):
    platform = OrganizationFactory(kind="platform")
    owner = owner_of(platform)
    _token, secret = api_token_create(organization=platform, by=owner, name="shop system")
    response = send(
        client,
        "patch",
        "/me/profile",
        {"certifications": ["CE"], "services_needed": ["logistics"]},
        secret=secret,
    )
    assert_error(response, 422, "certifications", "services_needed")
    ok = send(
        client,
        "patch",
        "/me/profile",
        {"required_certifications": ["CE"], "merchant_count_band": "1k_10k"},
        secret=secret,
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["required_certifications"] == ["CE"]


def token_secret(organization) -> str:
    _token, secret = api_token_create(
        organization=organization, by=owner_of(organization), name="ERP"
    )
    return secret


def test_a_platform_sets_the_sales_channels_it_offers(client, taxonomy):
    platform = OrganizationFactory(kind="platform")
    secret = token_secret(platform)
    change = {"summary_zh": "跨境平台", "channels_offered": ["social_commerce", "marketplace"]}

    response = send(client, "patch", "/me/profile", change, secret=secret)

    assert response.status_code == 200, response.content
    assert response.json()["channels_offered"] == ["social_commerce", "marketplace"]
    profile = Profile.objects.get(organization=platform)
    assert profile.channels_offered == ["social_commerce", "marketplace"]
    public = client.get(f"{API}/profiles/{platform.pk}").json()
    assert public["channels_offered"] == ["social_commerce", "marketplace"]
    (listed,) = client.get(f"{API}/profiles").json()["items"]
    assert listed["channels_offered"] == ["social_commerce", "marketplace"]
    assert "channels_wanted" not in listed  # an exporter's field

    cleared = send(client, "patch", "/me/profile", {"channels_offered": []}, secret=secret)
    assert cleared.json()["channels_offered"] == []


@pytest.mark.parametrize("kind", ["exporter", "service_provider"])
def test_only_a_platform_may_send_the_channels_it_offers(client, kind, taxonomy):
    organization = OrganizationFactory(kind=kind)
    secret = token_secret(organization)
    response = send(
        client,
        "patch",
        "/me/profile",
        {"summary_zh": "新", "channels_offered": ["marketplace"]},
        secret=secret,
    )
    errors = assert_error(response, 422, "channels_offered")["errors"]
    assert set(errors) == {"channels_offered"}
    assert not Profile.objects.filter(organization=organization, summary_zh="新").exists()


def test_an_unknown_sales_channel_is_refused_naming_the_choices(client, taxonomy):
    platform = OrganizationFactory(kind="platform")
    secret = token_secret(platform)
    response = send(
        client, "patch", "/me/profile", {"channels_offered": ["telepathy"]}, secret=secret
    )
    message = " ".join(
        assert_error(response, 422, "channels_offered")["errors"]["channels_offered"]
    )
    for code in ("marketplace", "independent_site", "social_commerce", "distributor", "b2b"):
        assert code in message
    assert not Profile.objects.filter(organization=platform).exclude(channels_offered=[]).exists()


def test_the_schema_lists_the_sales_channels_a_platform_may_offer(client):
    schemas = client.get(f"{API}/openapi.json").json()["components"]["schemas"]
    items = schemas["ProfilePatch"]["properties"]["channels_offered"]["items"]
    assert set(items["enum"]) == {
        "marketplace",
        "independent_site",
        "social_commerce",
        "distributor",
        "b2b",
    }
    assert "channels_offered" in schemas["ProfileSummaryOut"]["properties"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hs_headings": ["9401", "0109"]}, "hs_headings"),
        ({"hs_headings": ["94"]}, "hs_headings"),
        ({"markets": ["DE", "ATLANTIS"]}, "markets"),
        ({"certifications": ["NOPE"]}, "certifications"),
        ({"current_market_countries": ["EU"]}, "current_market_countries"),
        ({"languages": ["klingon"]}, "languages"),
        ({"visibility": "everyone"}, "visibility"),
        ({"years_cross_border": "many"}, "years_cross_border"),
        ({"years_cross_border": -1}, "years_cross_border"),
        ({"summary_zh": None}, "summary_zh"),
        ({"summary_zh": 42}, "summary_zh"),
        ({"summary_zh": "长" * 201}, "summary_zh"),
        ({"description_zh": "x" * 60_000}, "description_zh"),
        ({"summary_en": "nul\x00byte"}, "summary_en"),
        ({"contact_email": "not an address"}, "contact_email"),
        ({"contact_fax": "123"}, "contact_fax"),
        ({"hs_headings": "9401"}, "hs_headings"),
    ],
)
def test_invalid_profile_changes_give_field_errors_and_save_nothing(
    client, exporter, secret, change, field
):
    version = Profile.objects.get(organization=exporter).data_version
    assert_error(send(client, "patch", "/me/profile", change, secret=secret), 422, field)
    assert Profile.objects.get(organization=exporter).data_version == version


def test_unreadable_requests_are_400_never_500(client, exporter, secret, settings):
    assert_error(send(client, "patch", "/me/profile", raw="{not json", secret=secret), 400)
    assert_error(send(client, "patch", "/me/profile", raw="[" * 100_000, secret=secret), 400)
    assert_error(send(client, "patch", "/me/profile", raw="[]", secret=secret), 422)
    form = client.post(f"{API}/me/posts", {"kind": "supply"}, **bearer(secret))
    assert_error(form, 400)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = {"summary_zh": "长" * 2000}
    assert_error(send(client, "patch", "/me/profile", big, secret=secret), 413)
    assert_error(client.get(f"{API}/profiles/{10**30}"), 422)
    assert_error(client.get(f"{API}/posts/0"), 422)
    assert_error(client.get(f"{API}/profiles", {"offset": 10**12}), 422)


def test_script_in_the_description_is_removed_through_the_api(client, exporter, secret):
    attack = (
        '<p>你好<script>alert("x")</script></p>'
        '<p><a href="javascript:alert(1)" onclick="steal()">link</a>'
        '<img src=x onerror="alert(1)"></p>'
    )
    response = send(client, "patch", "/me/profile", {"description_zh": attack}, secret=secret)
    assert response.status_code == 200, response.content
    for body in (response.json(), client.get(f"{API}/profiles/{exporter.pk}").json()):
        description = body["description_zh"]
        assert "你好" in description
        for dangerous in ("<script", "javascript:", "onclick", "onerror", "<img"):
            assert dangerous not in description


# --- The organization's own posts -----------------------------------------------------------


def test_create_update_close_and_reopen_a_post(client, exporter, secret):
    created = send(
        client,
        "post",
        "/me/posts",
        {
            "kind": "supply",
            "title_zh": "实木餐桌，可供欧洲",
            "body_en": "50,000 tables a year.",
            "hs_headings": ["9403"],
            "markets": ["EU", "GB"],
            "publish": True,
        },
        secret=secret,
    )
    assert created.status_code == 201, created.content
    post = created.json()
    assert post["status"] == PostStatus.PUBLISHED
    assert post["markets"] == ["EU", "GB"]
    assert post["organization"]["id"] == exporter.pk
    assert [item["id"] for item in client.get(f"{API}/posts").json()["items"]] == [post["id"]]

    changed = send(
        client,
        "patch",
        f"/me/posts/{post['id']}",
        {"title_en": "Solid wood tables", "valid_until": str(TODAY + datetime.timedelta(days=30))},
        secret=secret,
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["title_en"] == "Solid wood tables"
    assert changed.json()["markets"] == ["EU", "GB"]  # left out, so left alone

    closed = send(client, "post", f"/me/posts/{post['id']}/close", secret=secret)
    assert closed.json()["status"] == PostStatus.CLOSED
    assert client.get(f"{API}/posts").json()["count"] == 0
    assert_error(client.get(f"{API}/posts/{post['id']}"), 404)
    mine = client.get(f"{API}/me/posts", **bearer(secret)).json()
    assert [item["status"] for item in mine["items"]] == ["closed"]

    reopened = send(client, "post", f"/me/posts/{post['id']}/publish", secret=secret)
    assert reopened.json()["status"] == PostStatus.PUBLISHED

    draft = send(client, "post", "/me/posts", {"kind": "demand", "title_en": "Need"}, secret=secret)
    assert draft.json()["status"] == PostStatus.DRAFT
    assert client.get(f"{API}/me/posts", **bearer(secret)).json()["count"] == 2
    assert client.get(f"{API}/posts").json()["count"] == 1


def test_invalid_posts_give_field_errors_and_save_nothing(client, exporter, secret):
    cases = [
        ({"kind": "supply"}, "__all__"),  # no title in either language
        ({"title_zh": "x"}, "kind"),
        ({"kind": "gift", "title_zh": "x"}, "kind"),
        ({"kind": "supply", "title_zh": "x", "markets": ["ATLANTIS"]}, "markets"),
        ({"kind": "supply", "title_zh": "x", "valid_from": "tomorrow"}, "valid_from"),
        ({"kind": "supply", "title_zh": "x" * 121}, "title_zh"),
        ({"kind": "supply", "title_zh": "x", "status": "published"}, "status"),
        (
            {
                "kind": "supply",
                "title_zh": "x",
                "valid_from": str(TODAY),
                "valid_until": str(TODAY - datetime.timedelta(days=1)),
            },
            "__all__",
        ),
        (
            {
                "kind": "supply",
                "title_zh": "x",
                "valid_from": str(TODAY - datetime.timedelta(days=9)),
                "valid_until": str(TODAY - datetime.timedelta(days=1)),
                "publish": True,
            },
            "valid_until",
        ),
    ]
    for data, field in cases:
        assert_error(send(client, "post", "/me/posts", data, secret=secret), 422, field)
    assert not Post.objects.exists()


def test_another_organizations_post_is_not_found(client, exporter, secret, taxonomy):
    other = OrganizationFactory(kind="platform")
    theirs = publish_post(other, by=owner_of(other), title_zh="他们的帖子")
    assert_error(
        send(client, "patch", f"/me/posts/{theirs.pk}", {"title_zh": "我的了"}, secret=secret), 404
    )
    assert_error(send(client, "post", f"/me/posts/{theirs.pk}/close", secret=secret), 404)
    assert_error(client.get(f"{API}/me/posts/{theirs.pk}", **bearer(secret)), 404)
    theirs.refresh_from_db()
    assert (theirs.title_zh, theirs.status) == ("他们的帖子", PostStatus.PUBLISHED)
    assert client.get(f"{API}/me/posts", **bearer(secret)).json()["count"] == 0
