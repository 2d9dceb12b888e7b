"""Evaluation at scale (issue 11): "score every branch for a year".

An indicator scheme of the group committee with every source "from the records" (the
demo's scheme: meetings, themed days, appraisal meetings, development, the three rates
and overdue appeals, deeds, commitments, pairings, five-services coverage, and one
indicator judged by hand), published, then scored for every branch of the generated
enterprise through `grassroots.evaluation.schemes.services.scheme_score` — the
function the nightly job and the "Score now" button call. Timed with
`time.perf_counter()`, queries counted with `CaptureQueriesContext`; then each source's
figures for all branches on their own, to show where the time goes.

    # once: the enterprise, a year of meetings, deeds and appeals (skipped when present)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_schemes \\
        .venv/bin/python bench/evaluation.py --scale 1 --appeals 200000 --deeds 20000
    # again, on the same data
    flock /tmp/bench.lock env DATABASE_URL=... .venv/bin/python bench/evaluation.py --skip-generate
    # the committee's results page instead of a scoring: 1 warm-up + 30 timed requests
    flock /tmp/bench.lock env DATABASE_URL=... .venv/bin/python bench/evaluation.py \\
        --skip-generate --results-page 30

Run it twice: the first scoring writes every score row, later ones update them.

`--results-page N` scores nothing: it requests the scheme's page (`evaluation:scheme`,
with the ordered results list) N times after one warm-up, through Django's test
`Client` signed in as the group committee's secretary (as bench/run.py does: the whole
middleware stack, the view and the template, the periodic refreshes pinned), and prints
p50 / p95 / max milliseconds, the SQL time and the queries per request.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

import run  # noqa: E402 - bench/run.py: percentile, load line, pinning, the secretary
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from grassroots.accounts.models import User  # noqa: E402
from grassroots.core.periods import Period  # noqa: E402
from grassroots.demo.evaluation_schemes import INDICATORS, scheme_define  # noqa: E402
from grassroots.evaluation import sources  # noqa: E402
from grassroots.evaluation.schemes import services  # noqa: E402
from grassroots.evaluation.schemes.models import IndicatorScheme, IndicatorScore  # noqa: E402
from grassroots.orgs.models import OrgUnit  # noqa: E402


def prepare(args: argparse.Namespace, today: datetime.date) -> None:
    import generate

    generate.prepare_database(reset=False)
    call_command("migrate", verbosity=0)
    if not OrgUnit.objects.exists():
        namespace = argparse.Namespace(
            employees=1_000_000, members=100_000, branches=5_000, subsidiaries=0, scale=args.scale
        )
        size = generate.size_from(namespace)
        print(f"Enterprise: {size}", flush=True)
        generate.Generator(size=size, seed=args.seed).run()
    import orglife  # bench/orglife.py: a year of meetings, 85 % of those required

    orglife.generate(today, args.seed)
    if args.deeds:
        import service_data

        written = service_data.ensure_deeds(count=args.deeds, seed=args.seed, reset=False)
        print(f"deeds written: {written}", flush=True)
    from grassroots.appeals.models import Appeal

    if args.appeals and not Appeal.objects.exists() and connection.vendor == "postgresql":
        import appeals_data

        appeals_data.AppealGenerator(count=args.appeals, seed=args.seed).run()
    # The monthly rate rollup, as the scheduler keeps it (the rates read whole months
    # from it, and only the current month live).
    from grassroots.appeals import rate_months

    print(f"rate rollup: {rate_months.rate_months_refresh(now=timezone.now())} rows", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def scheme_of(root: OrgUnit, year: int) -> IndicatorScheme:
    scheme = IndicatorScheme.objects.filter(unit=root, year=year).first()
    if scheme is not None:
        return scheme
    actor = User.objects.filter(is_superuser=False).first()
    assert actor is not None
    return scheme_define(actor=actor, unit=root, year=year, title=f"{year} bench")


def results_page(root: OrgUnit, scheme: IndicatorScheme, requests: int, query: str) -> None:
    """Time the committee's results page as the group committee's secretary sees it."""
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    run.pin_periodic_refreshes()
    officer = run.secretary_of(root)
    url = reverse("evaluation:scheme", args=[scheme.pk]) + (f"?{query}" if query else "")
    times: list[float] = []
    sql: list[float] = []
    counts: list[int] = []
    sizes: list[int] = []
    print(run.load_line("before"), flush=True)
    # Pages as served in production: hashed static names from a manifest, collected into
    # a scratch folder (as bench/run.py does).
    static_root = tempfile.mkdtemp(prefix="grassroots-bench-static-")
    with override_settings(ALLOWED_HOSTS=["testserver"], STATIC_ROOT=static_root):
        call_command("collectstatic", interactive=False, verbosity=0)
        client = Client()
        client.force_login(
            officer, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
        )
        for attempt in range(requests + 1):  # the first is the warm-up
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}, not 200")
            if attempt == 0:
                continue
            times.append(elapsed)
            counts.append(len(captured.captured_queries))
            sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            sizes.append(len(response.content))
    low, high = min(counts), max(counts)
    print(
        f"results page `{url}` as {officer.employee_number} (secretary of {root.name}), "
        f"{requests} requests after 1 warm-up: p50 {statistics.median(times):.0f} ms, "
        f"p95 {run.percentile(times, 0.95):.0f} ms, max {max(times):.0f} ms; "
        f"SQL p50 {statistics.median(sql):.0f} ms; "
        f"{low if low == high else f'{low}–{high}'} queries per request; "
        f"{statistics.median(sizes) / 1024:.0f} KiB",
        flush=True,
    )
    print(run.load_line("after"), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="bench/generate.py --scale")
    parser.add_argument("--appeals", type=int, default=200_000)
    parser.add_argument("--deeds", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--per-source", action="store_true", help="also time each source alone")
    parser.add_argument(
        "--fresh", action="store_true", help="delete the scheme's scores first (a first scoring)"
    )
    parser.add_argument(
        "--results-page",
        type=int,
        default=0,
        metavar="N",
        help="time the committee's results page N times (after one warm-up) instead of scoring",
    )
    parser.add_argument("--query", default="", help="with --results-page: a query string")
    args = parser.parse_args()
    today = timezone.localdate()
    if not args.skip_generate:
        prepare(args, today)
    root = (
        OrgUnit.objects.filter(parent__isnull=True, kind=OrgUnit.Kind.COMMITTEE)
        .order_by("path")
        .first()
    )
    assert root is not None, "no enterprise: run without --skip-generate"
    scheme = scheme_of(root, today.year)
    if args.results_page:
        results_page(root, scheme, args.results_page, args.query)
        return
    units = services.scored_units(scheme)
    if args.fresh:
        scheme.assessments.all().delete()
    print(
        f"{connection.vendor}: scheme of {root.name} for {today.year}, "
        f"{len(units):,} branches, {scheme.dimensions.count()} dimensions, "
        f"{IndicatorScore.objects.filter(assessment__scheme=scheme).count():,} score rows before",
        flush=True,
    )
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        scored = services.scheme_score(scheme=scheme, today=today)
        elapsed = time.perf_counter() - started
    sql = sum(float(q["time"]) for q in queries.captured_queries)
    batches = -(-scored // services.BATCH)
    print(
        f"scored {scored:,} branches in {elapsed:.1f} s "
        f"({len(queries.captured_queries):,} queries, {sql:.1f} s in SQL, {batches} batches of "
        f"{services.BATCH}); {IndicatorScore.objects.filter(assessment__scheme=scheme).count():,} "
        "score rows after",
        flush=True,
    )
    if args.per_source:
        period = Period.year(today.year)
        for key in sorted(
            {source for _d, _n, _p, source, _c in INDICATORS if source in sources.SOURCES}
        ):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                sources.figures_for(key, units, period, today=today)
                spent = time.perf_counter() - started
            batched = "batched" if sources.SOURCES[key].measure_many else "unit by unit"
            print(
                f"  {key:<32} {spent:7.2f} s {len(queries.captured_queries):7,} queries  ({batched})",
                flush=True,
            )


if __name__ == "__main__":
    main()
