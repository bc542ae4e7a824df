"""Who sees which suggested partner, and what the save and dismiss endpoint accepts."""

import pytest
from django.urls import reverse

from accounts.models import OrganizationKind, VerificationState
from matchmaking.models import Profile, SuggestionFeedback, Visibility
from matchmaking.services.suggestions import (
    SuggestionError,
    suggestion_dismiss,
    suggestions_compute_all,
)
from tests.factories.matching import organization_with_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(taxonomy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        exporter, owner = organization_with_profile(
            OrganizationKind.EXPORTER, headings=["9403"], countries=["DE"], summary_zh="家具"
        )
        platform, _ = organization_with_profile(
            OrganizationKind.PLATFORM, headings=["9403"], countries=["DE"], summary_zh="家具平台"
        )
    suggestions_compute_all()
    return exporter, owner, platform


def _shown(client) -> list[int]:
    response = client.get(reverse("matchmaking:suggestions"))
    return [card["partner"].pk for card in response.context["cards"]]


def test_an_organization_under_review_sees_public_partners_only(pair, client):
    exporter, owner, platform = pair
    client.force_login(owner)
    assert _shown(client) == [platform.pk]

    Profile.objects.filter(organization=platform).update(visibility=Visibility.MEMBERS)
    assert _shown(client) == [platform.pk]  # a verified organization sees members-only ones

    exporter.verification_state = VerificationState.PENDING
    exporter.save(update_fields=["verification_state"])
    assert _shown(client) == []


@pytest.mark.parametrize("action", ["save", "dismiss"])
def test_feedback_on_itself_or_on_an_organization_that_may_not_be_suggested_is_a_404(
    pair, client, action
):
    exporter, owner, platform = pair
    client.force_login(owner)
    url = "matchmaking:suggestion_feedback"
    assert client.post(reverse(url, args=[exporter.pk, action])).status_code == 404
    Profile.objects.filter(organization=platform).update(visibility=Visibility.HIDDEN)
    response = client.post(reverse(url, args=[platform.pk, action]))
    assert response.status_code == 404
    assert platform.name_zh not in response.content.decode()
    assert not SuggestionFeedback.objects.exists()


def test_a_dismissal_note_is_validated_and_nothing_is_half_saved(pair):
    exporter, owner, platform = pair
    with pytest.raises(SuggestionError):
        suggestion_dismiss(organization=exporter, partner=platform, by=owner, note="太长" * 200)
    with pytest.raises(SuggestionError):
        suggestion_dismiss(organization=exporter, partner=platform, by=owner, note="bad\x07note")
    assert not SuggestionFeedback.objects.exists()
