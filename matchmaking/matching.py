"""The matching engine: reciprocal, explained partner suggestions over plain data (no ORM).

Callers (matchmaking.selectors.matching) turn profiles into `Facts`; this module scores pairs and
explains them. It imports numpy, scipy, OpenCC and the project's tokenizer, nothing else of ours.

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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import opencc
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
_SCORE_BLOCK_ROWS = 250  # exporters per block: bounds the memory of its score arrays
_EXTRA_CANDIDATES = 30  # kept beyond `top` per organization, for the exposure cap to fall back on

_SIMPLIFIED = opencc.OpenCC("t2s")
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
    """Tokens of the texts: NFKC (full-width == half-width), traditional Chinese characters
    written as simplified (傢俱 == 家具; OpenCC's t2s), whitespace collapsed (and removed between
    Chinese characters, where it is only layout), casefolded, then segmented by
    search.analysis.segment. Callers store the result: segmentation is the slow part."""
    tokens: list[str] = []
    for text in texts:
        if not text:
            continue
        text = _SIMPLIFIED.convert(unicodedata.normalize("NFKC", text))
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

    The ex_* matrices used in products hold only the columns some exporter uses, and the pa_*
    dense ones only those rows (see _prepare); ex_*_rows keep every column, for reasons.
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
    # For reasons (see _reason_table): both sides' rows as CSR over every column, partner
    # kinds, column types, headings -> their chapter's column, and what the columns stand for.
    ex_code_rows: sparse.csr_matrix
    ex_requirement_rows: sparse.csr_matrix
    ex_text_rows: sparse.csr_matrix
    pa_exporter_view_rows: sparse.csr_matrix
    pa_requirement_rows: sparse.csr_matrix
    pa_text_rows: sparse.csr_matrix
    partner_platform: np.ndarray
    code_types: np.ndarray
    requirement_types: np.ndarray
    heading_chapter: sparse.csr_matrix
    names: tuple[list[str], list[str], list[str]]


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

    def exporter_matrices() -> tuple[list, list, list]:
        found = [csr(exporter_rows, part) for part in range(4)]
        # Products only meet the columns some exporter uses: the partners' dense matrices
        # hold those rows alone (one exporter's recompute multiplies a few dozen rows, not
        # the whole vocabulary), and the exporters' columns are numbered again to match.
        used = [np.unique(m.indices) if m.nnz else np.zeros(1, np.int64) for m in found]
        return (
            found,
            used,
            [_renumbered(m, columns) for m, columns in zip(found, used, strict=True)],
        )

    def partner_matrices() -> list:
        return [csr(partner_rows, part) for part in range(6)]

    # One organization's recomputes meet the same candidates again and again: the encoder
    # keeps the last matrices built from the same encoded rows.
    # (The vocabularies grow as organizations are encoded: the widths are part of the key.)
    exporter_csr, used, compact = encoder.assembled(
        "exporters", widths, exporter_rows, exporter_matrices
    )
    partner_csr = encoder.assembled("partners", widths, partner_rows, partner_matrices)
    meets = (0, 1, 2, 3, 0, 0)  # the exporter matrix each partner matrix meets
    dense = [
        np.ascontiguousarray(matrix[:, used[meets[part]]].toarray().T)
        for part, matrix in enumerate(partner_csr)
    ]
    code_names = list(encoder.codes.columns)
    requirement_names = list(encoder.requirement_codes.columns)
    return _Prepared(
        *compact,
        *dense,
        np.array([row[6] for row in partner_rows]),
        np.array([row[7] for row in partner_rows]),
        np.array([row[4] for row in exporter_rows]),
        np.array([row[8] for row in partner_rows]),
        ex_code_rows=exporter_csr[0],
        ex_requirement_rows=exporter_csr[2],
        ex_text_rows=exporter_csr[3],
        pa_exporter_view_rows=partner_csr[0],
        pa_requirement_rows=partner_csr[2],
        pa_text_rows=partner_csr[3],
        partner_platform=np.array([item.kind == PLATFORM for item in partners], dtype=bool),
        code_types=_column_types(code_names, _code_type),
        requirement_types=_column_types(requirement_names, _requirement_type),
        heading_chapter=_heading_chapter(encoder.codes.columns, widths[0]),
        names=(
            [name.split(":", 1)[-1] for name in code_names],
            [name.split(":", 1)[-1] for name in requirement_names],
            list(encoder.words.columns),
        ),
    )


def _renumbered(matrix: sparse.csr_matrix, used: np.ndarray) -> sparse.csr_matrix:
    """The matrix restricted to columns `used` (which hold all its entries), numbered 0..n-1."""
    number = np.zeros(matrix.shape[1], dtype=np.int64)
    number[used] = np.arange(len(used))
    return sparse.csr_matrix(
        (matrix.data, number[matrix.indices], matrix.indptr), shape=(matrix.shape[0], len(used))
    )


def _heading_chapter(columns: Mapping[str, int], width: int) -> sparse.csr_matrix:
    """codes x codes: 1 from each heading's column to its chapter's column."""
    links = [
        (column, columns[f"c:{code[2:4]}"])
        for code, column in columns.items()
        if code.startswith("h:") and f"c:{code[2:4]}" in columns
    ]
    rows = [row for row, _ in links]
    targets = [target for _, target in links]
    width = max(width, 1)
    return sparse.csr_matrix(
        (np.ones(len(links)), (rows, targets)), shape=(width, width), dtype=np.float64
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
        # The last few assembled matrices: (name, depends on, rows, value).
        self._assembled: list[tuple[str, object, list, object]] = []

    ASSEMBLED_KEPT = 4  # an exporter's and a platform's recompute each use two

    def assembled(
        self, name: str, depends_on: object, rows: list, build: Callable[[], object]
    ) -> object:
        """build(), or what it built before under `name` when `depends_on` is equal and
        `rows` are the very same encoded rows (compared by identity: a remembered row is the
        same object). One row is built afresh, not kept: cheap, and it would push out the
        large candidate matrices (score_pair builds two)."""
        if len(rows) <= 1:
            return build()
        for at, (kept_name, kept_on, kept_rows, value) in enumerate(self._assembled):
            if (
                kept_name == name
                and kept_on == depends_on
                and len(kept_rows) == len(rows)
                and all(a is b for a, b in zip(kept_rows, rows, strict=True))
            ):
                self._assembled.append(self._assembled.pop(at))
                return value
        value = build()
        self._assembled.append((name, depends_on, rows, value))
        del self._assembled[: -self.ASSEMBLED_KEPT]
        return value

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


def _score_block(prepared: _Prepared, rows: slice) -> tuple[np.ndarray, ...]:
    """(view_exporter, view_partner, score, text) for a block of exporters against every
    partner."""
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
    return view_exporter, view_partner, score, text


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
#
# Reasons are found for many (exporter, partner) pairs at once: the codes two organizations
# share are the nonzeros of the elementwise product of their feature rows, so a few sparse
# operations per chunk of pairs yield every shared heading, market, channel, service, country,
# certification and word, and the counts give each reason's weight. Codes stay column numbers
# until a Match is read (see _ReasonTable.reasons).

# Column types of the code features (by the code's prefix) and of the requirement ones.
_HEADING, _CHAPTER, _MARKET, _CHANNEL, _SERVICE, _WAREHOUSE, _LANE, _OTHER_CODE = range(8)
_CODE_TYPES = {
    "h": _HEADING,
    "c": _CHAPTER,
    "m": _MARKET,
    "ch": _CHANNEL,
    "s": _SERVICE,
    "w": _WAREHOUSE,
    "l": _LANE,
}
_BAND, _CERTIFICATION, _BRAND, _OTHER_REQUIREMENT = range(4)
# Where a reason's facts come from: code, requirement or word columns, or the Facts alone.
_CODES, _REQUIREMENT_CODES, _WORDS, _FROM_FACTS = range(4)
_YOU, _THEM = 0, 1
_REASON_CHUNK_PAIRS = 20_000  # bounds the memory of the shared-code products
_FACT_KEYS = {
    REASON_HS_HEADING: "headings",
    REASON_HS_CHAPTER: "chapters",
    REASON_MARKET: "countries",
    REASON_CHANNEL: "channels",
    REASON_SERVICE: "services",
    REASON_WAREHOUSE: "countries",
    REASON_LANE: "countries",
    REASON_TEXT: "words",
    REASON_CERTIFICATION: "certifications",
}
_COVERAGE_SERVICE = {REASON_WAREHOUSE: "overseas_warehouse", REASON_LANE: "logistics"}


def _code_type(name: str) -> int:
    return _CODE_TYPES.get(name.split(":", 1)[0], _OTHER_CODE)


def _requirement_type(name: str) -> int:
    if name.startswith("band>="):
        return _BAND
    if name.startswith("cert:"):
        return _CERTIFICATION
    return _BRAND if name == "brand" else _OTHER_REQUIREMENT


def _column_types(names: Sequence[str], classify) -> np.ndarray:
    """The type of each column (one column at least, as the matrices have)."""
    return np.array([classify(name) for name in names] or [-1], dtype=np.int64)


def _type_counts(matrix: sparse.csr_matrix, types: np.ndarray, count: int) -> np.ndarray:
    """Per row, the number of stored entries of each column type: rows x types."""
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    keys = rows * count + types[matrix.indices]
    return np.bincount(keys, minlength=matrix.shape[0] * count).reshape(-1, count)


def _tidy(matrix) -> sparse.csr_matrix:
    found = sparse.csr_matrix(matrix)
    found.eliminate_zeros()
    found.sort_indices()
    return found


def _only(matrix: sparse.csr_matrix, keep: np.ndarray) -> sparse.csr_matrix:
    """Ones where `keep` (a mask over the matrix's stored entries) holds, nothing elsewhere."""
    return _tidy(
        sparse.csr_matrix(
            # Copies: eliminate_zeros rewrites the index arrays in place.
            (keep.astype(np.float64), matrix.indices.copy(), matrix.indptr.copy()),
            shape=matrix.shape,
        )
    )


class _ReasonTable:
    """The reasons of many (exporter, partner) pairs as arrays, in the exporter's orientation
    ("you" is the exporter's view). Filled per signal with `add`, then `finish`ed."""

    def __init__(self, pairs: int, names: tuple[list[str], list[str], list[str]]) -> None:
        self.pairs = pairs
        self.names = names  # the values of code, requirement and word columns
        self._parts: list[tuple] = []
        self._fact_parts: list[np.ndarray] = []

    def add(
        self,
        pairs: np.ndarray,
        kind: str,
        side: int,
        weight: np.ndarray,
        source: int = _FROM_FACTS,
        facts: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """Reasons of one kind and side for pairs 0..n-1 of a chunk whose first pair is
        pairs[0]: weights at most 1e-12 dropped, the rest capped at 1. `facts` = (indptr,
        columns) per pair of the chunk, the columns in the order they are to be shown."""
        keep = np.flatnonzero(weight > 1e-12)
        lengths = np.zeros(len(keep), dtype=np.int32)
        if facts is not None:
            # The kept pairs' facts, appended in entry order (so each entry's facts follow
            # those of the entry added before it).
            indptr, columns = facts
            lengths = (indptr[keep + 1] - indptr[keep]).astype(np.int32)
            picked = np.repeat(indptr[keep] - np.cumsum(lengths) + lengths, lengths)
            picked += np.arange(int(lengths.sum()))
            self._fact_parts.append(columns[picked].astype(np.int32))
        codes = np.array([REASON_KINDS.index(kind), side, source], dtype=np.int8)
        self._parts.append(
            (
                pairs[keep].astype(np.int32),
                np.broadcast_to(codes, (len(keep), 3)),
                np.minimum(weight[keep], 1.0),
                lengths,
            )
        )

    def finish(self) -> None:
        """Order the entries by pair (ties in the order they were added), and their facts
        with them, so that one pair's entries and facts are two ranges of arrays."""
        # Compact on purpose: two million reasons on a full recompute, and the table lives
        # until every Match is read (see reasons()).
        if self._parts:
            pair, codes, weight, lengths = (
                np.concatenate(column) for column in zip(*self._parts, strict=True)
            )
        else:
            pair, codes = np.zeros(0, np.int32), np.zeros((0, 3), np.int8)
            weight, lengths = np.zeros(0), np.zeros(0, np.int32)
        columns = np.concatenate(self._fact_parts) if self._fact_parts else np.zeros(0, np.int32)
        self._parts, self._fact_parts = [], []
        start = np.cumsum(lengths, dtype=np.int64) - lengths
        order = np.argsort(pair, kind="stable")
        start, lengths = start[order], lengths[order]
        # Each entry's facts, gathered in the new order: fact i of entry e sits at
        # start[e] + i before, at fact_start[e] + i after.
        self.fact_start = np.zeros(len(order) + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.fact_start[1:])
        offsets = np.arange(self.fact_start[-1]) - np.repeat(self.fact_start[:-1], lengths)
        self.fact_columns = columns[np.repeat(start, lengths) + offsets]
        self.fields = np.column_stack([codes[order].astype(np.int32), lengths])
        self.weight = weight[order]
        self.indptr = np.searchsorted(pair[order], np.arange(self.pairs + 1))

    def reasons(self, pair: int, exporter: Facts, partner: Facts) -> list[Reason]:
        """The Reason objects of one pair (without the quality reasons). Reads three ranges
        of arrays: the table stays arrays (about 40 bytes a reason) rather than lists of
        Python numbers, ten times that, for a full recompute's two million reasons."""
        first, last = int(self.indptr[pair]), int(self.indptr[pair + 1])
        entries = self.fields[first:last].tolist()
        weights = self.weight[first:last].tolist()
        facts_of = self.fact_columns[self.fact_start[first] : self.fact_start[last]].tolist()
        found = []
        at = 0
        for (kind, side, source, length), weight in zip(entries, weights, strict=True):
            kind = REASON_KINDS[kind]
            columns, at = facts_of[at : at + length], at + length
            if kind == REASON_SCALE:
                facts = {
                    "volume_band": exporter.volume_band,
                    "min_volume_band": partner.min_volume_band,
                }
            elif kind == REASON_BRAND:
                facts = {"own_brand": True}
            else:
                names = self.names[source]
                values = [names[column] for column in columns]
                facts = {_FACT_KEYS[kind]: values if source == _WORDS else sorted(values)}
                if kind in _COVERAGE_SERVICE:
                    facts = {"services": [_COVERAGE_SERVICE[kind]], **facts}
            found.append(Reason(kind, _SIDES[side], weight, facts))
        return found


_SIDES = (SIDE_YOU, SIDE_THEM)


def _reason_table(
    prepared: _Prepared, rows: np.ndarray, columns: np.ndarray, text: np.ndarray
) -> _ReasonTable:
    """The reasons of the pairs (exporter rows[i], partner columns[i]) whose text similarity is
    text[i], in chunks of pairs."""
    table = _ReasonTable(len(rows), prepared.names)
    for start in range(0, len(rows), _REASON_CHUNK_PAIRS):
        chunk = slice(start, start + _REASON_CHUNK_PAIRS)
        pairs = np.arange(start, start + len(rows[chunk]))
        _chunk_reasons(prepared, table, pairs, rows[chunk], columns[chunk], text[chunk])
    table.finish()
    return table


def _chunk_reasons(
    prepared: _Prepared,
    table: _ReasonTable,
    pairs: np.ndarray,
    rows: np.ndarray,
    columns: np.ndarray,
    text: np.ndarray,
) -> None:
    platform = prepared.partner_platform[columns]

    def weights(view: str, component: str) -> np.ndarray:
        values = VIEW_WEIGHTS[view]
        return np.where(platform, values[PLATFORM][component], values[SERVICE_PROVIDER][component])

    def add(kind, side, weight, source=_FROM_FACTS, facts=None) -> None:
        spans = None if facts is None else (facts.indptr, facts.indices)
        table.add(pairs, kind, side, weight, source, spans)

    # What each side has (exporter: what it needs; partner: what it offers) and both have.
    types = prepared.code_types
    exporter_codes = prepared.ex_code_rows[rows]
    partner_codes = prepared.pa_exporter_view_rows[columns]
    shared = _tidy(exporter_codes.multiply(partner_codes))
    type_count = _OTHER_CODE + 1
    count = _type_counts(shared, types, type_count).astype(np.float64)
    exporter_has = _type_counts(exporter_codes, types, type_count).astype(np.float64)
    partner_has = _type_counts(partner_codes, types, type_count).astype(np.float64)

    def of_type(code_type: int) -> sparse.csr_matrix:
        return _only(shared, types[shared.indices] == code_type)

    with np.errstate(divide="ignore", invalid="ignore"):
        # HS: the same headings; the exporter's other headings in the partner's chapters.
        same_headings = of_type(_HEADING)
        own_headings = _only(exporter_codes, types[exporter_codes.indices] == _HEADING)
        unmatched = _tidy(own_headings - same_headings)
        partner_chapters = _only(partner_codes, types[partner_codes.indices] == _CHAPTER)
        near = _tidy((unmatched @ prepared.heading_chapter).multiply(partner_chapters))
        near_count = np.asarray(near.sum(axis=1)).ravel()
        headings = exporter_has[:, _HEADING]
        for side, view in ((_YOU, EXPORTER), (_THEM, "partner")):
            product = weights(view, "product")
            value = product * count[:, _HEADING] / headings
            add(REASON_HS_HEADING, side, value, _CODES, same_headings)
            value = product * CHAPTER_CREDIT * near_count / headings
            add(REASON_HS_CHAPTER, side, value, _CODES, near)

        # Markets and channels: the exporter's view takes its share, the partner's the cosine.
        for kind, code_type, component in (
            (REASON_MARKET, _MARKET, "market"),
            (REASON_CHANNEL, _CHANNEL, "channel"),
        ):
            found, codes = count[:, code_type], of_type(code_type)
            value = weights(EXPORTER, component) * found / exporter_has[:, code_type]
            add(kind, _YOU, value, _CODES, codes)
            cosine = found / np.sqrt(exporter_has[:, code_type] * partner_has[:, code_type])
            add(kind, _THEM, weights("partner", component) * cosine, _CODES, codes)

        # Services; warehouses and lanes in the countries the exporter needs them.
        needed = exporter_has[:, _WAREHOUSE] + exporter_has[:, _LANE]
        offered = partner_has[:, _WAREHOUSE] + partner_has[:, _LANE]
        share = np.where(needed > 0, COVERAGE_SHARE, 0.0)
        found, codes = count[:, _SERVICE], of_type(_SERVICE)
        value = weights(EXPORTER, "service") * (1 - share) * found / exporter_has[:, _SERVICE]
        add(REASON_SERVICE, _YOU, value, _CODES, codes)
        cosine = found / np.sqrt(exporter_has[:, _SERVICE] * partner_has[:, _SERVICE])
        value = weights("partner", "service") * (1 - PARTNER_COVERAGE_SHARE) * cosine
        add(REASON_SERVICE, _THEM, value, _CODES, codes)
        for kind, code_type in ((REASON_WAREHOUSE, _WAREHOUSE), (REASON_LANE, _LANE)):
            covered, codes = count[:, code_type], of_type(code_type)
            value = weights(EXPORTER, "service") * share * covered / needed
            add(kind, _YOU, value, _CODES, codes)
            cosine = covered / np.sqrt(needed * offered)
            value = weights("partner", "service") * PARTNER_COVERAGE_SHARE * cosine
            add(kind, _THEM, value, _CODES, codes)

        # Text: the shared words with the largest products of weights (ties by the word).
        spans = _top_words(prepared, rows, columns)
        table.add(pairs, REASON_TEXT, _YOU, weights(EXPORTER, "text") * text, _WORDS, spans)
        table.add(pairs, REASON_TEXT, _THEM, weights("partner", "text") * text, _WORDS, spans)

        # The platform's requirements the exporter meets.
        requirement_types = prepared.requirement_types
        asked_codes = prepared.pa_requirement_rows[columns]
        met = _tidy(prepared.ex_requirement_rows[rows].multiply(asked_codes))
        type_count = _OTHER_REQUIREMENT + 1
        met_count = _type_counts(met, requirement_types, type_count)
        asked = _type_counts(asked_codes, requirement_types, type_count)
        applicable = (asked[:, [_BAND, _CERTIFICATION, _BRAND]] > 0).sum(axis=1)
        per = np.where(platform & (applicable > 0), REQUIREMENT_PENALTY / applicable, 0.0)
        add(REASON_SCALE, _THEM, np.where(met_count[:, _BAND] > 0, per, 0.0))
        held = met_count[:, _CERTIFICATION] / asked[:, _CERTIFICATION]
        certifications = _only(met, requirement_types[met.indices] == _CERTIFICATION)
        add(REASON_CERTIFICATION, _THEM, per * held, _REQUIREMENT_CODES, certifications)
        add(REASON_BRAND, _THEM, np.where(met_count[:, _BRAND] > 0, per, 0.0))


def _top_words(
    prepared: _Prepared, rows: np.ndarray, columns: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per pair, up to TEXT_WORDS_SHOWN shared words, best first (the largest products of the
    two weights; ties by the word): (indptr, word columns)."""
    shared = _tidy(prepared.ex_text_rows[rows].multiply(prepared.pa_text_rows[columns]))
    pairs, lengths = shared.shape[0], np.diff(shared.indptr)
    pair = np.repeat(np.arange(pairs), lengths)
    # Each word's alphabetical rank among the words present, for ties.
    present = np.unique(shared.indices)
    names = prepared.names[_WORDS]
    alphabetical = np.empty(len(present), dtype=np.int64)
    by_name = sorted(range(len(present)), key=lambda at: names[present[at]])
    alphabetical[by_name] = np.arange(len(present))
    rank = alphabetical[np.searchsorted(present, shared.indices)]
    # A few rounds of "the best word left" per pair (a segmented max) instead of sorting
    # every shared word: most pairs share more words than are shown.
    shown = min(TEXT_WORDS_SHOWN, int(lengths.max(initial=0)))
    chosen = np.full((pairs, shown), -1, dtype=np.int64)
    nonempty = lengths > 0
    starts = shared.indptr[:-1][nonempty]
    data = shared.data.copy()
    unranked = len(present)
    for place in range(shown):
        best = np.full(pairs, -1.0)
        best[nonempty] = np.maximum.reduceat(data, starts)
        tied = (data > 0) & (data == best[pair])
        first = np.full(pairs, unranked)
        first[nonempty] = np.minimum.reduceat(np.where(tied, rank, unranked), starts)
        taken = tied & (rank == first[pair])
        chosen[pair[taken], place] = shared.indices[taken]
        data[taken] = -1.0
    kept = np.minimum(lengths, shown)
    indptr = np.zeros(pairs + 1, dtype=np.int64)
    np.cumsum(kept, out=indptr[1:])
    return indptr, chosen[chosen >= 0]


def _quality_reasons(other: Facts, side: str, cache: dict) -> tuple[Reason, ...]:
    """The other organization's complete profile and recent activity, once per organization
    and side (the same Reason objects serve every pair: they are immutable)."""
    key = (other.id, side)
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
    exporter_reasons: list[Reason],
    saved_like: list[int] | None,
    feedback_factor: float,
) -> Match:
    """A Match for the organization; `exporter_reasons` in the exporter's orientation."""
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


class _PairMatches:
    """Makes Matches of kept (exporter, partner) pairs from their views and reason table."""

    def __init__(self, exporters, partners, rows, columns, views, table) -> None:
        self.exporters, self.partners = exporters, partners
        self.rows, self.columns = rows.tolist(), columns.tolist()
        self.view_exporter, self.view_partner = views[0].tolist(), views[1].tolist()
        self.table = table
        self.quality_cache: dict = {}

    def other_id(self, organization: Facts, pair: int) -> int:
        if organization.kind == EXPORTER:
            return self.partners[self.columns[pair]].id
        return self.exporters[self.rows[pair]].id

    def match(self, organization: Facts, pair: int, score, saved_like, factor) -> Match:
        exporter = self.exporters[self.rows[pair]]
        partner = self.partners[self.columns[pair]]
        reasons = self.table.reasons(pair, exporter, partner)
        reasons.extend(_quality_reasons(partner, SIDE_YOU, self.quality_cache))
        reasons.extend(_quality_reasons(exporter, SIDE_THEM, self.quality_cache))
        other = partner if organization.kind == EXPORTER else exporter
        return _match(
            organization,
            other,
            score=score,
            view_exporter=self.view_exporter[pair],
            view_partner=self.view_partner[pair],
            exporter_reasons=reasons,
            saved_like=saved_like,
            feedback_factor=factor,
        )


class Suggestions(Mapping):
    """suggest()'s result: organization id -> its Matches, best first. Everything is scored,
    ranked and explained when this is made; the Match objects themselves are made when an
    organization's list is first read (hundreds of thousands of small objects otherwise)."""

    def __init__(self, plans: dict[int, tuple[Facts, list[tuple]]], pairs: _PairMatches | None):
        self._plans = plans
        self._pairs = pairs
        self._made: dict[int, list[Match]] = {}

    def __getitem__(self, organization_id: int) -> list[Match]:
        found = self._made.get(organization_id)
        if found is None:
            found = self._made[organization_id] = self._make(organization_id)
        return found

    def _make(self, organization_id: int) -> list[Match]:
        organization, entries = self._plans[organization_id]
        return [
            self._pairs.match(organization, pair, score, saved_like, factor)
            for pair, score, saved_like, factor in entries
        ]

    def partner_ids(self, organization_id: int) -> list[int]:
        """The partners of an organization's Matches, in order (none is made)."""
        organization, entries = self._plans[organization_id]
        return [self._pairs.other_id(organization, entry[0]) for entry in entries]

    def count(self) -> int:
        """How many Matches there are in all (none is made)."""
        return sum(len(entries) for _, entries in self._plans.values())

    def stream(self) -> Iterator[tuple[int, list[Match]]]:
        """(organization id, Matches) one organization after another, none kept here: for
        reading everything with little memory (the objects go when the caller drops them)."""
        for organization_id in self._plans:
            found = self._made.get(organization_id)
            yield organization_id, found if found is not None else self._make(organization_id)

    def read_all(self) -> dict[int, list[Match]]:
        """Every organization's Matches, made at once with the cyclic garbage collector paused:
        millions of small objects, none in a cycle, which it would otherwise walk again and
        again (2.5 times slower in bench.matching_engine)."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            return {organization_id: self[organization_id] for organization_id in self._plans}
        finally:
            if collecting:
                gc.enable()

    def __contains__(self, organization_id: object) -> bool:
        return organization_id in self._plans  # without making its Matches

    def __iter__(self):
        return iter(self._plans)

    def __len__(self) -> int:
        return len(self._plans)


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
    score = _score_block(prepared, slice(0, 1))[2][0, 0]
    known = {partner.id: partner}
    factor, helped = _feedback_factor(organization, [partner], feedback, known)
    adjusted = min(1.0, float(score) * float(factor[0]))
    if feedback is not None and partner.id in feedback.dismissed:
        adjusted = 0.0
    pairs = _pair_matches(
        prepared, [exporter], [other], np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)
    )
    match = pairs.match(organization, 0, adjusted, helped.get(0), float(factor[0]))
    if adjusted <= 0:
        return Match(
            match.organization_id, match.partner_id, 0.0, match.fit_you, match.fit_them, ()
        )
    return match


def suggest(
    organizations: Sequence[Facts],
    candidates: Sequence[Facts],
    *,
    top: int = 20,
    feedback: Mapping[int, Feedback] | None = None,
    exposure_cap: int | None = None,
    corpus: Corpus | None = None,
    timings: dict[str, float] | None = None,
) -> Suggestions:
    """Each organization's best `top` partners among the candidates of its partner kinds, best
    first (ties by partner id), without itself, its dismissed partners or pairs scoring 0.

    All pairs are scored with sparse matrices in blocks of exporters; each block's best are
    kept per organization as it is scored (the full score matrix is never held); then the
    exposure cap, and views and reasons for the kept pairs only. Scores equal score_pair's.
    See the module docstring for the exposure cap (`exposure_cap`, default automatic).
    `timings`, when given, receives the seconds spent in each phase: "prepare" (features from
    the facts), "score" (every pair), "rank" (best per organization, feedback, exposure) and
    "reasons" (views and reasons of the kept pairs). Match objects are made when read.
    """
    clock = _Clock(timings)
    feedback = feedback or {}
    empty = Suggestions({item.id: (item, []) for item in organizations}, None)
    if not organizations or not candidates or top <= 0:
        return empty
    if corpus is None:
        corpus = Corpus.build(_unique([*organizations, *candidates]))
    org_exporters = _unique([item for item in organizations if item.kind == EXPORTER])
    org_partners = _unique(
        [item for item in organizations if item.kind in (PLATFORM, SERVICE_PROVIDER)]
    )
    cand_exporters = [item for item in candidates if item.kind == EXPORTER] if org_partners else []
    cand_partners = (
        [item for item in candidates if item.kind in (PLATFORM, SERVICE_PROVIDER)]
        if org_exporters
        else []
    )
    exporters = _unique([*org_exporters, *cand_exporters])
    partners = _unique([*cand_partners, *org_partners])
    if not exporters or not partners:
        return empty
    prepared = _prepare(exporters, partners, corpus)
    clock.lap("prepare")

    keep = top + _EXTRA_CANDIDATES
    directions = []
    if org_exporters and cand_partners:
        directions.append(
            _Direction(org_exporters, exporters, partners, cand_partners, feedback, keep)
        )
    if org_partners and cand_exporters:
        directions.append(
            _Direction(org_partners, partners, exporters, cand_exporters, feedback, keep)
        )
    if not directions:
        return empty
    for start in range(0, len(exporters), _SCORE_BLOCK_ROWS):
        rows = slice(start, start + _SCORE_BLOCK_ROWS)
        view_exporter, view_partner, scores, text = _score_block(prepared, rows)
        clock.lap("score")
        for direction in directions:
            direction.take(rows, scores, (view_exporter, view_partner, text))
        clock.lap("rank")

    plans: dict[int, tuple[Facts, list[tuple]]] = {item.id: (item, []) for item in organizations}
    chosen = []
    for direction in directions:
        entries = direction.ranked(feedback)
        cap = exposure_cap
        if cap is None:
            cap = max(TOP_SLOTS, math.ceil(3 * TOP_SLOTS * len(direction.own) / direction.pool))
        chosen.append((direction, entries, _exposure(entries, top=top, cap=cap)))
    # Every kept (exporter row, partner column) pair once, whichever direction kept it.
    keys, views = [], []
    for direction, entries, selected in chosen:
        own = direction.own_positions[entries.owner[selected]]
        other = entries.position[selected]
        rows, columns = (own, other) if direction.own_kind_exporter else (other, own)
        keys.append(rows * len(partners) + columns)
        views.append(entries.views[:, selected])
    unique, first, inverse = np.unique(np.concatenate(keys), return_index=True, return_inverse=True)
    views = np.concatenate(views, axis=1)[:, first]
    clock.lap("rank")

    rows, columns = unique // len(partners), unique % len(partners)
    pairs = _pair_matches(prepared, exporters, partners, rows, columns, views)
    clock.lap("reasons")
    offset = 0
    for direction, entries, selected in chosen:
        pair_of = inverse[offset : offset + len(selected)].tolist()
        offset += len(selected)
        owners = entries.owner[selected].tolist()
        values = entries.value[selected].tolist()
        factors = entries.factor[selected].tolist()
        for at, entry in enumerate(selected.tolist()):
            item = direction.own[owners[at]]
            saved_like = entries.helped.get(entry)
            plans[item.id][1].append((pair_of[at], values[at], saved_like, factors[at]))
    return Suggestions(plans, pairs)


def _pair_matches(
    prepared: _Prepared,
    exporters: Sequence[Facts],
    partners: Sequence[Facts],
    rows: np.ndarray,
    columns: np.ndarray,
    views: np.ndarray | None = None,
) -> _PairMatches:
    """Views (view_exporter, view_partner, text: 3 x pairs, NaN where not known yet) and the
    reason table of the pairs (exporter rows[i], partner columns[i])."""
    if views is None:
        views = np.full((3, len(rows)), np.nan)
    unknown = np.flatnonzero(np.isnan(views[0]))
    if len(unknown):
        views[:, unknown] = _pair_views(prepared, rows[unknown], columns[unknown])
    table = _reason_table(prepared, rows, columns, views[2])
    return _PairMatches(exporters, partners, rows, columns, views, table)


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


@dataclass
class _Entries:
    """Ranked candidates of a direction's organizations, flat: owner-major, best first."""

    owner: np.ndarray  # index into the direction's `own`
    position: np.ndarray  # the candidate's position on the other axis (exporters/partners)
    value: np.ndarray
    factor: np.ndarray  # feedback factor
    helped: dict[int, list[int]]  # entry -> saved partners it resembles
    # view_exporter, view_partner, text per entry (3 x entries; NaN: not known yet)
    views: np.ndarray = field(default_factory=lambda: np.zeros((3, 0)))


class _Direction:
    """One direction of suggestions (exporters' partners, or partners' exporters): keeps
    each organization's best candidates, with their views, from blocks of scores as they are
    computed."""

    def __init__(
        self,
        own: Sequence[Facts],
        own_axis: Sequence[Facts],
        other_axis: Sequence[Facts],
        pool: Sequence[Facts],
        feedback: Mapping[int, Feedback],
        keep: int,
    ) -> None:
        self.own = list(own)
        self.own_kind_exporter = own[0].kind == EXPORTER
        axis_index = {item.id: at for at, item in enumerate(own_axis)}
        self.own_positions = np.array([axis_index[item.id] for item in self.own], dtype=np.int64)
        self.other_axis = other_axis
        self.other_ids = np.array([item.id for item in other_axis], dtype=np.int64)
        pool_ids = {item.id for item in pool}
        self.pool_mask = np.array([item.id in pool_ids for item in other_axis])
        self.pool = int(self.pool_mask.sum())
        self.keep = keep
        self.with_feedback = [at for at, item in enumerate(self.own) if item.id in feedback]
        self.feedback_rows = {at: np.zeros(len(other_axis)) for at in self.with_feedback}
        # Own organizations by their position on the own axis, to find a block's quickly.
        self.by_position = np.argsort(self.own_positions, kind="stable")
        self.sorted_positions = self.own_positions[self.by_position]
        self.best: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # owners, positions, layers
        # Partners' side: each partner's current (keep + 1)-th best score, and how many
        # entries are waiting to be pruned (see _take_columns).
        self.threshold = np.zeros(len(self.own))
        self.pending = 0

    def take(self, rows: slice, scores: np.ndarray, views: tuple[np.ndarray, ...]) -> None:
        """Keep the best of a block of exporter rows `rows` x every partner: `scores` and the
        views (view_exporter, view_partner, text) of the same shape."""
        if not self.own_kind_exporter:
            self._take_columns(rows, scores, views)
            return
        low, high = np.searchsorted(self.sorted_positions, [rows.start, rows.stop])
        owners = self.by_position[low:high]
        if not len(owners):
            return
        local = self.own_positions[owners] - rows.start
        block = scores[local] * self.pool_mask
        for at in self.with_feedback:
            here = np.flatnonzero(owners == at)
            if len(here):
                self.feedback_rows[at][:] = block[here[0]]
        # One more than kept, in case the organization itself is among the candidates.
        wanted = min(self.keep + 1, block.shape[1])
        if wanted < block.shape[1]:
            # A copy: the slice would keep the whole block's partition alive.
            positions = np.argpartition(-block, wanted - 1, axis=1)[:, :wanted].copy()
        else:
            positions = np.broadcast_to(np.arange(block.shape[1]), block.shape)
        values = np.take_along_axis(block, positions, axis=1)
        picked = [layer[local[:, None], positions] for layer in views]
        self.best.append((owners, positions, np.stack([values, *picked])))

    def _take_columns(self, rows: slice, scores: np.ndarray, views: tuple) -> None:
        """The partners' side: a partner's candidates come from every block, so each block
        gives only its entries at least as good as the partner's current (keep + 1)-th best
        (few, once some blocks are in); the entries are pruned to keep + 1 per partner when
        they pile up, which raises the thresholds."""
        block = scores[:, self.own_positions]
        block *= self.pool_mask[rows, None]
        for at in self.with_feedback:
            self.feedback_rows[at][rows] = block[:, at]
        if not self.best and len(block) > self.keep + 1:
            # The first block's (keep + 1)-th best is a floor for the final one.
            self.threshold = -np.partition(-block, self.keep, axis=0)[self.keep]
        local, owners = np.nonzero((block > 0) & (block >= self.threshold))
        values = block[local, owners]
        picked = [layer[local, self.own_positions[owners]] for layer in views]
        self.best.append((owners, local + rows.start, np.stack([values, *picked])))
        self.pending += len(owners)
        if self.pending > 2 * (self.keep + 1) * len(self.own):
            self._prune()

    def _prune(self) -> None:
        """Keep each partner's best keep + 1 entries (ties by id); update the thresholds."""
        owners = np.concatenate([owners for owners, _, _ in self.best])
        positions = np.concatenate([found for _, found, _ in self.best])
        layers = np.concatenate([found for _, _, found in self.best], axis=1)
        order = np.lexsort((self.other_ids[positions], -layers[0], owners))
        owners, positions, layers = owners[order], positions[order], layers[:, order]
        rank = np.arange(len(owners)) - np.searchsorted(owners, owners)
        kept = rank <= self.keep
        owners, positions, layers, rank = owners[kept], positions[kept], layers[:, kept], rank[kept]
        last = rank == self.keep
        self.threshold[owners[last]] = layers[0, last]
        self.best = [(owners, positions, layers)]
        self.pending = len(owners)

    def ranked(self, feedback: Mapping[int, Feedback]) -> _Entries:
        """Each organization's best `keep` candidates, best first (ties by id), without zero
        scores, itself and, with feedback, its dismissed partners; feedback applied."""
        count = len(self.own)
        if self.own_kind_exporter:
            owners = np.concatenate([owners for owners, _, _ in self.best])
            width = self.best[0][1].shape[1]
            positions = np.zeros((count, width), dtype=np.int64)
            layers = np.zeros((4, count, width))
            positions[owners] = np.concatenate([found for _, found, _ in self.best])
            layers[:, owners] = np.concatenate([found for _, _, found in self.best], axis=1)
        else:
            # Each partner's best keep + 1, best first, into rows padded with zero scores.
            if self.best:
                self._prune()
            width = self.keep + 1
            positions = np.zeros((count, width), dtype=np.int64)
            layers = np.zeros((4, count, width))
            if self.best:
                owners, found, found_layers = self.best[0]
                rank = np.arange(len(owners)) - np.searchsorted(owners, owners)
                positions[owners, rank] = found
                layers[:, owners, rank] = found_layers
        order = np.lexsort((self.other_ids[positions], -layers[0]), axis=1)
        positions = np.take_along_axis(positions, order, axis=1)
        layers = np.take_along_axis(layers, order[None], axis=2)
        values = layers[0]
        own_ids = np.array([item.id for item in self.own], dtype=np.int64)
        valid = (values > 0) & (self.other_ids[positions] != own_ids[:, None])
        # Entries past `keep` valid ones per row are dropped.
        valid &= np.cumsum(valid, axis=1) <= self.keep
        factor = np.ones(values.shape)
        width = values.shape[1]
        helped: dict[int, list[int]] = {}
        for at in self.with_feedback:
            found = self._with_feedback(at, feedback[self.own[at].id])
            row_positions, row_values, row_factors, row_helped = found
            length = min(len(row_positions), width)
            positions[at], layers[:, at], factor[at], valid[at] = 0, np.nan, 1.0, False
            positions[at, :length] = row_positions[:length]
            values[at, :length] = row_values[:length]
            factor[at, :length] = row_factors[:length]
            valid[at, :length] = True
            for column, saved in row_helped.items():
                if column < width:
                    helped[at * width + column] = saved
        flat = np.flatnonzero(valid.ravel())
        entry_of = (
            dict(
                zip(
                    flat[np.isin(flat, list(helped))].tolist(),
                    np.flatnonzero(np.isin(flat, list(helped))).tolist(),
                    strict=True,
                )
            )
            if helped
            else {}
        )
        return _Entries(
            owner=flat // width,
            position=positions.ravel()[flat],
            value=values.ravel()[flat],
            factor=factor.ravel()[flat],
            helped={entry_of[cell]: saved for cell, saved in helped.items() if cell in entry_of},
            views=layers[1:].reshape(3, -1)[:, flat],
        )

    def _with_feedback(self, at: int, own_feedback: Feedback):
        """(positions, scores, factors, {index: saved}) of one organization with feedback."""
        item = self.own[at]
        pool_positions = np.flatnonzero(self.pool_mask)
        pool_items = [self.other_axis[p] for p in pool_positions]
        factor, helped = _feedback_factor(
            item, pool_items, own_feedback, {other.id: other for other in pool_items}
        )
        row = np.minimum(self.feedback_rows[at][pool_positions] * factor, 1.0)
        banned = {item.id, *own_feedback.dismissed}
        best = _best(row, pool_items, banned, self.keep)
        return (
            np.array([pool_positions[p] for p, _ in best], dtype=np.int64),
            np.array([value for _, value in best]),
            np.array([float(factor[p]) for p, _ in best]),
            {index: helped[p] for index, (p, _) in enumerate(best) if p in helped},
        )


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


def _group_count(flags: np.ndarray, group_start: np.ndarray) -> np.ndarray:
    """Running count of `flags` within groups of consecutive entries (inclusive);
    group_start[i] = the index of the first entry of i's group."""
    running = np.cumsum(flags)
    return running - running[group_start] + flags[group_start]


def _exposure(entries: _Entries, *, top: int, cap: int) -> np.ndarray:
    """The entries each organization keeps, in order (owner-major): its top-10 slots filled
    greedily from the best pairs down, a candidate taking at most `cap` organizations' slots;
    then, behind a full top 10, its other candidates by score, up to `top` in all.

    The greedy fill is computed as deferred acceptance: each organization proposes to its
    best candidates not yet refused; each candidate holds its best `cap` proposals (in the
    greedy's order) and refuses the rest; until no one is refused. Both orders come from the
    same pair scores, so the stable assignment is unique and equals the greedy's."""
    slots = min(TOP_SLOTS, top)
    count = len(entries.value)
    if not count:
        return np.zeros(0, dtype=np.int64)
    owner, candidate = entries.owner, entries.position
    rank = np.arange(count) - np.searchsorted(owner, owner)
    owner_start = np.searchsorted(owner, owner)
    # The greedy's order: best pair first, then by owner, then by the owner's rank (the
    # entries' own order), and the entries grouped by candidate in that order.
    greedy = np.argsort(-entries.value, kind="stable")
    by_candidate = greedy[np.argsort(candidate[greedy], kind="stable")]
    grouped = candidate[by_candidate]
    candidate_start = np.searchsorted(grouped, grouped)
    refused = np.zeros(count, dtype=bool)
    while True:
        open_ = ~refused
        proposed = open_ & (_group_count(open_, owner_start) <= slots)
        held = proposed[by_candidate]
        over = held & (_group_count(held, candidate_start) > cap)
        if not over.any():
            break
        refused[by_candidate[over]] = True
    # An organization's slots, then the rest (capped or not) behind a full top 10 only.
    placed_count = np.bincount(owner, weights=proposed, minlength=owner[-1] + 1)
    full = placed_count[owner] >= slots
    shown = proposed | full
    order = np.lexsort((rank, ~proposed, owner))
    order = order[shown[order]]
    within = np.arange(len(order)) - np.searchsorted(owner[order], owner[order])
    return order[within < top]


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
        found = np.bincount(pair_of, weights=products, minlength=len(rows))
        return found.astype(np.float64, copy=False)  # integers when nothing is stored

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
