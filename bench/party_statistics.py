"""The annual Party statistics (党内统计) of the group committee at full scale: the
whole set of tables for one year, and the page's work (the year and the year before,
for the comparison), timed with the queries counted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench \\
        .venv/bin/python bench/party_statistics.py --year 2025 --runs 3

The database needs the orgs migrations up to 0007 (leaving and dissolution days). The
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

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from grassroots.insights.statistics.tables import (  # noqa: E402
    statistics_for_year,
    year_on_year,
)
from grassroots.orgs.selectors import root_units  # noqa: E402


def _median(values: list[float]) -> float:
    # (not the statistics module: this file's own name hides it)
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    group = root_units().filter(kind="committee").order_by("path").first()
    if group is None:
        sys.exit("no committee: run bench/generate.py first")
    print(f"{connection.vendor}, {group.name}, year {options.year}, {options.runs} runs")
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
