"""Time Open311 `GET requests` (grassroots/integrations/open311) at a million appeals.

Generate the data first (bench/appeals_data.py), then:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench_appeals \\
        .venv/bin/python bench/open311.py [--requests 50] [--warmup 3] [--out FILE]

The method is bench/run.py's: the test client in this process (every middleware and
the view), time.perf_counter around the request, CaptureQueriesContext for the
queries; per scenario --warmup unmeasured requests, then --requests measured ones;
p50 / p95 / max, SQL time (p50), queries per request. The callers are known by an API
token made for the run (named "bench-open311", deleted at the end).

Scenarios (the acting people are found in the data, as bench/appeals.py finds them):

- g1–g6 the secretary of the group committee (every appeal is in scope): the default
  page (the last 90 days, 50 newest), open only, one service closed, page 20, XML,
  and a list of 50 ids;
- b1–b2 the secretary of the branch with the most open appeals: default and open only;
- e1 an employee of that branch: their own appeals;
- d1 one request by id, as the group secretary.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grassroots_bench_appeals")

import appeals  # noqa: E402 - bench/appeals.py: the acting people, found as it finds them
import run  # noqa: E402 - bench/run.py: load line, code version
import timing  # noqa: E402 - bench/timing.py: the measured requests and their figures

MARK = "bench-open311"  # the name of the API tokens made for the run
BASE = "/open311/v2"


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    actor: str  # group | branch | employee
    url: str


def actors() -> dict[str, Any]:
    from django.db.models import Count

    from grassroots.accounts.models import RoleAssignment, User
    from grassroots.appeals.models import Appeal

    # The group committee and the branch with the most open appeals, with their
    # secretaries; the employee here is the one with the most named appeals there.
    found = appeals.find_actors()
    officers = RoleAssignment.objects.values("user_id")
    employee = (
        Appeal.objects.filter(unit=found.branch, submitter__isnull=False)
        .exclude(submitter__in=officers)
        .values("submitter")
        .annotate(n=Count("pk"))
        .order_by("-n", "submitter")
        .first()
    )
    if employee is None:
        sys.exit("No named appeal in the busiest branch.")
    return {
        "group": found.group_officer,
        "branch": found.branch_officer,
        "employee": User.objects.get(pk=employee["submitter"]),
        "branch_unit": found.branch,
        "group_unit": found.group_committee,
    }


def scenarios() -> list[Scenario]:
    from grassroots.appeals.models import Appeal

    newest = list(
        Appeal.objects.order_by("-created_at", "-id").values_list("public_id", flat=True)[:50]
    )
    requests = f"{BASE}/requests"
    return [
        Scenario(
            "g1", "group secretary, default (90 days, 50 newest)", "group", f"{requests}.json"
        ),
        Scenario("g2", "group secretary, status=open", "group", f"{requests}.json?status=open"),
        Scenario(
            "g3",
            "group secretary, service_code=living&status=closed",
            "group",
            f"{requests}.json?service_code=living&status=closed",
        ),
        Scenario("g4", "group secretary, page 20", "group", f"{requests}.json?page=20"),
        Scenario("g5", "group secretary, XML", "group", f"{requests}.xml"),
        Scenario(
            "g6",
            "group secretary, 50 service_request_ids",
            "group",
            f"{requests}.json?service_request_id={','.join(newest)}",
        ),
        Scenario("b1", "busiest branch's secretary, default", "branch", f"{requests}.json"),
        Scenario(
            "b2",
            "busiest branch's secretary, status=open",
            "branch",
            f"{requests}.json?status=open",
        ),
        Scenario("e1", "an employee of that branch, own appeals", "employee", f"{requests}.json"),
        Scenario(
            "d1", "group secretary, one request by id", "group", f"{requests}/{newest[0]}.json"
        ),
    ]


def measure(scenario: Scenario, key: str, *, requests: int, warmup: int) -> timing.Timings:
    from django.test import Client

    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    return timing.time_requests(
        lambda: client.get(scenario.url, **headers),
        functools.partial(check, scenario),
        requests=requests,
        warmup=warmup,
    )


def rows_of(scenario: Scenario, timings: timing.Timings) -> int:
    """How many requests the last answer listed (0 for XML: not counted)."""
    if not scenario.url.split("?")[0].endswith(".json"):
        return 0
    return len(timings.last.json())


def check(scenario: Scenario, response: Any) -> None:
    if response.status_code != 200:
        sys.exit(
            f"{scenario.url[:120]} answered {response.status_code}: {response.content[:200]!r}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=50, help="measured per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured first requests")
    parser.add_argument("--out", type=Path, help="append the report (markdown) to this file")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from grassroots.accounts.models import ApiToken
    from grassroots.accounts.tokens import token_create
    from grassroots.appeals.models import Appeal

    people = actors()
    keys = {
        role: token_create(user=people[role], name=MARK)[1]
        for role in ("group", "branch", "employee")
    }
    lines = [
        f"Open311 GET requests over {Appeal.objects.count():,} appeals "
        f"({run.code_version()}, {django.db.connection.vendor})",
        "",
        run.load_line("before"),
        f"- group: {people['group_unit'].name}; busiest branch: {people['branch_unit'].name}",
        "",
        "| scenario | rows | p50 ms | p95 ms | max ms | SQL p50 ms | queries |",
        "|---|---|---|---|---|---|---|",
    ]
    try:
        for scenario in scenarios():
            t = measure(scenario, keys[scenario.actor], requests=args.requests, warmup=args.warmup)
            rows = rows_of(scenario, t)
            lines.append(
                f"| {scenario.key} {scenario.label} | {rows if rows else '–'} | "
                f"{' | '.join(t.cells(1))} | {min(t.queries)}–{max(t.queries)} |"
            )
            print(lines[-1], flush=True)
    finally:
        ApiToken.objects.filter(name=MARK).delete()
    lines.append(run.load_line("after"))
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        with args.out.open("a") as out:
            out.write(report + "\n")


if __name__ == "__main__":
    main()
