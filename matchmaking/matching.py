"""The matching engine: reciprocal, explained partner suggestions over plain data (no ORM).

Callers (matchmaking.selectors.matching) turn profiles into `Facts`; this module scores pairs and
explains them. It imports numpy, scipy and the project's tokenizer, nothing else of ours.

Who meets whom
    Exporters meet platforms and service providers; platforms and providers meet exporters. Every
    pair is therefore (exporter, partner) and is scored from two views:

    - the exporter's view: how well the partner meets the exporter's needs;
    - the partner's view: how well the exporter meets the partner's needs and requirements.

    For the organization a suggestion is for, `fit_you` is its own view and `fit_them` the other.

Score
    score = sqrt(view_exporter * view_partner) * sqrt(quality_exporter * quality_partner)
    (times the organization's feedback factor, see below). The geometric mean is low when either
    view is low, so a pair scores well only when it suits both sides; without feedback the score
    of (a, b) equals the score of (b, a), and a "you" reason of a is a "them" reason of b.
    A score of 0 means no common ground from one of the views; such pairs are never suggested.

Each view is a weighted sum of components in [0, 1] whose weights (VIEW_WEIGHTS) sum to 1:

    product   the exporter's HS headings, each counting 1 when the partner lists the same heading
              and CHAPTER_CREDIT when it lists another heading of the same chapter (first two
              digits), averaged over the exporter's headings. A partner listing no headings
              takes any goods and counts ANY_GOODS.
    market    the exporter's view: the share of its target markets the partner covers; the
              partner's view: the cosine of the two market sets (a platform covering 27 countries
              is well served by an exporter aiming at five of them).
    channel   exporter channels wanted against platform channels offered (share / cosine).
    service   services needed against offered; when the exporter needs warehouses or lanes in
              given countries, COVERAGE_SHARE of the component is the share of those countries
              where the partner has a warehouse (warehouse_countries) or a lane
              (lane_destinations). The partner's view uses cosines.
    text      TF-IDF cosine of the two token lists (sublinear tf, smoothed idf from a Corpus).

    Both views are multiplied by a gate on the essential conditions of a partnership, each
    condition contributing GATE_FLOOR + (1 - GATE_FLOOR) * key: the product component (the
    partner takes the exporter's goods) and, for a platform, the exporter's market share (it
    sells where the exporter wants to sell) or, for a provider, the exporter's service component
    (it offers what the exporter needs). A platform in none of the exporter's markets is still
    a weak candidate, not an excluded one.

    The partner's view of a platform is then multiplied by a requirement factor
    1 - REQUIREMENT_PENALTY * (1 - met), `met` being the mean of the platform's applicable
    requirements: volume band at least min_volume_band (unknown band counts 1/2), the share of
    required certifications held, own brand when required. A platform without requirements, and
    every provider, has factor 1.

    quality = 0.8 + 0.1 * completeness / 100 + 0.1 * activity, activity being 1 for a profile
    changed in the last ACTIVE_DAYS days, falling linearly to 0 at STALE_DAYS (unknown: 0).

Feedback (one-sided, so it breaks symmetry on purpose)
    Partners an organization dismissed are never suggested to it. Other candidates are compared
    with the partners it saved and dismissed (cosine of their headings, chapters, markets,
    services and channels); the score is multiplied by
    1 + FEEDBACK_WEIGHT * (best likeness to a saved one - best likeness to a dismissed one)
    and capped at 1. `suggest` finds the saved and dismissed partners among its candidates;
    `score_pair` only knows those passed in `Feedback.partners`.

Exposure (suggest only)
    No candidate appears in more than `exposure_cap` organizations' top 10 (per direction:
    exporters' suggestions, partners' suggestions). Default:
    max(10, ceil(3 * 10 * organizations / candidates)), three times a fair share. Top-10 slots
    are filled greedily from the highest-scoring pairs down, so a popular partner keeps the
    organizations it suits best and its other slots go to each organization's next best partner
    (an organization with too few uncapped candidates gets a shorter list). Places 11 to `top`
    are the remaining partners by score, uncapped.

Reasons
    Kinds are the REASON_* constants. `weight` is the reason's contribution to that side's view
    (component weight times its value) or, for requirements and quality, its share of the
    factor; always in (0, 1]. `facts` hold codes only, for templates to translate.

Speed
    suggest() turns the facts into sparse feature rows, scores every (exporter, partner) pair
    with a few sparse-times-dense products per block of exporters, keeps the best per
    organization with argpartition, and builds views and reasons for the kept pairs only. A
    Corpus remembers each organization's feature rows (checked by equality of its Facts): keep
    one Corpus for repeated one-organization recomputes and only the changed organization is
    encoded again. `suggest(..., timings={})` reports the seconds of each phase.
"""

from __future__ import annotations

import gc
import math
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy import sparse

from search.analysis import segment

EXPORTER, PLATFORM, SERVICE_PROVIDER = "exporter", "platform", "service_provider"
KINDS = (EXPORTER, PLATFORM, SERVICE_PROVIDER)

SIDE_YOU, SIDE_THEM = "you", "them"

REASON_HS_HEADING = "hs_heading"  # same 4-digit headings; facts {"headings": [...]}
REASON_HS_CHAPTER = "hs_chapter"  # other headings of the same chapters; {"chapters": [...]}
REASON_MARKET = "market"  # markets in common; {"countries": [...]}
REASON_SERVICE = "service"  # services needed and offered; {"services": [...]}
REASON_WAREHOUSE = "warehouse"  # warehouse where needed; {"services": [...], "countries": [...]}
REASON_LANE = "lane"  # logistics lanes where needed; {"services": [...], "countries": [...]}
REASON_CHANNEL = "channel"  # sales channels wanted and offered; {"channels": [...]}
REASON_TEXT = "text"  # the most telling shared words of the descriptions; {"words": [...]}
REASON_SCALE = "scale"  # volume band meets the minimum; {"volume_band": b, "min_volume_band": m}
REASON_CERTIFICATION = "certification"  # required certifications held; {"certifications": [...]}
REASON_BRAND = "brand"  # own brand, as required; {"own_brand": true}
REASON_COMPLETENESS = "completeness"  # the other's profile is complete; {"completeness": n}
REASON_ACTIVITY = "activity"  # the other was active recently; {"days_ago": n}
REASON_FEEDBACK = "feedback"  # resembles partners the organization saved; {"saved": [ids]}
REASON_KINDS = (
    REASON_HS_HEADING,
    REASON_HS_CHAPTER,
    REASON_MARKET,
    REASON_SERVICE,
    REASON_WAREHOUSE,
    REASON_LANE,
    REASON_CHANNEL,
    REASON_TEXT,
    REASON_SCALE,
    REASON_CERTIFICATION,
    REASON_BRAND,
    REASON_COMPLETENESS,
    REASON_ACTIVITY,
    REASON_FEEDBACK,
)

COMPONENTS = ("product", "market", "channel", "service", "text")
# VIEW_WEIGHTS[view][partner kind][component]; each row sums to 1.
VIEW_WEIGHTS: dict[str, dict[str, dict[str, float]]] = {
    EXPORTER: {
        PLATFORM: {"product": 0.30, "market": 0.30, "channel": 0.15, "service": 0.05, "text": 0.20},
        SERVICE_PROVIDER: {
            "product": 0.10,
            "market": 0.20,
            "channel": 0.0,
            "service": 0.50,
            "text": 0.20,
        },
    },
    "partner": {
        PLATFORM: {"product": 0.45, "market": 0.25, "channel": 0.05, "service": 0.0, "text": 0.25},
        SERVICE_PROVIDER: {
            "product": 0.10,
            "market": 0.20,
            "channel": 0.0,
            "service": 0.50,
            "text": 0.20,
        },
    },
}
ANY_GOODS = 0.5
CHAPTER_CREDIT = 0.25  # of a heading's credit, for a heading of the same chapter
# The essential conditions of a partnership (see the module docstring): the floor of each.
GATE_FLOOR = 0.25
COVERAGE_SHARE = 0.4  # of the service component, when the exporter names countries
PARTNER_COVERAGE_SHARE = 0.3  # the same in the partner's view
REQUIREMENT_PENALTY = 0.5
UNKNOWN_BAND_CREDIT = 0.5
VOLUME_BANDS = 5
QUALITY_FLOOR = 0.8
ACTIVE_DAYS, STALE_DAYS = 30, 365
COMPLETE_PROFILE = 80  # completeness from which it is a reason
FEEDBACK_WEIGHT = 0.2
TOP_SLOTS = 10  # the places the exposure cap guards
TEXT_WORDS_SHOWN = 5
_SCORE_BLOCK_ROWS = 1000
_EXTRA_CANDIDATES = 30  # kept beyond `top` per organization, for the exposure cap to fall back on

_SPACE_RE = re.compile(r"\s+")
_HAN_GAP_RE = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\s+(?=[\u3400-\u9fff\uf900-\ufaff])")


def partner_kinds(kind: str) -> frozenset[str]:
    """The kinds an organization of this kind is matched with."""
    if kind == EXPORTER:
        return frozenset({PLATFORM, SERVICE_PROVIDER})
    if kind in (PLATFORM, SERVICE_PROVIDER):
        return frozenset({EXPORTER})
    return frozenset()


@dataclass(frozen=True, slots=True)
class Facts:
    """What the engine knows of one organization, prepared by the caller.

    headings: 4-digit HS headings (exporter: what it makes; platform: categories it recruits;
    provider: goods it serves, empty = any). markets: ISO alpha-2, regions expanded (target
    markets / markets covered / served). See the module docstring for how each field is used.
    """

    id: int
    kind: str
    headings: frozenset[str] = frozenset()
    markets: frozenset[str] = frozenset()
    current_markets: frozenset[str] = frozenset()
    channels_wanted: frozenset[str] = frozenset()
    channels_offered: frozenset[str] = frozenset()
    services_needed: frozenset[str] = frozenset()
    services_offered: frozenset[str] = frozenset()
    warehouse_countries: frozenset[str] = frozenset()
    lane_destinations: frozenset[str] = frozenset()
    certifications: frozenset[str] = frozenset()
    required_certifications: frozenset[str] = frozenset()
    requires_own_brand: bool = False
    has_own_brand: bool = False
    volume_band: int | None = None
    min_volume_band: int | None = None
    completeness: int = 0
    active_days_ago: int | None = None
    tokens: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Feedback:
    """One organization's feedback on suggested partners.

    `partners` optionally carries the Facts of saved and dismissed partners, so that
    score_pair can apply likeness to them; suggest() also finds them among its candidates.
    """

    dismissed: frozenset[int] = frozenset()
    saved: frozenset[int] = frozenset()
    partners: tuple[Facts, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    kind: str
    side: str
    weight: float
    facts: dict


@dataclass(frozen=True, slots=True)
class Match:
    organization_id: int
    partner_id: int
    score: float
    fit_you: float
    fit_them: float
    reasons: tuple[Reason, ...]

    def as_dict(self) -> dict:
        return {
            "organization_id": self.organization_id,
            "partner_id": self.partner_id,
            "score": self.score,
            "fit_you": self.fit_you,
            "fit_them": self.fit_them,
            "reasons": [asdict(reason) for reason in self.reasons],
        }


def text_tokens(*texts: str) -> tuple[str, ...]:
    """Tokens of the texts: NFKC (full-width == half-width), whitespace collapsed (and removed
    between Chinese characters, where it is only layout), casefolded, then segmented by
    search.analysis.segment. Callers store the result: segmentation is the slow part."""
    tokens: list[str] = []
    for text in texts:
        if not text:
            continue
        text = unicodedata.normalize("NFKC", text)
        text = _HAN_GAP_RE.sub("", _SPACE_RE.sub(" ", text).strip()).casefold()
        tokens.extend(segment(text))
    return tuple(tokens)


class Corpus:
    """Inverse document frequencies over the organizations' tokens (smoothed, as in
    scikit-learn: idf = ln((1 + N) / (1 + df)) + 1; a token the corpus never saw has df 0)."""

    __slots__ = ("_encoder", "documents", "idf", "index")

    def __init__(self, index: dict[str, int], idf: np.ndarray, documents: int) -> None:
        self.index = index
        self.idf = idf
        self.documents = documents
        self._encoder: _Encoder | None = None

    def encoder(self) -> _Encoder:
        """The organizations' feature rows under this corpus, remembered between calls (so
        keep one Corpus for repeated one-organization recomputes; not thread-safe)."""
        if self._encoder is None:
            self._encoder = _Encoder(self)
        return self._encoder

    @classmethod
    def build(cls, facts: Sequence[Facts]) -> Corpus:
        frequency: Counter[str] = Counter()
        for item in facts:
            frequency.update(set(item.tokens))
        index = {token: position for position, token in enumerate(frequency)}
        counts = np.fromiter(frequency.values(), dtype=np.float64, count=len(frequency))
        return cls(index, np.log((1 + len(facts)) / (1 + counts)) + 1.0, len(facts))

    def unseen_idf(self) -> float:
        return math.log(1 + self.documents) + 1.0

    def weights(self, tokens: Sequence[str]) -> dict[str, float]:
        """The L2-normalised TF-IDF weights of one token list (sublinear tf)."""
        counts = Counter(tokens)
        unseen = self.unseen_idf()
        weights = {}
        for token, count in counts.items():
            position = self.index.get(token)
            idf = self.idf[position] if position is not None else unseen
            weights[token] = (1.0 + math.log(count)) * float(idf)
        norm = math.sqrt(sum(value * value for value in weights.values()))
        return {token: value / norm for token, value in weights.items()} if norm else {}


# --- Features ------------------------------------------------------------------------------


class _Vocabulary:
    """Column numbers for codes, grown as rows are encoded."""

    def __init__(self) -> None:
        self.columns: dict[str, int] = {}

    def column(self, code: str) -> int:
        found = self.columns.get(code)
        if found is None:
            found = self.columns[code] = len(self.columns)
        return found


class _Rows:
    """Builds one CSR matrix row by row (columns from a shared vocabulary)."""

    def __init__(self, vocabulary: _Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.indptr = [0]
        self.indices: list[int] = []
        self.data: list[float] = []

    def add(self, codes, value: float) -> None:
        if value:
            for code in codes:
                self.indices.append(self.vocabulary.column(code))
                self.data.append(value)

    def add_weighted(self, weights: Mapping[str, float]) -> None:
        for code, value in weights.items():
            self.indices.append(self.vocabulary.column(code))
            self.data.append(value)

    def end_row(self) -> None:
        self.indptr.append(len(self.indices))

    def matrix(self) -> sparse.csr_matrix:
        shape = (len(self.indptr) - 1, max(len(self.vocabulary.columns), 1))
        built = sparse.csr_matrix(
            (np.asarray(self.data, dtype=np.float64), self.indices, self.indptr), shape=shape
        )
        built.sum_duplicates()
        return built


def _chapters(headings: frozenset[str]) -> Counter[str]:
    return Counter(heading[:2] for heading in headings)


def _coverage_codes(item: Facts) -> list[str]:
    return [f"w:{c}" for c in item.warehouse_countries] + [f"l:{c}" for c in item.lane_destinations]


def _quality(item: Facts) -> float:
    return QUALITY_FLOOR + 0.1 * _completeness(item) / 100 + 0.1 * _activity(item)


def _completeness(item: Facts) -> float:
    return min(max(item.completeness, 0), 100)


def _activity(item: Facts) -> float:
    days = item.active_days_ago
    if days is None:
        return 0.0
    if days <= ACTIVE_DAYS:
        return 1.0
    return max(0.0, (STALE_DAYS - days) / (STALE_DAYS - ACTIVE_DAYS))


def _inv(count: int) -> float:
    return 1.0 / count if count else 0.0


def _inv_sqrt(count: int) -> float:
    return 1.0 / math.sqrt(count) if count else 0.0


@dataclass
class _Prepared:
    """Feature matrices of exporters (rows) and partners (columns) for one scoring run.

    gate          = product of GATE_FLOOR + (1 - GATE_FLOOR) * (ex_exporter_view @ key.T)
                    for key in (pa_key, pa_goods)
    view_exporter = (ex_exporter_view @ pa_exporter_view.T + text * text_weight_exporter) * gate
    view_partner  = (ex_partner_view @ pa_partner_view.T + text * text_weight_partner)
                    * (ex_requirements @ pa_requirements.T) * gate
    text          = ex_text @ pa_text.T
    """

    ex_exporter_view: sparse.csr_matrix
    ex_partner_view: sparse.csr_matrix
    ex_requirements: sparse.csr_matrix
    ex_text: sparse.csr_matrix
    pa_exporter_view: np.ndarray  # dense, transposed: features x partners
    pa_partner_view: np.ndarray
    pa_requirements: np.ndarray
    pa_text: np.ndarray
    pa_key: np.ndarray  # the gate's keys, against ex_exporter_view: market or service
    pa_goods: np.ndarray  # and product
    text_weight_exporter: np.ndarray  # per partner
    text_weight_partner: np.ndarray
    quality_exporters: np.ndarray
    quality_partners: np.ndarray


def _prepare(exporters: Sequence[Facts], partners: Sequence[Facts], corpus: Corpus) -> _Prepared:
    encoder = corpus.encoder()
    exporter_rows = [encoder.exporter(item) for item in exporters]
    partner_rows = [encoder.partner(item) for item in partners]
    widths = (
        len(encoder.codes.columns),
        len(encoder.codes.columns),
        len(encoder.requirement_codes.columns),
        len(encoder.words.columns),
        len(encoder.codes.columns),
        len(encoder.codes.columns),
    )

    def csr(rows: list, part: int) -> sparse.csr_matrix:
        pieces = [row[part] for row in rows]
        lengths = [len(piece[0]) for piece in pieces]
        indptr = np.zeros(len(pieces) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        empty = np.zeros(0)
        indices = np.concatenate([piece[0] for piece in pieces]) if pieces else empty
        data = np.concatenate([piece[1] for piece in pieces]) if pieces else empty
        return sparse.csr_matrix(
            (data, indices.astype(np.int64), indptr), shape=(len(pieces), max(widths[part], 1))
        )

    def dense_t(part: int) -> np.ndarray:
        return np.ascontiguousarray(csr(partner_rows, part).toarray().T)

    return _Prepared(
        *(csr(exporter_rows, part) for part in range(4)),
        *(dense_t(part) for part in range(6)),
        np.array([row[6] for row in partner_rows]),
        np.array([row[7] for row in partner_rows]),
        np.array([row[4] for row in exporter_rows]),
        np.array([row[8] for row in partner_rows]),
    )


class _Row:
    """One row of a sparse matrix: columns from a shared vocabulary, values."""

    __slots__ = ("data", "indices", "vocabulary")

    def __init__(self, vocabulary: _Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.indices: list[int] = []
        self.data: list[float] = []

    def add(self, codes, value: float) -> None:
        if value:
            for code in codes:
                self.indices.append(self.vocabulary.column(code))
                self.data.append(value)

    def done(self) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(self.indices, dtype=np.int64), np.asarray(self.data, dtype=np.float64)


class _Encoder:
    """Feature rows of organizations, remembered per organization (keyed by id, checked by
    equality of the Facts): a Corpus kept between calls makes one organization's recompute
    cost its own encoding only. Column numbers are stable for the encoder's life."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.codes, self.requirement_codes = _Vocabulary(), _Vocabulary()
        self.requirement_codes.column("const")
        self.words = _Vocabulary()
        self.words.columns = dict(corpus.index)
        self.remembered: dict[tuple[str, int], tuple[Facts, tuple]] = {}

    def _recall(self, role: str, item: Facts) -> tuple | None:
        found = self.remembered.get((role, item.id))
        if found is not None and (found[0] is item or found[0] == item):
            return found[1]
        return None

    def _text(self, item: Facts) -> tuple[np.ndarray, np.ndarray]:
        row = _Row(self.words)
        for token, weight in self.corpus.weights(item.tokens).items():
            row.add((token,), weight)
        return row.done()

    def exporter(self, item: Facts) -> tuple:
        """(exporter view, partner view, requirements, text rows, quality)."""
        found = self._recall(EXPORTER, item)
        if found is not None:
            return found
        view, pview = _Row(self.codes), _Row(self.codes)
        requirements = _Row(self.requirement_codes)
        heading_count = len(item.headings)
        per_heading = _inv(heading_count)
        for row in (view, pview):
            row.add((f"h:{h}" for h in item.headings), per_heading)
            for chapter, count in _chapters(item.headings).items():
                row.add((f"c:{chapter}",), count * per_heading)
            row.add(("any",), 1.0 if heading_count else 0.0)
        view.add((f"m:{m}" for m in item.markets), _inv(len(item.markets)))
        pview.add((f"m:{m}" for m in item.markets), _inv_sqrt(len(item.markets)))
        view.add((f"ch:{c}" for c in item.channels_wanted), _inv(len(item.channels_wanted)))
        pview.add((f"ch:{c}" for c in item.channels_wanted), _inv_sqrt(len(item.channels_wanted)))
        coverage = _coverage_codes(item)
        share = COVERAGE_SHARE if coverage else 0.0
        services = [f"s:{s}" for s in item.services_needed]
        view.add(services, (1 - share) * _inv(len(services)))
        view.add(coverage, share * _inv(len(coverage)))
        pview.add(services, _inv_sqrt(len(services)))
        pview.add(coverage, _inv_sqrt(len(coverage)))
        band = item.volume_band
        if band is None:
            requirements.add(("band?",), UNKNOWN_BAND_CREDIT)
        else:
            requirements.add((f"band>={b}" for b in range(min(band, VOLUME_BANDS - 1) + 1)), 1.0)
        requirements.add((f"cert:{c}" for c in item.certifications), 1.0)
        requirements.add(("brand",), 1.0 if item.has_own_brand else 0.0)
        requirements.add(("const",), 1.0)
        encoded = (view.done(), pview.done(), requirements.done(), self._text(item), _quality(item))
        self.remembered[(EXPORTER, item.id)] = (item, encoded)
        return encoded

    def partner(self, item: Facts) -> tuple:
        """(exporter view, partner view, requirements, text, key, goods rows, text weight in
        the exporter's view, in the partner's view, quality)."""
        found = self._recall("partner", item)
        if found is not None:
            return found
        kind = item.kind if item.kind in (PLATFORM, SERVICE_PROVIDER) else SERVICE_PROVIDER
        chapters = [f"c:{c}" for c in _chapters(item.headings)]
        headings = [f"h:{h}" for h in item.headings]
        markets = [f"m:{m}" for m in item.markets]
        services = [f"s:{s}" for s in item.services_offered]
        channels = [f"ch:{c}" for c in item.channels_offered]
        coverage = _coverage_codes(item)
        rows = []
        for view, sqrt_norm in ((EXPORTER, False), ("partner", True)):
            row = _Row(self.codes)
            weight = VIEW_WEIGHTS[view][kind]
            product = weight["product"]
            row.add(headings, (1 - CHAPTER_CREDIT) * product)
            row.add(chapters, CHAPTER_CREDIT * product)
            row.add(("any",), 0.0 if item.headings else ANY_GOODS * product)
            norm = _inv_sqrt if sqrt_norm else (lambda count: 1.0 if count else 0.0)
            row.add(markets, weight["market"] * norm(len(markets)))
            row.add(channels, weight["channel"] * norm(len(channels)))
            service_share = (1 - PARTNER_COVERAGE_SHARE) if sqrt_norm else 1.0
            coverage_share = PARTNER_COVERAGE_SHARE if sqrt_norm else 1.0
            row.add(services, weight["service"] * service_share * norm(len(services)))
            row.add(coverage, weight["service"] * coverage_share * norm(len(coverage)))
            rows.append(row.done())
        requirements = _Row(self.requirement_codes)
        applicable = _requirements(item) if kind == PLATFORM else []
        for codes, value in applicable:
            requirements.add(codes, REQUIREMENT_PENALTY * value / len(applicable))
        requirements.add(("const",), 1.0 - REQUIREMENT_PENALTY if applicable else 1.0)
        key, goods = _Row(self.codes), _Row(self.codes)
        goods.add(headings, 1 - CHAPTER_CREDIT)
        goods.add(chapters, CHAPTER_CREDIT)
        goods.add(("any",), 0.0 if item.headings else ANY_GOODS)
        if kind == PLATFORM:
            key.add(markets, 1.0)
        else:
            key.add(services, 1.0)
            key.add(coverage, 1.0)
        encoded = (
            *rows,
            requirements.done(),
            self._text(item),
            key.done(),
            goods.done(),
            VIEW_WEIGHTS[EXPORTER][kind]["text"],
            VIEW_WEIGHTS["partner"][kind]["text"],
            _quality(item),
        )
        self.remembered[("partner", item.id)] = (item, encoded)
        return encoded


def _requirements(item: Facts) -> list[tuple[list[str], float]]:
    """A platform's applicable requirements as (exporter feature codes, value) pairs: the
    exporter meets a requirement to the extent of its matching features."""
    found: list[tuple[list[str], float]] = []
    if item.min_volume_band is not None:
        minimum = min(max(item.min_volume_band, 0), VOLUME_BANDS - 1)
        found.append(([f"band>={minimum}", "band?"], 1.0))
    if item.required_certifications:
        share = 1.0 / len(item.required_certifications)
        found.append(([f"cert:{c}" for c in item.required_certifications], share))
    if item.requires_own_brand:
        found.append((["brand"], 1.0))
    return found


def _widen(matrix: sparse.csr_matrix, columns: int) -> sparse.csr_matrix:
    columns = max(columns, 1)
    if matrix.shape[1] == columns:
        return matrix
    return sparse.csr_matrix(
        (matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], columns)
    )


def _score_block(prepared: _Prepared, rows: slice) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(view_exporter, view_partner, score) for a block of exporters against every partner."""
    text = prepared.ex_text[rows] @ prepared.pa_text
    view_exporter = prepared.ex_exporter_view[rows] @ prepared.pa_exporter_view
    view_exporter += text * prepared.text_weight_exporter
    view_partner = prepared.ex_partner_view[rows] @ prepared.pa_partner_view
    view_partner += text * prepared.text_weight_partner
    view_partner *= prepared.ex_requirements[rows] @ prepared.pa_requirements
    gate = _gate(prepared.ex_exporter_view[rows] @ prepared.pa_key)
    gate *= _gate(prepared.ex_exporter_view[rows] @ prepared.pa_goods)
    view_exporter *= gate
    view_partner *= gate
    np.clip(view_exporter, 0.0, 1.0, out=view_exporter)
    np.clip(view_partner, 0.0, 1.0, out=view_partner)
    score = np.sqrt(view_exporter * view_partner)
    score *= np.sqrt(np.outer(prepared.quality_exporters[rows], prepared.quality_partners))
    np.clip(score, 0.0, 1.0, out=score)
    return view_exporter, view_partner, score


def _gate(key: np.ndarray) -> np.ndarray:
    """GATE_FLOOR + (1 - GATE_FLOOR) * key, in place."""
    np.clip(key, 0.0, 1.0, out=key)
    key *= 1 - GATE_FLOOR
    key += GATE_FLOOR
    return key


# --- Feedback ------------------------------------------------------------------------------


def _likeness_codes(item: Facts) -> list[str]:
    return [
        *(f"h:{h}" for h in item.headings),
        *(f"c:{c}" for c in _chapters(item.headings)),
        *(f"m:{m}" for m in item.markets),
        *(f"s:{s}" for s in item.services_offered | item.services_needed),
        *(f"ch:{c}" for c in item.channels_offered | item.channels_wanted),
    ]


def _likeness(candidates: Sequence[Facts], examples: Sequence[Facts]) -> np.ndarray:
    """Best cosine likeness of each candidate to any of the examples (0 when none)."""
    if not examples or not candidates:
        return np.zeros(len(candidates))
    vocabulary = _Vocabulary()
    matrices = []
    for group in (candidates, examples):
        rows = _Rows(vocabulary)
        for item in group:
            item_codes = _likeness_codes(item)
            rows.add(item_codes, _inv_sqrt(len(item_codes)))
            rows.end_row()
        matrices.append(rows)
    left, right = (_widen(rows.matrix(), len(vocabulary.columns)) for rows in matrices)
    return np.asarray((left @ right.T).max(axis=1).todense()).ravel()


def _feedback_factor(
    organization: Facts,
    candidates: Sequence[Facts],
    feedback: Feedback | None,
    known: Mapping[int, Facts],
) -> tuple[np.ndarray, dict[int, list[int]]]:
    """Per candidate: the feedback factor, and for those helped, the saved partners (for the
    reason). Only saved and dismissed partners of the organization's partner kinds count."""
    if feedback is None or not (feedback.saved or feedback.dismissed):
        return np.ones(len(candidates)), {}
    by_id = {item.id: item for item in feedback.partners}
    by_id.update({key: known[key] for key in feedback.saved | feedback.dismissed if key in known})
    kinds = partner_kinds(organization.kind)
    saved = [by_id[key] for key in sorted(feedback.saved) if key in by_id]
    saved = [item for item in saved if item.kind in kinds]
    dismissed = [by_id[key] for key in sorted(feedback.dismissed) if key in by_id]
    dismissed = [item for item in dismissed if item.kind in kinds]
    like_saved = _likeness(candidates, saved)
    factor = 1.0 + FEEDBACK_WEIGHT * (like_saved - _likeness(candidates, dismissed))
    helped = {}
    for position in np.flatnonzero(factor > 1.0):
        helped[int(position)] = [item.id for item in saved]
    return factor, helped


# --- Reasons -------------------------------------------------------------------------------


def _pair_reasons(
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


def _quality_reasons(other: Facts, side: str, cache: dict) -> tuple[Reason, ...]:
    """The other organization's complete profile and recent activity, once per organization
    and side (the same Reason objects serve every pair: they are immutable)."""
    key = ("quality", other.id, side)
    found = cache.get(key)
    if found is None:
        found = []
        if _completeness(other) >= COMPLETE_PROFILE:
            value = 0.1 * _completeness(other) / 100
            facts = {"completeness": int(other.completeness)}
            found.append(Reason(REASON_COMPLETENESS, side, value, facts))
        if other.active_days_ago is not None and other.active_days_ago <= ACTIVE_DAYS:
            facts = {"days_ago": int(other.active_days_ago)}
            found.append(Reason(REASON_ACTIVITY, side, 0.1, facts))
        found = cache[key] = tuple(found)
    return found


def _cached_weights(item: Facts, corpus: Corpus, cache: dict) -> dict[str, float]:
    found = cache.get(item.id)
    if found is None:
        found = cache[item.id] = corpus.weights(item.tokens)
    return found


def _flip(reason: Reason) -> Reason:
    side = SIDE_THEM if reason.side == SIDE_YOU else SIDE_YOU
    return Reason(reason.kind, side, reason.weight, reason.facts)


def _match(
    organization: Facts,
    partner: Facts,
    *,
    score: float,
    view_exporter: float,
    view_partner: float,
    pair_reasons: tuple[list[Reason], list[Reason]],
    saved_like: list[int] | None,
    feedback_factor: float,
) -> Match:
    exporter_reasons = [*pair_reasons[0], *pair_reasons[1]]
    if organization.kind == EXPORTER:
        fit_you, fit_them, reasons = view_exporter, view_partner, exporter_reasons
    else:
        fit_you, fit_them = view_partner, view_exporter
        reasons = [_flip(reason) for reason in exporter_reasons]
    if saved_like and feedback_factor > 1.0:
        weight = min(1.0, feedback_factor - 1.0)
        reasons.append(Reason(REASON_FEEDBACK, SIDE_YOU, weight, {"saved": saved_like}))
    reasons.sort(key=lambda reason: (-reason.weight, reason.side, reason.kind))
    return Match(
        organization_id=organization.id,
        partner_id=partner.id,
        score=float(score),
        fit_you=float(fit_you),
        fit_them=float(fit_them),
        reasons=tuple(reasons),
    )


# --- Public entry points -------------------------------------------------------------------


def score_pair(
    organization: Facts,
    partner: Facts,
    *,
    corpus: Corpus | None = None,
    feedback: Feedback | None = None,
) -> Match:
    """Score one pair from the organization's side. `corpus` supplies IDF weights (None: built
    from the two); `feedback` is the organization's. Pairs of kinds that are not matched with
    each other score 0 with no reasons."""
    if partner.kind not in partner_kinds(organization.kind) or partner.id == organization.id:
        return Match(organization.id, partner.id, 0.0, 0.0, 0.0, ())
    corpus = corpus if corpus is not None else Corpus.build([organization, partner])
    exporter, other = (
        (organization, partner) if organization.kind == EXPORTER else (partner, organization)
    )
    prepared = _prepare([exporter], [other], corpus)
    view_exporter, view_partner, score = (
        value[0, 0] for value in _score_block(prepared, slice(0, 1))
    )
    known = {partner.id: partner}
    factor, helped = _feedback_factor(organization, [partner], feedback, known)
    adjusted = min(1.0, float(score) * float(factor[0]))
    if feedback is not None and partner.id in feedback.dismissed:
        adjusted = 0.0
    text = float((prepared.ex_text @ prepared.pa_text)[0, 0])
    return _match(
        organization,
        partner,
        score=adjusted,
        view_exporter=view_exporter,
        view_partner=view_partner,
        pair_reasons=_pair_reasons(exporter, other, corpus, text, {}) if adjusted > 0 else ([], []),
        saved_like=helped.get(0),
        feedback_factor=float(factor[0]),
    )


def suggest(
    organizations: Sequence[Facts],
    candidates: Sequence[Facts],
    *,
    top: int = 20,
    feedback: Mapping[int, Feedback] | None = None,
    exposure_cap: int | None = None,
    corpus: Corpus | None = None,
    timings: dict[str, float] | None = None,
) -> dict[int, list[Match]]:
    """Each organization's best `top` partners among the candidates of its partner kinds, best
    first (ties by partner id), without itself, its dismissed partners or pairs scoring 0.

    All pairs are scored at once with sparse matrices (in blocks of exporters), the best kept
    per organization, and reasons built for the kept pairs only. Scores equal score_pair's.
    See the module docstring for the exposure cap (`exposure_cap`, default automatic).
    `timings`, when given, receives the seconds spent in each phase: "prepare" (features from
    the facts), "score" (every pair), "rank" (top per organization, feedback, exposure) and
    "reasons" (views and reasons of the kept pairs, the matches).
    """
    clock = _Clock(timings)
    feedback = feedback or {}
    results: dict[int, list[Match]] = {item.id: [] for item in organizations}
    if not organizations or not candidates or top <= 0:
        return results
    if corpus is None:
        corpus = Corpus.build(_unique([*organizations, *candidates]))
    org_exporters = [item for item in organizations if item.kind == EXPORTER]
    org_partners = [item for item in organizations if item.kind in (PLATFORM, SERVICE_PROVIDER)]
    cand_exporters = [item for item in candidates if item.kind == EXPORTER] if org_partners else []
    cand_partners = (
        [item for item in candidates if item.kind in (PLATFORM, SERVICE_PROVIDER)]
        if org_exporters
        else []
    )
    exporters = _unique([*org_exporters, *cand_exporters])
    partners = _unique([*cand_partners, *org_partners])
    if not exporters or not partners:
        return results
    prepared = _prepare(exporters, partners, corpus)
    clock.lap("prepare")
    scores = np.empty((len(exporters), len(partners)))
    for start in range(0, len(exporters), _SCORE_BLOCK_ROWS):
        rows = slice(start, start + _SCORE_BLOCK_ROWS)
        scores[rows] = _score_block(prepared, rows)[2]
    clock.lap("score")

    exporter_row = {item.id: row for row, item in enumerate(exporters)}
    partner_column = {item.id: column for column, item in enumerate(partners)}
    kept: dict[tuple[int, int], None] = {}
    plans = []
    for own, pool, axis_scores, index_of, pool_index in (
        (org_exporters, cand_partners, scores, exporter_row, partner_column),
        (org_partners, cand_exporters, scores.T, partner_column, exporter_row),
    ):
        if not own or not pool:
            continue
        pool_positions = np.array(sorted({pool_index[item.id] for item in pool}))
        pool_items = [
            (exporters if pool is cand_exporters else partners)[p] for p in pool_positions
        ]
        cap = exposure_cap
        if cap is None:
            cap = max(TOP_SLOTS, math.ceil(3 * TOP_SLOTS * len(own) / len(pool_positions)))
        pool_by_id = _by_id(pool_items)
        ranked = _best_plain(
            [item for item in own if item.id not in feedback],
            axis_scores,
            index_of,
            pool_positions,
            np.array([item.id for item in pool_items]),
            top + _EXTRA_CANDIDATES,
        )
        for item in own:
            own_feedback = feedback.get(item.id)
            if own_feedback is None:
                continue
            row = axis_scores[index_of[item.id], pool_positions]
            factor, helped = _feedback_factor(item, pool_items, own_feedback, pool_by_id)
            row = np.minimum(row * factor, 1.0)
            banned = {item.id, *own_feedback.dismissed}
            best = _best(row, pool_items, banned, top + _EXTRA_CANDIDATES)
            ranked[item.id] = [(p, v, helped.get(p), float(factor[p])) for p, v in best]
        chosen = _exposure(ranked, pool_items, top=top, cap=cap)
        plans.append((own, pool_items, chosen))
        for item in own:
            for position, *_ in chosen[item.id]:
                pair = (
                    (item.id, pool_items[position].id)
                    if item.kind == EXPORTER
                    else (pool_items[position].id, item.id)
                )
                kept[pair] = None

    clock.lap("rank")
    # Views of the kept pairs, recomputed per pair from the same features (cheap, exact).
    pairs = list(kept)
    rows = np.array([exporter_row[e] for e, _ in pairs], dtype=np.int64)
    columns = np.array([partner_column[p] for _, p in pairs], dtype=np.int64)
    views = _pair_views(prepared, rows, columns)
    exporter_by_id = {item.id: item for item in exporters}
    partner_by_id = {item.id: item for item in partners}
    weights_cache: dict = {}
    built = {}
    # Hundreds of thousands of small objects follow; the cyclic collector would walk the whole
    # heap again and again for nothing (none of them forms a cycle).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for number, (exporter_id, partner_id) in enumerate(pairs):
            exporter, other = exporter_by_id[exporter_id], partner_by_id[partner_id]
            built[(exporter_id, partner_id)] = (
                views[0][number],
                views[1][number],
                _pair_reasons(exporter, other, corpus, views[2][number], weights_cache),
            )
        for own, pool_items, chosen in plans:
            for item in own:
                matches = []
                for position, value, helped, factor in chosen[item.id]:
                    other = pool_items[position]
                    key = (item.id, other.id) if item.kind == EXPORTER else (other.id, item.id)
                    view_exporter, view_partner, reasons = built[key]
                    matches.append(
                        _match(
                            item,
                            other,
                            score=value,
                            view_exporter=view_exporter,
                            view_partner=view_partner,
                            pair_reasons=reasons,
                            saved_like=helped,
                            feedback_factor=factor,
                        )
                    )
                results[item.id] = matches
    finally:
        if collecting:
            gc.enable()
    clock.lap("reasons")
    return results


class _Clock:
    def __init__(self, laps: dict[str, float] | None) -> None:
        self.laps = laps
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        if self.laps is not None:
            now = time.perf_counter()
            self.laps[name] = self.laps.get(name, 0.0) + now - self.last
            self.last = now


def _unique(items: Sequence[Facts]) -> list[Facts]:
    return list({item.id: item for item in items}.values())


def _by_id(items: Sequence[Facts]) -> dict[int, Facts]:
    return {item.id: item for item in items}


def _best_plain(
    own: Sequence[Facts],
    axis_scores: np.ndarray,
    index_of: Mapping[int, int],
    pool_positions: np.ndarray,
    pool_ids: np.ndarray,
    count: int,
) -> dict[int, list]:
    """_best for many organizations without feedback at once, in blocks of rows: entries
    (position in the pool, score, None, 1.0), best first, ties by id, zero scores left out."""
    ranked: dict[int, list] = {}
    whole = len(pool_positions) == axis_scores.shape[1]
    for start in range(0, len(own), _SCORE_BLOCK_ROWS):
        chunk = own[start : start + _SCORE_BLOCK_ROWS]
        rows = np.array([index_of[item.id] for item in chunk], dtype=np.int64)
        block = axis_scores[rows] if whole else axis_scores[np.ix_(rows, pool_positions)]
        # One more than needed, in case the organization itself is among the candidates.
        wanted = min(count + 1, block.shape[1])
        if wanted < block.shape[1]:
            positions = np.argpartition(-block, wanted - 1, axis=1)[:, :wanted]
        else:
            positions = np.broadcast_to(np.arange(block.shape[1]), block.shape)
        values = np.take_along_axis(block, positions, axis=1)
        order = np.lexsort((pool_ids[positions], -values), axis=1)
        positions = np.take_along_axis(positions, order, axis=1).tolist()
        values = np.take_along_axis(values, order, axis=1).tolist()
        ids = pool_ids.tolist()
        for item, row_positions, row_values in zip(chunk, positions, values, strict=True):
            found = [
                (position, value, None, 1.0)
                for position, value in zip(row_positions, row_values, strict=True)
                if value > 0 and ids[position] != item.id
            ]
            ranked[item.id] = found[:count]
    return ranked


def _best(
    row: np.ndarray, pool: Sequence[Facts], banned: set[int], count: int
) -> list[tuple[int, float]]:
    """Positions and scores of the best `count` entries of a row, best first (ties by id),
    without banned ids and zero scores."""
    wanted = min(count + len(banned), len(row))
    if wanted < len(row):
        positions = np.argpartition(-row, wanted - 1)[:wanted]
    else:
        positions = np.arange(len(row))
    found = [
        (int(position), float(row[position]))
        for position in positions
        if row[position] > 0 and pool[position].id not in banned
    ]
    found.sort(key=lambda entry: (-entry[1], pool[entry[0]].id))
    return found[:count]


def _exposure(ranked: dict[int, list], pool: Sequence[Facts], *, top: int, cap: int) -> dict:
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


def _pair_views(
    prepared: _Prepared, rows: np.ndarray, columns: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(view_exporter, view_partner, text) of given (row, column) pairs."""
    if len(rows) == 0:
        empty = np.zeros(0)
        return empty, empty, empty

    def dots(left: sparse.csr_matrix, right_t: np.ndarray) -> np.ndarray:
        picked = left[rows]
        # Row i of `picked` against column columns[i] of right_t, over its nonzeros only.
        lengths = np.diff(picked.indptr)
        pair_of = np.repeat(np.arange(len(rows)), lengths)
        products = picked.data * right_t[picked.indices, columns[pair_of]]
        return np.bincount(pair_of, weights=products, minlength=len(rows))

    text = dots(prepared.ex_text, prepared.pa_text)
    view_exporter = dots(prepared.ex_exporter_view, prepared.pa_exporter_view)
    view_exporter += text * prepared.text_weight_exporter[columns]
    view_partner = dots(prepared.ex_partner_view, prepared.pa_partner_view)
    view_partner += text * prepared.text_weight_partner[columns]
    view_partner *= dots(prepared.ex_requirements, prepared.pa_requirements)
    gate = _gate(dots(prepared.ex_exporter_view, prepared.pa_key))
    gate *= _gate(dots(prepared.ex_exporter_view, prepared.pa_goods))
    view_exporter *= gate
    view_partner *= gate
    return np.clip(view_exporter, 0, 1), np.clip(view_partner, 0, 1), text
