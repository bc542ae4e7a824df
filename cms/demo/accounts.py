"""Demo users and organizations, created through the same services the site uses."""

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts import services as account_services
from accounts.models import MembershipRole, Organization, OrganizationKind, User
from accounts.validators import CREDIT_CODE_ALPHABET, credit_code_check_character
from cms.demo import organizations as data

DEMO_PASSWORD = "demo-Beijing-2026"
DEMO_DOMAIN = "demo.example.cn"

# The logins printed at the end of `load_demo`: one per role.
ROLE_LOGINS = {
    "exporter": ("exporter@demo.example.cn", "jingnan-furniture", MembershipRole.OWNER),
    "exporter_admin": ("exporter.admin@demo.example.cn", "jingnan-furniture", MembershipRole.ADMIN),
    "exporter_member": (
        "exporter.member@demo.example.cn",
        "jingnan-furniture",
        MembershipRole.MEMBER,
    ),
    "platform": ("platform@demo.example.cn", "globalpick", MembershipRole.OWNER),
    "service_provider": ("provider@demo.example.cn", "eurodepot", MembershipRole.OWNER),
    "bureau_staff": ("bureau@demo.example.cn", "commerce-bureau", MembershipRole.MEMBER),
}
DEMO_NAMES = {
    "exporter@demo.example.cn": "王建国",
    "exporter.admin@demo.example.cn": "李娜",
    "exporter.member@demo.example.cn": "赵磊",
    "platform@demo.example.cn": "陈思远",
    "provider@demo.example.cn": "刘洋",
    "bureau@demo.example.cn": "孙静",
}
SITE_ADMIN_EMAIL = "admin@demo.example.cn"


def demo_credit_code(district: str, serial: int) -> str:
    """A well-formed code: enterprise (91), the district's division code, "MA" + serial."""
    serial_chars = ""
    for _ in range(7):
        serial, index = divmod(serial, len(CREDIT_CODE_ALPHABET))
        serial_chars = CREDIT_CODE_ALPHABET[index] + serial_chars
    body = "91" + data.DISTRICT_DIVISION[district] + "MA" + serial_chars
    return body + credit_code_check_character(body)


def demo_user(email: str, *, full_name: str = "", superuser: bool = False) -> User:
    """A user with a verified e-mail address and the demo password (created once)."""
    user = User.objects.filter(email=email).first()
    if user is None:
        create = User.objects.create_superuser if superuser else User.objects.create_user
        user = create(
            email=email, password=DEMO_PASSWORD, full_name=full_name or DEMO_NAMES.get(email, "")
        )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _organization(
    *, kind: str, row: tuple, serial: int, owner_email: str, by: User
) -> Organization:
    district, name_zh, name_en, slug = row
    code = demo_credit_code(district, serial)
    organization = Organization.objects.filter(credit_code=code).first()
    if organization is None:
        owner = demo_user(owner_email)
        organization = account_services.organization_create(
            user=owner,
            kind=kind,
            name_zh=name_zh,
            name_en=name_en,
            credit_code=code,
            district=district,
            website=f"https://www.{slug}.example.cn",
        )
    if organization.verification_state == "pending" and slug not in data.PENDING_SLUGS:
        rejection = data.REJECTED_SLUGS.get(slug)
        account_services.organization_set_verification(
            organization=organization,
            by=by,
            state="rejected" if rejection else "verified",
            note=rejection or "",
        )
    return organization


def _add_member(*, organization: Organization, email: str, role: str, by: User) -> None:
    user = demo_user(email)
    if user.memberships.filter(organization=organization).exists():
        return
    invitation = account_services.invitation_create(
        organization=organization, by=by, email=email, role=role
    )
    account_services.invitation_accept(invitation=invitation, user=user)


@transaction.atomic
def load_accounts() -> dict[str, Organization]:
    """Create (once) the bureau, 43 companies and the role logins. Returns organizations by slug."""
    site_admin = demo_user(SITE_ADMIN_EMAIL, full_name="平台管理员", superuser=True)
    by_slug: dict[str, Organization] = {}
    by_slug[data.BUREAU[3]] = _organization(
        kind=OrganizationKind.BUREAU,
        row=data.BUREAU,
        serial=1,
        owner_email=SITE_ADMIN_EMAIL,
        by=site_admin,
    )
    groups = [
        (OrganizationKind.EXPORTER, data.EXPORTERS, 1000),
        (OrganizationKind.PLATFORM, data.PLATFORMS, 2000),
        (OrganizationKind.SERVICE_PROVIDER, data.SERVICE_PROVIDERS, 3000),
    ]
    role_owner = {slug: email for email, slug, role in ROLE_LOGINS.values() if role == "owner"}
    for kind, rows, first_serial in groups:
        for offset, row in enumerate(rows):
            slug = row[3]
            by_slug[slug] = _organization(
                kind=kind,
                row=row,
                serial=first_serial + offset,
                owner_email=role_owner.get(slug, f"owner@{slug}.example.cn"),
                by=site_admin,
            )
    for email, slug, role in ROLE_LOGINS.values():
        if role != MembershipRole.OWNER:
            organization = by_slug[slug]
            owner = organization.memberships.filter(role=MembershipRole.OWNER).first().user
            _add_member(organization=organization, email=email, role=role, by=owner)
    return by_slug
