"""Properties of matchmaking.matching that must hold for any facts (hypothesis)."""

import unicodedata

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from matchmaking.matching import (
    EXPORTER,
    PLATFORM,
    SERVICE_PROVIDER,
    SIDE_THEM,
    SIDE_YOU,
    Corpus,
    Facts,
    Feedback,
    score_pair,
    suggest,
    text_tokens,
)

HEADINGS = ["9403", "9401", "9405", "0902", "6109", "6110", "8517", "8518", "8708", "3304"]
MARKETS = ["DE", "FR", "PL", "US", "GB", "AE", "SA", "RU", "BR", "MY"]
CHANNELS = ["marketplace", "independent_site", "social_commerce", "distributor", "b2b"]
SERVICES = ["overseas_warehouse", "logistics", "customs", "compliance", "tax", "payment"]
CERTIFICATIONS = ["CE", "FCC", "EAC", "HACCP"]
WORDS = ["家具", "furniture", "led", "灯具", "tea", "茶叶", "warehouse", "海外仓", "toy", "apparel"]

PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def subsets(values, min_size=0, max_size=4):
    return st.frozensets(st.sampled_from(values), min_size=min_size, max_size=max_size)


@st.composite
def facts(draw, kind=None, id=None):
    kind = kind or draw(st.sampled_from([EXPORTER, PLATFORM, SERVICE_PROVIDER]))
    return Facts(
        id=id if id is not None else draw(st.integers(1, 10_000)),
        kind=kind,
        headings=draw(subsets(HEADINGS)),
        markets=draw(subsets(MARKETS)),
        current_markets=draw(subsets(MARKETS, max_size=2)),
        channels_wanted=draw(subsets(CHANNELS, max_size=3)),
        channels_offered=draw(subsets(CHANNELS, max_size=3)),
        services_needed=draw(subsets(SERVICES)),
        services_offered=draw(subsets(SERVICES)),
        warehouse_countries=draw(subsets(MARKETS, max_size=3)),
        lane_destinations=draw(subsets(MARKETS, max_size=3)),
        certifications=draw(subsets(CERTIFICATIONS, max_size=3)),
        required_certifications=draw(subsets(CERTIFICATIONS, max_size=2)),
        requires_own_brand=draw(st.booleans()),
        has_own_brand=draw(st.booleans()),
        volume_band=draw(st.none() | st.integers(0, 4)),
        min_volume_band=draw(st.none() | st.integers(0, 4)),
        completeness=draw(st.integers(0, 100)),
        active_days_ago=draw(st.none() | st.integers(0, 1000)),
        tokens=tuple(draw(st.lists(st.sampled_from(WORDS), max_size=12))),
    )


@st.composite
def pairs(draw):
    """An exporter and one of its partners, either side first."""
    exporter = draw(facts(kind=EXPORTER, id=1))
    partner = draw(facts(kind=draw(st.sampled_from([PLATFORM, SERVICE_PROVIDER])), id=2))
    return (exporter, partner) if draw(st.booleans()) else (partner, exporter)


def in_unit(value: float) -> bool:
    return 0.0 <= value <= 1.0


@PROPERTY_SETTINGS
@given(pairs())
def test_scores_fits_and_weights_stay_in_the_unit_interval(pair):
    match = score_pair(*pair)
    assert in_unit(match.score) and in_unit(match.fit_you) and in_unit(match.fit_them)
    assert all(0.0 < reason.weight <= 1.0 for reason in match.reasons)


@PROPERTY_SETTINGS
@given(pairs())
def test_score_is_symmetric_and_reasons_mirrored(pair):
    a, b = pair
    corpus = Corpus.build([a, b])
    forward, backward = score_pair(a, b, corpus=corpus), score_pair(b, a, corpus=corpus)
    assert abs(forward.score - backward.score) <= 1e-12
    assert abs(forward.fit_you - backward.fit_them) <= 1e-12
    assert abs(forward.fit_them - backward.fit_you) <= 1e-12
    flip = {SIDE_YOU: SIDE_THEM, SIDE_THEM: SIDE_YOU}
    mirrored = sorted((r.kind, flip[r.side], r.weight, repr(r.facts)) for r in forward.reasons)
    assert mirrored == sorted((r.kind, r.side, r.weight, repr(r.facts)) for r in backward.reasons)


def _with(item: Facts, field: str, value: str) -> Facts:
    values = {name: getattr(item, name) for name in Facts.__slots__}
    values[field] = values[field] | {value}
    return Facts(**values)


@PROPERTY_SETTINGS
@given(pairs(), st.data())
def test_adding_an_overlapping_heading_or_market_never_lowers_the_score(pair, data):
    organization, partner = pair
    corpus = Corpus.build([organization, partner])
    before = score_pair(organization, partner, corpus=corpus).score
    field = data.draw(st.sampled_from(["headings", "markets"]))
    # The side that gains the code, and the other side, which already lists it.
    gains, holds = data.draw(st.sampled_from([(organization, partner), (partner, organization)]))
    # A provider or platform listing no headings takes any goods: a first heading narrows what
    # it takes, which is not an overlap gained. Only sides that already list headings gain one.
    if field == "headings" and gains.kind != EXPORTER and not gains.headings:
        gains = None
    # Examples with nothing to gain are discarded (not counted as passes).
    assume(gains is not None and getattr(holds, field))
    code = data.draw(st.sampled_from(sorted(getattr(holds, field))))
    grown = _with(gains, field, code)
    if gains is organization:
        after = score_pair(grown, partner, corpus=corpus).score
    else:
        after = score_pair(organization, grown, corpus=corpus).score
    assert after >= before - 1e-12


@st.composite
def populations(draw):
    organizations = draw(st.lists(facts(), min_size=1, max_size=6, unique_by=lambda item: item.id))
    candidates = draw(st.lists(facts(), min_size=1, max_size=10, unique_by=lambda item: item.id))
    # Candidates and organizations share ids only when they are the same organization.
    known = {item.id: item for item in organizations}
    candidates = [known.get(item.id, item) for item in candidates]
    return organizations, candidates


@PROPERTY_SETTINGS
@given(populations(), st.data())
def test_suggest_agrees_with_score_pair_and_never_returns_dismissed_or_itself(population, data):
    organizations, candidates = population
    candidate_ids = sorted({item.id for item in candidates})
    feedback = {
        item.id: Feedback(
            dismissed=data.draw(st.frozensets(st.sampled_from(candidate_ids), max_size=3)),
        )
        for item in organizations
        if data.draw(st.booleans())
    }
    corpus = Corpus.build([*organizations, *candidates])
    results = suggest(
        organizations, candidates, top=5, feedback=feedback, corpus=corpus, exposure_cap=1000
    )
    by_id = {item.id: item for item in candidates}
    for organization in organizations:
        dismissed = feedback.get(organization.id, Feedback()).dismissed
        for match in results[organization.id]:
            assert match.partner_id != organization.id
            assert match.partner_id not in dismissed
            assert match.score > 0
            own = feedback.get(organization.id)
            # score_pair knows the dismissed partners' facts only when given them.
            given = own and Feedback(
                dismissed=own.dismissed,
                partners=tuple(by_id[key] for key in sorted(own.dismissed)),
            )
            single = score_pair(
                organization, by_id[match.partner_id], corpus=corpus, feedback=given or None
            )
            assert abs(match.score - single.score) <= 1e-9
            assert abs(match.fit_you - single.fit_you) <= 1e-9
            assert abs(match.fit_them - single.fit_them) <= 1e-9


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@PROPERTY_SETTINGS
@given(
    st.lists(
        st.sampled_from(["LED", "Lamp", "家具", "实木", "Tea", "茶叶", "Warehouse", "9403", "DE"]),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.sampled_from([" ", "  ", "\n", "\t", " \n "]), min_size=8, max_size=8),
)
def test_width_case_and_spacing_do_not_change_results(words, gaps):
    plain = " ".join(words)
    varied = "".join(
        (_fullwidth(word) if i % 2 else word.upper()) + gaps[i] for i, word in enumerate(words)
    )
    assert unicodedata.normalize("NFKC", _fullwidth("A1")) == "A1"
    assert text_tokens(varied) == text_tokens(plain)
    exporter = Facts(id=1, kind=EXPORTER, headings=frozenset({"9403"}), tokens=text_tokens(plain))
    other = Facts(id=1, kind=EXPORTER, headings=frozenset({"9403"}), tokens=text_tokens(varied))
    partner = Facts(
        id=2, kind=PLATFORM, headings=frozenset({"9403"}), tokens=text_tokens("家具 LED lamp")
    )
    assert score_pair(exporter, partner) == score_pair(other, partner)


# Simplified words and their traditional writing (as a Taiwanese or Hong Kong profile would).
TRADITIONAL = {
    "家具": "傢俱",
    "实木": "實木",
    "茶叶": "茶葉",
    "海外仓": "海外倉",
    "灯具": "燈具",
    "物流": "物流",
    "跨境电商": "跨境電商",
}


@PROPERTY_SETTINGS
@given(
    st.lists(st.sampled_from([*TRADITIONAL, "LED", "9403"]), min_size=1, max_size=8),
    st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_traditional_writing_does_not_change_results(words, traditional):
    simplified = " ".join(words)
    mixed = " ".join(
        TRADITIONAL.get(word, word) if traditional[i] else word for i, word in enumerate(words)
    )
    assert text_tokens(mixed) == text_tokens(simplified)
    exporter = Facts(id=1, kind=EXPORTER, headings=frozenset({"9403"}), tokens=text_tokens(mixed))
    same = Facts(id=1, kind=EXPORTER, headings=frozenset({"9403"}), tokens=text_tokens(simplified))
    partner = Facts(
        id=2, kind=PLATFORM, headings=frozenset({"9403"}), tokens=text_tokens("家具 海外仓 LED")
    )
    assert score_pair(exporter, partner) == score_pair(same, partner)
