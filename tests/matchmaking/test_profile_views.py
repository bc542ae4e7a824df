import io

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image

from accounts.models import MembershipRole, OrganizationKind
from matchmaking import services
from matchmaking.forms.profiles import profile_form_class
from matchmaking.models import LogisticsLane, Product, Profile, WarehouseSite
from matchmaking.services import profile_fields, profile_relations
from taxonomy.models import Country, HSHeading
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

EXPORTER = OrganizationKind.EXPORTER
PLATFORM = OrganizationKind.PLATFORM
PROVIDER = OrganizationKind.SERVICE_PROVIDER

XSS_PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
)


def en(name: str, *args) -> str:
    """The English URL of a page (pages default to Chinese)."""
    with translation.override("en"):
        return reverse(f"matchmaking:{name}", args=args)


def owner_of(kind: str):
    organization = OrganizationFactory(kind=kind)
    user = MembershipFactory(organization=organization, role=MembershipRole.OWNER).user
    return organization, user


COMMON_DATA = {
    "visibility": "members",
    "summary_zh": "实木家具，年产二十万件",
    "summary_en": "Solid wood furniture, 200,000 pieces a year",
    "description_zh": "<p>我们生产<strong>实木</strong>家具。</p>",
    "description_en": "<p>We make <em>solid wood</em> furniture.</p>",
    "languages": ["zh", "en"],
    "contact_name": "王经理",
    "contact_title": "外贸部经理",
    "contact_phone": "+86 10 6512 3456",
    "contact_email": "wang@example.cn",
    "contact_wechat": "wang_trade",
    "hs_headings": "9403, 9401",
    "markets": ["EU", "GB"],
}
KIND_DATA = {
    EXPORTER: {
        "certifications": ["CE", "FSC"],
        "certifications_other": "BRC",
        "export_volume_band": "5m_20m",
        "production_capacity": "20,000 pieces a month",
        "minimum_order": "200 pieces",
        "brands": "木森, Woodsen",
        "channels_wanted": ["marketplace", "independent_site"],
        "services_needed": ["overseas_warehouse", "logistics"],
        "years_cross_border": "5",
        "current_market_countries": ["US", "JP"],
        "warehouse_countries_needed": ["DE"],
        "lane_destinations_needed": ["DE", "GB"],
    },
    PLATFORM: {
        "services_offered": ["marketing", "store_operation"],
        "channels_offered": ["marketplace", "social_commerce"],
        "merchant_min_volume_band": "1m_5m",
        "required_certifications": ["CE"],
        "requires_own_brand": "on",
        "incentives_zh": "首三个月免佣金",
        "incentives_en": "No commission for the first three months",
        "merchant_count_band": "10k_100k",
        "supports_brands_overseas": "on",
    },
    PROVIDER: {
        "services_offered": ["overseas_warehouse", "logistics", "customs"],
        "certifications": ["AEO"],
        "certifications_other": "IATA cargo agent",
    },
}
# Relations as the profile stores them (codes), per kind, after posting KIND_DATA.
EXPECTED_RELATIONS = {
    EXPORTER: {
        "certifications": {"CE", "FSC"},
        "current_market_countries": {"US", "JP"},
        "warehouse_countries_needed": {"DE"},
        "lane_destinations_needed": {"DE", "GB"},
    },
    PLATFORM: {"required_certifications": {"CE"}},
    PROVIDER: {"certifications": {"AEO"}},
}


def profile_data(kind: str, **overrides) -> dict:
    return {**COMMON_DATA, **KIND_DATA[kind], **overrides}


def codes(related) -> set[str]:
    return set(related.values_list("code", flat=True))


# --- The profile form -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", [EXPORTER, PLATFORM, PROVIDER])
def test_every_kind_saves_all_its_fields_and_relations(client, kind, taxonomy):
    organization, owner = owner_of(kind)
    client.force_login(owner)
    data = profile_data(kind)
    response = client.post(en("profile_edit"), data)
    assert response.status_code == 302, response.context["form"].errors
    profile = Profile.objects.get(organization=organization)
    assert profile.data_version == 2  # one service call, one change
    booleans = {"requires_own_brand", "supports_brands_overseas"}
    for name in profile_fields(kind):
        stored = getattr(profile, name)
        if name in booleans:
            assert stored is True, name
        elif name == "years_cross_border":
            assert stored == 5
        elif name in ("description_zh", "description_en"):
            assert stored == data[name]  # allowed markup is kept as typed
        else:
            assert stored == data[name], name
    assert codes(profile.hs_headings) == {"9401", "9403"}
    assert codes(profile.market_regions) == {"EU"}
    assert codes(profile.market_countries) == {"GB"}
    for name, expected in EXPECTED_RELATIONS[kind].items():
        assert codes(getattr(profile, name)) == expected, name
    assert set(profile_relations(kind)) == {
        "hs_headings",
        "market_countries",
        "market_regions",
        *EXPECTED_RELATIONS[kind],
    }

    # The form comes back filled with what was saved; sending it again changes nothing.
    form = client.get(en("profile_edit")).context["form"]
    assert form["hs_headings"].value() == "9401 9403"
    assert set(form["markets"].value()) == {"EU", "GB"}
    resent = {name: form[name].value() for name in form.fields}
    resent = {name: value for name, value in resent.items() if value not in (None, False)}
    assert client.post(en("profile_edit"), resent).status_code == 302
    again = Profile.objects.get(organization=organization)
    for name in profile_fields(kind):
        assert getattr(again, name) == getattr(profile, name), name
    for name in EXPECTED_RELATIONS[kind]:
        assert codes(getattr(again, name)) == EXPECTED_RELATIONS[kind][name]


@pytest.mark.parametrize("kind", [EXPORTER, PLATFORM, PROVIDER])
def test_each_field_of_a_kind_is_in_exactly_one_fieldset(kind, taxonomy):
    form = profile_form_class(kind)()
    fieldsets = form.fieldsets()
    placed = [field.name for fieldset in fieldsets for field in fieldset.fields]
    assert sorted(placed) == sorted(form.fields)
    assert all(fieldset.fields for fieldset in fieldsets)
    with translation.override("en"):
        assert [str(fieldset.legend) for fieldset in fieldsets][:2] == [
            "About",
            "Markets and products",
        ]
        assert [str(fieldset.legend) for fieldset in fieldsets][-2:] == ["Contact", "Visibility"]


def test_a_field_of_another_kind_is_not_taken(client, taxonomy):
    platform, owner = owner_of(PLATFORM)
    client.force_login(owner)
    response = client.post(
        en("profile_edit"),
        profile_data(PLATFORM, export_volume_band="over_100m", certifications=["CE"]),
    )
    assert response.status_code == 302
    profile = Profile.objects.get(organization=platform)
    assert profile.export_volume_band == ""
    assert not profile.certifications.exists()
    assert codes(profile.required_certifications) == {"CE"}


def test_a_platform_offers_sales_channels_through_the_form(client, taxonomy):
    platform, owner = owner_of(PLATFORM)
    client.force_login(owner)
    page = client.get(en("profile_edit")).content.decode()
    assert "Sales channels offered" in page
    assert "exporters wanting these channels are suggested to you" in page
    assert 'name="channels_offered" value="independent_site"' in page

    response = client.post(
        en("profile_edit"), profile_data(PLATFORM, channels_offered=["b2b", "distributor"])
    )

    assert response.status_code == 302, response.context["form"].errors
    assert Profile.objects.get(organization=platform).channels_offered == ["b2b", "distributor"]
    fieldsets = profile_form_class(PLATFORM)().fieldsets()
    (merchants,) = [
        fieldset for fieldset in fieldsets if "services_offered" in fieldset_names(fieldset)
    ]
    names = fieldset_names(merchants)
    assert names[names.index("services_offered") + 1] == "channels_offered"


def fieldset_names(fieldset) -> list[str]:
    return [field.name for field in fieldset.fields]


@pytest.mark.parametrize("kind", [EXPORTER, PROVIDER])
def test_only_platforms_are_asked_for_the_channels_they_offer(client, kind, taxonomy):
    organization, owner = owner_of(kind)
    assert "channels_offered" not in profile_form_class(kind)().fields
    client.force_login(owner)
    response = client.post(en("profile_edit"), profile_data(kind, channels_offered=["marketplace"]))
    assert response.status_code == 302
    assert Profile.objects.get(organization=organization).channels_offered == []


def test_an_unknown_sales_channel_is_refused_on_the_form(client, taxonomy):
    platform, owner = owner_of(PLATFORM)
    client.force_login(owner)
    response = client.post(
        en("profile_edit"), profile_data(PLATFORM, channels_offered=["marketplace", "telepathy"])
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["channels_offered"]
    assert "telepathy is not one of the available choices" in str(errors["channels_offered"])
    assert not Profile.objects.filter(organization=platform).exists()


def test_the_profile_page_shows_the_sales_channels_offered_in_both_languages(client, taxonomy):
    platform, owner = owner_of(PLATFORM)
    services.profile_update(
        organization=platform,
        by=owner,
        summary_zh="跨境电商平台",
        channels_offered=["social_commerce", "marketplace"],
    )
    expected = {
        # The labels in the order of the choices, whatever order they were stored in.
        "en": "<dt>Sales channels offered</dt>"
        "<dd>Marketplace platforms、Social commerce and live streaming</dd>",
        "zh-hans": "<dd>第三方电商平台、社交电商与直播电商</dd>",
    }
    for language, text in expected.items():
        with translation.override(language):
            url = reverse("matchmaking:organization_profile", args=[platform.pk])
        page = client.get(url).content.decode()
        assert text in page, language


def test_invalid_input_rerenders_with_messages_and_saves_nothing(
    client, organization, owner, taxonomy
):
    client.force_login(owner)
    response = client.post(
        en("profile_edit"),
        profile_data(
            EXPORTER,
            hs_headings="9403 94O1 12",
            contact_email="wang at example",
            certifications=["CE", "NOT_A_CERTIFICATION"],
            languages=["zh", "tlh"],
            markets=["EU", "ATLANTIS"],
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"hs_headings", "contact_email", "certifications", "languages", "markets"}
    assert "94O1" in str(errors["hs_headings"])
    page = response.content.decode()
    assert "The profile was not saved" in page
    assert "实木家具，年产二十万件" in page  # what was typed is kept
    assert not Profile.objects.filter(organization=organization).exists()

    services.profile_update(organization=organization, by=owner, summary_zh="原来的")
    response = client.post(en("profile_edit"), profile_data(EXPORTER, hs_headings="9410"))
    assert "9410" in str(response.context["form"].errors["hs_headings"])
    profile = Profile.objects.get(organization=organization)
    assert (profile.summary_zh, profile.data_version) == ("原来的", 2)
    assert not profile.certifications.exists()


def test_a_service_refusal_lands_on_the_fields_it_names(taxonomy):
    """The service has the last word (it validates again inside its transaction); its errors
    are shown on the form, a market relation on the one markets list."""
    form = profile_form_class(EXPORTER)(profile_data(EXPORTER))
    assert form.is_valid(), form.errors
    form.add_service_errors(
        ValidationError(
            {
                "market_regions": ValidationError("no such region"),
                "contact_email": ValidationError("bounced"),
                "not_a_form_field": ValidationError("elsewhere"),
            }
        )
    )
    assert form.errors["markets"] == ["no such region"]
    assert form.errors["contact_email"] == ["bounced"]
    assert form.non_field_errors() == ["elsewhere"]


def test_script_in_any_field_is_stored_clean_and_rendered_escaped(
    client, organization, owner, taxonomy
):
    client.force_login(owner)
    text_fields = [
        name
        for name in profile_fields(EXPORTER)
        if name not in ("visibility", "languages", "channels_wanted", "services_needed")
        and name not in ("export_volume_band", "years_cross_border", "contact_email")
    ]
    for payload in XSS_PAYLOADS:
        data = profile_data(EXPORTER, **dict.fromkeys(text_fields, payload))
        data["description_zh"] = "<p>好</p>" + "".join(XSS_PAYLOADS)
        data["description_en"] = "".join(XSS_PAYLOADS) + "<p>fine</p>"
        response = client.post(en("profile_edit"), data)
        assert response.status_code == 302, response.context["form"].errors
        profile = Profile.objects.get(organization=organization)
        for description in (profile.description_zh, profile.description_en):
            lowered = description.lower()
            for dangerous in ("<script", "onerror", "onload", "javascript:", "<svg", "<img"):
                assert dangerous not in lowered, (dangerous, description)
        assert "<p>好</p>" in profile.description_zh
        for name in text_fields:
            if not name.startswith("description"):
                assert getattr(profile, name) == payload  # plain text is kept as typed...
        page = client.get(en("profile_edit")).content.decode()
        assert payload not in page  # ...and shown escaped
        assert "&lt;" in page
    assert 'href="javascript' not in page
    assert "<svg onload" not in page


def test_the_editor_is_served_from_local_static_files(client, owner, taxonomy):
    client.force_login(owner)
    page = client.get(en("profile_edit")).content.decode()
    assert "data-django-prose-editor-configurable" in page
    assert "/static/django_prose_editor/editor.js" in page
    assert "/static/django_prose_editor/configurable.js" in page
    assert "//cdn" not in page and "unpkg" not in page
    for path in ("django_prose_editor/editor.js", "django_prose_editor/configurable.js"):
        assert finders.find(path)


# --- Permissions --------------------------------------------------------------------------------


def test_members_see_the_profile_read_only_and_cannot_post(client, organization, member, taxonomy):
    client.force_login(member)
    response = client.get(en("profile_edit"))
    assert response.status_code == 200
    assert response.context["form"] is None
    page = response.content.decode()
    assert 'data-testid="read-only"' in page
    assert en("organization_profile", organization.pk) in page
    assert client.post(en("profile_edit"), profile_data(EXPORTER)).status_code == 403
    assert client.get(en("product_create")).status_code == 403
    assert not Profile.objects.filter(organization=organization).exists()


def test_administrators_edit(client, organization, org_admin, taxonomy):
    client.force_login(org_admin)
    assert client.post(en("profile_edit"), profile_data(EXPORTER)).status_code == 302
    assert Profile.objects.get(organization=organization).summary_en


def test_anonymous_visitors_are_sent_to_sign_in(client, organization, owner, taxonomy):
    product = services.product_create(
        organization=organization,
        by=owner,
        hs_heading=HSHeading.objects.get(code="9403"),
        name_zh="餐桌",
    )
    for url in (
        en("profile_edit"),
        en("product_create"),
        en("product_edit", product.pk),
        en("coverage_edit"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]
    response = client.post(en("product_delete", product.pk))
    assert response.status_code == 302 and "login" in response["Location"]
    assert Product.objects.filter(pk=product.pk).exists()


def test_outsiders_edit_only_their_own_organization(
    client, organization, owner, outsider, taxonomy
):
    product = services.product_create(
        organization=organization,
        by=owner,
        hs_heading=HSHeading.objects.get(code="9403"),
        name_zh="餐桌",
    )
    provider, provider_owner = owner_of(PROVIDER)
    site = services.warehouse_add(
        organization=provider,
        by=provider_owner,
        country=Country.objects.get(code="DE"),
        city="Hamburg",
    )
    lane = services.lane_add(
        organization=provider,
        by=provider_owner,
        origin=Country.objects.get(code="CN"),
        destination=Country.objects.get(code="DE"),
        mode="rail",
    )
    client.force_login(outsider)
    assert client.get(en("product_edit", product.pk)).status_code == 404
    assert client.get(en("product_delete", product.pk)).status_code == 404
    assert client.post(en("product_delete", product.pk)).status_code == 404
    assert client.post(en("warehouse_remove", site.pk)).status_code == 404
    assert client.post(en("lane_remove", lane.pk)).status_code == 404
    assert Product.objects.filter(pk=product.pk).exists()
    assert WarehouseSite.objects.filter(pk=site.pk).exists()
    assert LogisticsLane.objects.filter(pk=lane.pk).exists()
    # /me/profile/ is the outsider's own organization's profile, never ours.
    assert client.post(en("profile_edit"), profile_data(EXPORTER)).status_code == 302
    assert not Profile.objects.get(organization=organization).summary_zh
    theirs = outsider.memberships.get().organization
    assert Profile.objects.get(organization=theirs).summary_zh == COMMON_DATA["summary_zh"]


def test_a_bureau_is_told_it_has_no_profile(bureau_client):
    with translation.override("en"):
        response = bureau_client.get(en("profile_edit"))
    assert response.status_code == 200
    assert "has no capability profile" in response.content.decode()
    assert bureau_client.post(en("profile_edit"), {"summary_zh": "x"}).status_code == 200
    assert not Profile.objects.exists()


# --- Completeness ------------------------------------------------------------------------------


def test_the_completeness_score_rises_as_fields_are_added(client, organization, owner, taxonomy):
    client.force_login(owner)
    response = client.get(en("profile_edit"))
    empty = response.context["completeness"]
    assert empty.score == 0
    page = response.content.decode()
    assert "Add these to be matched more often" in page
    assert 'value="0"' in page  # the progress bar

    client.post(en("profile_edit"), {"visibility": "public", "summary_zh": "实木家具"})
    some = client.get(en("profile_edit")).context["completeness"]
    assert some.score > empty.score
    assert len(some.missing) < len(empty.missing)

    client.post(en("profile_edit"), profile_data(EXPORTER))
    response = client.get(en("profile_edit"))
    more = response.context["completeness"]
    assert more.score > some.score
    assert more.score == Profile.objects.get(organization=organization).completeness
    missing = [str(label) for label in more.missing]
    assert "at least one product" in missing
    assert "at least one product" in response.content.decode()


# --- Products -----------------------------------------------------------------------------------


def png(size=(120, 80), padding: int = 0) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#8a5a2b").save(buffer, format="PNG")
    # Bytes after the image's end are ignored by decoders but count towards the file size.
    return SimpleUploadedFile(
        "table.png", buffer.getvalue() + b"\0" * padding, content_type="image/png"
    )


def product_data(**overrides) -> dict:
    return {
        "name_zh": "实木餐桌",
        "name_en": "Solid wood dining table",
        "hs_heading": "9403",
        "description_zh": "橡木，可定制尺寸",
        "description_en": "Oak, made to measure",
        **overrides,
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_exporter_adds_edits_and_deletes_a_product(client, organization, owner, media, taxonomy):
    client.force_login(owner)
    response = client.post(en("product_create"), product_data(photo=png()))
    assert response.status_code == 302
    product = Product.objects.get()
    assert product.profile.organization == organization
    assert product.hs_heading_id == "9403"
    assert product.photo.name.startswith("products/") and product.photo.name.endswith(".png")
    page = client.get(en("profile_edit")).content.decode()
    assert "Solid wood dining table" in page and product.photo.url in page

    form = client.get(en("product_edit", product.pk)).context["form"]
    assert form["hs_heading"].value() == "9403"
    response = client.post(
        en("product_edit", product.pk), product_data(name_en="Oak table", hs_heading="9401")
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name_en, product.hs_heading_id) == ("Oak table", "9401")
    assert product.photo  # kept when no new file is sent

    response = client.post(en("product_edit", product.pk), product_data(**{"photo-clear": "on"}))
    assert response.status_code == 302
    product.refresh_from_db()
    assert not product.photo

    assert client.get(en("product_delete", product.pk)).status_code == 200  # asks first
    assert Product.objects.exists()
    assert client.post(en("product_delete", product.pk)).status_code == 302
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hs_heading": "12"}, "hs_heading"),
        ({"hs_heading": "9410"}, "hs_heading"),
        ({"hs_heading": "9401 9403"}, "hs_heading"),
        ({"hs_heading": ""}, "hs_heading"),
        ({"name_zh": "", "name_en": ""}, None),
    ],
)
def test_invalid_products_rerender_and_save_nothing(
    client, owner, media, taxonomy, overrides, field
):
    client.force_login(owner)
    response = client.post(en("product_create"), product_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors[field] if field else form.non_field_errors()
    assert not Product.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(client, owner, media, taxonomy):
    client.force_login(owner)
    fake = SimpleUploadedFile("table.png", b"<script>alert(1)</script>", "image/png")
    response = client.post(en("product_create"), product_data(photo=fake))
    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    assert not Product.objects.exists()
    assert not any(media.rglob("*.*"))


def test_an_oversized_photo_is_refused_with_the_limit(client, owner, media, taxonomy):
    client.force_login(owner)
    big = png(padding=5 * 1024 * 1024)
    response = client.post(en("product_create"), product_data(photo=big))
    assert response.status_code == 200
    assert "too large" in str(response.context["form"].errors["photo"])
    assert not Product.objects.exists()


def test_an_oversized_photo_on_edit_keeps_the_old_one(client, organization, owner, media, taxonomy):
    client.force_login(owner)
    client.post(en("product_create"), product_data(photo=png()))
    product = Product.objects.get()
    stored = product.photo.name
    response = client.post(
        en("product_edit", product.pk),
        product_data(name_en="Changed", photo=png(padding=6_000_000)),
    )
    assert response.status_code == 200
    assert "too large" in str(response.context["form"].errors["photo"])
    assert f'src="/media/{stored}"' in response.content.decode()  # the stored photo, still
    product.refresh_from_db()
    assert (product.photo.name, product.name_en) == (stored, "Solid wood dining table")


def test_products_are_for_exporters_only(client, taxonomy):
    _platform, owner = owner_of(PLATFORM)
    client.force_login(owner)
    response = client.post(en("product_create"), product_data())
    assert response.status_code == 302
    assert response["Location"] == en("profile_edit")
    assert not Product.objects.exists()
    assert "product_create" not in client.get(en("profile_edit")).content.decode()


# --- Coverage -----------------------------------------------------------------------------------


def test_a_provider_lists_and_removes_warehouses_and_lanes(client, taxonomy):
    provider, owner = owner_of(PROVIDER)
    client.force_login(owner)
    url = en("coverage_edit")
    response = client.post(
        url,
        {
            "add_warehouse": "",
            "warehouse-country": "DE",
            "warehouse-city": "Hamburg",
            "warehouse-capacity_m2": "12000",
        },
    )
    assert response.status_code == 302
    site = WarehouseSite.objects.get()
    assert (site.country_id, site.city, site.capacity_m2) == ("DE", "Hamburg", 12000)

    lane = {"add_lane": "", "lane-origin": "CN", "lane-destination": "DE", "lane-mode": "rail"}
    assert client.post(url, lane).status_code == 302
    response = client.post(url, lane)  # the same lane again
    assert response.status_code == 200
    assert "already listed" in response.content.decode()
    assert LogisticsLane.objects.count() == 1
    page = client.get(url).content.decode()
    assert "Hamburg" in page and "Rail freight" in page

    response = client.post(url, {**lane, "lane-mode": "teleport", "lane-origin": "XX"})
    assert response.status_code == 200
    assert set(response.context["lane_form"].errors) == {"origin", "mode"}
    response = client.post(
        url,
        {
            "add_warehouse": "",
            "warehouse-country": "FR",
            "warehouse-city": "Lyon",
            "warehouse-capacity_m2": "-5",
        },
    )
    assert "capacity_m2" in response.context["warehouse_form"].errors
    assert WarehouseSite.objects.count() == 1

    profile = Profile.objects.get(organization=provider)
    version = profile.data_version
    lane_pk = LogisticsLane.objects.get().pk
    assert client.post(en("lane_remove", lane_pk)).status_code == 302
    assert client.get(en("lane_remove", lane_pk)).status_code in (404, 405)
    assert client.post(en("warehouse_remove", site.pk)).status_code == 302
    assert not LogisticsLane.objects.exists() and not WarehouseSite.objects.exists()
    profile.refresh_from_db()
    assert profile.data_version == version + 2


def test_platforms_list_warehouses_but_not_lanes(client, taxonomy):
    _platform, owner = owner_of(PLATFORM)
    client.force_login(owner)
    response = client.get(en("coverage_edit"))
    assert response.status_code == 200
    assert response.context["lane_form"] is None
    assert 'name="add_lane"' not in response.content.decode()
    response = client.post(
        en("coverage_edit"),
        {"add_lane": "", "lane-origin": "CN", "lane-destination": "DE", "lane-mode": "sea"},
    )
    assert response.status_code == 200
    assert not LogisticsLane.objects.exists()


def test_exporters_have_no_coverage_page(client, owner, taxonomy):
    client.force_login(owner)
    response = client.get(en("coverage_edit"))
    assert response.status_code == 302
    assert response["Location"] == en("profile_edit")


def test_members_see_coverage_read_only(client, taxonomy):
    provider, owner = owner_of(PROVIDER)
    colleague = MembershipFactory(organization=provider, role=MembershipRole.MEMBER).user
    site = services.warehouse_add(
        organization=provider, by=owner, country=Country.objects.get(code="DE"), city="Hamburg"
    )
    client.force_login(colleague)
    page = client.get(en("coverage_edit")).content.decode()
    assert "Hamburg" in page and 'name="add_warehouse"' not in page
    post = {"add_warehouse": "", "warehouse-country": "FR", "warehouse-city": "Lyon"}
    assert client.post(en("coverage_edit"), post).status_code == 403
    assert client.post(en("warehouse_remove", site.pk)).status_code == 403
    assert WarehouseSite.objects.count() == 1


def test_the_profile_page_queries_do_not_grow_with_products(
    client, organization, owner, media, taxonomy
):
    client.force_login(owner)
    client.post(en("profile_edit"), profile_data(EXPORTER))

    def queries_of_the_page() -> int:
        client.get(en("profile_edit"))  # shows (and clears) the message of the last save
        with CaptureQueriesContext(connection) as queries:
            assert client.get(en("profile_edit")).status_code == 200
        return len(queries)

    client.post(en("product_create"), product_data(photo=png()))
    with_one = queries_of_the_page()
    for number in range(5):
        client.post(en("product_create"), product_data(name_zh=f"产品{number}", photo=png()))
    assert Product.objects.count() == 6
    assert queries_of_the_page() == with_one
