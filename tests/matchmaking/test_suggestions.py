"""Stored suggestions: computed for everyone and for one organization after its change, shown
with both-sided reasons, saved and dismissed; partners that may not be suggested never shown."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from accounts.models import MembershipRole, OrganizationKind, VerificationState
from matchmaking import services
from matchmaking.models import (
    FeedbackAction,
    MatchingFacts,
    Profile,
    Suggestion,
    SuggestionFeedback,
    Visibility,
)
from matchmaking.services import suggestions as suggestions_service
from matchmaking.services.suggestions import (
    FACTS_FORMAT,
    suggestion_dismiss,
    suggestion_save,
    suggestions_compute_all,
    suggestions_compute_for,
)
from taxonomy.models import Country, HSHeading
from tests.factories import MembershipFactory
from tests.factories.matching import organization_with_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(taxonomy, django_capture_on_commit_callbacks):
    """An exporter of furniture to Germany, two platforms that fit it (one better), a service
    provider with a warehouse it needs, and a platform selling something else elsewhere.

    Saved as if each save committed (the recomputes they ask for run), so that no callback of
    the set-up is left pending for a test's own change to join."""
    with django_capture_on_commit_callbacks(execute=True):
        return _market()


def _market():
    exporter, exporter_owner = organization_with_profile(
        OrganizationKind.EXPORTER,
        headings=["9403", "9401"],
        countries=["DE", "FR"],
        summary_zh="实木家具出口商",
        summary_en="Solid wood furniture exporter",
        services_needed=["overseas_warehouse"],
    )
    best, best_owner = organization_with_profile(
        OrganizationKind.PLATFORM,
        headings=["9403", "9401"],
        countries=["DE", "FR"],
        summary_zh="欧洲家居电商平台",
        summary_en="European home furnishing marketplace",
    )
    good, _ = organization_with_profile(
        OrganizationKind.PLATFORM,
        headings=["9405"],
        countries=["DE"],
        summary_zh="德国灯具平台",
        summary_en="German lighting marketplace",
    )
    provider, _ = organization_with_profile(
        OrganizationKind.SERVICE_PROVIDER,
        countries=["DE"],
        summary_zh="德国海外仓",
        summary_en="Overseas warehouse in Germany",
        services_offered=["overseas_warehouse"],
    )
    unrelated, _ = organization_with_profile(
        OrganizationKind.PLATFORM,
        headings=["0902"],
        countries=["BR"],
        summary_zh="巴西茶叶平台",
        summary_en="Brazilian tea marketplace",
    )
    return {
        "exporter": exporter,
        "exporter_owner": exporter_owner,
        "best": best,
        "best_owner": best_owner,
        "good": good,
        "provider": provider,
        "unrelated": unrelated,
    }


def partner_ids(organization) -> list[int]:
    return list(
        Suggestion.objects.filter(organization=organization)
        .order_by("rank")
        .values_list("partner_id", flat=True)
    )


def test_computing_for_everyone_ranks_partners_of_the_right_kinds(market):
    report = suggestions_compute_all()

    exporter = market["exporter"]
    ranked = partner_ids(exporter)
    assert ranked[0] == market["best"].pk
    assert market["provider"].pk in ranked
    assert market["unrelated"].pk not in ranked  # nothing in common at all
    # Platforms and providers are matched with exporters only.
    assert partner_ids(market["best"]) == [exporter.pk]
    assert partner_ids(market["provider"]) == [exporter.pk]
    assert report.organizations == 5
    assert report.suggestions == Suggestion.objects.count()
    rows = Suggestion.objects.filter(organization=exporter).order_by("rank")
    assert [row.rank for row in rows] == list(range(1, len(rows) + 1))
    assert all(0 <= row.score <= 1 for row in rows)
    versions = dict(Profile.objects.values_list("organization_id", "data_version"))
    top = rows[0]
    assert (top.organization_version, top.partner_version) == (
        versions[exporter.pk],
        versions[market["best"].pk],
    )
    # Both sides are explained.
    assert {reason["side"] for reason in top.reasons} == {"you", "them"}
    # The symmetric score: the platform's row for the exporter carries the same number.
    mirrored = Suggestion.objects.get(organization=market["best"], partner=exporter)
    assert mirrored.score == pytest.approx(top.score)


def test_partners_that_may_not_be_suggested_are_left_out(market):
    best = market["best"]
    best.verification_state = VerificationState.PENDING
    best.save(update_fields=["verification_state"])
    Profile.objects.filter(organization=market["good"]).update(visibility=Visibility.HIDDEN)
    provider = market["provider"]
    provider.is_active = False
    provider.save(update_fields=["is_active"])

    suggestions_compute_all()

    ranked = partner_ids(market["exporter"])
    assert best.pk not in ranked
    assert market["good"].pk not in ranked
    assert provider.pk not in ranked


def test_a_partner_that_stops_qualifying_disappears_from_the_page_at_once(market, client):
    suggestions_compute_all()
    best = market["best"]
    client.force_login(market["exporter_owner"])
    assert best.pk in _shown(client)

    best.verification_state = VerificationState.REJECTED
    best.save(update_fields=["verification_state"])

    assert best.pk not in _shown(client)


def _shown(client, query: str = "") -> list[int]:
    response = client.get(reverse("matchmaking:suggestions") + query)
    assert response.status_code == 200
    return [card["partner"].pk for card in response.context["cards"]]


def test_a_profile_change_recomputes_that_organizations_suggestions_after_commit(
    market, django_capture_on_commit_callbacks
):
    suggestions_compute_all()
    exporter, owner = market["exporter"], market["exporter_owner"]
    assert market["unrelated"].pk not in partner_ids(exporter)

    with django_capture_on_commit_callbacks(execute=True):
        profile = services.profile_update(
            organization=exporter,
            by=owner,
            relations={
                "hs_headings": list(HSHeading.objects.filter(code__in=["9403", "0902"])),
                "market_countries": list(Country.objects.filter(code__in=["DE", "BR"])),
            },
        )

    assert market["unrelated"].pk in partner_ids(exporter)
    assert set(
        Suggestion.objects.filter(organization=exporter).values_list(
            "organization_version", flat=True
        )
    ) == {profile.data_version}
    assert MatchingFacts.objects.get(organization=exporter).data_version == profile.data_version


def test_recomputing_one_organization_leaves_the_others_alone(market):
    suggestions_compute_all()
    before = list(Suggestion.objects.filter(organization=market["best"]).values("pk"))

    report = suggestions_compute_for(organization_ids=[market["exporter"].pk])

    assert report.organizations == 1
    assert list(Suggestion.objects.filter(organization=market["best"]).values("pk")) == before


def test_a_dismissed_partner_never_comes_back(market, client):
    suggestions_compute_all()
    exporter, owner, best = market["exporter"], market["exporter_owner"], market["best"]
    client.force_login(owner)

    response = client.post(
        reverse("matchmaking:suggestion_feedback", args=[best.pk, "dismiss"]),
        {"reason": "markets", "note": "只做东欧"},
    )

    assert response.status_code == 302
    feedback = SuggestionFeedback.objects.get(organization=exporter, partner=best)
    assert (feedback.action, feedback.reason, feedback.note) == (
        FeedbackAction.DISMISSED,
        "markets",
        "只做东欧",
    )
    assert best.pk not in _shown(client)
    suggestions_compute_all()
    assert best.pk not in partner_ids(exporter)
    suggestions_compute_for(organization_ids=[exporter.pk])
    assert best.pk not in partner_ids(exporter)
    assert best.pk not in _shown(client)


def test_an_unknown_dismiss_reason_is_refused_and_nothing_is_saved(market, client):
    suggestions_compute_all()
    client.force_login(market["exporter_owner"])
    response = client.post(
        reverse("matchmaking:suggestion_feedback", args=[market["best"].pk, "dismiss"]),
        {"reason": "bogus"},
        follow=True,
    )
    assert response.status_code == 200
    assert list(response.context["messages"])
    assert not SuggestionFeedback.objects.exists()
    assert market["best"].pk in _shown(client)


def test_saving_marks_the_card_and_the_saved_filter_shows_only_saved(market, client):
    suggestions_compute_all()
    client.force_login(market["exporter_owner"])
    client.post(reverse("matchmaking:suggestion_feedback", args=[market["provider"].pk, "save"]))

    response = client.get(reverse("matchmaking:suggestions"))
    saved = {card["partner"].pk: card["saved"] for card in response.context["cards"]}
    assert saved[market["provider"].pk] is True
    assert saved[market["best"].pk] is False
    assert _shown(client, "?saved=on") == [market["provider"].pk]
    assert _shown(client, "?kind=service_provider") == [market["provider"].pk]

    client.post(reverse("matchmaking:suggestion_feedback", args=[market["provider"].pk, "unsave"]))
    assert _shown(client, "?saved=on") == []


@pytest.mark.parametrize("recompute", ["everyone", "one"])
def test_a_saved_partner_beyond_the_kept_list_stays_under_saved(
    market, client, monkeypatch, recompute
):
    exporter, good = market["exporter"], market["good"]
    suggestion_save(organization=exporter, partner=good, by=market["exporter_owner"])
    monkeypatch.setattr(suggestions_service, "SUGGESTIONS_KEPT", 1)
    if recompute == "everyone":
        suggestions_compute_all()
    else:
        suggestions_compute_for(organization_ids=[exporter.pk])

    # The best partner keeps the one place; the saved one follows it.
    assert partner_ids(exporter) == [market["best"].pk, good.pk]
    client.force_login(market["exporter_owner"])
    assert _shown(client, "?saved=on") == [good.pk]


def test_feedback_needs_a_member_of_the_organization(market):
    outsider = MembershipFactory(role=MembershipRole.OWNER).user
    with pytest.raises(PermissionDenied):
        suggestion_save(organization=market["exporter"], partner=market["best"], by=outsider)
    with pytest.raises(PermissionDenied):
        suggestion_dismiss(organization=market["exporter"], partner=market["best"], by=outsider)
    assert not SuggestionFeedback.objects.exists()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_explains_both_sides_in_each_language(market, client, language):
    suggestions_compute_all()
    client.force_login(market["exporter_owner"])
    prefix = "/en" if language == "en" else ""
    response = client.get(prefix + "/me/suggestions/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 200
    first = response.context["cards"][0]
    assert first["partner"] == market["best"]
    assert first["reasons"]["you"] and first["reasons"]["them"]
    germany = "德国" if language == "zh-hans" else "Germany"
    assert any(germany in line for line in first["reasons"]["you"])
    for line in first["reasons"]["you"][:4] + first["reasons"]["them"][:4]:
        assert line in html
    assert f"{reverse('matchmaking:meeting_request_create', args=[market['best'].pk])}" in html


def test_the_page_has_an_empty_state_before_any_computation(market, client):
    Suggestion.objects.filter(organization=market["exporter"]).delete()
    client.force_login(market["exporter_owner"])
    response = client.get(reverse("matchmaking:suggestions"))
    assert response.status_code == 200
    assert response.context["cards"] == []
    assert b'data-testid="empty-state"' in response.content


def test_the_page_query_count_does_not_grow_with_suggestions(
    market, client, django_assert_max_num_queries, taxonomy
):
    suggestions_compute_all()
    client.force_login(market["exporter_owner"])
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("matchmaking:suggestions"))
    for number in range(8):
        organization_with_profile(
            OrganizationKind.PLATFORM,
            headings=["9403"],
            countries=["DE"],
            summary_zh=f"家具平台{number}",
        )
    suggestions_compute_all()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("matchmaking:suggestions"))
    assert len(response.context["cards"]) == 10


def test_the_command_recomputes_and_reports(market, capsys):
    call_command("matching_recompute")
    out = capsys.readouterr().out
    assert f"{Suggestion.objects.count()} suggestion(s) for 5 organization(s)" in out
    call_command("matching_recompute", str(market["exporter"].pk))
    assert "for 1 organization(s)" in capsys.readouterr().out


def test_the_dashboard_previews_the_best_suggestions(market, client):
    suggestions_compute_all()
    client.force_login(market["exporter_owner"])
    response = client.get(reverse("dashboard"))
    cards = response.context["suggestions"]
    assert [card["partner"] for card in cards] == [
        Suggestion.objects.get(organization=market["exporter"], rank=rank).partner
        for rank in (1, 2, 3)
    ]
    assert cards[0]["reasons"]["you"][0] in response.content.decode()


def test_the_dashboard_of_an_organization_without_suggestions_says_how_to_get_them(market, client):
    Suggestion.objects.filter(organization=market["exporter"]).delete()
    client.force_login(market["exporter_owner"])
    response = client.get(reverse("dashboard"))
    assert b'data-testid="dashboard-suggestions-empty"' in response.content


def test_one_organizations_recompute_sees_a_candidate_that_changed_since(
    market, django_capture_on_commit_callbacks
):
    """The process keeps candidates' prepared facts between recomputes: one that changed since
    must be read again, not served from the copy."""
    exporter, unrelated = market["exporter"], market["unrelated"]
    suggestions_compute_for(organization_ids=[exporter.pk])
    assert unrelated.pk not in partner_ids(exporter)
    owner = unrelated.memberships.get().user
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(
            organization=unrelated,
            by=owner,
            relations={
                "hs_headings": list(HSHeading.objects.filter(code="9403")),
                "market_countries": list(Country.objects.filter(code="DE")),
            },
        )

    suggestions_compute_for(organization_ids=[exporter.pk])

    assert unrelated.pk in partner_ids(exporter)


def test_facts_prepared_the_old_way_are_prepared_again(market):
    suggestions_compute_all()
    assert suggestions_compute_all().prepared == 0  # everything current: nothing prepared
    row = MatchingFacts.objects.get(organization=market["exporter"])
    old = {key: value for key, value in row.facts.items() if key != "format"}
    MatchingFacts.objects.filter(pk=row.pk).update(facts=old)

    report = suggestions_compute_all()

    assert report.prepared == 1
    assert MatchingFacts.objects.get(pk=row.pk).facts["format"] == FACTS_FORMAT
