"""Service carriers under load (issue 6), on PostgreSQL:

1. Sign-up under contention: 50 clients, each a thread with its own database
   connection, released together on an activity with 10 places left, each calling
   grassroots.service.activities.services.signup. Checked after every round: exactly 10 more
   confirmed, 40 waiting (no overbooking); the latency of each call is recorded.
2. The public deed list over 20,000 deeds: pages of `service:deeds` through the whole
   Django stack (test client, every middleware, the view, the template), anonymous
   and as a committee officer, first pages and filtered ones.

    # once: a generated enterprise (bench/generate.py), then the deeds
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench_deeds \\
        .venv/bin/python bench/generate.py --scale 0.2
    flock /tmp/bench.lock env DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench_deeds \\
        .venv/bin/python bench/service.py

The deeds are written in bulk (bench/service_data.py) the first time; --deeds changes
how many, --reset-deeds writes them again. The two periodic refreshes (session stamp,
rule parameters) are pinned as in bench/run.py, so a page's query count is its own.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections, connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import service_data  # noqa: E402
from grassroots.accounts.models import Role, RoleAssignment, User  # noqa: E402
from grassroots.orgs.models import OrgUnit  # noqa: E402
from grassroots.service.activities import services  # noqa: E402
from grassroots.service.models import Activity, SignUp  # noqa: E402

BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def pin_periodic_refreshes() -> None:
    """As bench/run.py: the session stamp and the rule parameters refresh on a clock."""
    from grassroots.accounts import middleware
    from grassroots.core import parameters

    for module in (middleware, parameters):
        if not hasattr(module, "_REFRESH_SECONDS"):
            sys.exit(f"{module.__name__} no longer has _REFRESH_SECONDS: update this script")
        module._REFRESH_SECONDS = math.inf  # type: ignore[attr-defined]


def percentile(values: list[float], share: float) -> float:
    """Nearest rank, as bench/run.py reports it."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


# --- 1. Sign-up under contention ------------------------------------------------------


def contention_round(*, clients: int, places_left: int, already: int) -> dict[str, float]:
    """One round: a fresh activity whose `already` confirmed places leave `places_left`,
    and `clients` new people signing up at the same moment."""
    people = list(
        User.objects.filter(is_active=True, is_superuser=False)
        .order_by("?")
        .values_list("pk", flat=True)[: already + clients]
    )
    unit = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH).order_by("path").first()
    assert unit is not None, "run bench/generate.py first"
    start = timezone.now() + datetime.timedelta(days=3)
    activity = Activity.objects.create(
        unit=unit,
        title="志愿服务（基准测试）",
        type=Activity.Type.VOLUNTEER,
        services=["masses"],
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="厂区",
        audience=Activity.Audience.EVERYONE,
        capacity=already + places_left,
    )
    SignUp.objects.bulk_create(
        [
            SignUp(activity=activity, user_id=pk, status=SignUp.Status.CONFIRMED)
            for pk in people[:already]
        ]
    )
    users = list(User.objects.filter(pk__in=people[already:]))
    barrier = threading.Barrier(clients)
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client(user: User) -> None:
        try:
            connection.ensure_connection()  # each thread: its own connection, opened first
            barrier.wait()
            started = time.perf_counter()
            services.signup(user=user, activity=activity)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
        except BaseException as error:  # reported after the round
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(user,)) for user in users]
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall_ms = (time.perf_counter() - wall) * 1000
    if errors:
        raise RuntimeError(f"{len(errors)} sign-ups failed: {errors[0]!r}")
    confirmed = SignUp.objects.filter(activity=activity, status=SignUp.Status.CONFIRMED).count()
    waiting = SignUp.objects.filter(activity=activity, status=SignUp.Status.WAITING).count()
    assert confirmed == already + places_left, f"overbooked or underbooked: {confirmed}"
    assert waiting == clients - places_left, f"waitlist wrong: {waiting}"
    return {
        "new_confirmed": confirmed - already,
        "waiting": waiting,
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "max": max(latencies),
        "wall": wall_ms,
        "latencies": latencies,  # type: ignore[dict-item]
    }


def run_contention(rounds: int, clients: int, places_left: int, already: int) -> None:
    print(
        f"\n## Sign-up under contention: {clients} clients (threads, own connections), "
        f"{places_left} places left of {already + places_left}, {rounds} rounds\n",
        flush=True,
    )
    print("| round | new confirmed | waiting | p50 ms | p95 ms | max ms | wall ms |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    every: list[float] = []
    for number in range(1, rounds + 1):
        result = contention_round(clients=clients, places_left=places_left, already=already)
        every.extend(result["latencies"])  # type: ignore[arg-type]
        print(
            f"| {number} | {result['new_confirmed']:.0f} | {result['waiting']:.0f} "
            f"| {result['p50']:.0f} | {result['p95']:.0f} | {result['max']:.0f} "
            f"| {result['wall']:.0f} |",
            flush=True,
        )
    print(
        f"| all {len(every)} calls | | | {statistics.median(every):.0f} "
        f"| {percentile(every, 0.95):.0f} | {max(every):.0f} | |",
        flush=True,
    )
    close_old_connections()


# --- 2. The public deed list ----------------------------------------------------------


def timed(
    client: Client, url: str, requests: int, warmup: int
) -> tuple[list[float], list[float], set[int], int]:
    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    times, sql, counts = [], [], set()
    size = 0
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
        size = len(response.content)
        sql.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        counts.add(len(queries.captured_queries))
    return times, sql, counts, size


def run_list(requests: int, warmup: int) -> None:
    from grassroots.service.models import Deed

    committees = OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMITTEE).order_by("path")
    root = committees.filter(parent__isnull=True).first()
    second = committees.filter(parent=root).first()
    assert root is not None and second is not None
    branch = (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, path__startswith=second.path)
        .order_by("path")
        .first()
    )
    assert branch is not None
    officer_row = (
        RoleAssignment.objects.current()
        .filter(org_unit=root, role=Role.COMMITTEE_OFFICER)
        .select_related("user")
        .first()
    )
    assert officer_row is not None
    anonymous = Client(SERVER_NAME="127.0.0.1")
    officer = Client(SERVER_NAME="127.0.0.1")
    officer.force_login(officer_row.user, backend=BACKEND)
    total = Deed.objects.count()
    print(
        f"\n## Public deed list: {total:,} deeds, "
        f"{OrgUnit.objects.exclude(kind=OrgUnit.Kind.GROUP).count():,} organisations "
        f"(branches and committees); {requests} requests after {warmup} warm-up\n",
        flush=True,
    )
    print("| scenario | URL | p50 ms | p95 ms | max ms | SQL ms p50 | queries | KiB |")
    print("|---|---|--:|--:|--:|--:|--:|--:|")
    scenarios = [
        ("l1", "anonymous, first page (under way, soonest first)", anonymous, "/service/deeds/"),
        ("l2", "anonymous, page 2", anonymous, "/service/deeds/?page=2"),
        ("l3", "anonymous, every status, first page", anonymous, "/service/deeds/?status="),
        ("l4", "anonymous, page 50 of every status", anonymous, "/service/deeds/?status=&page=50"),
        (
            "l5",
            "anonymous, done and tagged 服务改革",
            anonymous,
            "/service/deeds/?status=done&service=reform",
        ),
        (
            "l6",
            "anonymous, one second-level committee, every status",
            anonymous,
            f"/service/deeds/?unit={second.pk}&status=",
        ),
        ("l7", "anonymous, one branch", anonymous, f"/service/deeds/?unit={branch.pk}&status="),
        (
            "l8",
            "group committee officer, flagged overdue",
            officer,
            "/service/deeds/?flagged=overdue",
        ),
        ("l9", "group committee officer, first page", officer, "/service/deeds/"),
    ]
    print(f"load before: {os.getloadavg()}", file=sys.stderr, flush=True)
    for key, label, client, url in scenarios:
        times, sql, counts, size = timed(client, url, requests, warmup)
        print(
            f"| {key} | {label} | {statistics.median(times):.0f} | {percentile(times, 0.95):.0f} "
            f"| {max(times):.0f} | {statistics.median(sql):.1f} "
            f"| {min(counts)}–{max(counts)} | {size / 1024:.0f} |",
            flush=True,
        )
    print(f"load after: {os.getloadavg()}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--places-left", type=int, default=10)
    parser.add_argument("--already", type=int, default=20, help="places taken before a round")
    parser.add_argument("--deeds", type=int, default=20_000)
    parser.add_argument("--reset-deeds", action="store_true")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--only", choices=["signup", "list"], default=None)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: the figures in docs/benchmarks.md are PostgreSQL's", file=sys.stderr)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages need the manifest
    pin_periodic_refreshes()
    made = service_data.ensure_deeds(count=args.deeds, seed=args.seed, reset=args.reset_deeds)
    if made:
        print(f"wrote {made:,} deeds", file=sys.stderr, flush=True)
    print(
        f"# bench/service.py on {connection.vendor} {connection.settings_dict['NAME']}, "
        f"{timezone.now():%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()}",
        flush=True,
    )
    if args.only in (None, "signup"):
        run_contention(args.rounds, args.clients, args.places_left, args.already)
    if args.only in (None, "list"):
        run_list(args.requests, args.warmup)
    print(f"\nload average at the end: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
