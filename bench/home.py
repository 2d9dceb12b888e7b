"""The home page at full scale: what waits on the busiest branch secretary and on the
group committee, timed through the whole Django stack (issue 14.1: p95 < 150 ms).

    # the enterprise and its appeals (PostgreSQL, COPY), once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench_home \\
        .venv/bin/python bench/appeals_data.py --appeals 200000
    # then the meetings and deeds (once), and the measurement
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench_home \\
        .venv/bin/python bench/home.py --requests 30

The data: bench/generate.py's enterprise at full scale (1,000,000 employees, 11,355
Party organisations), bench/appeals_data.py's appeals over two years (their open ones
with real deadlines, some past, some escalated), a year of meetings for every branch
and group (bench/orglife.py: 85 % of the required ones held) and practical deeds
(bench/service_data.py: a third of those under way overdue, some poorly rated).

The acting people are found in the data: the secretary of the group committee (the whole
group in scope) and the secretary of the branch with the most open appeals (the busiest).
Each request is timed with time.perf_counter around the test client's `get`, the SQL
with CaptureQueriesContext; a few warm-up requests first. The session's last-seen stamp
and the rule-parameter cache are pinned as in bench/run.py.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grassroots_bench_home")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from grassroots.accounts.scope import scope_for  # noqa: E402
from grassroots.appeals.models import OPEN_STATUSES, Appeal  # noqa: E402
from grassroots.insights.home import todos_for  # noqa: E402
from grassroots.orgs.models import OrgUnit  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import orglife  # noqa: E402 - bench/orglife.py: a year of meetings
import run  # noqa: E402 - bench/run.py: pinning, the secretary of a unit
import service_data  # noqa: E402 - bench/service_data.py: deeds in bulk


def forget_kept() -> None:
    """The cold path: what the home page keeps between requests (a committee's health
    and meeting gaps) dropped, as after any save of a member record, post or meeting."""
    from grassroots.orglife import selectors as orglife_selectors
    from grassroots.orgs import selectors as orgs_selectors

    orgs_selectors._oversight_kept.changed()
    orglife_selectors._gaps_kept_list.changed()


def measure(user: object, requests: int, warmup: int, *, cold: bool) -> dict[str, object]:
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend")
    for _ in range(warmup):
        assert client.get("/").status_code == 200
    times, queries = [], set()
    for _ in range(requests):
        if cold:
            forget_kept()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get("/")
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        queries.add(len(captured.captured_queries))
    ordered = sorted(times)
    return {
        "p50": statistics.median(times),
        "p95": ordered[max(0, round(0.95 * len(ordered)) - 1)],
        "max": ordered[-1],
        "queries": sorted(queries),
        # what the page listed (the test client keeps no context outside a test run)
        "todos": [todo.text for todo in todos_for(user, scope_for(user), now=timezone.now())],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--deeds", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--cold", action="store_true", help="drop the kept health and gaps before each request"
    )
    parser.add_argument(
        "--published",
        action="store_true",
        help="run the jobs that work the committees' figures out ahead, then read those"
        " (the kept ones dropped before each request, as --cold)",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/home.py measures PostgreSQL (the data comes by COPY)")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    run.pin_periodic_refreshes()
    today = timezone.localdate()
    orglife.generate(today, args.seed)
    service_data.ensure_deeds(count=args.deeds, seed=args.seed, reset=False)
    if args.published:
        from grassroots.orglife import jobs as orglife_jobs
        from grassroots.orgs import jobs as orgs_jobs

        started = time.perf_counter()
        orgs_jobs.oversight_publish(timezone.now())
        orglife_jobs.gaps_publish(timezone.now())
        print(f"figures worked out ahead in {time.perf_counter() - started:.1f} s")
        args.cold = True

    root = OrgUnit.objects.filter(parent__isnull=True, kind="committee").order_by("path").first()
    if root is None:
        sys.exit("no enterprise: run bench/appeals_data.py first")
    busiest = (
        Appeal.objects.filter(status__in=OPEN_STATUSES, unit__kind="branch")
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit")
        .first()
    )
    if busiest is None:
        sys.exit("no open appeal at a branch: run bench/appeals_data.py first")
    branch = OrgUnit.objects.get(pk=busiest["unit"])
    people = [
        ("group committee secretary", root.name, run.secretary_of(root)),
        (
            f"busiest branch secretary ({busiest['n']} open appeals)",
            branch.name,
            run.secretary_of(branch),
        ),
    ]
    print(
        f"# home page, {platform.node()}, {timezone.now():%Y-%m-%d %H:%M} UTC, {args.requests} requests"
        + (", published" if args.published else ", cold" if args.cold else "")
    )
    print(
        f"appeals: {Appeal.objects.count():,}, open: {Appeal.objects.filter(status__in=OPEN_STATUSES).count():,}"
    )
    print()
    print("| who | organisation | p50 ms | p95 ms | max ms | queries |")
    print("|---|---|--:|--:|--:|--:|")
    results = []
    for who, unit_name, user in people:
        result = measure(user, args.requests, args.warmup, cold=args.cold)
        results.append((who, result))
        queries = "–".join(str(q) for q in (result["queries"][0], result["queries"][-1]))  # type: ignore[index]
        print(
            f"| {who} | {unit_name} | {result['p50']:.0f} | {result['p95']:.0f} "
            f"| {result['max']:.0f} | {queries} |"
        )
    for who, result in results:
        print(f"\n{who}: " + "; ".join(result["todos"]))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
