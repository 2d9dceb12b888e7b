"""Time the appeal pages at a million appeals: submitting, the handlers' queue, the rates.

Generate the data first (bench/appeals_data.py), then:

    flock /tmp/bench.lock .venv/bin/python bench/appeals.py --out bench/results/appeals-pg.md

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/grassroots_bench_appeals.
The method is bench/run.py's: the test client in this process (every middleware, the
view, the template), time.perf_counter around the request, CaptureQueriesContext for
the queries; per scenario --warmup unmeasured requests, then --requests measured ones;
p50 / p95 / max, SQL time (p50), queries per request (min–max), response size.

Scenarios (the acting people are found in the data):

- s1 submit: POST of the signed-in form /appeals/new/ by an employee of the branch with
  the most open appeals: the similar-appeal check (which runs on every POST), the
  appeal_submit service (routing, deadlines, tokens, warnings, audit, notifications)
  and the redirect (302). Each request submits a new appeal; they are deleted at the end.
- s2 check: the same POST with "check" (similar appeals shown, nothing submitted).
- s3 similar: GET /appeals/new/similar/ — the panel htmx refreshes while one types.
- q1–q2 the queue /appeals/handle/ (open appeals, soonest deadline first) for the
  secretary of that branch and for the secretary of the group committee (everything
  in scope); q3 the committee's "all" view, q4 its overdue view.
- r1–r3 the three-rate page /appeals/rates/ of the group committee for the current
  calendar year and the previous one (a whole year of deadlines), and of the first
  second-level committee for the previous year.
"""

from __future__ import annotations

import argparse
import functools
import os
import shlex
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grassroots_bench_appeals")

import run  # noqa: E402 - bench/run.py: load line, pinning, session settings
import timing  # noqa: E402 - bench/timing.py: the measured requests and their figures

BENCH_KEY = "bench-appeals-"  # idempotency keys of the appeals this script submits


@dataclass(frozen=True)
class Actors:
    group_committee: Any
    group_officer: Any
    second_committee: Any
    branch: Any
    branch_officer: Any
    employee: Any  # submits: a plain employee in a department the branch covers
    open_in_branch: int


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    actor: str  # group | branch | employee
    url: str
    post: dict[str, str] | None = None
    expect: int = 200


@dataclass(frozen=True)
class Measurement:
    scenario: Scenario
    timings: timing.Timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--only", default="", help="scenario keys starting with any of these (comma)"
    )
    parser.add_argument("--out", type=Path, help="append the report (markdown) to this file")
    parser.add_argument("--explain", action="store_true", help="plans of the slowest queries")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument(
        "--capped-queue",
        action="store_true",
        help="proposal, patched in at run time: the queue counts at most 5,000 appeals "
        "(grassroots.core.pagination.CappedPaginator) instead of all of them",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    run.refuse_unmigrated()
    if args.capped_queue:
        cap_the_queue_count()
    run.apply_session_settings(args.set)
    run.pin_periodic_refreshes()
    static_root = tempfile.mkdtemp(prefix="grassroots-bench-static-")
    with override_settings(ALLOWED_HOSTS=["testserver"], STATIC_ROOT=static_root):
        call_command("collectstatic", interactive=False, verbosity=0)
        actors = find_actors()
        lines = facts(actors, args)
        print("\n".join(lines), flush=True)
        header = run.table_header()
        print("\n".join(header), flush=True)
        measurements = []
        prefixes = tuple(p for p in args.only.split(",") if p) or ("",)
        try:
            for scenario in scenarios(actors):
                if not scenario.key.startswith(prefixes):
                    continue
                m = measure(scenario, actors, requests=args.requests, warmup=args.warmup)
                measurements.append(m)
                print(row(m), flush=True)
        finally:
            removed = remove_submitted()
        after = run.load_line("after")
        print(after)
        print(f"- {removed} appeals submitted by the run removed again")
        report = [*lines, *header, *(row(m) for m in measurements), "", after]
        if args.explain:
            plans = explain(measurements)
            print("\n".join(plans))
            report += plans
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a", encoding="utf-8") as out:
            out.write("\n".join(report) + "\n\n")
        print(f"\nAppended to {args.out}")


def cap_the_queue_count() -> None:
    """What would counting at most 5,000 appeals buy the queue's "all" view? The view
    is not changed; its Paginator is swapped in this process only."""
    from grassroots.appeals.views import handle
    from grassroots.core.pagination import CappedPaginator

    def capped(rows: Any, per_page: int) -> CappedPaginator:
        return CappedPaginator(rows, per_page, cap=5_000)

    handle.Paginator = capped  # type: ignore[attr-defined, assignment]


def find_actors() -> Actors:
    from django.db.models import Count

    from grassroots.accounts.models import RoleAssignment, User
    from grassroots.appeals.models import OPEN_STATUSES, Appeal
    from grassroots.orgs.models import OrgUnit

    def secretary_of(unit: Any) -> Any:
        return run.secretary_of(unit, generator="bench/appeals_data.py")

    group = (
        OrgUnit.objects.filter(parent__isnull=True, kind=OrgUnit.Kind.COMMITTEE)
        .order_by("path")
        .first()
    )
    if group is None or not Appeal.objects.exists():
        sys.exit("No appeals: run bench/appeals_data.py first.")
    second = group.children.filter(kind=OrgUnit.Kind.COMMITTEE).order_by("path").first()
    busiest = (
        Appeal.objects.filter(status__in=OPEN_STATUSES, unit__kind=OrgUnit.Kind.BRANCH)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit")
        .first()
    )
    if busiest is None:
        sys.exit("No open appeal with a branch.")
    branch = OrgUnit.objects.get(pk=busiest["unit"])
    officers = RoleAssignment.objects.values("user_id")
    employee = (
        User.objects.filter(department__in=branch.departments.all(), is_active=True)
        .exclude(pk__in=officers)
        .order_by("employee_number")
        .first()
    )
    return Actors(
        group_committee=group,
        group_officer=secretary_of(group),
        second_committee=second,
        branch=branch,
        branch_officer=secretary_of(branch),
        employee=employee,
        open_in_branch=busiest["n"],
    )


def scenarios(actors: Actors) -> list[Scenario]:
    from django.utils import timezone

    from grassroots.appeals.models import Category

    living = Category.objects.get(code="living")
    title, text = "食堂排队时间太长", "中午食堂只开两个窗口，排队要二十分钟，希望增加窗口。"
    form = {
        "category": str(living.pk),
        "title": title,
        "description": text,
        "department": str(actors.employee.department_id),
        "place": "",
        "urgency": "normal",
    }
    year = timezone.localdate().year
    group, second = actors.group_committee.pk, actors.second_committee.pk
    query = f"category={living.pk}&title={title}&description={text}"
    return [
        Scenario("s1", "submit (similar check + appeal_submit), 302", "employee", "/appeals/new/", form, 302),
        Scenario("s2", "similar check on the form (\"check\")", "employee", "/appeals/new/", {**form, "check": "1"}),
        Scenario("s3", "similar panel while typing", "employee", f"/appeals/new/similar/?{query}"),
        Scenario("q1", "queue, open appeals", "branch", "/appeals/handle/"),
        Scenario("q2", "queue, open appeals", "group", "/appeals/handle/"),
        Scenario("q3", "queue, all appeals", "group", "/appeals/handle/?view=all"),
        Scenario("q4", "queue, overdue", "group", "/appeals/handle/?view=overdue"),
        Scenario("r1", f"three rates, group committee, {year}", "group", f"/appeals/rates/?unit={group}&period={year}"),
        Scenario("r2", f"three rates, group committee, {year - 1}", "group", f"/appeals/rates/?unit={group}&period={year - 1}"),
        Scenario("r3", f"three rates, second-level committee, {year - 1}", "group", f"/appeals/rates/?unit={second}&period={year - 1}"),
    ]  # fmt: skip


def measure(scenario: Scenario, actors: Actors, *, requests: int, warmup: int) -> Measurement:
    from django.test import Client

    user = {
        "group": actors.group_officer,
        "branch": actors.branch_officer,
        "employee": actors.employee,
    }[scenario.actor]
    client = Client()
    client.force_login(user, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend")

    def request() -> Any:
        if scenario.post is None:
            return client.get(scenario.url)
        data = {**scenario.post, "idempotency_key": BENCH_KEY + uuid.uuid4().hex}
        return client.post(scenario.url, data)

    timings = timing.time_requests(
        request, functools.partial(check, scenario), requests=requests, warmup=warmup
    )
    return Measurement(scenario, timings)


def check(scenario: Scenario, response: Any) -> None:
    if response.status_code != scenario.expect:
        sys.exit(f"{scenario.url} answered {response.status_code}, not {scenario.expect}")


def remove_submitted(prefix: str = BENCH_KEY) -> int:
    """Delete what s1 (or bench/http_compare.py) wrote, so that runs measure the same data."""
    from django.contrib.contenttypes.models import ContentType

    from grassroots.appeals.models import Appeal
    from grassroots.core.models import AuditEntry, Deadline
    from grassroots.notifications.models import Delivery, Notification

    rows = list(
        Appeal.objects.filter(idempotency_key__startswith=prefix).values_list("pk", "public_id")
    )
    ids = [pk for pk, _public_id in rows]
    public_ids = [public_id for _pk, public_id in rows]
    if ids:
        kind = ContentType.objects.get_for_model(Appeal)
        Deadline.objects.filter(subject_type=kind, subject_id__in=[str(i) for i in ids]).delete()
        AuditEntry.objects.filter(target_type=kind, target_id__in=public_ids).delete()
        urls = [f"/appeals/{side}/{p}/" for p in public_ids for side in ("handle", "mine")]
        Notification.objects.filter(url__in=urls).delete()
        Delivery.objects.filter(url__in=urls).delete()  # no foreign key to the notice
        Appeal.objects.filter(pk__in=ids).delete()
    return len(ids)


def row(m: Measurement) -> str:
    low, high = min(m.timings.queries), max(m.timings.queries)
    queries = f"{low}" if low == high else f"{low}–{high}"
    actor = {
        "group": "group committee officer",
        "branch": "branch secretary",
        "employee": "employee",
    }[m.scenario.actor]
    return (
        f"| {m.scenario.key} | {m.scenario.label} `{m.scenario.url.split('?')[0]}"
        f"{'?' + m.scenario.url.split('?')[1][:40] if '?' in m.scenario.url else ''}` | {actor} "
        f"| {' | '.join(m.timings.cells(0))} | {queries} "
        f"| {statistics.median(m.timings.sizes) / 1024:.0f} |"
    )


def facts(actors: Actors, args: argparse.Namespace) -> list[str]:
    import platform

    import django
    from django.db import connection
    from django.db.models import Count

    from grassroots.appeals.models import OPEN_STATUSES, Appeal, AppealEvent, Rating

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) "
            "FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'jit', "
            "'max_parallel_workers_per_gather', 'effective_cache_size')"
        )
        settings_line = cursor.fetchone()[0]
    statuses = dict(Appeal.objects.values_list("status").annotate(n=Count("pk")))
    open_count = sum(statuses.get(s, 0) for s in OPEN_STATUSES)
    command = " ".join(shlex.quote(p) for p in ["bench/appeals.py", *sys.argv[1:]])
    return [
        f"### {time.strftime('%Y-%m-%d %H:%M %Z')} · PostgreSQL {version} ({settings_line})",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPU cores; Python "
        f"{platform.python_version()}, Django {django.get_version()}; code {run.code_version()}",
        f"- command: `{command}` ({args.warmup} warm-up + {args.requests} measured requests "
        "per scenario, periodic refreshes pinned"
        + (", queue count capped at 5,000 at run time" if args.capped_queue else "")
        + ")",
        run.load_line("before"),
        f"- rows: {sum(statuses.values()):,} appeals ({open_count:,} open), "
        f"{AppealEvent.objects.count():,} events, {Rating.objects.count():,} ratings",
        f"- acting: group committee officer {actors.group_officer.employee_number} "
        f"({actors.group_committee.name}); branch secretary "
        f"{actors.branch_officer.employee_number} of {actors.branch.name} (id {actors.branch.pk}, "
        f"{actors.open_in_branch} open appeals, the most of any branch); employee "
        f"{actors.employee.employee_number}; second-level committee "
        f"{actors.second_committee.name} (id {actors.second_committee.pk})",
        "",
    ]


def explain(measurements: list[Measurement]) -> list[str]:
    from django.db import connection

    lines = ["", "#### Plans of the slowest query per scenario", ""]
    for m in measurements:
        sql = m.timings.slowest_sql
        if not sql or sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [r[0] for r in cursor.fetchall()]
        lines += [f"{m.scenario.key} · {m.scenario.label} ({m.timings.slowest_ms:.1f} ms)", "",
                  "```sql", sql, "```", "```", *plan, "```", ""]  # fmt: skip
    return lines


if __name__ == "__main__":
    main()
