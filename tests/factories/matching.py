"""Organizations with capability profiles, saved through the profile service as members would
save them (so data versions, completeness and prepared facts are what the app makes)."""

from accounts.models import MembershipRole
from matchmaking import services
from taxonomy.models import Country, HSHeading, Region
from tests.factories.accounts import MembershipFactory, OrganizationFactory


def organization_with_profile(
    kind, *, headings=(), countries=(), regions=(), name_zh=None, **fields
):
    """An organization of `kind` with an owner and a profile; returns (organization, owner)."""
    extra = {"name_zh": name_zh} if name_zh else {}
    organization = OrganizationFactory(kind=kind, **extra)
    owner = MembershipFactory(organization=organization, role=MembershipRole.OWNER).user
    services.profile_update(
        organization=organization,
        by=owner,
        relations={
            "hs_headings": list(HSHeading.objects.filter(code__in=headings)),
            "market_countries": list(Country.objects.filter(code__in=countries)),
            "market_regions": list(Region.objects.filter(code__in=regions)),
        },
        **fields,
    )
    return organization, owner
