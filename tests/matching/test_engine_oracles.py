"""The vectorized reasons and exposure cap agree with plain one-at-a-time versions
(tests/matching/reference.py) on any input (hypothesis)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaking.matching import (
    EXPORTER,
    SIDE_THEM,
    SIDE_YOU,
    Corpus,
    _Entries,
    _exposure,
    score_pair,
)
from tests.matching import reference
from tests.matching.test_engine_properties import pairs

# More examples than the other properties: these compare two implementations outright.
ORACLE_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def comparable(reasons, flip: bool) -> list[tuple]:
    """Reasons as sortable tuples, sides from the exporter's point of view."""
    found = []
    for reason in reasons:
        side = reason.side
        if flip:
            side = SIDE_THEM if side == SIDE_YOU else SIDE_YOU
        facts = tuple(sorted((key, repr(value)) for key, value in reason.facts.items()))
        found.append((reason.kind, side, round(reason.weight, 10), facts))
    return sorted(found)


@ORACLE_SETTINGS
@given(pairs())
def test_reasons_equal_the_one_pair_reference(pair):
    organization, partner = pair
    corpus = Corpus.build([organization, partner])
    match = score_pair(organization, partner, corpus=corpus)
    exporter, other = (
        (organization, partner) if organization.kind == EXPORTER else (partner, organization)
    )
    left, right = corpus.weights(exporter.tokens), corpus.weights(other.tokens)
    text = sum(left[word] * right[word] for word in left.keys() & right.keys())
    you, them = reference.pair_reasons(exporter, other, corpus, text, {})
    expected = comparable([*you, *them], flip=False) if match.score > 0 else []
    assert comparable(match.reasons, flip=organization.kind != EXPORTER) == expected


@st.composite
def ranked_lists(draw):
    """Organizations' ranked candidates, best first (ties by candidate), scores from a small
    set so that ties between pairs are common."""
    owners = draw(st.integers(1, 14))
    candidates = draw(st.integers(1, 9))
    ranked = {}
    for owner in range(owners):
        chosen = draw(st.lists(st.integers(0, candidates - 1), unique=True, max_size=candidates))
        values = draw(
            st.lists(
                st.sampled_from([0.1, 0.2, 0.3, 0.5, 0.9]),
                min_size=len(chosen),
                max_size=len(chosen),
            )
        )
        entries = sorted(zip(chosen, values, strict=True), key=lambda e: (-e[1], e[0]))
        ranked[owner] = [(candidate, value, None, 1.0) for candidate, value in entries]
    return ranked


@ORACLE_SETTINGS
@given(ranked_lists(), st.integers(1, 12), st.integers(1, 6))
def test_exposure_equals_the_greedy_reference(ranked, top, cap):
    flat = [(owner, entry) for owner, found in ranked.items() for entry in found]
    entries = _Entries(
        owner=np.array([owner for owner, _ in flat], dtype=np.int64),
        position=np.array([entry[0] for _, entry in flat], dtype=np.int64),
        value=np.array([entry[1] for _, entry in flat]),
        factor=np.ones(len(flat)),
        helped={},
    )
    selected = _exposure(entries, top=top, cap=cap)
    found = {owner: [] for owner in ranked}
    for at in selected.tolist():
        owner, entry = flat[at]
        found[owner].append(entry)
    assert found == reference.exposure(ranked, [], top=top, cap=cap)
