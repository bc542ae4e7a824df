"""How good are the matching engine's suggestions? Measured on a labelled set of organizations.

    manage.py matching_evaluate [--dataset PATH]

The dataset (default tests/matching/labelled_set.json; its "_doc" key describes the format) lists
organizations with their facts, descriptions and the partners a trade expert would pick. In one
run this command ranks every exporter's platforms and providers, and every platform's and
provider's exporters, twice:

- engine: matchmaking.matching.suggest over all organizations (IDF from the whole set);
- baseline: a filter only, no ranking: the candidates of the partner kinds sharing an HS chapter
  (a partner listing no headings takes any goods) and a market, in id order.

It prints, for both, precision@5 and recall@10 averaged over the exporters with picks, and the
reciprocal hit rate: the share of the exporters' expert pairs where each side ranks the other in
its top 10. Then the engine/baseline ratio of precision@5 (issue 6 targets: precision@5 >= 0.6
and >= 2x the baseline), and the baseline's precision@5 expected over random orders of its
candidates, which does not depend on how ids happen to be assigned. The database is not used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from matchmaking.matching import EXPORTER, Corpus, Facts, partner_kinds, suggest, text_tokens

DEFAULT_DATASET = Path("tests") / "matching" / "labelled_set.json"
PRECISION_AT = 5
RECALL_AT = 10
RECIPROCAL_AT = 10
TARGET_PRECISION = 0.6
TARGET_RATIO = 2.0

_SET_FIELDS = {
    field.name for field in fields(Facts) if field.type in ("frozenset[str]", frozenset[str])
}
_PLAIN_FIELDS = {field.name for field in fields(Facts)} - _SET_FIELDS - {"tokens"}


@dataclass(frozen=True)
class Figures:
    precision_at_5: float
    recall_at_10: float
    reciprocal_hit_rate: float
    exporters: int
    pairs: int


@dataclass(frozen=True)
class Evaluation:
    engine: Figures
    baseline: Figures
    # The baseline's precision@5 expected over random orders of its filtered candidates: what
    # "no ranking" gives whatever the ids are.
    baseline_expected_precision_at_5: float

    @property
    def precision_ratio(self) -> float:
        if not self.baseline.precision_at_5:
            return float("inf") if self.engine.precision_at_5 else 0.0
        return self.engine.precision_at_5 / self.baseline.precision_at_5


def dataset_load(path: Path) -> tuple[list[Facts], dict[int, list[int]]]:
    """The organizations' Facts and everyone's expert picks."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    facts, picks = [], {}
    for row in data["organizations"]:
        values = {name: row[name] for name in _PLAIN_FIELDS if name in row}
        values.update({name: frozenset(row[name]) for name in _SET_FIELDS if name in row})
        values["tokens"] = text_tokens(*row.get("texts", ()))
        facts.append(Facts(**values))
        picks[row["id"]] = list(row.get("picks", ()))
    return facts, picks


def engine_rankings(facts: Sequence[Facts]) -> dict[int, list[int]]:
    results = suggest(facts, facts, top=max(RECALL_AT, RECIPROCAL_AT), corpus=Corpus.build(facts))
    return {key: [match.partner_id for match in matches] for key, matches in results.items()}


def baseline_rankings(facts: Sequence[Facts]) -> dict[int, list[int]]:
    """Candidates sharing an HS chapter (or taking any goods) and a market, in id order."""

    def passes(exporter: Facts, partner: Facts) -> bool:
        chapters = {heading[:2] for heading in exporter.headings}
        partner_chapters = {heading[:2] for heading in partner.headings}
        same_chapter = not partner.headings or bool(chapters & partner_chapters)
        return same_chapter and bool(exporter.markets & partner.markets)

    rankings = {}
    for item in facts:
        kinds = partner_kinds(item.kind)
        found = []
        for other in sorted(facts, key=lambda other: other.id):
            if other.kind not in kinds:
                continue
            pair = (item, other) if item.kind == EXPORTER else (other, item)
            if passes(*pair):
                found.append(other.id)
        rankings[item.id] = found
    return rankings


def figures(
    facts: Sequence[Facts], picks: Mapping[int, list[int]], rankings: Mapping[int, list[int]]
) -> Figures:
    exporters = [item for item in facts if item.kind == EXPORTER and picks.get(item.id)]
    precision = recall = 0.0
    pairs = hits = 0
    for exporter in exporters:
        wanted = set(picks[exporter.id])
        ranked = rankings.get(exporter.id, [])
        precision += len(wanted & set(ranked[:PRECISION_AT])) / PRECISION_AT
        recall += len(wanted & set(ranked[:RECALL_AT])) / len(wanted)
        for partner_id in wanted:
            pairs += 1
            mine = partner_id in ranked[:RECIPROCAL_AT]
            theirs = exporter.id in rankings.get(partner_id, [])[:RECIPROCAL_AT]
            hits += mine and theirs
    count = len(exporters) or 1
    return Figures(
        precision_at_5=precision / count,
        recall_at_10=recall / count,
        reciprocal_hit_rate=hits / pairs if pairs else 0.0,
        exporters=len(exporters),
        pairs=pairs,
    )


def expected_precision(
    facts: Sequence[Facts], picks: Mapping[int, list[int]], rankings: Mapping[int, list[int]]
) -> float:
    """Precision@5 of the filtered candidates in a random order, averaged over exporters."""
    exporters = [item for item in facts if item.kind == EXPORTER and picks.get(item.id)]
    total = 0.0
    for exporter in exporters:
        found = rankings.get(exporter.id, [])
        if found:
            hits = len(set(picks[exporter.id]) & set(found))
            total += min(PRECISION_AT, len(found)) * hits / len(found) / PRECISION_AT
    return total / (len(exporters) or 1)


def evaluate(path: Path) -> Evaluation:
    facts, picks = dataset_load(path)
    baseline = baseline_rankings(facts)
    return Evaluation(
        engine=figures(facts, picks, engine_rankings(facts)),
        baseline=figures(facts, picks, baseline),
        baseline_expected_precision_at_5=expected_precision(facts, picks, baseline),
    )


class Command(BaseCommand):
    help = (
        "Evaluate the matching engine on a labelled set: precision@5, recall@10 and reciprocal "
        "hit rate, against a filter-only baseline computed in the same run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dataset",
            type=Path,
            default=None,
            help=f"Labelled set (JSON); default {DEFAULT_DATASET} under BASE_DIR.",
        )

    def handle(self, *args, dataset: Path | None, **options) -> None:
        path = dataset or Path(settings.BASE_DIR) / DEFAULT_DATASET
        if not path.is_file():
            raise CommandError(f"No dataset at {path}.")
        result = evaluate(path)
        self.stdout.write(
            f"Labelled set {path}: {result.engine.exporters} exporters with picks, "
            f"{result.engine.pairs} expert pairs."
        )
        self.stdout.write(f"{'':10} {'p@5':>7} {'r@10':>7} {'reciprocal':>11}")
        for name, found in (("engine", result.engine), ("baseline", result.baseline)):
            self.stdout.write(
                f"{name:10} {found.precision_at_5:7.3f} {found.recall_at_10:7.3f} "
                f"{found.reciprocal_hit_rate:11.3f}"
            )
        self.stdout.write(
            f"baseline p@5 expected over random orders of its candidates: "
            f"{result.baseline_expected_precision_at_5:.3f}"
        )
        verdict = (
            "met"
            if result.engine.precision_at_5 >= TARGET_PRECISION
            and result.precision_ratio >= TARGET_RATIO
            else "NOT met"
        )
        self.stdout.write(
            f"p@5 engine/baseline: {result.precision_ratio:.2f}x "
            f"(target p@5 >= {TARGET_PRECISION} and >= {TARGET_RATIO}x: {verdict})"
        )
