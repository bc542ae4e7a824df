"""Registering from the public site: who may, when, with which answers and documents; the
ticket, its QR code and cancelling."""

import datetime
import io
import uuid
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganizationKind, VerificationState
from events.models import ExpoCallPage, Registration, RegistrationState, TrainingPage
from events.services.registrations import registration_create
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.factories.events import event_publish, registrant

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

QUESTIONS = [
    {
        "type": "text",
        "value": {
            "label_zh": "拟展示的产品",
            "label_en": "Products to exhibit",
            "help_zh": "",
            "help_en": "",
            "required": True,
            "long": True,
        },
        "id": "q-products",
    },
    {
        "type": "choice",
        "value": {
            "label_zh": "展位需求",
            "label_en": "Booth",
            "help_zh": "",
            "help_en": "",
            "required": True,
            "choices_zh": "标准展位\n光地",
            "choices_en": "Standard booth\nRaw space",
            "multiple": False,
        },
        "id": "q-booth",
    },
    {
        "type": "document",
        "value": {
            "label_zh": "企业介绍",
            "label_en": "Brochure",
            "help_zh": "",
            "help_en": "",
            "required": True,
            "file_types": ["pdf"],
            "max_megabytes": 1,
        },
        "id": "q-brochure",
    },
]


def register_url(event) -> str:
    return event.url + "register/"


def form_data(**overrides) -> dict:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "accept_terms": "on",
        "attendees-TOTAL_FORMS": "3",
        "attendees-INITIAL_FORMS": "0",
        "attendees-MIN_NUM_FORMS": "1",
        "attendees-MAX_NUM_FORMS": "5",
        "attendees-0-name": "张三",
        "attendees-0-position": "外贸经理",
        "attendees-0-phone": "13800000000",
        "attendees-0-email": "zhang@example.com",
    }
    data.update(overrides)
    return data


def signed_in(client, kind=OrganizationKind.EXPORTER, **organization_fields):
    user, organization = registrant(kind, **organization_fields)
    client.force_login(user)
    return user, organization


def test_anonymous_visitors_are_sent_to_sign_in(client):
    event = event_publish()
    response = client.get(register_url(event))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_member_registers_and_gets_a_confirmed_ticket(client, mailoutbox):
    event = event_publish(places={OrganizationKind.EXPORTER: 2})
    _, organization = signed_in(client)
    response = client.get(register_url(event))
    assert response.status_code == 200
    response = client.post(register_url(event), form_data())
    registration = Registration.objects.get(organization=organization)
    assert response.status_code == 302
    assert response["Location"] == reverse("events:ticket", kwargs={"pk": registration.pk})
    assert registration.state == RegistrationState.CONFIRMED
    assert registration.attendees[0]["name"] == "张三"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert registration.ticket_code in page.content.decode()
    qr = client.get(reverse("events:ticket_qr", kwargs={"pk": registration.pk}))
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"


def test_a_double_submission_registers_once(client):
    event = event_publish()
    _, organization = signed_in(client)
    data = form_data()
    first = client.post(register_url(event), data)
    second = client.post(register_url(event), data)
    assert first["Location"] == second["Location"]
    assert Registration.objects.filter(organization=organization).count() == 1


def test_invalid_form_re_renders_with_messages_and_saves_nothing(client):
    event = event_publish()
    signed_in(client)
    data = form_data(**{"attendees-0-name": "", "accept_terms": ""})
    response = client.post(register_url(event), data)
    assert response.status_code == 200
    assert response.context["attendees"].non_form_errors() or any(
        response.context["attendees"].errors
    )
    assert "accept_terms" in response.context["form"].errors
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("organization_fields", "kind", "code"),
    [
        (
            {"verification_state": VerificationState.PENDING},
            OrganizationKind.EXPORTER,
            "not_verified",
        ),
        (
            {"verification_state": VerificationState.REJECTED},
            OrganizationKind.EXPORTER,
            "not_verified",
        ),
        ({}, OrganizationKind.PLATFORM, "not_eligible"),
    ],
)
def test_ineligible_organizations_are_told_why(client, organization_fields, kind, code):
    event = event_publish(places={OrganizationKind.EXPORTER: 5})
    signed_in(client, kind, **organization_fields)
    response = client.get(register_url(event))
    assert response.status_code == 200
    assert response.context["refusal"].code == code
    assert response.context["refusal"].message in response.content.decode()
    response = client.post(register_url(event), form_data())
    assert response.context["refusal"].code == code
    assert not Registration.objects.exists()


def test_an_inactive_organization_does_not_register(client):
    event = event_publish()
    signed_in(client, is_active=False)
    response = client.post(register_url(event), form_data())
    assert response.status_code == 302
    assert not Registration.objects.exists()


def test_the_deadline_is_enforced(client):
    event = event_publish(
        starts_in=datetime.timedelta(hours=5), closes_before_start=datetime.timedelta(hours=6)
    )
    signed_in(client)
    response = client.post(register_url(event), form_data())
    assert response.status_code == 200
    assert response.context["refusal"].code == "closed"
    assert not Registration.objects.exists()


def test_registration_not_yet_open(client):
    event = event_publish(registration_opens_at=timezone.now() + datetime.timedelta(days=2))
    signed_in(client)
    response = client.post(register_url(event), form_data())
    assert response.context["refusal"].code == "not_open"
    assert not Registration.objects.exists()


def test_only_members_register_their_organization():
    event = event_publish()
    outsider = UserFactory()
    organization = OrganizationFactory()
    with pytest.raises(PermissionDenied):
        registration_create(
            event=event, organization=organization, user=outsider, attendees=[{"name": "x"}]
        )
    assert not Registration.objects.exists()


def test_others_cannot_see_or_cancel_a_ticket(client):
    event = event_publish()
    user, organization = registrant()
    registration = registration_create(
        event=event, organization=organization, user=user, attendees=[{"name": "张三"}]
    )
    client.force_login(MembershipFactory().user)
    assert client.get(reverse("events:ticket", kwargs={"pk": registration.pk})).status_code == 404
    assert client.post(reverse("events:cancel", kwargs={"pk": registration.pk})).status_code == 404
    registration.refresh_from_db()
    assert registration.state == RegistrationState.CONFIRMED


def test_another_member_of_the_organization_sees_and_cancels_it(client):
    event = event_publish(places={OrganizationKind.EXPORTER: 1})
    user, organization = registrant()
    registration = registration_create(
        event=event, organization=organization, user=user, attendees=[{"name": "张三"}]
    )
    colleague = MembershipFactory(organization=organization).user
    client.force_login(colleague)
    response = client.post(reverse("events:cancel", kwargs={"pk": registration.pk}))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.state == RegistrationState.CANCELLED


def _expo_with_questions():
    return event_publish(ExpoCallPage, questions=QUESTIONS, expo="ciftis")


def test_expo_application_with_answers_and_a_document_goes_to_review(client):
    event = _expo_with_questions()
    _, organization = signed_in(client)
    data = form_data(
        **{
            "q_q-products": "实木餐桌",
            "q_q-booth": "1",
            "q_q-brochure": SimpleUploadedFile("brochure.pdf", PDF, "application/pdf"),
        }
    )
    response = client.post(register_url(event), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    registration = Registration.objects.get(organization=organization)
    assert registration.state == RegistrationState.PENDING
    assert registration.answers["q-booth"] == {"question": "展位需求", "answer": ["光地"]}
    document = registration.documents.get()
    assert document.file_type == "pdf"
    assert document.file.name.endswith(".pdf")
    assert "brochure" not in document.file.name
    download = client.get(
        reverse("events:document", kwargs={"pk": registration.pk, "document_pk": document.pk})
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("brochure.pdf", b"<html><script>alert(1)</script></html>", "file_type"),
        ("brochure.pdf", b"", "empty"),
        ("brochure.pdf", PDF + b"0" * (1024 * 1024), "too_large"),
        ("brochure.docx", _docx_bytes(), "file_type"),
        ("brochure.pdf", b"PK\x03\x04not really a zip", "file_type"),
    ],
)
def test_upload_validation(client, name, content, code):
    event = _expo_with_questions()
    signed_in(client)
    data = form_data(
        **{
            "q_q-products": "实木餐桌",
            "q_q-booth": "0",
            "q_q-brochure": SimpleUploadedFile(name, content, "application/pdf"),
        }
    )
    response = client.post(register_url(event), data)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["q_q-brochure"]
    assert [error.code for error in errors] == [code]
    assert not Registration.objects.exists()


def test_required_questions_are_required(client):
    event = _expo_with_questions()
    signed_in(client)
    response = client.post(register_url(event), form_data())
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"q_q-products", "q_q-booth", "q_q-brochure"}


def test_english_form_shows_english_questions(client):
    event = _expo_with_questions()
    signed_in(client)
    response = client.get("/en" + register_url(event))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Products to exhibit" in body
    assert "Raw space" in body


def test_training_confirms_while_places_remain():
    event = event_publish(TrainingPage, places={OrganizationKind.PLATFORM: 1})
    user, organization = registrant(OrganizationKind.PLATFORM)
    registration = registration_create(
        event=event, organization=organization, user=user, attendees=[{"name": "李四"}]
    )
    assert registration.state == RegistrationState.CONFIRMED
