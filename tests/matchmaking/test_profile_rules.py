"""Rules every write path shares because the model or the services hold them (found in review):
text without control characters, long texts that fit a spreadsheet cell, bounded numbers, lanes
that cross a border, empty editor markup, no new data version for an update that changes
nothing, and an admin that deletes nothing."""

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from accounts.models import MembershipRole, OrganizationKind
from matchmaking import services
from matchmaking.models import DESCRIPTION_MAX_LENGTH, Post, Profile
from taxonomy.models import Country, HSHeading
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("character", ["\x00", "\x0b", "\x1b", "\x08"])
def test_control_characters_are_refused_with_the_field_named(organization, owner, character):
    with pytest.raises(ValidationError) as refused:
        services.profile_update(
            organization=organization, by=owner, summary_en=f"Solid wood{character}furniture"
        )
    assert "summary_en" in refused.value.message_dict
    assert not Profile.objects.filter(summary_en__contains="Solid").exists()


def test_line_breaks_and_tabs_are_fine(organization, owner):
    services.profile_update(organization=organization, by=owner, description_zh="第一行\n\t第二行")
    assert "第一行\n\t第二行" in Profile.objects.get(organization=organization).description_zh


def test_control_characters_are_refused_in_posts_and_products(organization, owner, taxonomy):
    with pytest.raises(ValidationError):
        services.post_create(organization=organization, by=owner, kind="supply", title_zh="a\x0cb")
    assert not Post.objects.exists()
    with pytest.raises(ValidationError):
        services.product_create(
            organization=organization,
            by=owner,
            hs_heading=HSHeading.objects.get(code="9403"),
            name_en="Table\x07",
        )


def test_long_texts_stay_below_a_spreadsheet_cell(organization, owner):
    assert DESCRIPTION_MAX_LENGTH < 32_767
    with pytest.raises(ValidationError) as refused:
        services.profile_update(
            organization=organization,
            by=owner,
            description_en="<p>" + "x" * DESCRIPTION_MAX_LENGTH + "</p>",
        )
    assert "description_en" in refused.value.message_dict


def test_years_of_experience_are_bounded(organization, owner):
    with pytest.raises(ValidationError) as refused:
        services.profile_update(organization=organization, by=owner, years_cross_border=30000)
    assert "years_cross_border" in refused.value.message_dict


def test_a_lane_goes_from_one_country_to_another(taxonomy):
    provider = OrganizationFactory(kind=OrganizationKind.SERVICE_PROVIDER)
    owner = MembershipFactory(organization=provider, role=MembershipRole.OWNER).user
    china = Country.objects.get(code="CN")
    with pytest.raises(ValidationError):
        services.lane_add(
            organization=provider, by=owner, origin=china, destination=china, mode="sea"
        )


def test_editor_markup_without_text_is_no_description(organization, owner):
    profile = services.profile_update(
        organization=organization,
        by=owner,
        description_zh="<p> </p>",
        description_en="<p><br></p>",
    )
    assert (profile.description_zh, profile.description_en) == ("", "")


def test_an_update_that_changes_nothing_keeps_the_data_version(organization, owner, taxonomy):
    headings = list(HSHeading.objects.filter(code__in=["9401", "9403"]))
    first = services.profile_update(
        organization=organization,
        by=owner,
        relations={"hs_headings": headings},
        summary_zh="实木家具",
    )
    again = services.profile_update(
        organization=organization,
        by=owner,
        relations={"hs_headings": list(reversed(headings))},
        summary_zh=" 实木家具 ",
    )
    assert again.data_version == first.data_version
    assert services.profile_update(organization=organization, by=owner).data_version == (
        first.data_version
    )
    changed = services.profile_update(organization=organization, by=owner, summary_zh="家具")
    assert changed.data_version == first.data_version + 1


def test_the_admin_deletes_nothing(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    checked = [
        model_admin
        for model_admin in site._registry.values()
        if model_admin.__module__ == "matchmaking.admin"
    ]
    assert len(checked) >= 3  # posts, profiles, API tokens: the loop cannot pass on nothing
    for model_admin in checked:
        assert not model_admin.has_delete_permission(request)


def test_replaced_and_deleted_photos_leave_no_file_behind(
    organization, owner, taxonomy, settings, tmp_path, django_capture_on_commit_callbacks
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path

    def photo() -> SimpleUploadedFile:
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), (200, 100, 50)).save(buffer, format="PNG")
        return SimpleUploadedFile("table.png", buffer.getvalue(), content_type="image/png")

    with django_capture_on_commit_callbacks(execute=True):
        product = services.product_create(
            organization=organization,
            by=owner,
            hs_heading=HSHeading.objects.get(code="9403"),
            name_en="Table",
            photo=photo(),
        )
    first = tmp_path / product.photo.name
    assert first.exists()
    with django_capture_on_commit_callbacks(execute=True):
        product = services.product_update(product=product, by=owner, photo=photo())
    second = tmp_path / product.photo.name
    assert second.exists() and not first.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.product_delete(product=product, by=owner)
    assert not second.exists()
