"""Matching end to end (issue 6, parts b and c): load every profile from the database, score,
store the suggestions; then recompute one organization the way a profile change does.

```
.venv/bin/python -m bench.matching_bench --database sqlite      # or postgres
    [--exporters 10000] [--partners 2000] [--seed 7] [--repeats 10]
```

1. Sets up its own database (`/tmp/xbec_bench_matching.sqlite3` or `xbec_bench_matching` on the
   local PostgreSQL), migrates it, loads the taxonomy.
2. Fills it, unless it already holds exactly these numbers: verified organizations with their
   profiles (HS headings, markets, services, channels, certifications, warehouses and lanes of
   service providers) and a published post for about a third of the exporters, texts in both
   languages from bench.search_data's industries. Written with bulk inserts: going through
   the services would take longer than the benchmark and measure the services, not matching.
3. Runs `manage.py matching_recompute` in a child process, so that the child's peak resident
   memory is the run's own (`getrusage(RUSAGE_CHILDREN)`); the child reports its breakdown
   (load: reading and preparing facts, tokenizing texts; score: the engine; store: writing
   suggestions). A child that only sets Django up gives the baseline memory.
4. Times `suggestions_compute_for` for one exporter and one platform, `--repeats` times each
   (what a profile change triggers after commit).

Targets: end to end under 60 s on 2 cores, peak memory at most 1 GB; one organization under
200 ms. The engine alone against a bare scoring kernel is bench/matching_engine.py.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import timedelta

from bench.search_bench import _django_setup

DATABASE_URLS = {
    "sqlite": "sqlite:////tmp/xbec_bench_matching.sqlite3",
    "postgres": "postgres://postgres@127.0.0.1:5432/xbec_bench_matching",
}
TARGET_SECONDS = 60.0
TARGET_PEAK_MB = 1024.0
TARGET_ONE_MS = 200.0
PLATFORM_SHARE = 0.4  # of the partners; the rest are service providers
CHANNELS = ["marketplace", "independent_site", "social_commerce", "distributor", "b2b"]
VOLUME_BANDS = ["under_1m", "1m_5m", "5m_20m", "20m_100m", "over_100m"]


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    url = DATABASE_URLS[args.database]
    if args.child:
        return _child(url, args.child)
    _django_setup(args.database, url)
    counts = _populate(args)
    print(
        f"Data: {counts['exporters']} exporters, {counts['platforms']} platforms, "
        f"{counts['providers']} service providers, {counts['posts']} posts "
        f"({counts['seconds']:.0f}s to write{' (reused)' if counts['reused'] else ''})."
    )
    baseline = _run_child(args, "baseline")
    full = _run_child(args, "full")
    nightly = _run_child(args, "nightly")
    one = _one_organization(args.repeats)
    _report(args, baseline, full, one)
    _report_nightly(nightly)
    ok = (
        full["seconds_total"] < TARGET_SECONDS
        and max(full["peak_mb"], nightly["peak_mb"]) <= TARGET_PEAK_MB
        and max(one["exporter_p50_ms"], one["platform_p50_ms"]) < TARGET_ONE_MS
    )
    return 0 if ok else 1


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=sorted(DATABASE_URLS), default="sqlite")
    parser.add_argument("--exporters", type=int, default=10_000)
    parser.add_argument("--partners", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--child", choices=["baseline", "full", "nightly"], help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- Data ------------------------------------------------------------------------------------


def _populate(args: argparse.Namespace) -> dict:
    from accounts.models import Organization, OrganizationKind

    platforms = round(args.partners * PLATFORM_SHARE)
    wanted = {
        OrganizationKind.EXPORTER: args.exporters,
        OrganizationKind.PLATFORM: platforms,
        OrganizationKind.SERVICE_PROVIDER: args.partners - platforms,
    }
    have = {kind: Organization.objects.filter(kind=kind).count() for kind in wanted}
    started = time.perf_counter()
    reused = have == wanted
    if not reused:
        Organization.objects.all().delete()
        _write(wanted, seed=args.seed)
    from matchmaking.models import Post

    return {
        "exporters": wanted[OrganizationKind.EXPORTER],
        "platforms": wanted[OrganizationKind.PLATFORM],
        "providers": wanted[OrganizationKind.SERVICE_PROVIDER],
        "posts": Post.objects.count(),
        "seconds": time.perf_counter() - started,
        "reused": reused,
    }


def _write(wanted: dict, *, seed: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Organization, OrganizationKind, VerificationState
    from bench.search_data import DocumentGenerator, Vocabulary
    from matchmaking.models import LogisticsLane, Post, PostKind, PostStatus, Profile
    from matchmaking.models import WarehouseSite as Site
    from taxonomy.models import Certification

    vocabulary = Vocabulary.load()
    generator = DocumentGenerator(vocabulary, seed=seed)
    rnd = random.Random(seed)
    certifications = set(Certification.objects.values_list("code", flat=True))
    documents: dict[str, list[dict]] = {kind: [] for kind in wanted}
    number = 0
    while any(len(documents[kind]) < count for kind, count in wanted.items()):
        number += 1
        document = generator.document(number)
        if len(documents[document["kind"]]) < wanted[document["kind"]]:
            documents[document["kind"]].append(document)
    now = timezone.now()
    through = {name: getattr(Profile, name).through for name in _RELATIONS}
    with transaction.atomic():
        organizations = Organization.objects.bulk_create(
            [
                Organization(
                    kind=kind,
                    name_zh=document["name_zh"][:200],
                    name_en=document["name_en"][:200],
                    credit_code=f"91110{index:013d}",
                    district=document["district"],
                    verification_state=VerificationState.VERIFIED,
                    verified_at=now,
                )
                for index, (kind, document) in enumerate(_all(documents))
            ],
            batch_size=2000,
        )
        profiles = []
        for organization, (kind, document) in zip(organizations, _all(documents), strict=True):
            exporter = kind == OrganizationKind.EXPORTER
            platform = kind == OrganizationKind.PLATFORM
            services = document["services"]
            profiles.append(
                Profile(
                    organization=organization,
                    visibility=document["visibility"],
                    summary_zh=document["summary_zh"][:200],
                    summary_en=document["summary_en"][:200],
                    description_zh=f"<p>{document['description_zh']}</p>",
                    description_en=f"<p>{document['description_en']}</p>",
                    brands=document["brands"] if exporter and rnd.random() < 0.5 else "",
                    export_volume_band=rnd.choice(VOLUME_BANDS) if exporter else "",
                    channels_wanted=rnd.sample(CHANNELS, rnd.randint(1, 3)) if exporter else [],
                    services_needed=services if exporter else [],
                    channels_offered=rnd.sample(CHANNELS, rnd.randint(1, 2)) if platform else [],
                    services_offered=[] if exporter else services,
                    merchant_min_volume_band=rnd.choice(["", *VOLUME_BANDS[:3]])
                    if platform
                    else "",
                    requires_own_brand=platform and rnd.random() < 0.3,
                    completeness=document["completeness"],
                    updated_at=now - timedelta(days=rnd.randint(0, 400)),
                )
            )
        profiles = Profile.objects.bulk_create(profiles, batch_size=2000)
        rows: dict[str, list] = {name: [] for name in _RELATIONS}
        sites, lanes, posts = [], [], []
        for profile, (kind, document) in zip(profiles, _all(documents), strict=True):
            exporter = kind == OrganizationKind.EXPORTER
            regions = set(document["market_regions"])
            members = {c for r in regions for c in vocabulary.region_members[r]}
            countries = sorted(set(document["markets"]) - members) or document["markets"][:1]
            held = [code for code in document["certifications"] if code in certifications]
            rows["hs_headings"] += [(profile.pk, code) for code in document["hs_headings"]]
            rows["market_countries"] += [(profile.pk, code) for code in countries]
            rows["market_regions"] += [(profile.pk, code) for code in regions]
            if exporter:
                rows["certifications"] += [(profile.pk, code) for code in held]
                needed = rnd.sample(countries, min(len(countries), 2))
                if "overseas_warehouse" in document["services"]:
                    rows["warehouse_countries_needed"] += [(profile.pk, c) for c in needed]
                if "logistics" in document["services"]:
                    rows["lane_destinations_needed"] += [(profile.pk, c) for c in needed]
                if rnd.random() < 0.33:
                    posts.append(_post(profile, document, Post, PostKind, PostStatus, now))
            elif kind == OrganizationKind.PLATFORM:
                rows["required_certifications"] += [(profile.pk, code) for code in held[:1]]
            else:
                for country in countries[:3]:
                    if "overseas_warehouse" in document["services"]:
                        sites.append(Site(profile=profile, country_id=country, city="—"))
                    # A lane crosses a border (a check constraint, which PostgreSQL enforces
                    # even with ignore_conflicts).
                    if "logistics" in document["services"] and country != "CN":
                        lanes.append(
                            LogisticsLane(
                                profile=profile, origin_id="CN", destination_id=country, mode="sea"
                            )
                        )
        for name, pairs in rows.items():
            model = through[name]
            column = _RELATIONS[name]
            model.objects.bulk_create(
                [model(profile_id=left, **{column: right}) for left, right in set(pairs)],
                batch_size=5000,
            )
        Site.objects.bulk_create(sites, batch_size=5000)
        LogisticsLane.objects.bulk_create(lanes, batch_size=5000, ignore_conflicts=True)
        created = Post.objects.bulk_create(posts, batch_size=2000)
        heading_rows = [
            Post.hs_headings.through(post_id=post.pk, hsheading_id=code)
            for post, code in zip(created, [p.heading for p in posts], strict=True)
        ]
        Post.hs_headings.through.objects.bulk_create(heading_rows, batch_size=5000)


_RELATIONS = {
    "hs_headings": "hsheading_id",
    "market_countries": "country_id",
    "market_regions": "region_id",
    "certifications": "certification_id",
    "required_certifications": "certification_id",
    "warehouse_countries_needed": "country_id",
    "lane_destinations_needed": "country_id",
}


def _all(documents: dict[str, list[dict]]):
    for kind, items in documents.items():
        for document in items:
            yield kind, document


def _post(profile, document, Post, PostKind, PostStatus, now):
    post = Post(
        organization_id=profile.organization_id,
        kind=PostKind.SUPPLY,
        title_zh=document["summary_zh"][:120],
        title_en=document["summary_en"][:120],
        body_zh=document["description_zh"],
        body_en=document["description_en"],
        status=PostStatus.PUBLISHED,
        published_at=now,
        valid_from=now.date() - timedelta(days=10),
        valid_until=now.date() + timedelta(days=60),
    )
    post.heading = document["hs_headings"][0] if document["hs_headings"] else "9403"
    return post


# --- Measuring -------------------------------------------------------------------------------


def _run_child(args: argparse.Namespace, phase: str) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    command = [sys.executable, "-m", "bench.matching_bench", "--database", args.database]
    output = subprocess.run(
        [*command, "--child", phase],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": DATABASE_URLS[args.database]},
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of the children is the largest child so far: valid for the child that raised it.
    result["peak_mb"] = peak_kb / 1024 if peak_kb > before else result.get("own_peak_mb", 0)
    return result


def _child(url: str, phase: str) -> int:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    result: dict = {}
    if phase in ("full", "nightly"):
        from matchmaking.services.suggestions import suggestions_compute_all

        started = time.perf_counter()
        # "full": every organization's facts prepared from scratch (texts segmented again);
        # "nightly": the prepared facts reused where current, as the scheduled run finds them.
        report = suggestions_compute_all(rebuild=phase == "full")
        result = {
            "seconds_total": time.perf_counter() - started,
            "seconds": report.seconds,
            "organizations": report.organizations,
            "candidates": report.candidates,
            "suggestions": report.suggestions,
            "prepared": report.prepared,
        }
    result["own_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))
    return 0


def _one_organization(repeats: int) -> dict:
    from django.conf import settings

    from accounts.models import Organization, OrganizationKind
    from matchmaking.services.suggestions import suggestions_compute_for

    settings.DEBUG = False
    result = {}
    for label, kind in (
        ("exporter", OrganizationKind.EXPORTER),
        ("platform", OrganizationKind.PLATFORM),
    ):
        ids = list(Organization.objects.filter(kind=kind).values_list("pk", flat=True)[:repeats])
        times = []
        for organization_id in ids:
            started = time.perf_counter()
            suggestions_compute_for(organization_ids=[organization_id])
            times.append((time.perf_counter() - started) * 1000)
        result[f"{label}_p50_ms"] = statistics.median(times)
        result[f"{label}_max_ms"] = max(times)
    return result


def _report(args, baseline: dict, full: dict, one: dict) -> None:
    from django.db import connection

    seconds = full["seconds"]
    rows = [
        ("database", connection.vendor),
        ("organizations scored", f"{full['organizations']} ({full['candidates']} candidates)"),
        ("suggestions stored", full["suggestions"]),
        ("load (facts, texts)", f"{seconds.get('load', 0):.1f} s"),
        ("score (engine)", f"{seconds.get('score', 0):.1f} s"),
        ("store", f"{seconds.get('store', 0):.1f} s"),
        (
            "end to end, facts from scratch",
            f"{full['seconds_total']:.1f} s (target < {TARGET_SECONDS:.0f} s)",
        ),
        (
            "peak memory",
            f"{full['peak_mb']:.0f} MB (target <= {TARGET_PEAK_MB:.0f}; "
            f"Django alone {baseline['own_peak_mb']:.0f} MB)",
        ),
        (
            "one exporter",
            f"p50 {one['exporter_p50_ms']:.0f} ms, max {one['exporter_max_ms']:.0f} ms "
            f"(target < {TARGET_ONE_MS:.0f} ms)",
        ),
        (
            "one platform",
            f"p50 {one['platform_p50_ms']:.0f} ms, max {one['platform_max_ms']:.0f} ms",
        ),
    ]
    _table(rows)


def _report_nightly(nightly: dict) -> None:
    seconds = nightly["seconds"]
    _table(
        [
            ("nightly run (facts reused)", f"{nightly['seconds_total']:.1f} s"),
            (
                "  load / score / store",
                f"{seconds.get('load', 0):.1f} / {seconds.get('score', 0):.1f} / "
                f"{seconds.get('store', 0):.1f} s ({nightly['prepared']} prepared again)",
            ),
            ("  peak memory", f"{nightly['peak_mb']:.0f} MB"),
        ]
    )


def _table(rows) -> None:
    width = max(len(name) for name, _value in rows)
    print()
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    sys.exit(main())
