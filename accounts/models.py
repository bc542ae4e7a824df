import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from PIL import Image

from accounts.validators import IMAGE_FORMATS, validate_credit_code, validate_logo


class EmailUserManager(UserManager):
    """Users sign in with their e-mail address; there is no username to ask for."""

    use_in_migrations = True

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the e-mails you receive."),
    )
    active_organization = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("active organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name or self.email.split("@")[0]


class OrganizationKind(models.TextChoices):
    EXPORTER = "exporter", _("Exporter")
    PLATFORM = "platform", _("E-commerce platform")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    BUREAU = "bureau", _("Commerce bureau")


class District(models.TextChoices):
    """Beijing's sixteen districts and the economic-technological development area."""

    DONGCHENG = "dongcheng", _("Dongcheng")
    XICHENG = "xicheng", _("Xicheng")
    CHAOYANG = "chaoyang", _("Chaoyang")
    HAIDIAN = "haidian", _("Haidian")
    FENGTAI = "fengtai", _("Fengtai")
    SHIJINGSHAN = "shijingshan", _("Shijingshan")
    MENTOUGOU = "mentougou", _("Mentougou")
    FANGSHAN = "fangshan", _("Fangshan")
    TONGZHOU = "tongzhou", _("Tongzhou")
    SHUNYI = "shunyi", _("Shunyi")
    CHANGPING = "changping", _("Changping")
    DAXING = "daxing", _("Daxing")
    HUAIROU = "huairou", _("Huairou")
    PINGGU = "pinggu", _("Pinggu")
    MIYUN = "miyun", _("Miyun")
    YANQING = "yanqing", _("Yanqing")
    YIZHUANG = "yizhuang", _("Beijing Economic-Technological Development Area")


class VerificationState(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


def random_image_name(*, folder: str, file) -> str:
    """A random name with the extension of the format Pillow found in an image file that an
    ImageFileValidator already accepted.

    Neither the uploader's file name nor its extension is kept: a PNG sent as "x.html" must
    not be served as HTML.
    """
    with Image.open(file) as image:
        extension = IMAGE_FORMATS[image.format]
    file.seek(0)
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


def logo_upload_to(instance: "Organization", filename: str) -> str:
    return random_image_name(folder="logos", file=instance.logo.file)


class Organization(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("The 18-character code on the business licence (统一社会信用代码)."),
        error_messages={
            "unique": _("An organization with this unified social credit code already exists.")
        },
    )
    district = models.CharField(_("district"), max_length=20, choices=District.choices)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to=logo_upload_to,
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG, JPEG, WebP or GIF, at most 2 MB and 4000 pixels a side."),
    )
    verification_state = models.CharField(
        _("verification"),
        max_length=10,
        choices=VerificationState.choices,
        default=VerificationState.PENDING,
    )
    verification_note = models.TextField(_("verification note"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name_zh"]
        indexes = [models.Index(fields=["kind", "verification_state"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the current language, falling back to the Chinese name."""
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_zh

    @property
    def is_verified(self) -> bool:
        return self.verification_state == VerificationState.VERIFIED


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Administrator")
    MEMBER = "member", _("Member")


# Roles that may edit the organization and manage its members.
MANAGER_ROLES = (MembershipRole.OWNER, MembershipRole.ADMIN)


class Membership(models.Model):
    # PROTECT: deleting a user must not silently take an organization's last owner with it;
    # the admin shows the memberships to end first (through the services).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    created_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_unique_user_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"

    @property
    def can_manage(self) -> bool:
        return self.role in MANAGER_ROLES


def invitation_expiry():
    return timezone.now() + timezone.timedelta(days=14)


class Invitation(models.Model):
    """An e-mailed invitation to join an organization; accepted by a user holding that address."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class Notification(models.Model):
    """An in-app notice to one user ("Northwind accepted your meeting request").

    Any app may create one (accounts.services.notification_create). The text is stored as its
    untranslated message with named parameters and translated when shown, so each reader sees
    it in their own language: the app that sends it marks the message with gettext_noop.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("for organization"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    message = models.CharField(_("message"), max_length=300)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind}"
