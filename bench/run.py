"""Time the member list, a branch's page, structure analysis and the home page at scale.

Run bench/generate.py first, then, for the figures in docs/benchmarks.md:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench \\
        .venv/bin/python bench/run.py --out bench/results/full-scale.md

or, after a quick SQLite generate:

    GRASSROOTS_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/run.py --requests 20

Each request goes through the whole Django stack in this process (the test client,
every middleware, the view, the template): the time is taken with time.perf_counter
around `client.get`, the SQL with CaptureQueriesContext. Per scenario a few warm-up
requests, then --requests measured ones; the table gives p50 / p95 / max milliseconds,
the time spent in SQL (p50), the queries per request (min–max) and the page size.

The acting people are found in the data, not configured: the secretary of the group
committee (the root committee: the whole group in scope), the first second-level
committee, and the middle branch of that committee with its secretary.

Two things refresh on a clock, each adding one query to one request now and then: the
session's last-seen stamp (once a minute per person) and the rule-parameter cache
(every 30 s per process). They are pinned here so that the query count is the page's
own; --no-pin leaves them alone.

With --explain (PostgreSQL), the slowest query of one request per scenario is run again
under EXPLAIN (ANALYZE, BUFFERS) and its plan printed after the table. With --set
NAME=VALUE (repeatable) a PostgreSQL setting is applied to the benchmark's session, e.g.
--set jit=off, to compare with the server's defaults without changing them.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"


@dataclass(frozen=True)
class Actors:
    group_committee: Any  # OrgUnit
    group_officer: Any  # User
    second_committee: Any
    branch: Any
    branch_officer: Any
    branch_size: int


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    actor: str  # "group" or "branch": whose session makes the request
    url: str


@dataclass
class Measurement:
    scenario: Scenario
    times: list[float] = field(default_factory=list)  # ms
    sql_times: list[float] = field(default_factory=list)  # ms
    queries: list[int] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)  # bytes
    slowest_sql: str = ""


def main(variant: str = "") -> None:
    """Parse the command line, run the scenarios, print (and append) the report.

    `variant` names a changed setup (a script that patches the app and calls this) in
    the report's heading.
    """
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=50, help="measured per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured first requests")
    parser.add_argument("--only", default="", help="run scenarios whose key starts with this")
    parser.add_argument("--out", type=Path, help="append the report (markdown) to this file")
    parser.add_argument("--export", action="store_true", help="also time an .xlsx export")
    parser.add_argument("--explain", action="store_true", help="plans of the slowest queries")
    parser.add_argument("--no-pin", action="store_true", help="leave the periodic refreshes")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    refuse_unmigrated()
    apply_session_settings(args.set)
    if not args.no_pin:
        pin_periodic_refreshes()
    # Pages as served in production: hashed static names from a manifest, collected
    # into a scratch folder rather than the data folder.
    static_root = tempfile.mkdtemp(prefix="grassroots-bench-static-")
    with override_settings(ALLOWED_HOSTS=["testserver"], STATIC_ROOT=static_root):
        call_command("collectstatic", interactive=False, verbosity=0)
        actors = find_actors()
        lines = facts(actors, args, variant)
        for line in lines:
            print(line, flush=True)
        measurements = []
        header = table_header()
        for line in header:
            print(line, flush=True)
        for scenario in scenarios(actors, export=args.export):
            if not scenario.key.startswith(args.only):
                continue
            measurement = measure(scenario, actors, requests=args.requests, warmup=args.warmup)
            measurements.append(measurement)
            print(table_row(measurement), flush=True)
        after = load_line("after")
        print(after)
        report = [*lines, *header, *(table_row(m) for m in measurements), "", after]
        if args.explain:
            plans = explain(measurements)
            print("\n".join(plans))
            report += plans
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a", encoding="utf-8") as out:
            out.write("\n".join(report) + "\n\n")
        print(f"\nAppended to {args.out}")


def refuse_unmigrated() -> None:
    """Pages of a newer app version fail on an older schema: say so before timing."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan)
        sys.exit(f"The database lacks migrations ({names}): run manage.py migrate on it first.")


def code_version() -> str:
    """The commit measured, and whether the working tree differed from it."""
    import subprocess

    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return described.replace("-dirty", " with uncommitted changes")


def apply_session_settings(pairs: list[str]) -> None:
    """Run SET for each NAME=VALUE on every connection this process opens."""
    from django.db.backends.signals import connection_created

    if not pairs:
        return

    def apply(sender: Any, connection: Any, **kwargs: Any) -> None:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for pair in pairs:
                name, _, value = pair.partition("=")
                cursor.execute("SELECT set_config(%s, %s, false)", [name.strip(), value.strip()])

    connection_created.connect(apply, weak=False)


def pin_periodic_refreshes() -> None:
    from grassroots.accounts import middleware
    from grassroots.core import parameters

    for module in (middleware, parameters):
        if not hasattr(module, "_REFRESH_SECONDS"):
            sys.exit(f"{module.__name__} no longer has _REFRESH_SECONDS: update bench/run.py")
        module._REFRESH_SECONDS = math.inf  # type: ignore[attr-defined]


def secretary_of(unit: Any, *, generator: str = "bench/generate.py") -> Any:
    """The user holding the unit's secretary post (the acting officer of a scenario)."""
    from grassroots.orgs.models import OrgPost

    post = (
        OrgPost.objects.filter(unit=unit, kind=OrgPost.Kind.SECRETARY, ends_on__isnull=True)
        .select_related("member__user")
        .first()
    )
    if post is None:
        sys.exit(f"{unit.name} has no secretary: generate the data with {generator}")
    return post.member.user


def find_actors() -> Actors:
    from grassroots.orgs.models import Member, OrgUnit

    group = (
        OrgUnit.objects.filter(parent__isnull=True, kind=OrgUnit.Kind.COMMITTEE)
        .order_by("path")
        .first()
    )
    if group is None:
        sys.exit("No Party organisations: run bench/generate.py first.")
    second = group.children.filter(kind=OrgUnit.Kind.COMMITTEE).order_by("path").first()
    if second is None:
        sys.exit("The group committee has no second-level committee.")
    branches = list(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, path__startswith=second.path)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    branch = OrgUnit.objects.get(pk=branches[len(branches) // 2])
    return Actors(
        group_committee=group,
        group_officer=secretary_of(group),
        second_committee=second,
        branch=branch,
        branch_officer=secretary_of(branch),
        branch_size=Member.objects.filter(branch=branch).count(),
    )


def scenarios(actors: Actors, *, export: bool) -> list[Scenario]:
    filters = "stage=full&cohort=1970&education=high_school"
    second, branch = actors.second_committee.pk, actors.branch.pk
    group = actors.group_committee.pk
    found = [
        Scenario("a1", "member list, 3 filters, page 1", "group", f"/orgs/members/?{filters}"),
        Scenario("a2", "member list, 3 filters, page 50", "group", f"/orgs/members/?{filters}&page=50"),
        Scenario("a2n", "member list, 3 filters, page 50 by the next link of page 49", "group", linked_page(actors, filters, 50)),
        Scenario("a3", "member list, no filter, page 1", "group", "/orgs/members/"),
        Scenario("a4", "member list, no filter, page 50", "group", "/orgs/members/?page=50"),
        Scenario("a4n", "member list, no filter, page 50 by the next link of page 49", "group", linked_page(actors, "", 50)),
        Scenario("a5", "member list, no filter, last page", "group", "/orgs/members/?page=last"),
        Scenario("a6", "member list, one second-level committee", "group", f"/orgs/members/?unit={second}"),
        Scenario("b1", "member list, own branch", "branch", "/orgs/members/"),
        Scenario("c1", "branch page", "branch", f"/orgs/units/{branch}/"),
        Scenario("c2", "branch page", "group", f"/orgs/units/{branch}/"),
        Scenario("d1", "structure, whole group", "group", f"/insights/structure/?unit={group}"),
        Scenario("d2", "structure, one second-level committee", "group", f"/insights/structure/?unit={second}"),
        Scenario("e1", "home page", "group", "/"),
        Scenario("e2", "home page", "branch", "/"),
    ]  # fmt: skip
    if export:
        found.append(
            Scenario(
                "x1",
                "export .xlsx, one second-level committee",
                "group",
                f"/orgs/members/export.xlsx?unit={second}",
            )
        )
    return found


def linked_page(actors: Actors, query: str, number: int) -> str:
    """The URL of the member list's "next page" link on page `number - 1` (the group
    committee officer's list with these filters): page `number` as a reader reaches it,
    by seeking from the last row of the page before."""
    from django.conf import settings
    from django.http import QueryDict
    from django.test import RequestFactory

    from grassroots.accounts.scope import scope_for
    from grassroots.core.pagination import SeekPaginator
    from grassroots.orgs import selectors, views

    scope = scope_for(actors.group_officer)
    _form, filters = views._member_filters(RequestFactory().get(f"/orgs/members/?{query}"), scope)
    paginator = SeekPaginator(
        selectors.member_list(scope, filters),
        settings.PAGE_SIZE,
        order=selectors.MEMBER_LIST_ORDER,
        cap=views.MEMBER_COUNT_CAP,
    )
    # A small generated enterprise has fewer pages: its last one, by its link.
    number = min(number, paginator.num_pages)
    if number < 2:
        return f"/orgs/members/?{query}"
    page = paginator.seek(QueryDict(f"{query}&page={number - 1}"))
    return f"/orgs/members/?{page.next_query}"


def measure(scenario: Scenario, actors: Actors, *, requests: int, warmup: int) -> Measurement:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user = actors.group_officer if scenario.actor == "group" else actors.branch_officer
    client = Client()  # a fresh session per scenario: no idle timeout in long runs
    client.force_login(user, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend")
    for _ in range(warmup):
        check(scenario, client.get(scenario.url))
    result = Measurement(scenario)
    slowest = 0.0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(scenario.url)
            elapsed = (time.perf_counter() - started) * 1000
        check(scenario, response)
        result.times.append(elapsed)
        result.queries.append(len(captured.captured_queries))
        result.sql_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        result.sizes.append(len(response.content))
        for query in captured.captured_queries:
            if float(query["time"]) > slowest:
                slowest, result.slowest_sql = float(query["time"]), query["sql"]
    return result


def check(scenario: Scenario, response: Any) -> None:
    if response.status_code != 200:
        sys.exit(f"{scenario.url} answered {response.status_code}, not 200")


def timed_get(
    client: Any, url: str, requests: int, warmup: int = 3
) -> tuple[list[float], list[float], int]:
    """GET `url` `warmup` times, then `requests` times measured: the times (ms), the
    SQL time of each (ms) and the most queries one request made."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    times, sql, counts = [], [], set()
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
        sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        counts.add(len(queries.captured_queries))
    return times, sql, max(counts)


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def facts(actors: Actors, args: argparse.Namespace, variant: str) -> list[str]:
    from django.db import connection
    from django.db.models import Count

    from grassroots.accounts.models import RoleAssignment, User
    from grassroots.orgs.models import Department, Member, OrgPost, OrgUnit

    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("\n")[0].split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    database = connection.vendor
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            cursor.execute(
                "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) "
                "FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'jit', "
                "'max_parallel_workers_per_gather', 'effective_cache_size')"
            )
            database = f"PostgreSQL {version} ({cursor.fetchone()[0]})"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    units = dict(OrgUnit.objects.values_list("kind").annotate(n=Count("pk")))
    import django

    script = os.path.relpath(sys.argv[0], ROOT) if sys.argv[0].endswith(".py") else "bench/run.py"
    command = " ".join(shlex.quote(part) for part in [script, *sys.argv[1:]])
    return [
        f"### {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {database}"
        + (f" · {variant}" if variant else ""),
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPU cores{memory}, "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}, "
        f"Django {django.get_version()}; code {code_version()}",
        f"- command: `{command}` ({args.warmup} warm-up + {args.requests} measured requests "
        f"per scenario{'' if args.no_pin else ', periodic refreshes pinned'})",
        load_line("before"),
        f"- rows: {User.objects.count():,} employees, {Department.objects.count():,} departments, "
        f"{Member.objects.count():,} member records, "
        + ", ".join(
            f"{units.get(kind, 0):,} {kind.replace('_', ' ')}" for kind in OrgUnit.Kind.values
        )
        + f" organisations, {OrgPost.objects.count():,} posts, "
        f"{RoleAssignment.objects.count():,} role assignments",
        f"- acting: group committee officer {actors.group_officer.employee_number} "
        f"(committee_officer on {actors.group_committee.name}, id {actors.group_committee.pk}); "
        f"branch secretary {actors.branch_officer.employee_number} of {actors.branch.name} "
        f"(id {actors.branch.pk}, {actors.branch_size} member records); second-level committee "
        f"{actors.second_committee.name} (id {actors.second_committee.pk})",
        "",
    ]


def load_line(when: str) -> str:
    """Other work on the machine skews the figures: say how busy it was."""
    one, five, fifteen = os.getloadavg()
    return f"- load average {when} the run: {one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def table_header() -> list[str]:
    return [
        "| | scenario | acting | p50 ms | p95 ms | max ms | SQL ms p50 | queries | KB |",
        "|---|---|---|--:|--:|--:|--:|--:|--:|",
    ]


def table_row(m: Measurement) -> str:
    low, high = min(m.queries), max(m.queries)
    queries = f"{low}" if low == high else f"{low}–{high}"
    actor = "group committee officer" if m.scenario.actor == "group" else "branch secretary"
    return (
        f"| {m.scenario.key} | {m.scenario.label} `{m.scenario.url}` | {actor} "
        f"| {statistics.median(m.times):.0f} | {percentile(m.times, 0.95):.0f} "
        f"| {max(m.times):.0f} | {statistics.median(m.sql_times):.0f} | {queries} "
        f"| {statistics.median(m.sizes) / 1024:.0f} |"
    )


def explain(measurements: list[Measurement]) -> list[str]:
    from django.db import connection

    if connection.vendor != "postgresql":
        return ["", "(--explain needs PostgreSQL)"]
    lines = ["", "#### Plans of the slowest query per scenario", ""]
    for m in measurements:
        if not m.slowest_sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + m.slowest_sql)
            plan = [row[0] for row in cursor.fetchall()]
        lines += [
            f"{m.scenario.key} · {m.scenario.label} `{m.scenario.url}`",
            "",
            "```sql",
            m.slowest_sql,
            "```",
            "```",
            *plan,
            "```",
            "",
        ]
    return lines


if __name__ == "__main__":
    main()
