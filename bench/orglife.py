"""Organisational-life compliance at scale: a year of meetings for every branch and group
of the benchmark enterprise (bench/generate.py), then the committee overview and a
branch's calendar timed through the whole Django stack.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench \\
        .venv/bin/python bench/orglife.py            # generate (once) and measure
    ... bench/orglife.py --requests 30 --skip-generate

The meetings are written in bulk, with the compliance rows the services write
(MeetingCount): 85 % of the required meetings of each period held, the rest missing.
Attendance is not generated: compliance does not read it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from grassroots.accounts.models import Role, RoleAssignment  # noqa: E402
from grassroots.core.periods import periods_in_year  # noqa: E402
from grassroots.orglife import rules, selectors, services  # noqa: E402
from grassroots.orglife.models import Meeting, MeetingCount, MeetingMonths  # noqa: E402
from grassroots.orgs.models import OrgUnit  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402 - bench/run.py: pinning the periodic refreshes


def generate(today: datetime.date, seed: int) -> int:
    if MeetingCount.objects.exists():
        print("meetings already generated; --reset to redo", flush=True)
        return 0
    rng = random.Random(seed)
    frequencies = selectors.current_frequencies()
    units = list(
        OrgUnit.objects.filter(kind__in=["branch", "group"], is_active=True).values_list(
            "pk", "kind"
        )
    )
    with_committee = selectors.committee_units(
        [pk for pk, kind in units if kind == "branch"], today
    )
    started = time.perf_counter()
    batch: list[Meeting] = []
    total = 0

    def flush() -> None:
        nonlocal total
        Meeting.objects.bulk_create(batch, batch_size=5000)
        MeetingCount.objects.bulk_create(
            [
                MeetingCount(meeting=m, unit_id=m.unit_id, kind=m.kind, held_on=m.held_on)
                for m in batch
            ],
            batch_size=5000,
        )
        total += len(batch)
        batch.clear()

    for pk, kind in units:
        for requirement in rules.requirements(
            unit_kind=kind, has_committee=pk in with_committee, frequencies=frequencies
        ):
            for period in periods_in_year(today.year, requirement.frequency):
                if period.first > today or rng.random() > 0.85:
                    continue
                last = min(period.last, today - datetime.timedelta(days=1))
                day = period.first + datetime.timedelta(
                    days=rng.randint(0, max((last - period.first).days, 0))
                )
                batch.append(
                    Meeting(
                        unit_id=pk,
                        kind=requirement.kind,
                        topic="学习",
                        starts_at=timezone.make_aware(
                            datetime.datetime.combine(day, datetime.time(9))
                        ),
                        place="会议室",
                        status=Meeting.Status.HELD,
                        held_on=day,
                        minutes="—",
                    )
                )
                if len(batch) >= 20000:
                    flush()
    flush()
    print(
        f"generated {total} meetings for {len(units)} units in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    started = time.perf_counter()
    rows = services.meeting_months_rebuild()  # the rollup the services keep meeting by meeting
    print(f"months rollup: {rows} rows in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ANALYZE orglife_meeting; ANALYZE orglife_meetingcount; "
                "ANALYZE orglife_meetingmonths"
            )
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    call_command("migrate", "orglife", verbosity=0)
    # The session's last-seen stamp and the rule parameters refresh on a clock, adding a
    # query to a request now and then: pinned, as bench/run.py does.
    run.pin_periodic_refreshes()
    call_command("collectstatic", interactive=False, verbosity=0)  # pages need the manifest
    today = timezone.localdate()
    if args.reset:
        MeetingMonths.objects.all().delete()
        MeetingCount.objects.all().delete()
        Meeting.objects.all().delete()
    if not args.skip_generate:
        generate(today, args.seed)
    root = OrgUnit.objects.filter(parent__isnull=True, kind="committee").order_by("pk").first()
    assert root is not None, "run bench/generate.py first"
    officer = (
        RoleAssignment.objects.current()
        .filter(org_unit=root, role=Role.COMMITTEE_OFFICER)
        .select_related("user")
        .first()
    )
    assert officer is not None
    client = Client(SERVER_NAME="127.0.0.1")  # an allowed host, as a browser would send
    client.force_login(
        officer.user, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
    )
    in_tree = OrgUnit.objects.filter(path__startswith=root.path)
    branches = in_tree.filter(kind__in=["branch", "group"]).count()
    middle = in_tree.filter(kind="branch").count() // 2
    branch = in_tree.filter(kind="branch").order_by("path")[middle]
    print(
        f"{branches} branches and groups under {root.name}; {Meeting.objects.count()} meetings",
        flush=True,
    )
    print(f"load before: {os.getloadavg()}", flush=True)
    print(f"command: {' '.join(sys.argv)}", flush=True)
    print("| scenario | p50 ms | p95 ms | max ms | SQL ms p50 | queries |")
    print("|---|--:|--:|--:|--:|--:|")
    for label, url in (
        ("committee overview, whole group, this year", f"/orglife/overview/?unit={root.pk}"),
        ("committee overview, only units with gaps", f"/orglife/overview/?unit={root.pk}&gaps=1"),
        ("one branch's calendar", f"/orglife/units/{branch.pk}/"),
    ):
        times, sql, queries = run.timed_get(client, url, args.requests)
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(
            f"| {label} | {statistics.median(times):.0f} | {p95:.0f} | {max(times):.0f} "
            f"| {statistics.median(sql):.0f} | {queries} |",
            flush=True,
        )
    print(f"load after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
