"""matchmaking.matching: the pure engine, signal by signal, on hand-made facts."""

import json

import pytest

from matchmaking.matching import (
    EXPORTER,
    PLATFORM,
    REASON_KINDS,
    SERVICE_PROVIDER,
    SIDE_THEM,
    SIDE_YOU,
    Corpus,
    Facts,
    Feedback,
    partner_kinds,
    score_pair,
    suggest,
    text_tokens,
)


def exporter(id=1, **values) -> Facts:
    defaults = {
        "headings": frozenset({"9403"}),
        "markets": frozenset({"DE", "FR"}),
        "channels_wanted": frozenset({"marketplace"}),
        "services_needed": frozenset({"overseas_warehouse"}),
        "warehouse_countries": frozenset({"DE"}),
        "volume_band": 2,
        "has_own_brand": True,
        "certifications": frozenset({"CE"}),
        "completeness": 80,
        "active_days_ago": 10,
        "tokens": text_tokens("实木家具 solid wood furniture"),
    }
    return Facts(id=id, kind=EXPORTER, **(defaults | values))


def platform(id=2, **values) -> Facts:
    defaults = {
        "headings": frozenset({"9403"}),
        "markets": frozenset({"DE", "FR", "IT"}),
        "channels_offered": frozenset({"marketplace"}),
        "completeness": 80,
        "active_days_ago": 10,
        "tokens": text_tokens("家具电商平台 furniture marketplace"),
    }
    return Facts(id=id, kind=PLATFORM, **(defaults | values))


def provider(id=3, **values) -> Facts:
    defaults = {
        "markets": frozenset({"DE"}),
        "services_offered": frozenset({"overseas_warehouse"}),
        "warehouse_countries": frozenset({"DE"}),
        "completeness": 80,
        "active_days_ago": 10,
        "tokens": text_tokens("德国海外仓 warehouse in Germany"),
    }
    return Facts(id=id, kind=SERVICE_PROVIDER, **(defaults | values))


def score(a: Facts, b: Facts, **options) -> float:
    return score_pair(a, b, **options).score


def test_partner_kinds():
    assert partner_kinds(EXPORTER) == {PLATFORM, SERVICE_PROVIDER}
    assert partner_kinds(PLATFORM) == {EXPORTER}
    assert partner_kinds(SERVICE_PROVIDER) == {EXPORTER}


def test_pairs_of_kinds_that_do_not_meet_score_zero():
    assert score(platform(), provider()) == 0
    assert score(exporter(), exporter(id=9)) == 0


def test_score_is_symmetric_and_reasons_mirror():
    a, b = exporter(), platform()
    forward, backward = score_pair(a, b), score_pair(b, a)
    assert forward.score == pytest.approx(backward.score, abs=1e-12)
    assert (forward.fit_you, forward.fit_them) == pytest.approx(
        (backward.fit_them, backward.fit_you)
    )
    flipped = {SIDE_YOU: SIDE_THEM, SIDE_THEM: SIDE_YOU}
    assert sorted((r.kind, flipped[r.side], r.weight) for r in forward.reasons) == sorted(
        (r.kind, r.side, r.weight) for r in backward.reasons
    )
    assert 0 < forward.score <= 1


def test_reasons_are_explained_on_both_sides_with_codes():
    match = score_pair(exporter(), platform())
    kinds = {(reason.kind, reason.side) for reason in match.reasons}
    assert {("hs_heading", SIDE_YOU), ("hs_heading", SIDE_THEM), ("market", SIDE_YOU)} <= kinds
    assert ("channel", SIDE_YOU) in kinds
    market = next(r for r in match.reasons if r.kind == "market" and r.side == SIDE_YOU)
    assert market.facts == {"countries": ["DE", "FR"]}
    assert all(reason.kind in REASON_KINDS and 0 < reason.weight <= 1 for reason in match.reasons)
    weights = [reason.weight for reason in match.reasons]
    assert weights == sorted(weights, reverse=True)
    json.dumps(match.as_dict())


def test_same_heading_beats_same_chapter_beats_other_chapter():
    same = score(exporter(), platform(headings=frozenset({"9403"})))
    chapter = score(exporter(), platform(headings=frozenset({"9401"})))
    other = score(exporter(), platform(headings=frozenset({"8517"})))
    assert same > chapter > other
    reasons = score_pair(exporter(), platform(headings=frozenset({"9401"}))).reasons
    assert any(r.kind == "hs_chapter" and r.facts == {"chapters": ["94"]} for r in reasons)


def test_market_overlap_counts():
    assert score(exporter(), platform()) > score(exporter(), platform(markets=frozenset({"US"})))


def test_warehouse_in_the_needed_country_wins():
    germany = provider(warehouse_countries=frozenset({"DE"}))
    america = provider(id=4, warehouse_countries=frozenset({"US"}))
    assert score(exporter(), germany) > score(exporter(), america)
    reason = next(r for r in score_pair(exporter(), germany).reasons if r.kind == "warehouse")
    assert reason.facts == {"services": ["overseas_warehouse"], "countries": ["DE"]}


def test_lane_to_the_needed_destination_wins():
    needs = exporter(services_needed=frozenset({"logistics"}), lane_destinations=frozenset({"US"}))
    to_us = provider(services_offered=frozenset({"logistics"}), lane_destinations=frozenset({"US"}))
    to_br = provider(
        id=4, services_offered=frozenset({"logistics"}), lane_destinations=frozenset({"BR"})
    )
    assert score(needs, to_us) > score(needs, to_br)
    assert any(r.kind == "lane" for r in score_pair(needs, to_us).reasons)


def test_channel_wanted_and_offered():
    social = platform(channels_offered=frozenset({"social_commerce"}))
    assert score(exporter(), platform()) > score(exporter(), social)


def test_requirements_scale_certifications_brand():
    strict = platform(
        min_volume_band=3, required_certifications=frozenset({"CE", "FCC"}), requires_own_brand=True
    )
    meets = exporter(volume_band=3, certifications=frozenset({"CE", "FCC"}), has_own_brand=True)
    fails = exporter(volume_band=0, certifications=frozenset(), has_own_brand=False)
    assert score(meets, strict) > score(fails, strict)
    kinds = {r.kind for r in score_pair(meets, strict).reasons if r.side == SIDE_THEM}
    assert {"scale", "certification", "brand"} <= kinds
    # Requirements weigh on the platform's view only.
    assert score_pair(meets, strict).fit_you == pytest.approx(score_pair(fails, strict).fit_you)


def test_completeness_and_activity_raise_the_score():
    fresh = platform(completeness=100, active_days_ago=1)
    stale = platform(completeness=20, active_days_ago=400)
    assert score(exporter(), fresh) > score(exporter(), stale)


def test_text_similarity_counts_and_names_words():
    near = platform(tokens=text_tokens("实木家具 solid wood furniture"))
    far = platform(tokens=text_tokens("手机配件 phone case"))
    corpus = Corpus.build([exporter(), near, far])
    assert score(exporter(), near, corpus=corpus) > score(exporter(), far, corpus=corpus)
    reason = next(
        r for r in score_pair(exporter(), near, corpus=corpus).reasons if r.kind == "text"
    )
    assert "furniture" in reason.facts["words"]


def test_text_tokens_normalise_width_case_and_spacing():
    assert text_tokens("ＬＥＤ　Ｌａｍｐ\n\n北京 家具") == text_tokens("led lamp 北京家具")
    assert text_tokens("Solid   Wood\tFurniture") == text_tokens("solid wood furniture")


def test_no_common_ground_scores_zero_and_is_not_suggested():
    stranger = platform(
        headings=frozenset({"0902"}),
        markets=frozenset({"BR"}),
        channels_offered=frozenset({"b2b"}),
        tokens=("tea",),
    )
    assert score(exporter(), stranger) == 0
    assert suggest([exporter()], [stranger]) == {1: []}


def test_suggest_agrees_with_score_pair_and_excludes_itself():
    organizations = [
        exporter(1),
        exporter(5, headings=frozenset({"9405"}), markets=frozenset({"PL"})),
    ]
    candidates = [
        platform(2),
        platform(6, headings=frozenset({"9405", "9403"}), markets=frozenset({"PL", "DE"})),
        provider(3),
        provider(7, warehouse_countries=frozenset({"PL"}), markets=frozenset({"PL"})),
        exporter(1),
    ]
    corpus = Corpus.build(organizations + candidates)
    results = suggest(organizations, candidates, corpus=corpus)
    assert set(results) == {1, 5}
    for organization in organizations:
        matches = results[organization.id]
        assert matches and organization.id not in {m.partner_id for m in matches}
        scores = [m.score for m in matches]
        assert scores == sorted(scores, reverse=True)
        json.dumps([match.as_dict() for match in matches])
        for match in matches:
            partner = next(c for c in candidates if c.id == match.partner_id)
            single = score_pair(organization, partner, corpus=corpus)
            assert match.score == pytest.approx(single.score, abs=1e-9)
            assert match.fit_you == pytest.approx(single.fit_you, abs=1e-9)
            assert match.fit_them == pytest.approx(single.fit_them, abs=1e-9)
            assert [(r.kind, r.side) for r in match.reasons] == [
                (r.kind, r.side) for r in single.reasons
            ]


def test_suggest_both_directions():
    exporters = [exporter(1), exporter(4, markets=frozenset({"IT"}))]
    platforms = [platform(2)]
    results = suggest(exporters + platforms, exporters + platforms)
    assert [m.partner_id for m in results[2]] == [1, 4]
    assert results[2][0].fit_you == pytest.approx(results[1][0].fit_them)


def test_dismissed_partner_never_returns_and_saved_likeness_helps():
    candidates = [
        platform(2),
        platform(3, headings=frozenset({"9403", "9401"})),
        platform(4, headings=frozenset({"9403", "9405"})),
    ]
    plain = suggest([exporter()], candidates)[1]
    assert {m.partner_id for m in plain} == {2, 3, 4}
    results = suggest([exporter()], candidates, feedback={1: Feedback(dismissed=frozenset({3}))})[1]
    assert 3 not in {m.partner_id for m in results}
    # Saving 4 lifts what resembles it: 4 itself, above the otherwise better 2.
    before = {m.partner_id: m.score for m in plain}
    saved = suggest([exporter()], candidates, feedback={1: Feedback(saved=frozenset({4}))})[1]
    after = {m.partner_id: m.score for m in saved}
    assert after[4] > before[4]
    assert any(r.kind == "feedback" for m in saved if m.partner_id == 4 for r in m.reasons)
    # score_pair applies the same when given the partners' facts.
    corpus = Corpus.build([exporter(), *candidates])
    feedback = Feedback(saved=frozenset({4}), partners=(candidates[2],))
    single = score_pair(exporter(), candidates[2], corpus=corpus, feedback=feedback)
    with_feedback = suggest(
        [exporter()], candidates, corpus=corpus, feedback={1: Feedback(saved=frozenset({4}))}
    )[1]
    assert single.score == pytest.approx(
        next(m.score for m in with_feedback if m.partner_id == 4), abs=1e-9
    )
    assert (
        score_pair(exporter(), candidates[1], feedback=Feedback(dismissed=frozenset({3}))).score
        == 0
    )


def test_exposure_cap_spreads_a_popular_partner():
    exporters = [exporter(id) for id in range(1, 7)]
    star = platform(100, completeness=100, active_days_ago=0)
    others = [
        platform(200 + n, markets=frozenset({"DE"}), completeness=40, active_days_ago=200)
        for n in range(30)
    ]
    candidates = [star, *others]
    uncapped = suggest(exporters, candidates, top=10, exposure_cap=1000)
    assert all(matches[0].partner_id == 100 for matches in uncapped.values())
    capped = suggest(exporters, candidates, top=12, exposure_cap=2)
    holders = [
        key for key, matches in capped.items() if 100 in {m.partner_id for m in matches[:10]}
    ]
    assert len(holders) == 2
    assert all(len(matches) == 12 for matches in capped.values())
    # The star's slot went to the next best partner; it may follow after place 10.
    for key, matches in capped.items():
        if key not in holders:
            assert matches[10].partner_id == 100
    counts = {}
    for matches in capped.values():
        for match in matches[:10]:
            counts[match.partner_id] = counts.get(match.partner_id, 0) + 1
    assert max(counts.values()) <= 2
    # The default cap, max(10, ceil(3 * 10 * 6 / 31)) = 10, lets the star into every top 10.
    default = suggest(exporters, candidates, top=10)
    assert all(matches[0].partner_id == 100 for matches in default.values())


def test_exposure_cap_never_pads_a_top_10_with_capped_partners():
    exporters = [exporter(id) for id in range(1, 5)]
    candidates = [platform(100), platform(101, markets=frozenset({"DE"}))]
    capped = suggest(exporters, candidates, top=10, exposure_cap=1)
    shown = [match.partner_id for matches in capped.values() for match in matches]
    assert sorted(shown) == [100, 101]


def test_top_limits_and_empty_inputs():
    assert suggest([], [platform()]) == {}
    assert suggest([exporter()], []) == {1: []}
    candidates = [platform(id) for id in range(2, 30)]
    assert len(suggest([exporter()], candidates, top=5)[1]) == 5
