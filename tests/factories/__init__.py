"""factory_boy factories shared by the whole suite."""

from tests.factories.accounts import (
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    credit_code,
)

__all__ = [
    "InvitationFactory",
    "MembershipFactory",
    "OrganizationFactory",
    "UserFactory",
    "credit_code",
]
