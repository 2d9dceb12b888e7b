"""The annual Party statistics (党内统计) of the group committee at full scale: the
whole set of tables for one year, and the page's work (the year and the year before,
for the comparison), timed with the queries counted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench \\
        .venv/bin/python bench/party_statistics.py --year 2025 --runs 3

The database needs the orgs migrations up to 0012 (the status history; 0012 writes
each record's opening row). With --history N the script first adds to the history of N
Party members in good standing a suspension (停止党籍) in 2023–2024 and a restoration
(恢复党籍) in 2025, the suspension's day of N/10 of them then put right (a correction
row), all marked by their recorded_at (BENCH_MARK) and removed again at the end (and at
the start, if an earlier run was stopped): the records themselves are not changed. The
group committee is the root committee: every one of the generated members is in scope.
Each run is timed with time.perf_counter around the computation; the SQL is counted
with CaptureQueriesContext.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

import datetime  # noqa: E402

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from grassroots.insights.statistics.tables import (  # noqa: E402
    statistics_for_year,
    year_on_year,
)
from grassroots.orgs.models import Member, MemberStatusChange, OrgUnit  # noqa: E402
from grassroots.orgs.selectors import root_units  # noqa: E402

BENCH_MARK = datetime.datetime(2001, 1, 1, 0, 0, 1, tzinfo=datetime.UTC)


def _remove_history() -> int:
    marked = MemberStatusChange.objects.filter(recorded_at=BENCH_MARK)
    corrections = marked.filter(corrects__isnull=False)._raw_delete(marked.db)
    return corrections + marked._raw_delete(marked.db)


def _add_history(count: int) -> None:
    """Suspensions and restorations for `count` full members in good standing."""
    eligible = list(
        Member.objects.filter(status="normal", full_on__lt=datetime.date(2023, 1, 1))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    members = eligible[:: max(1, len(eligible) // max(count, 1))][:count]
    rows = []
    for number, pk in enumerate(members):
        suspended = datetime.date(2023, 1, 1) + datetime.timedelta(days=number % 700)
        restored = datetime.date(2025, 1, 1) + datetime.timedelta(days=number % 300)
        for from_status, to_status, on, reason in (
            ("normal", "suspended", suspended, "suspended"),
            ("suspended", "restored", restored, ""),
        ):
            rows.append(
                MemberStatusChange(
                    member_id=pk,
                    from_status=from_status,
                    to_status=to_status,
                    on=on,
                    reason=reason,
                    recorded_at=BENCH_MARK,
                    source="recorded",
                )
            )
    MemberStatusChange.objects.bulk_create(rows, batch_size=5000)
    wrong = MemberStatusChange.objects.filter(recorded_at=BENCH_MARK, to_status="suspended")
    MemberStatusChange.objects.bulk_create(
        [
            MemberStatusChange(
                member_id=row.member_id,
                from_status=row.from_status,
                to_status=row.to_status,
                on=row.on + datetime.timedelta(days=5),
                reason=row.reason,
                recorded_at=BENCH_MARK,
                source="recorded",
                corrects=row,
            )
            for row in wrong.order_by("pk")[::10]
        ],
        batch_size=5000,
    )


def _median(values: list[float]) -> float:
    # (not the statistics module: this file's own name hides it)
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--history", type=int, default=2500, help="members suspended, restored")
    options = parser.parse_args()
    group = root_units().filter(kind="committee").order_by("path").first()
    if group is None:
        sys.exit("no committee: run bench/generate.py first")
    print(f"{connection.vendor}, {group.name}, year {options.year}, {options.runs} runs")
    _remove_history()
    _add_history(options.history)
    print(
        f"  status history: {MemberStatusChange.objects.count()} rows, of them "
        f"{MemberStatusChange.objects.filter(recorded_at=BENCH_MARK).count()} added here"
    )
    try:
        _run(group, options)
    finally:
        print(f"  removed {_remove_history()} rows added here")


def _run(group: OrgUnit, options: argparse.Namespace) -> None:
    one_year: list[float] = []
    page: list[float] = []
    for _run in range(options.runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            current = statistics_for_year(group, options.year)
            one_year.append(time.perf_counter() - started)
            previous = statistics_for_year(group, options.year - 1)
            year_on_year(current, previous)
            page.append(time.perf_counter() - started)
        print(
            f"  run {_run + 1}: one year {one_year[-1]:.2f} s, with the year before "
            f"{page[-1]:.2f} s, {len(queries.captured_queries)} queries; "
            f"{current.party_members} Party members, "
            f"{len(current.failed_checks)} failed checks"
        )
    print(f"median: one year {_median(one_year):.2f} s, with the year before {_median(page):.2f} s")


if __name__ == "__main__":
    main()
