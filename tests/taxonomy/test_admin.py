import pytest
from django.urls import reverse

from taxonomy.models import Country, HSChapter, HSHeading, Region
from tests.factories.two_factor import sign_in_superuser


@pytest.fixture
def superuser_client(client, db):
    sign_in_superuser(client)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("model", [HSChapter, HSHeading, Country, Region])
def test_changelist_searches(taxonomy, superuser_client, model):
    url = reverse(f"admin:taxonomy_{model._meta.model_name}_changelist")
    assert superuser_client.get(url, {"q": "中"}).status_code == 200
    assert superuser_client.get(url, {"q": "EU"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", [HSChapter, Country, Region])
def test_loaded_data_cannot_be_added_or_changed(taxonomy, superuser_client, model):
    assert (
        superuser_client.get(reverse(f"admin:taxonomy_{model._meta.model_name}_add")).status_code
        == 403
    )
    row = model.objects.first()
    url = reverse(f"admin:taxonomy_{model._meta.model_name}_change", args=[row.pk])
    superuser_client.post(url, {"name_zh": "改过的"})
    row.refresh_from_db()
    assert row.name_zh != "改过的"


@pytest.mark.django_db
def test_staff_can_fill_in_a_heading_chinese_name_only(taxonomy, superuser_client):
    url = reverse("admin:taxonomy_hsheading_change", args=["0101"])
    response = superuser_client.post(url, {"name_zh": "马、驴、骡", "name_en": "changed"})
    assert response.status_code == 302
    heading = HSHeading.objects.get(code="0101")
    assert heading.name_zh == "马、驴、骡"
    assert heading.name_en == "Horses, asses, mules and hinnies; live"
