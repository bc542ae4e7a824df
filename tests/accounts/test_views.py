import io
import os
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import Membership, Organization
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory, credit_code

pytestmark = pytest.mark.django_db


def image_upload(size=(200, 100), image_format="PNG", name="logo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#1d4e89").save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def create_data(**overrides):
    data = {
        "kind": "exporter",
        "name_zh": "北京丝路家居用品有限公司",
        "name_en": "Beijing Silk Road Home Goods Co., Ltd.",
        "credit_code": credit_code(42),
        "district": "tongzhou",
        "website": "https://silkroad-home.example.cn",
    }
    data.update(overrides)
    return data


def test_create_an_organization_with_a_logo(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:organization_create"), create_data(logo=image_upload())
    )
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert organization.logo.name.startswith("logos/")
    assert "logo" not in organization.logo.name.split("/")[-1]  # stored under a random name
    assert Membership.objects.get(organization=organization).user == user


def test_a_wrong_credit_code_rerenders_the_form_with_a_message_and_keeps_the_input(client):
    client.force_login(UserFactory())
    bad = credit_code(42)[:17] + ("0" if credit_code(42)[17] != "0" else "1")
    response = client.post(reverse("accounts:organization_create"), create_data(credit_code=bad))
    assert response.status_code == 200
    assert "校验码（最后一位）与代码其余部分不符" in response.content.decode()
    assert "北京丝路家居用品有限公司" in response.content.decode()
    assert not Organization.objects.exists()


def test_full_width_lowercase_credit_code_is_accepted(client):
    client.force_login(UserFactory())
    typed = (
        credit_code(43)
        .lower()
        .translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789abcdefghjklmnpqrtuwxy"})
    )
    response = client.post(reverse("accounts:organization_create"), create_data(credit_code=typed))
    assert response.status_code == 302
    assert Organization.objects.get().credit_code == credit_code(43)


def test_a_duplicate_credit_code_is_refused(client):
    OrganizationFactory(credit_code=credit_code(44))
    client.force_login(UserFactory())
    response = client.post(
        reverse("accounts:organization_create"), create_data(credit_code=credit_code(44))
    )
    assert response.status_code == 200
    assert "使用该统一社会信用代码的机构已存在" in response.content.decode()


def test_users_cannot_register_a_bureau(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:organization_create"), create_data(kind="bureau"))
    assert response.status_code == 200
    assert not Organization.objects.exists()


class TestLogoValidation:
    def post(self, client, logo):
        client.force_login(UserFactory())
        return client.post(reverse("accounts:organization_create"), create_data(logo=logo))

    def test_a_file_that_is_not_an_image(self, client):
        fake = SimpleUploadedFile("logo.png", b"<script>alert(1)</script>", "image/png")
        response = self.post(client, fake)
        assert response.status_code == 200
        assert response.context["form"].errors["logo"]
        assert not Organization.objects.exists()

    def test_an_oversized_file(self, client):
        buffer = io.BytesIO()
        # Random pixels do not compress: about 3 MB of PNG.
        Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000)).save(buffer, format="PNG")
        assert buffer.tell() > 2 * 1024 * 1024
        big = SimpleUploadedFile("big.png", buffer.getvalue(), "image/png")
        response = self.post(client, big)
        assert response.status_code == 200
        assert "图片文件过大" in str(response.context["form"].errors["logo"])
        assert not Organization.objects.exists()

    def test_a_decompression_bomb(self, client):
        # A 1-bit 20000×20000 PNG compresses to a few kilobytes and would decode to 400 Mpx.
        buffer = io.BytesIO()
        Image.new("1", (20000, 20000)).save(buffer, format="PNG", optimize=True)
        assert buffer.tell() < 200 * 1024
        bomb = SimpleUploadedFile("bomb.png", buffer.getvalue(), "image/png")
        response = self.post(client, bomb)
        assert response.status_code == 200
        assert response.context["form"].errors["logo"]
        assert not Organization.objects.exists()

    def test_too_many_pixels_below_pillows_own_limit(self, client):
        buffer = io.BytesIO()
        Image.new("1", (6000, 1000)).save(buffer, format="PNG")
        response = self.post(client, SimpleUploadedFile("wide.png", buffer.getvalue()))
        assert "4000" in str(response.context["form"].errors["logo"])


@pytest.fixture
def invite(client, organization, owner, django_capture_on_commit_callbacks):
    """Invite an address as the owner, through the page; returns the accept link's path."""

    def send(email: str) -> str:
        client.force_login(owner)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("accounts:invitation_create", args=[organization.pk]),
                {"email": email, "role": "member"},
            )
        client.logout()
        return re.search(r"http://127\.0\.0\.1:8000(\S+)", mail.outbox[-1].body).group(1)

    return send


def test_invitation_accept_page_for_a_signed_out_visitor_then_signed_in(
    client, organization, invite
):
    accept_url = invite("joiner@example.com")
    response = client.get(accept_url)
    assert response.status_code == 200
    assert reverse("account_signup") in response.content.decode()

    joiner = UserFactory(email="joiner@example.com")
    client.force_login(joiner)
    response = client.post(accept_url)
    assert response.status_code == 302
    assert Membership.objects.filter(user=joiner, organization=organization).exists()


def test_invitation_for_another_address_shows_why(client, invite):
    accept_url = invite("right@example.com")
    wrong = UserFactory(email="wrong@example.com")
    client.force_login(wrong)
    response = client.post(accept_url)
    assert response.status_code == 200
    assert "right@example.com" in response.context["error"]
    assert not Membership.objects.filter(user=wrong).exists()


def test_invalid_invitation_rerenders_the_page_with_the_error(client, organization, owner):
    client.force_login(owner)
    response = client.post(
        reverse("accounts:invitation_create", args=[organization.pk]),
        {"email": "not-an-address", "role": "member"},
    )
    assert response.status_code == 400
    assert response.context["invitation_form"].errors["email"]
    assert "not-an-address" in response.content.decode()


def test_switch_organization_from_the_header(client, organization, member):
    second = OrganizationFactory()
    MembershipFactory(user=member, organization=second, role="owner")
    client.force_login(member)
    response = client.post(
        reverse("accounts:organization_switch", args=[second.pk]), {"next": "/me/"}
    )
    assert response["Location"] == "/me/"
    member.refresh_from_db()
    assert member.active_organization == second
    response = client.post(
        reverse("accounts:organization_switch", args=[organization.pk]),
        {"next": "https://evil.example.com/"},
    )
    assert response["Location"] == reverse("dashboard")


def test_dashboard_empty_state(client):
    client.force_login(UserFactory())
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert reverse("accounts:organization_create") in response.content.decode()


def test_signup_sends_a_verification_email_and_login_waits_for_it(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "fresh@example.com",
            "password1": "Tr4de-Bridge-2026",
            "password2": "Tr4de-Bridge-2026",
        },
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert not EmailAddress.objects.get(email="fresh@example.com").verified


def test_a_logo_is_stored_under_the_extension_of_its_real_format(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(UserFactory())
    disguised = image_upload(name="logo.jpg")  # PNG bytes under another image extension
    client.post(reverse("accounts:organization_create"), create_data(logo=disguised))
    assert Organization.objects.get().logo.name.endswith(".png")


def test_a_file_named_like_a_web_page_is_refused(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("accounts:organization_create"), create_data(logo=image_upload(name="logo.html"))
    )
    assert response.status_code == 200
    assert response.context["form"].errors["logo"]


def test_clearing_the_logo_and_editing_with_a_missing_file(client, settings, tmp_path, owner):
    settings.MEDIA_ROOT = tmp_path
    organization = owner.memberships.get().organization
    organization.logo = image_upload()
    organization.save()
    client.force_login(owner)
    edit_url = reverse("accounts:organization_edit", args=[organization.pk])
    data = {"name_zh": organization.name_zh, "district": "haidian"}
    response = client.post(edit_url, data)  # the stored logo is kept, not re-validated
    assert response.status_code == 302
    (tmp_path / organization.logo.name).unlink()  # a file lost on disk is no reason for a 500
    response = client.post(edit_url, {**data, "name_en": "Renamed Ltd"})
    assert response.status_code == 302
    response = client.post(edit_url, {**data, "logo-clear": "on"})
    assert response.status_code == 302
    organization.refresh_from_db()
    assert not organization.logo


def test_a_credit_code_typed_with_spaces_and_hyphens_is_accepted(client):
    client.force_login(UserFactory())
    code = credit_code(45)
    typed = f"{code[:4]} {code[4:8]}-{code[8:12]} {code[12:]}"
    response = client.post(reverse("accounts:organization_create"), create_data(credit_code=typed))
    assert response.status_code == 302
    assert Organization.objects.get().credit_code == code
