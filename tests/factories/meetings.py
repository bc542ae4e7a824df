"""Organizations that may meet, their members, and meeting requests in any state.

Organizations are verified and active (OrganizationFactory's default); a request made here
skips the service, so tests of other transitions can start from any state.
"""

import datetime

import factory
from django.utils import timezone

from accounts.models import MembershipRole, OrganizationKind
from matchmaking.models import MeetingRequest, MeetingState, Profile
from tests.factories.accounts import MembershipFactory, OrganizationFactory


class ExporterFactory(OrganizationFactory):
    kind = OrganizationKind.EXPORTER


class PlatformFactory(OrganizationFactory):
    kind = OrganizationKind.PLATFORM
    name_zh = factory.Sequence(lambda n: f"北京测试跨境平台{n}")
    name_en = factory.Sequence(lambda n: f"Beijing Test Platform {n}")


class ServiceProviderFactory(OrganizationFactory):
    kind = OrganizationKind.SERVICE_PROVIDER
    name_zh = factory.Sequence(lambda n: f"北京测试海外仓{n}")
    name_en = factory.Sequence(lambda n: f"Beijing Test Warehousing {n}")


def member_of(organization, *, language: str = "zh-hans", role=MembershipRole.MEMBER):
    """A new user who belongs to `organization` and reads e-mails in `language`."""
    membership = MembershipFactory(
        organization=organization, role=role, user__preferred_language=language
    )
    return membership.user


def profile_with_contact(organization, **contact) -> Profile:
    """The organization's profile with a contact person (values may be overridden)."""
    values = {
        "contact_name": "王经理",
        "contact_title": "外贸部经理",
        "contact_phone": "13800000000",
        "contact_email": f"contact{organization.pk}@example.com",
        "contact_wechat": f"wechat{organization.pk}",
        **contact,
    }
    profile, _created = Profile.objects.get_or_create(organization=organization)
    Profile.objects.filter(pk=profile.pk).update(**values)
    profile.refresh_from_db()
    return profile


def in_days(days: float) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)


class MeetingRequestFactory(factory.django.DjangoModelFactory):
    """An exporter's pending request to a platform (awaiting the platform)."""

    class Meta:
        model = MeetingRequest

    requester = factory.SubFactory(ExporterFactory)
    receiver = factory.SubFactory(PlatformFactory)
    pair = factory.LazyAttribute(lambda o: MeetingRequest.pair_of(o.requester.pk, o.receiver.pk))
    state = MeetingState.PENDING
    awaiting = factory.LazyAttribute(lambda o: o.receiver)
    note = "我们想介绍我们的家具产品。"
    proposed_times = factory.LazyFunction(lambda: [in_days(3).isoformat(), in_days(4).isoformat()])
    expires_at = factory.LazyFunction(lambda: in_days(14))
