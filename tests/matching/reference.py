"""Reference implementations (oracles) for the vectorized parts of matchmaking.matching.

These are the engine's earlier, one-pair-at-a-time versions, kept here only to check the
vectorized ones against: the reasons of one (exporter, partner) pair, and the greedy exposure
cap. They are slow and plain on purpose. (The quality reasons, per organization, are the
engine's own.)
"""

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from matchmaking.matching import (
    CHAPTER_CREDIT,
    COVERAGE_SHARE,
    EXPORTER,
    PARTNER_COVERAGE_SHARE,
    PLATFORM,
    REASON_BRAND,
    REASON_CERTIFICATION,
    REASON_CHANNEL,
    REASON_HS_CHAPTER,
    REASON_HS_HEADING,
    REASON_LANE,
    REASON_MARKET,
    REASON_SCALE,
    REASON_SERVICE,
    REASON_TEXT,
    REASON_WAREHOUSE,
    REQUIREMENT_PENALTY,
    SERVICE_PROVIDER,
    SIDE_THEM,
    SIDE_YOU,
    TEXT_WORDS_SHOWN,
    TOP_SLOTS,
    VIEW_WEIGHTS,
    Corpus,
    Facts,
    Reason,
    _quality_reasons,
    _requirements,
)


def pair_reasons(
    exporter: Facts, partner: Facts, corpus: Corpus, text: float, weights_cache: dict
) -> tuple[list[Reason], list[Reason]]:
    """Reasons of the exporter's view and of the partner's view (sides as for the exporter)."""
    kind = partner.kind if partner.kind in (PLATFORM, SERVICE_PROVIDER) else SERVICE_PROVIDER
    mine, theirs = VIEW_WEIGHTS[EXPORTER][kind], VIEW_WEIGHTS["partner"][kind]
    you: list[Reason] = []
    them: list[Reason] = []

    def add(into: list[Reason], side: str, reason_kind: str, weight: float, facts: dict) -> None:
        if weight > 1e-12:
            into.append(Reason(reason_kind, side, weight if weight < 1.0 else 1.0, facts))

    heading_count = len(exporter.headings)
    if heading_count and partner.headings:
        same = exporter.headings & partner.headings
        partner_chapters = {h[:2] for h in partner.headings}
        near = sorted({h[:2] for h in exporter.headings - same if h[:2] in partner_chapters})
        near_count = sum(1 for h in exporter.headings - same if h[:2] in partner_chapters)
        for into, side, weight in ((you, SIDE_YOU, mine), (them, SIDE_THEM, theirs)):
            if same:
                value = weight["product"] * len(same) / heading_count
                add(into, side, REASON_HS_HEADING, value, {"headings": sorted(same)})
            if near:
                value = weight["product"] * CHAPTER_CREDIT * near_count / heading_count
                add(into, side, REASON_HS_CHAPTER, value, {"chapters": near})
    markets = exporter.markets & partner.markets
    if markets:
        facts = {"countries": sorted(markets)}
        add(
            you,
            SIDE_YOU,
            REASON_MARKET,
            mine["market"] * len(markets) / len(exporter.markets),
            facts,
        )
        cosine = len(markets) / math.sqrt(len(exporter.markets) * len(partner.markets))
        add(them, SIDE_THEM, REASON_MARKET, theirs["market"] * cosine, facts)
    channels = exporter.channels_wanted & partner.channels_offered
    if channels:
        facts = {"channels": sorted(channels)}
        share = len(channels) / len(exporter.channels_wanted)
        add(you, SIDE_YOU, REASON_CHANNEL, mine["channel"] * share, facts)
        cosine = len(channels) / math.sqrt(
            len(exporter.channels_wanted) * len(partner.channels_offered)
        )
        add(them, SIDE_THEM, REASON_CHANNEL, theirs["channel"] * cosine, facts)
    services = exporter.services_needed & partner.services_offered
    coverage_needed = len(exporter.warehouse_countries) + len(exporter.lane_destinations)
    share = COVERAGE_SHARE if coverage_needed else 0.0
    if services:
        facts = {"services": sorted(services)}
        value = mine["service"] * (1 - share) * len(services) / len(exporter.services_needed)
        add(you, SIDE_YOU, REASON_SERVICE, value, facts)
        cosine = len(services) / math.sqrt(
            len(exporter.services_needed) * len(partner.services_offered)
        )
        value = theirs["service"] * (1 - PARTNER_COVERAGE_SHARE) * cosine
        add(them, SIDE_THEM, REASON_SERVICE, value, facts)
    coverage_offered = len(partner.warehouse_countries) + len(partner.lane_destinations)
    for reason_kind, service, needed, offered in (
        (
            REASON_WAREHOUSE,
            "overseas_warehouse",
            exporter.warehouse_countries,
            partner.warehouse_countries,
        ),
        (REASON_LANE, "logistics", exporter.lane_destinations, partner.lane_destinations),
    ):
        covered = needed & offered
        if covered:
            facts = {"services": [service], "countries": sorted(covered)}
            add(
                you,
                SIDE_YOU,
                reason_kind,
                mine["service"] * share * len(covered) / coverage_needed,
                facts,
            )
            cosine = len(covered) / math.sqrt(coverage_needed * coverage_offered)
            value = theirs["service"] * PARTNER_COVERAGE_SHARE * cosine
            add(them, SIDE_THEM, reason_kind, value, facts)
    if text > 0:
        left = _cached_weights(exporter, corpus, weights_cache)
        right = _cached_weights(partner, corpus, weights_cache)
        shared = left.keys() & right.keys()
        words = sorted(shared, key=lambda word: (-left[word] * right[word], word))
        facts = {"words": words[:TEXT_WORDS_SHOWN]}
        text = float(text)
        add(you, SIDE_YOU, REASON_TEXT, mine["text"] * text, facts)
        add(them, SIDE_THEM, REASON_TEXT, theirs["text"] * text, dict(facts))
    if kind == PLATFORM:
        requirements = _requirements(partner)
        per = REQUIREMENT_PENALTY / len(requirements) if requirements else 0.0
        band = exporter.volume_band
        if (
            partner.min_volume_band is not None
            and band is not None
            and band >= partner.min_volume_band
        ):
            facts = {"volume_band": band, "min_volume_band": partner.min_volume_band}
            add(them, SIDE_THEM, REASON_SCALE, per, facts)
        held = exporter.certifications & partner.required_certifications
        if held:
            value = per * len(held) / len(partner.required_certifications)
            add(them, SIDE_THEM, REASON_CERTIFICATION, value, {"certifications": sorted(held)})
        if partner.requires_own_brand and exporter.has_own_brand:
            add(them, SIDE_THEM, REASON_BRAND, per, {"own_brand": True})
    you.extend(_quality_reasons(partner, SIDE_YOU, weights_cache))
    them.extend(_quality_reasons(exporter, SIDE_THEM, weights_cache))
    return you, them


def _cached_weights(item: Facts, corpus: Corpus, cache: dict) -> dict[str, float]:
    found = cache.get(item.id)
    if found is None:
        found = cache[item.id] = corpus.weights(item.tokens)
    return found


def exposure(ranked: dict[int, list], pool: Sequence[Facts], *, top: int, cap: int) -> dict:
    """Each organization's final list: top-10 slots filled greedily from the best pairs down,
    a candidate taking at most `cap` organizations' slots; then the rest by score."""
    slots = min(TOP_SLOTS, top)
    # Most of the time nobody exceeds the cap: then every list stays as it is.
    shown: Counter[int] = Counter(entry[0] for found in ranked.values() for entry in found[:slots])
    if not shown or max(shown.values()) <= cap:
        return {organization_id: found[:top] for organization_id, found in ranked.items()}
    organizations = list(ranked)
    lengths = [len(ranked[key]) for key in organizations]
    owner = np.repeat(np.arange(len(organizations)), lengths)
    ranks = np.concatenate([np.arange(length) for length in lengths]) if lengths else owner
    flat = [entry for key in organizations for entry in ranked[key]]
    values = np.array([entry[1] for entry in flat])
    candidates = [entry[0] for entry in flat]
    order = np.lexsort((ranks, owner, -values)).tolist()
    owner_list, rank_list = owner.tolist(), ranks.tolist()
    taken: Counter[int] = Counter()
    placed: list[list[int]] = [[] for _ in organizations]
    for at in order:
        mine = placed[owner_list[at]]
        candidate = candidates[at]
        if len(mine) >= slots or taken[candidate] >= cap:
            continue
        mine.append(rank_list[at])
        taken[candidate] += 1
    chosen = {}
    for number, organization_id in enumerate(organizations):
        found = ranked[organization_id]
        first = sorted(placed[number])
        # Unplaced candidates follow only behind a full top 10: when an organization could not
        # fill it, everything left is capped and may not enter its top 10.
        used = set(first)
        rest = [rank for rank in range(len(found)) if rank not in used]
        if len(first) < slots:
            rest = []
        chosen[organization_id] = [found[rank] for rank in (first + rest)[:top]]
    return chosen
