"""Benchmarks for background work (issue 3).

1. Delivery throughput of one worker: enqueue in-app notices as `deliver_notice`
   tasks in the database queue, then time one `manage.py run_worker --batch` process
   draining them — once with one notice per task (the worst case: every notice its
   own event) and once with the 100,000 notices as events of 100 recipients each (how
   reminders to a branch and the like are raised).
2. Deadline sweep over many open deadlines: insert M open deadlines, then time
   `deadlines_sweep` when none are due, when 1 % are due (reminders to real people:
   the realistic case) and when 10 % are due (a handler that does nothing, to see the
   sweep's own cost).

Run (PostgreSQL, the figures in docs/benchmarks.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench_bg \\
        .venv/bin/python bench/background.py --notices 100000 --deadlines 1000000

The database is created if missing and emptied of this benchmark's rows first.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "select 1 from pg_database where datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notices", type=int, default=100_000)
    parser.add_argument("--single", type=int, default=20_000, help="notices sent one per task")
    parser.add_argument("--per-event", type=int, default=100, help="recipients per batched task")
    parser.add_argument("--deadlines", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--skip-notices", action="store_true", help="only the deadline sweep")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from grassroots.accounts.models import User
    from grassroots.core import deadlines
    from grassroots.core.models import Deadline
    from grassroots.notifications.models import Notification, Reminder
    from grassroots.notifications.tasks import deliver_notice

    print(f"# machine: {platform.platform()}, {os.cpu_count()} cores, database {connection.vendor}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("select version()")
            print(f"# {cursor.fetchone()[0]}")

    # --- people --------------------------------------------------------------------
    Notification.objects.all().delete()
    DBTaskResult.objects.all().delete()
    Deadline.objects.all().delete()
    Reminder.objects.all().delete()
    existing = User.objects.filter(employee_number__startswith="BG").count()
    if existing < args.people:
        password = make_password(None)
        User.objects.bulk_create(
            [
                User(employee_number=f"BG{n:07d}", name=f"职工{n}", password=password)
                for n in range(existing, args.people)
            ],
            batch_size=5000,
        )
    people = list(
        User.objects.filter(employee_number__startswith="BG").values_list("pk", flat=True)
    )

    # --- 1. notices through one worker ------------------------------------------------
    def drain() -> float:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # as autovacuum does for a busy queue
                cursor.execute("ANALYZE django_tasks_database_dbtaskresult")
        connection.close()
        begin = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "run_worker", "--batch", "--interval", "0"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - begin

    rows = []
    started = time.perf_counter()
    for n in range(0 if args.skip_notices else args.single):
        deliver_notice.enqueue([people[n % len(people)]], "reminder", f"通知 {n}", f"single:{n}")
    single_enqueue = time.perf_counter() - started
    single_drain = drain() if not args.skip_notices else 0.0
    single_written = Notification.objects.filter(dedupe_key__startswith="single:").count()
    rows.append(
        (
            "one notice per task",
            args.single,
            args.single,
            single_enqueue,
            single_drain,
            single_written,
        )
    )

    tasks_needed = 0 if args.skip_notices else args.notices // args.per_event
    started = time.perf_counter()
    for n in range(tasks_needed):
        recipients = [people[(n * args.per_event + k) % len(people)] for k in range(args.per_event)]
        deliver_notice.enqueue(recipients, "reminder", f"支部通知 {n}", f"event:{n}")
    batched_enqueue = time.perf_counter() - started
    batched_drain = drain() if not args.skip_notices else 0.0
    batched_written = Notification.objects.filter(dedupe_key__startswith="event:").count()
    rows.append(
        (
            f"{args.per_event} recipients per task",
            tasks_needed,
            args.notices,
            batched_enqueue,
            batched_drain,
            batched_written,
        )
    )
    failed = DBTaskResult.objects.filter(status="FAILED").count()
    print("\n## In-app notices through one worker\n")
    print("| how | tasks | notices | enqueue (s) | one worker drains (s) | notices/s | written |")
    print("|---|---|---|---|---|---|---|")
    for label, tasks, notices, enqueue_s, drain_s, written in rows if not args.skip_notices else []:
        print(
            f"| {label} | {tasks:,} | {notices:,} | {enqueue_s:.1f} | {drain_s:.1f} | {notices / drain_s:,.0f} | {written:,} |"
        )
    print(f"\nFailed tasks: {failed}")

    # --- 2. deadline sweep ---------------------------------------------------------
    reminder_type = ContentType.objects.get_for_model(Reminder)
    user_type = ContentType.objects.get_for_model(User)
    now = timezone.now()
    far = now + datetime.timedelta(days=30)
    one_percent = args.deadlines // 100
    ten_percent = args.deadlines // 10
    deadlines.HANDLERS["bench.noop"] = lambda rows, moment: None
    reminders = Reminder.objects.bulk_create(
        [
            Reminder(
                created_by_id=people[n % len(people)],
                audience="me",
                title=f"提醒 {n}",
                remind_at=now,
            )
            for n in range(one_percent)
        ],
        batch_size=5000,
    )
    started = time.perf_counter()
    rows = []
    for n in range(args.deadlines):
        if n < one_percent:
            rows.append(
                Deadline(
                    kind="notifications.reminder",
                    subject_type=reminder_type,
                    subject_id=str(reminders[n].pk),
                    due_at=now - datetime.timedelta(seconds=1),
                )
            )
        else:
            rows.append(
                Deadline(
                    kind="bench.noop",
                    subject_type=user_type,
                    subject_id=uuid.uuid4().hex[:20],
                    due_at=far + datetime.timedelta(seconds=n),
                )
            )
        if len(rows) == 10_000:
            Deadline.objects.bulk_create(rows)
            rows = []
    Deadline.objects.bulk_create(rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE core_deadline")
    insert_seconds = time.perf_counter() - started

    def timed(moment: datetime.datetime) -> tuple[int, float]:
        begin = time.perf_counter()
        fired = deadlines.deadlines_sweep(now=moment)
        return fired, time.perf_counter() - begin

    results = []
    fired, seconds = timed(now - datetime.timedelta(days=1))
    results.append(("none due", fired, seconds))
    fired, seconds = timed(now)
    results.append(("1 % due: reminders → inbox notices", fired, seconds))
    Deadline.objects.filter(
        kind="bench.noop", due_at__lt=far + datetime.timedelta(seconds=one_percent + ten_percent)
    ).update(due_at=now - datetime.timedelta(seconds=2))
    fired, seconds = timed(now)
    results.append(("10 % due: no-op handler (sweep's own cost)", fired, seconds))
    remaining = Deadline.objects.filter(fired_at__isnull=True).update(
        due_at=now - datetime.timedelta(seconds=3)
    )
    fired, seconds = timed(now)
    results.append((f"all {remaining:,} remaining due at once: no-op handler", fired, seconds))
    open_left = Deadline.objects.filter(fired_at__isnull=True).count()
    print(
        f"\n## Deadline sweep over {args.deadlines:,} open deadlines"
        f" (inserted in {insert_seconds:.0f} s)\n"
    )
    print("| case | fired | sweep (s) |")
    print("|---|---|---|")
    for label, count, seconds in results:
        print(f"| {label} | {count:,} | {seconds:.2f} |")
    print(f"\nOpen deadlines left after the sweeps: {open_left:,}")


if __name__ == "__main__":
    main()
