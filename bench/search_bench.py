"""Search benchmark (issue 4): what a search costs through the app, against its SQL alone.

    .venv/bin/python -m bench.search_bench --database sqlite|postgres [--profiles 100000]
        [--queries 200] [--through api,page,selector] [--cprofile N] [--reuse-index]

1. Sets up its own database (never the one in DATABASE_URL: a rebuild replaces the index):
   /tmp/xbec_bench.sqlite3, or xbec_bench on the local PostgreSQL (created when missing);
   migrates it and loads the taxonomy.
2. Generates `--profiles` bilingual organization documents (bench.search_data) and times
   EmbeddedBackend().rebuild() over them: the time to rebuild the index.
3. Runs `--queries` mixed queries through each request layer: `api` (GET /api/v1/search through
   Django's test client: URL routing, middleware, the view, JSON), `page` (GET /en/search/, the
   same plus the template) and `selector` (search_for_viewer, which builds the SearchQuery and
   calls search.selectors.search_run: the search without HTTP). After ten warm-up requests,
   each query runs `--repeats` times (default 1), each run followed by a replay of exactly the
   SQL statements the first run executed (recorded with their parameters through
   connection.execute_wrapper) on a plain database cursor (execute + fetchall). A query's time
   is the median of its runs.
4. Prints p50 and p95 of the app and of the replayed SQL per layer and their ratios (targets:
   p50 at most 2x, p95 at most 3x), per query family, and the slowest queries; writes everything
   to bench/results/search-<database>.json. `--cprofile N` adds a cProfile of the first N
   queries through the first layer, to show where the time beyond SQL goes.

Both sides are measured in the same process, one right after the other, so the ratio holds on a
busy machine where the absolute times do not (the load average is printed with the results).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import re
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DATABASE_URLS = {
    "sqlite": "sqlite:////tmp/xbec_bench.sqlite3",
    "postgres": "postgres://postgres@127.0.0.1:5432/xbec_bench",
}
RESULTS_DIR = Path(__file__).resolve().parent / "results"
DOC_TYPE = "organization"
WARM_UP_REQUESTS = 10
TARGET_P50_RATIO = 2.0
TARGET_P95_RATIO = 3.0
# Request layers that go through a URL: (name, path). Each is measured when its URL resolves.
URL_LAYERS = (("api", "/api/v1/search"), ("page", "/en/search/"))


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    started = time.perf_counter()
    _django_setup(args.database, args.database_url)
    # Django (and the models bench.search_data reads) only once settings are configured.
    from django.db import connection

    report: dict[str, Any] = {
        "database": connection.vendor,
        "database_version": _database_version(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": os.getloadavg(),
        "profiles": args.profiles,
        "queries": args.queries,
        "repeats": args.repeats,
        "budget_seconds": args.budget,
        "seed": args.seed,
    }
    report["index"] = _index_build(args)
    _print_index(report["index"])

    from bench.search_data import Vocabulary, query_specs

    specs = query_specs(Vocabulary.load(), count=args.queries, seed=args.seed)
    layers = _layers(args.through)
    report["layers"] = {}
    for name, layer in layers.items():
        summary = _measure(layer, specs, repeats=args.repeats, budget=args.budget).summary()
        report["layers"][name] = summary
        _print_layer(name, summary, queries=len(specs))
    report["load_average_after"] = os.getloadavg()
    report["seconds"] = round(time.perf_counter() - started, 1)

    if args.cprofile:
        name, layer = next(iter(layers.items()))
        report["profile"] = _profile(name, layer, specs[: args.cprofile])

    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"search-{'custom' if args.database_url else args.database}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"\n{report['seconds']} s in all, load average {report['load_average_after'][0]:.2f} "
        f"on {report['cpus']} CPUs; results in {path}"
    )
    return 0


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search_bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--database", choices=sorted(DATABASE_URLS), default="sqlite")
    parser.add_argument("--database-url", help="another benchmark database (its index is replaced)")
    parser.add_argument("--profiles", type=int, default=100_000, help="documents to index")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="timed runs of each query, each followed by its SQL replay (the median is kept)",
    )
    parser.add_argument("--seed", type=int, default=20240404)
    parser.add_argument(
        "--budget",
        type=float,
        default=300,
        metavar="SECONDS",
        help="per layer: stop starting queries after this long and report on those measured "
        "(the queries are shuffled, so they are a fair sample); 0 for no limit",
    )
    parser.add_argument(
        "--through",
        default="",
        help="comma-separated request layers: api, page, selector "
        "(default: api, or selector while the API has no search)",
    )
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="keep the index when it already holds --profiles documents (no rebuild timing)",
    )
    parser.add_argument(
        "--cprofile",
        type=int,
        default=0,
        metavar="N",
        help="cProfile the first N queries through the first layer",
    )
    return parser.parse_args(argv)


# --- Setup -------------------------------------------------------------------------------------


def _django_setup(database: str, database_url: str | None) -> None:
    url = database_url or DATABASE_URLS[database]
    # Set, not defaulted: the benchmark replaces the search index of whatever database it uses.
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The benchmark measures the embedded backend, whatever this shell has configured.
    os.environ.pop("ELASTICSEARCH_URL", None)
    if url.startswith(("postgres://", "postgresql://")):
        _postgres_database_create(url)

    import django
    from django.conf import settings
    from django.core.management import call_command

    # WhiteNoise warns that the collected static files are missing; no page needs them here.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    # As in production: with DEBUG on, every cursor records its statements (CursorDebugWrapper),
    # which the app would pay for and the replay too. DEBUG stays on in the settings so that
    # the page layer can render {% static %} without a collected manifest.
    settings.DEBUG = False
    call_command("migrate", verbosity=0, interactive=False)

    from taxonomy.models import HSHeading

    if not HSHeading.objects.exists():
        call_command("load_taxonomy", verbosity=0)


def _postgres_database_create(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0]


# --- Index -------------------------------------------------------------------------------------


def _index_build(args: argparse.Namespace) -> dict[str, Any]:
    """Generate the documents and rebuild the index from them; the timings of each step."""
    from django.db import connection, transaction

    from bench.search_data import DocumentGenerator, Vocabulary
    from search.backends import EmbeddedBackend
    from search.models import IndexedDocument

    indexed = IndexedDocument.objects.filter(doc_type=DOC_TYPE)
    if args.reuse_index and indexed.count() == args.profiles:
        return {"reused": True, **_index_size()}

    started = time.perf_counter()
    generator = DocumentGenerator(Vocabulary.load(), seed=args.seed)
    # Generated up front, so that the rebuild timing holds only the rebuild.
    batches = list(generator.batches(args.profiles, batch_size=500))
    generated = time.perf_counter() - started

    # The previous run's documents are deleted first (the same ORM delete the rebuild runs),
    # so that every rebuild timing starts from an empty index; a rebuild over a full index
    # costs both.
    previous = indexed.count()
    started = time.perf_counter()
    with transaction.atomic():
        indexed.delete()
    deleted = time.perf_counter() - started

    started = time.perf_counter()
    count = EmbeddedBackend().rebuild(DOC_TYPE, batches)
    rebuilt = time.perf_counter() - started

    analyzed = 0.0
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute of a bulk load; without it the planner has no
        # statistics for the new rows and the first searches are planned blind.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_indexeddocument")
            cursor.execute("VACUUM ANALYZE search_indexedkeyword")
        analyzed = time.perf_counter() - started
    return {
        "reused": False,
        "documents": count,
        "generate_seconds": round(generated, 2),
        "previous_documents": previous,
        "delete_previous_seconds": round(deleted, 2),
        "rebuild_seconds": round(rebuilt, 2),
        "documents_per_second": round(count / rebuilt),
        "vacuum_analyze_seconds": round(analyzed, 2),
        **_index_size(),
    }


def _index_size() -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection

    from search.models import IndexedDocument, IndexedKeyword

    size: dict[str, Any] = {
        "indexed_documents": IndexedDocument.objects.filter(doc_type=DOC_TYPE).count(),
        "keyword_rows": IndexedKeyword.objects.count(),
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_total_relation_size('search_indexeddocument') "
                "+ pg_total_relation_size('search_indexedkeyword')"
            )
            size["index_megabytes"] = round(cursor.fetchone()[0] / 2**20)
    else:
        path = Path(settings.DATABASES["default"]["NAME"])
        size["database_file_megabytes"] = round(path.stat().st_size / 2**20)
    return size


# --- Request layers ----------------------------------------------------------------------------


class SelectorLayer:
    """The selector the page and the API call (search_for_viewer, which builds the SearchQuery
    and calls search.selectors.search_run), for an anonymous visitor: the search without HTTP,
    JSON or templates."""

    def __call__(self, spec):
        from django.contrib.auth.models import AnonymousUser

        from matchmaking.selectors.search import search_for_viewer

        return search_for_viewer(
            user=AnonymousUser(),
            text=spec.text,
            filters=spec.filters(),
            sort=spec.sort,
            page=spec.page,
        )


class UrlLayer:
    """A GET through Django's test client: URL routing, middleware, the view, the response."""

    def __init__(self, path: str) -> None:
        from django.test import Client

        self.path = path
        self.client = Client()

    def __call__(self, spec):
        response = self.client.get(self.path, spec.params())
        if response.status_code != 200:
            raise RuntimeError(f"GET {self.path} {spec.params()} answered {response.status_code}")
        # Rendered in full, as a server would before sending it.
        len(response.content)
        return response


def _result_count(answer) -> int | None:
    """How many results a layer's answer reports (None for a page: that would mean parsing
    HTML), to show in the per-query figures what each query found."""
    if hasattr(answer, "total"):
        return answer.total
    if answer.get("Content-Type", "").startswith("application/json"):
        return answer.json()["count"]
    return None


def _layers(through: str) -> dict[str, Callable[[Any], Any]]:
    from django.urls import Resolver404, resolve

    available: dict[str, Callable[[], Callable[[Any], Any]]] = {"selector": SelectorLayer}
    for name, path in URL_LAYERS:
        try:
            resolve(path)
        except Resolver404:
            continue
        available[name] = lambda path=path: UrlLayer(path)
    # The page renders a template around the same search: asked for, not run by default, as it
    # doubles the run time.
    default = ["api"] if "api" in available else ["selector"]
    names = [name.strip() for name in through.split(",") if name.strip()] or default
    unknown = [name for name in names if name not in available]
    if unknown:
        raise SystemExit(
            f"Unknown or unavailable layer(s) {unknown}; available: {sorted(available)}."
        )
    return {name: available[name]() for name in names}


# --- Measuring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    sql: str
    params: Any
    many: bool


class StatementRecorder:
    """An execute wrapper (connection.execute_wrapper) that keeps each statement with its
    parameters, as the cursor received them (before the driver interpolates anything)."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []

    def __call__(self, execute, sql, params, many, context):
        if many:
            # An iterator would be used up by the execution; the replay needs it again.
            params = list(params)
        self.statements.append(Statement(sql, params, many))
        return execute(sql, params, many, context)


def _replay(statements: Sequence[Statement]) -> list[float]:
    """Run the statements again on a plain cursor, reading every row; seconds per statement."""
    from django.db import connection

    seconds = []
    with connection.cursor() as cursor:
        for statement in statements:
            started = time.perf_counter()
            if statement.many:
                cursor.executemany(statement.sql, statement.params)
            else:
                cursor.execute(statement.sql, statement.params)
            if cursor.description is not None:
                cursor.fetchall()
            seconds.append(time.perf_counter() - started)
    return seconds


def _statement_kind(sql: str) -> str:
    """Which part of a search a statement is: the embedded backend's three statements
    (search.backends.embedded) by their shape, any other by the table it reads."""
    text = sql.lstrip()
    for prefix, kind in (
        ("SELECT d.doc_type", "search: hits"),
        ("SELECT COUNT(*) FROM", "search: count (page past the end)"),
        ("SELECT k.field", "search: facets"),
    ):
        if text.startswith(prefix):
            return kind
    table = re.search(r'FROM "?(\w+)', text)
    return f"other: {table.group(1)}" if table else "other"


@dataclass
class Measured:
    specs: list[Any]
    app: list[float] = field(default_factory=list)  # seconds, median of each query's runs
    sql: list[float] = field(default_factory=list)
    statements: list[list[Statement]] = field(default_factory=list)
    results: list[int | None] = field(default_factory=list)  # results found, per query
    # Seconds per statement in each query's last replay.
    statement_seconds: list[list[float]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        writes = sum(
            1
            for statements in self.statements
            for statement in statements
            if not statement.sql.lstrip().upper().startswith(("SELECT", "WITH"))
        )
        summary = _percentiles(self.app, self.sql)
        summary["statements_per_request"] = {
            "mean": round(statistics.fmean(len(s) for s in self.statements), 2),
            "max": max(len(s) for s in self.statements),
            "not_select": writes,
        }
        kinds: dict[str, list[float]] = {}
        for statements, seconds in zip(self.statements, self.statement_seconds, strict=True):
            for statement, elapsed in zip(statements, seconds, strict=True):
                kinds.setdefault(_statement_kind(statement.sql), []).append(elapsed)
        total = sum(sum(values) for values in kinds.values())
        summary["sql_by_statement"] = {
            kind: {
                "statements": len(values),
                "total_ms": round(sum(values) * 1000),
                "share": round(sum(values) / total, 3),
                "p50_ms": round(_percentile(values, 0.5) * 1000, 2),
            }
            for kind, values in sorted(kinds.items(), key=lambda item: -sum(item[1]))
        }
        families: dict[str, list[int]] = {}
        for index, spec in enumerate(self.specs):
            families.setdefault(spec.label, []).append(index)
        summary["families"] = {
            label: {
                "queries": len(indexes),
                **_percentiles([self.app[i] for i in indexes], [self.sql[i] for i in indexes]),
                "results_median": _median_or_none([self.results[i] for i in indexes]),
            }
            for label, indexes in sorted(families.items())
        }
        summary["queries"] = [
            {
                "query": spec.describe(),
                "family": spec.label,
                "app_ms": round(app * 1000, 2),
                "sql_ms": round(sql * 1000, 2),
                "statements": len(statements),
                "results": results,
            }
            for spec, app, sql, statements, results in zip(
                self.specs, self.app, self.sql, self.statements, self.results, strict=True
            )
        ]
        return summary


def _measure(
    layer: Callable[[Any], Any], specs: Sequence[Any], *, repeats: int, budget: float
) -> Measured:
    """Each query `repeats` times through the layer, each run followed by the replay of its
    statements. The first run records them: the recorder costs one function call per statement,
    nothing next to a statement's execution. The replay always runs right after the app's run
    of the same query and finds the database's caches as warm as the app left them, so the
    ratio can only err against the app.

    The first round stops starting queries after budget / repeats seconds (when budget > 0);
    the other rounds repeat the queries it measured.
    """
    from django.db import connection

    for spec in specs[:WARM_UP_REQUESTS]:
        layer(spec)  # jieba's dictionary, the layer's own caches
    measured = Measured(specs=[])
    app_runs: list[list[float]] = []
    sql_runs: list[list[float]] = []
    started_first_round = time.perf_counter()
    for spec in specs:
        if budget and time.perf_counter() - started_first_round > budget / repeats:
            break
        recorder = StatementRecorder()
        with connection.execute_wrapper(recorder):
            started = time.perf_counter()
            answer = layer(spec)
            app_runs.append([time.perf_counter() - started])
        seconds = _replay(recorder.statements)
        sql_runs.append([sum(seconds)])
        measured.specs.append(spec)
        measured.statements.append(recorder.statements)
        measured.statement_seconds.append(seconds)
        measured.results.append(_result_count(answer))
    for _round in range(1, repeats):
        for index, spec in enumerate(measured.specs):
            started = time.perf_counter()
            layer(spec)
            app_runs[index].append(time.perf_counter() - started)
            seconds = _replay(measured.statements[index])
            sql_runs[index].append(sum(seconds))
            measured.statement_seconds[index] = seconds
    measured.app = [statistics.median(runs) for runs in app_runs]
    measured.sql = [statistics.median(runs) for runs in sql_runs]
    return measured


def _median_or_none(values: Sequence[int | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


def _percentile(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _percentiles(app: Sequence[float], sql: Sequence[float]) -> dict[str, float]:
    figures = {
        "app_p50_ms": _percentile(app, 0.5) * 1000,
        "app_p95_ms": _percentile(app, 0.95) * 1000,
        "sql_p50_ms": _percentile(sql, 0.5) * 1000,
        "sql_p95_ms": _percentile(sql, 0.95) * 1000,
    }
    figures["p50_ratio"] = figures["app_p50_ms"] / figures["sql_p50_ms"]
    figures["p95_ratio"] = figures["app_p95_ms"] / figures["sql_p95_ms"]
    return {name: round(value, 2) for name, value in figures.items()}


def _profile(name: str, layer: Callable[[Any], Any], specs: Sequence[Any]) -> dict[str, Any]:
    profiler = cProfile.Profile()
    profiler.enable()
    for spec in specs:
        layer(spec)
    profiler.disable()
    output = io.StringIO()
    stats = pstats.Stats(profiler, stream=output).strip_dirs()
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)
    print(f"\n== cProfile of {len(specs)} queries through {name} ==")
    print(output.getvalue())
    return {"layer": name, "text": output.getvalue()}


# --- Output ------------------------------------------------------------------------------------


def _print_index(index: dict[str, Any]) -> None:
    print("== Index ==")
    if index["reused"]:
        print(f"reused: {index['indexed_documents']} documents, {index['keyword_rows']} keywords")
        return
    print(
        f"generated {index['documents']} documents in {index['generate_seconds']} s; "
        f"deleted {index['previous_documents']} previous ones in "
        f"{index['delete_previous_seconds']} s"
    )
    print(
        f"rebuild: {index['rebuild_seconds']} s, {index['documents_per_second']} documents/s, "
        f"{index['keyword_rows']} keyword rows"
        + (
            f"; VACUUM ANALYZE {index['vacuum_analyze_seconds']} s"
            if index["vacuum_analyze_seconds"]
            else ""
        )
    )


def _print_layer(name: str, summary: dict[str, Any], *, queries: int) -> None:
    def verdict(ratio: float, target: float) -> str:
        return "ok" if ratio <= target else "MISSED"

    print(f"\n== {name}: {len(summary['queries'])} of {queries} queries ==")
    if len(summary["queries"]) < queries:
        print(
            "(the others did not fit in --budget; the queries are shuffled, so these are a sample)"
        )
    print(f"{'':<14}{'app ms':>10}{'SQL ms':>10}{'ratio':>8}  target")
    for percentile, target in (("p50", TARGET_P50_RATIO), ("p95", TARGET_P95_RATIO)):
        ratio = summary[f"{percentile}_ratio"]
        print(
            f"{percentile:<14}{summary[f'app_{percentile}_ms']:>10.2f}"
            f"{summary[f'sql_{percentile}_ms']:>10.2f}{ratio:>8.2f}  "
            f"<= {target:.0f}x {verdict(ratio, target)}"
        )
    statements = summary["statements_per_request"]
    print(
        f"statements per request: mean {statements['mean']}, max {statements['max']}, "
        f"not SELECT {statements['not_select']}"
    )
    print("\nSQL time by statement (all queries):")
    for kind, figures in summary["sql_by_statement"].items():
        print(
            f"  {kind:<36}{figures['statements']:>6} statements{figures['total_ms']:>9} ms "
            f"({figures['share']:.0%}), p50 {figures['p50_ms']:.2f} ms"
        )
    print(
        f"\n{'family':<14}{'n':>4}{'app p50':>10}{'SQL p50':>10}{'ratio':>7}{'app p95':>10}"
        f"{'results':>9}"
    )
    for label, family in summary["families"].items():
        results = family["results_median"]
        print(
            f"{label:<14}{family['queries']:>4}{family['app_p50_ms']:>10.2f}"
            f"{family['sql_p50_ms']:>10.2f}{family['p50_ratio']:>7.2f}{family['app_p95_ms']:>10.2f}"
            f"{'' if results is None else round(results):>9}"
        )
    print("\nslowest queries (app ms, SQL ms, results):")
    for query in sorted(summary["queries"], key=lambda item: -item["app_ms"])[:5]:
        print(
            f"  {query['app_ms']:>8.2f} {query['sql_ms']:>8.2f} "
            f"{'' if query['results'] is None else query['results']:>7}  "
            f"{query['query']}"
        )


if __name__ == "__main__":
    sys.exit(main())
