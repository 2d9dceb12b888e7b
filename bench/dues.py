"""Party dues at scale on the benchmark enterprise (bench/generate.py: 100,000 member
records, 5,000 branches): a base for every Party member, a year of monthly bills made by
grassroots.orgs.dues.services.bills_make (each month timed), payments for most bills;
then a branch's month (selectors.branch_month, what the branch month page shows) and
the reconciliation of the whole enterprise for the year (selectors.year_book), timed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench \\
        .venv/bin/python bench/dues.py [--year 2026] [--requests 50] [--keep]
        .venv/bin/python bench/dues.py --reads-only   # after a --keep run: reads timed

Only this script's rows are written and removed: every base, bill and payment it makes
carries the MARK moment (entered_at / created_at / recorded_at); they are deleted at the
end unless --keep (and before a run, when a previous run kept them); --reads-only times
the reads again on the rows a --keep run left, at a quieter moment, and leaves them.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from grassroots.orgs import selectors as orgs  # noqa: E402
from grassroots.orgs.dues import rules, selectors, services  # noqa: E402
from grassroots.orgs.dues.models import DuesBase, DuesBill, DuesPayment  # noqa: E402
from grassroots.orgs.models import OrgPost, OrgUnit  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402 - bench/run.py: one timed GET loop, the periodic refreshes pinned

MARK = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)  # this script's rows
KINDS = [(rules.EMPLOYEE, 80), (rules.RETIREE, 12), (rules.STUDENT, 3), (rules.FARMER, 5)]


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def cleanup() -> None:
    started = time.perf_counter()
    with transaction.atomic():
        # Straight DELETEs (no cascade to collect: only this script's ledger rows, payments
        # before the bills they pay, bills before the bases they were made from).
        n_pay = DuesPayment.objects.filter(recorded_at=MARK)._raw_delete(connection.alias)
        n_bill = DuesBill.objects.filter(created_at=MARK)._raw_delete(connection.alias)
        n_base = DuesBase.objects.filter(entered_at=MARK)._raw_delete(connection.alias)
    print(
        f"removed {n_base} bases, {n_bill} bills, {n_pay} payments "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def bases_make(year: int, rng: random.Random) -> int:
    rows = []
    for pk in orgs.party_members().values_list("pk", flat=True).iterator(chunk_size=20000):
        kind = rng.choices([k for k, _w in KINDS], [w for _k, w in KINDS])[0]
        if kind == rules.FARMER:
            amount = Decimal(rng.choice(["0.20", "0.50", "1.00"]))
        elif kind == rules.STUDENT:
            amount = Decimal(0)
        else:
            amount = Decimal(rng.randrange(1800_00, 16000_00)) / 100
        rows.append(
            DuesBase(
                member_id=pk,
                kind=kind,
                amount=amount,
                from_month=datetime.date(year, 1, 1),
                entered_at=MARK,
            )
        )
    DuesBase.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def payments_make(year: int, rng: random.Random) -> int:
    """90 % of bills paid within their month, 5 % a month or two later, 5 % unpaid."""
    rows: list[DuesPayment] = []
    made = 0
    bills = (
        DuesBill.objects.filter(created_at=MARK, month__year=year)
        .values_list("pk", "member_id", "branch_id", "month", "amount")
        .iterator(chunk_size=20000)
    )
    for pk, member_id, branch_id, month, amount in bills:
        draw = rng.random()
        if draw >= 0.95 or amount <= 0:
            continue
        paid_on = month.replace(day=rng.randint(1, 28))
        if draw >= 0.90:
            paid_on = rules.add_months(month, rng.choice([1, 2])).replace(day=10)
        rows.append(
            DuesPayment(
                kind=DuesPayment.Kind.PAYMENT,
                member_id=member_id,
                branch_id=branch_id,
                bill_id=pk,
                amount=amount,
                method=rng.choice(DuesPayment.Method.values),
                paid_on=paid_on,
                recorded_at=MARK,
            )
        )
        if len(rows) >= 20000:
            DuesPayment.objects.bulk_create(rows, batch_size=5000)
            made += len(rows)
            rows = []
    DuesPayment.objects.bulk_create(rows, batch_size=5000)
    return made + len(rows)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc; 0 where there is none): the
    database backend's share of a page, which the wall time hides on a loaded machine."""
    stat = Path(f"/proc/{pid}/stat")
    if not pid or not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=timezone.localdate().year)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--keep", action="store_true", help="leave this run's rows in place")
    parser.add_argument(
        "--reads-only",
        action="store_true",
        help="time the reads on the rows a previous --keep run left (writes and removes none)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile 20 GETs of the branch month page (cProfile, by own time)",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"database: {connection.vendor}; load before: {os.getloadavg()}", flush=True)
    kept = (
        DuesBill.objects.filter(created_at=MARK).exists()
        or DuesBase.objects.filter(entered_at=MARK).exists()
    )
    if args.reads_only:
        if not kept:
            sys.exit("--reads-only needs the rows of an earlier run with --keep")
    else:
        if kept:
            cleanup()
        writes(args, rng)
    reads(args, rng)
    print(f"load after: {os.getloadavg()}", flush=True)
    if not (args.keep or args.reads_only):
        cleanup()


def writes(args: argparse.Namespace, rng: random.Random) -> None:
    """The bases, the year's bills month by month, the payments (each timed)."""

    started = time.perf_counter()
    count = bases_make(args.year, rng)
    print(f"bases: {count} in {time.perf_counter() - started:.1f} s", flush=True)

    print("| month | bills made | seconds |\n|---|---|---|", flush=True)
    seconds = []
    for number in range(1, 13):
        month = datetime.date(args.year, number, 1)
        started = time.perf_counter()
        made = services.bills_make(month, now=MARK)
        seconds.append(time.perf_counter() - started)
        print(f"| {month:%Y-%m} | {made.made} | {seconds[-1]:.1f} |", flush=True)
    started = time.perf_counter()
    again = services.bills_make(datetime.date(args.year, 12, 1), now=MARK)
    print(
        f"bills_make run again for {args.year}-12 (idempotent): {again.made} made in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )

    started = time.perf_counter()
    with transaction.atomic():
        paid = payments_make(args.year, rng)
    print(f"payments: {paid} in {time.perf_counter() - started:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("orgs_duesbase", "orgs_duesbill", "orgs_duespayment"):
                cursor.execute(f"VACUUM ANALYZE {table}")


def reads(args: argparse.Namespace, rng: random.Random) -> None:
    """A branch's month (the selector, then the page by URL), the year's book, the
    evaluation source."""

    # A branch's month: the largest branch, and a sample of others
    sizes = (
        DuesBill.objects.filter(created_at=MARK, month=datetime.date(args.year, 6, 1))
        .values("branch_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    ranked = [row["branch_id"] for row in sizes]
    largest = ranked[0]
    sample = [largest, *rng.sample(ranked[1:], min(19, len(ranked) - 1))]
    branches = {u.pk: u for u in OrgUnit.objects.filter(pk__in=sample)}
    times: list[float] = []
    queries = 0
    month = datetime.date(args.year, 6, 1)
    for i in range(args.requests):
        branch = branches[sample[i % len(sample)]]
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            book = selectors.branch_month(branch, month)
            times.append((time.perf_counter() - started) * 1000)
        queries = max(queries, len(captured))
    largest_times = []
    for _i in range(max(10, args.requests // 5)):
        started = time.perf_counter()
        book = selectors.branch_month(branches[largest], month)
        largest_times.append((time.perf_counter() - started) * 1000)
    print(
        f"branch_month ({len(sample)} branches, {args.requests} reads): p50 "
        f"{statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, max "
        f"{max(times):.1f} ms, {queries} queries; largest branch ({len(book.rows)} rows): "
        f"p50 {statistics.median(largest_times):.1f} ms, p95 "
        f"{percentile(largest_times, 0.95):.1f} ms",
        flush=True,
    )

    # The page itself, by URL, as the largest branch's dues officer opens it (the
    # organisation officer's post, or the secretary's where the branch has none)
    run.pin_periodic_refreshes()
    posts = OrgPost.objects.filter(unit_id=largest, ends_on__isnull=True).select_related(
        "member__user"
    )
    keeper = (
        posts.filter(kind=OrgPost.Kind.ORGANISATION).first()
        or posts.filter(kind=OrgPost.Kind.SECRETARY).first()
    )
    assert keeper is not None, "the largest branch has no dues officer"
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(
        keeper.member.user, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
    )
    url = f"/orgs/dues/branches/{largest}/?month={month:%Y-%m}"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0"
        )
        backend = cursor.fetchone()[0]
    python_cpu, database_cpu = time.process_time(), cpu_seconds(backend)
    page_times, page_sql, page_queries = run.timed_get(client, url, args.requests)
    gets = args.requests + 3  # timed_get's warm-up
    python_cpu = (time.process_time() - python_cpu) * 1000 / gets
    database_cpu = (cpu_seconds(backend) - database_cpu) * 1000 / gets
    print(
        f"branch month page {url} as its dues officer ({args.requests} GETs): p50 "
        f"{statistics.median(page_times):.1f} ms, p95 {run.percentile(page_times, 0.95):.1f} "
        f"ms, max {max(page_times):.1f} ms, SQL p50 {statistics.median(page_sql):.1f} ms, "
        f"{page_queries} queries; CPU a page: Python {python_cpu:.1f} ms, the database's "
        f"backend {database_cpu:.1f} ms",
        flush=True,
    )
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _i in range(20):
            client.get(url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)

    top = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    assert top is not None
    rounds = []
    for _i in range(3):
        started = time.perf_counter()
        year_book = selectors.year_book(top.path, year=args.year)
        rounds.append(time.perf_counter() - started)
    total = year_book.total
    print(
        f"year_book of {top.name} ({year_book.members} members, 12 months): "
        f"{min(rounds):.2f} / {statistics.median(rounds):.2f} / {max(rounds):.2f} s "
        f"(min/median/max of 3); billed {total.billed}, paid {total.paid}, outstanding "
        f"{total.outstanding}, balances {all(r.balances for _m, r in year_book.months)}",
        flush=True,
    )
    started = time.perf_counter()
    on_time = selectors.on_time_by_branch(
        [top.path],
        first=datetime.date(args.year, 1, 1),
        last=datetime.date(args.year, 12, 31),
        today=datetime.date(args.year, 12, 31),
    )
    print(
        f"on_time_by_branch (evaluation source) for the enterprise's year: "
        f"{len(on_time)} branches in {time.perf_counter() - started:.2f} s",
        flush=True,
    )


if __name__ == "__main__":
    main()
