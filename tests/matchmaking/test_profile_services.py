import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import MembershipRole, OrganizationKind
from matchmaking import selectors, services
from matchmaking.models import LogisticsLane, Profile
from taxonomy.models import Certification, Country, HSHeading, Region
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def organization_with_owner(kind: str):
    organization = OrganizationFactory(kind=kind)
    owner = MembershipFactory(organization=organization, role=MembershipRole.OWNER).user
    return organization, owner


def test_each_save_raises_the_data_version_and_stores_the_completeness(
    organization, owner, taxonomy
):
    first = services.profile_update(organization=organization, by=owner, summary_zh="实木家具")
    assert first.data_version == 2  # created at 1, then saved once
    assert first.completeness == selectors.profile_completeness_get(profile=first).score
    second = services.profile_update(
        organization=organization,
        by=owner,
        relations={"hs_headings": list(HSHeading.objects.filter(code__in=["9401", "9403"]))},
        summary_en="Solid wood furniture",
    )
    assert second.data_version == 3
    assert second.completeness > first.completeness
    stored = Profile.objects.get(organization=organization)
    assert stored.completeness == selectors.profile_completeness_get(profile=stored).score
    assert (stored.data_version, stored.summary_zh) == (3, "实木家具")  # kept: not passed


def test_children_raise_the_data_version_too(organization, owner, taxonomy):
    profile = services.profile_ensure(organization=organization)
    product = services.product_create(
        organization=organization,
        by=owner,
        hs_heading=HSHeading.objects.get(code="9403"),
        name_zh="实木餐桌",
    )
    profile.refresh_from_db()
    assert profile.data_version == 2
    assert profile.completeness == selectors.profile_completeness_get(profile=profile).score
    services.product_delete(product=product, by=owner)
    profile.refresh_from_db()
    assert profile.data_version == 3


@pytest.mark.parametrize(
    ("kind", "fields", "relations", "refused"),
    [
        (OrganizationKind.EXPORTER, {"services_offered": ["logistics"]}, {}, "services_offered"),
        (OrganizationKind.EXPORTER, {"incentives_zh": "免佣金"}, {}, "incentives_zh"),
        (OrganizationKind.PLATFORM, {"export_volume_band": "1m_5m"}, {}, "export_volume_band"),
        (OrganizationKind.PLATFORM, {}, {"certifications": []}, "certifications"),
        (
            OrganizationKind.SERVICE_PROVIDER,
            {},
            {"required_certifications": []},
            "required_certifications",
        ),
        (
            OrganizationKind.SERVICE_PROVIDER,
            {"channels_wanted": ["b2b"]},
            {},
            "channels_wanted",
        ),
        (OrganizationKind.EXPORTER, {"channels_offered": ["b2b"]}, {}, "channels_offered"),
        (
            OrganizationKind.SERVICE_PROVIDER,
            {"channels_offered": ["marketplace"]},
            {},
            "channels_offered",
        ),
    ],
)
def test_fields_of_another_kind_are_refused_by_name(kind, fields, relations, refused, taxonomy):
    organization, owner = organization_with_owner(kind)
    with pytest.raises(ValidationError) as caught:
        services.profile_update(
            organization=organization,
            by=owner,
            relations=relations,
            summary_zh="不应保存",
            **fields,
        )
    assert list(caught.value.error_dict) == [refused]
    assert caught.value.error_dict[refused][0].code == "field_not_for_kind"
    assert not Profile.objects.filter(organization=organization).exists()


def test_a_platform_offers_known_sales_channels_only(taxonomy):
    platform, owner = organization_with_owner(OrganizationKind.PLATFORM)
    with pytest.raises(ValidationError) as caught:
        services.profile_update(
            organization=platform, by=owner, channels_offered=["marketplace", "telepathy"]
        )
    assert list(caught.value.error_dict) == ["channels_offered"]
    with translation.override("en"):
        messages = caught.value.error_dict["channels_offered"][0].messages
    assert messages == ["Choose sales channels from the list."]
    assert not Profile.objects.filter(organization=platform).exists()

    profile = services.profile_update(
        organization=platform, by=owner, channels_offered=["marketplace", "b2b"]
    )
    assert Profile.objects.get(pk=profile.pk).channels_offered == ["marketplace", "b2b"]
    with translation.override("en"):
        labels = [str(label) for label in profile.channels_offered_labels()]
    assert labels == ["Marketplace platforms", "B2B wholesale platforms"]


def test_a_bureau_has_no_profile(bureau_staff):
    bureau = bureau_staff.memberships.get().organization
    with pytest.raises(ValidationError):
        services.profile_update(organization=bureau, by=bureau_staff, summary_zh="商务局")
    assert not Profile.objects.exists()


def test_members_and_outsiders_are_refused_bureau_staff_allowed(
    organization, member, outsider, bureau_staff, org_admin
):
    for user in (member, outsider):
        with pytest.raises(PermissionDenied):
            services.profile_update(organization=organization, by=user, summary_zh="越权")
    assert not Profile.objects.filter(organization=organization).exists()
    services.profile_update(organization=organization, by=bureau_staff, summary_zh="商务局更正")
    services.profile_update(organization=organization, by=org_admin, summary_en="Corrected")
    profile = Profile.objects.get(organization=organization)
    assert (profile.summary_zh, profile.summary_en) == ("商务局更正", "Corrected")


def test_members_cannot_touch_products_or_coverage(member, organization, taxonomy):
    heading = HSHeading.objects.get(code="9403")
    with pytest.raises(PermissionDenied):
        services.product_create(
            organization=organization, by=member, hs_heading=heading, name_zh="越权"
        )
    provider, _owner = organization_with_owner(OrganizationKind.SERVICE_PROVIDER)
    colleague = MembershipFactory(organization=provider, role=MembershipRole.MEMBER).user
    with pytest.raises(PermissionDenied):
        services.lane_add(
            organization=provider,
            by=colleague,
            origin=Country.objects.get(code="CN"),
            destination=Country.objects.get(code="DE"),
            mode="rail",
        )


def test_an_invalid_field_saves_no_relation(organization, owner, taxonomy):
    services.profile_update(organization=organization, by=owner, summary_zh="原来的")
    with pytest.raises(ValidationError) as caught:
        services.profile_update(
            organization=organization,
            by=owner,
            relations={"hs_headings": [HSHeading.objects.get(code="9403")]},
            summary_zh="新的",
            contact_email="not-an-address",
            languages=["zh", "xx"],
        )
    assert set(caught.value.error_dict) == {"contact_email", "languages"}
    profile = Profile.objects.get(organization=organization)
    assert (profile.summary_zh, profile.data_version) == ("原来的", 2)
    assert not profile.hs_headings.exists()


def test_an_invalid_relation_leaves_nothing_half_saved(organization, owner, taxonomy):
    services.profile_update(
        organization=organization,
        by=owner,
        summary_zh="原来的",
        relations={"certifications": [Certification.objects.get(code="CE")]},
    )
    with pytest.raises(TypeError):
        services.profile_update(
            organization=organization,
            by=owner,
            summary_zh="新的",
            relations={
                "hs_headings": [HSHeading.objects.get(code="9403")],
                "certifications": [Certification.objects.get(code="FSC")],
                # A region where countries belong: refused after the fields and the first
                # relations were written, so the transaction must undo them.
                "market_countries": [Region.objects.get(code="EU")],
            },
        )
    profile = Profile.objects.get(organization=organization)
    assert (profile.summary_zh, profile.data_version) == ("原来的", 2)
    assert not profile.hs_headings.exists()
    assert list(profile.certifications.values_list("code", flat=True)) == ["CE"]


def test_products_warehouses_and_lanes_only_for_their_kinds(taxonomy):
    platform, platform_owner = organization_with_owner(OrganizationKind.PLATFORM)
    with pytest.raises(ValidationError):
        services.product_create(
            organization=platform,
            by=platform_owner,
            hs_heading=HSHeading.objects.get(code="9403"),
            name_zh="平台不列产品",
        )
    with pytest.raises(ValidationError):
        services.lane_add(
            organization=platform,
            by=platform_owner,
            origin=Country.objects.get(code="CN"),
            destination=Country.objects.get(code="DE"),
            mode="sea",
        )
    exporter, exporter_owner = organization_with_owner(OrganizationKind.EXPORTER)
    with pytest.raises(ValidationError):
        services.warehouse_add(
            organization=exporter,
            by=exporter_owner,
            country=Country.objects.get(code="DE"),
            city="Hamburg",
        )
    assert (
        services.warehouse_add(
            organization=platform,
            by=platform_owner,
            country=Country.objects.get(code="DE"),
            city=" Hamburg ",
        ).city
        == "Hamburg"
    )


def test_a_duplicate_lane_is_a_validation_error(taxonomy):
    provider, owner = organization_with_owner(OrganizationKind.SERVICE_PROVIDER)
    lane = {
        "origin": Country.objects.get(code="CN"),
        "destination": Country.objects.get(code="DE"),
        "mode": "rail",
    }
    services.lane_add(organization=provider, by=owner, **lane)
    with pytest.raises(ValidationError):
        services.lane_add(organization=provider, by=owner, **lane)
    assert LogisticsLane.objects.count() == 1
