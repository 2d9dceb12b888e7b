"""The dashboards at full scale: the group committee's dashboard over the benchmark
enterprise with a million appeals (bench/appeals_data.py: 1,000,000 employees, 5,000
branches, 11,355 Party organisations, 1,000,000 appeals over two years), timed through
the whole Django stack for the group committee's officer, by URL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench_appeals \\
        GRASSROOTS_DATA_DIR=/tmp/bench-dashboards .venv/bin/python bench/dashboards.py

First, as the scheduler would: the rate rollup (appeals.rate_months_all) and the group
committee's dashboard for this year (what insights.dashboards_publish does for every
organisation a committee officer holds), each timed. The oversight (people per stage)
is not published here: the warm-up requests keep it per process, as the page does when
nothing is published. Then the scenarios, `--runs` times: the group committee's
dashboard as its officer opens it (this year: published), the same worked out on the
spot (last year: not published), a second-level committee's and a branch's (this year,
on the spot: only the group committee's is published here).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from grassroots.accounts.models import Role, RoleAssignment  # noqa: E402
from grassroots.appeals import rate_months  # noqa: E402
from grassroots.appeals.models import Appeal  # noqa: E402
from grassroots.insights.dashboards import published  # noqa: E402
from grassroots.orgs.models import OrgUnit  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402 - bench/run.py: timed_get, pinning the periodic refreshes


def _timed(label: str, work: object) -> None:
    started = time.perf_counter()
    result = work()  # type: ignore[operator]
    print(f"{label}: {result} in {time.perf_counter() - started:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-rollups", action="store_true", help="rollups already built")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    run.pin_periodic_refreshes()
    call_command("collectstatic", interactive=False, verbosity=0)
    now = timezone.now()
    root = OrgUnit.objects.filter(parent__isnull=True, kind="committee").order_by("pk").first()
    assert root is not None, "run bench/appeals_data.py first"
    if not args.skip_rollups:
        _timed("rate rollup (rows)", lambda: rate_months.rate_months_refresh(now=now))
    second = OrgUnit.objects.filter(parent=root, kind="committee").order_by("path").first() or root
    branch = OrgUnit.objects.filter(path__startswith=second.path, kind="branch").order_by("path")[0]
    officer = (
        RoleAssignment.objects.current()
        .filter(org_unit=root, role=Role.COMMITTEE_OFFICER)
        .select_related("user")
        .first()
    )
    assert officer is not None
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(
        officer.user, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
    )
    year = timezone.localdate().year
    print(f"{Appeal.objects.count():,} appeals; officer {officer.user.employee_number}")
    print(f"load before: {os.getloadavg()}", flush=True)
    print(f"command: {' '.join(sys.argv)}", flush=True)
    print("| run | scenario | p50 ms | p95 ms | max ms | SQL ms p50 | queries |")
    print("|--:|---|--:|--:|--:|--:|--:|")
    scenarios = (
        ("group committee, this year (published)", "/insights/dashboard/", args.requests),
        (
            "group committee, last year (on the spot)",
            f"/insights/dashboard/?unit={root.pk}&period={year - 1}",
            max(5, args.requests // 5),
        ),
        (
            "a second-level committee, this year (on the spot)",
            f"/insights/dashboard/?unit={second.pk}&period={year}",
            args.requests,
        ),
        ("a branch, this year", f"/insights/dashboard/?unit={branch.pk}", args.requests),
    )
    for number in range(1, args.runs + 1):
        # As the scheduler does every five minutes (what it publishes is fresh for ten).
        _timed(
            f"run {number}: the group committee's dashboard published",
            lambda: published.dashboards_publish(now=timezone.now(), unit_ids=[root.pk]),
        )
        for label, url, requests in scenarios:
            times, sql, queries = run.timed_get(client, url, requests, warmup=2)
            p95 = run.percentile(times, 0.95)
            print(
                f"| {number} | {label} | {statistics.median(times):.0f} | {p95:.0f} "
                f"| {max(times):.0f} | {statistics.median(sql):.0f} | {queries} |",
                flush=True,
            )
    print(f"load after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
