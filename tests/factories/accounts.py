import secrets

import factory
from allauth.account.models import EmailAddress

from accounts.models import (
    Invitation,
    Membership,
    MembershipRole,
    Organization,
    OrganizationKind,
    User,
    VerificationState,
)
from accounts.validators import credit_code_check_character

PASSWORD = "correct-horse-battery-7"


def credit_code(serial: int) -> str:
    """A valid unified social credit code for a Beijing company, unique per serial number."""
    body = f"91110105{serial:09d}"  # enterprise, Beijing Chaoyang, organization code
    return body + credit_code_check_character(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """A verified primary address, as after allauth's e-mail confirmation."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)
        if create:
            self.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = OrganizationKind.EXPORTER
    name_zh = factory.Sequence(lambda n: f"北京测试贸易有限公司{n}")
    name_en = factory.Sequence(lambda n: f"Beijing Test Trading Co. {n}")
    credit_code = factory.Sequence(credit_code)
    district = "chaoyang"
    verification_state = VerificationState.VERIFIED


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = MembershipRole.MEMBER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = MembershipRole.MEMBER
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
