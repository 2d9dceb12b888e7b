"""Training hours at scale: a year of study meetings with attendance, and a course
completed by some, for every Party member of the benchmark enterprise
(bench/generate.py: 100,000 member records, 5,000 branches); then the hours tallies
counted as the nightly job does, and the training-hours page of the group committee
(every member below it), of a second-level committee and of a branch, timed through
the whole Django stack.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench \\
        .venv/bin/python bench/learning.py            # generate (once) and measure
    ... bench/learning.py --requests 50 --skip-generate

Each branch holds four Party lectures and a themed day a month, held, up to today;
each member was present at 80 % of them; one course of 8 hours, completed by 40 % of
the members. Written in bulk past the services, then counted by
grassroots.learning.tallies.tallies_rebuild (timed).
"""

from __future__ import annotations

import argparse
import datetime
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

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from grassroots.accounts.models import Role, RoleAssignment  # noqa: E402
from grassroots.learning.models import Course, CourseCompletion, HoursTally  # noqa: E402
from grassroots.learning.tallies import tallies_rebuild  # noqa: E402
from grassroots.orglife import rules  # noqa: E402
from grassroots.orglife.models import Attendance, Meeting  # noqa: E402
from grassroots.orgs import selectors as orgs  # noqa: E402
from grassroots.orgs.models import OrgUnit  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402 - bench/run.py: pinning the periodic refreshes

TOPIC = "学时基准"


def generate(today: datetime.date, seed: int) -> None:
    if Meeting.objects.filter(topic=TOPIC).exists():
        print("study records already generated; --reset to redo", flush=True)
        return
    rng = random.Random(seed)
    started = time.perf_counter()
    members: dict[int, list[int]] = {}
    for pk, branch_id in (
        orgs.party_members().values_list("pk", "branch_id").iterator(chunk_size=20000)
    ):
        members.setdefault(branch_id, []).append(pk)
    days = [datetime.date(today.year, month, 10) for month in range(1, today.month + 1)]
    days = [day for day in days if day < today]
    lectures = {datetime.date(today.year, month, 20) for month in (2, 5, 8, 11)}
    lectures = {day for day in lectures if day < today}
    meetings: list[Meeting] = []
    for branch_id in members:
        for day in days:
            meetings.append(_meeting(branch_id, rules.THEMED_DAY, day))
        for day in sorted(lectures):
            meetings.append(_meeting(branch_id, rules.LECTURE, day))
    with transaction.atomic():
        Meeting.objects.bulk_create(meetings, batch_size=5000)
        rows: list[Attendance] = []
        written = 0
        for meeting in meetings:
            for member_id in members[meeting.unit_id]:
                if rng.random() < 0.8:
                    rows.append(Attendance(meeting=meeting, member_id=member_id, status="present"))
            if len(rows) > 50000:
                Attendance.objects.bulk_create(rows, batch_size=10000)
                written += len(rows)
                rows.clear()
        Attendance.objects.bulk_create(rows, batch_size=10000)
        written += len(rows)
        root = OrgUnit.objects.filter(parent__isnull=True, kind="committee").order_by("pk").first()
        course = Course.objects.create(unit=root, title=TOPIC, hours=Decimal(8), audience="members")
        everyone = [pk for ids in members.values() for pk in ids]
        CourseCompletion.objects.bulk_create(
            [
                CourseCompletion(
                    member_id=pk, course=course, completed_on=days[-1], hours=course.hours
                )
                for pk in everyone
                if rng.random() < 0.4
            ],
            batch_size=10000,
        )
    print(
        f"generated {len(meetings)} study meetings, {written} attendances for "
        f"{sum(len(ids) for ids in members.values())} members in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE orglife_meeting; ANALYZE orglife_attendance; "
                "ANALYZE learning_coursecompletion"
            )


def _meeting(branch_id: int, kind: str, day: datetime.date) -> Meeting:
    return Meeting(
        unit_id=branch_id,
        kind=kind,
        topic=TOPIC,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9))),
        place="活动室",
        status=Meeting.Status.HELD,
        held_on=day,
        minutes="—",
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    run.pin_periodic_refreshes()
    call_command("collectstatic", interactive=False, verbosity=0)
    today = timezone.localdate()
    if args.reset:
        HoursTally.objects.all().delete()
        CourseCompletion.objects.filter(course__title=TOPIC).delete()
        Course.objects.filter(title=TOPIC).delete()
        Meeting.objects.filter(topic=TOPIC).delete()
    if not args.skip_generate:
        generate(today, args.seed)
        started = time.perf_counter()
        rows = tallies_rebuild(today.year, today=today)
        print(f"tallies: {rows} rows in {time.perf_counter() - started:.1f} s", flush=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE learning_hourstally")
    root = OrgUnit.objects.filter(parent__isnull=True, kind="committee").order_by("pk").first()
    assert root is not None, "run bench/generate.py first"
    second = OrgUnit.objects.filter(parent=root, kind="committee").order_by("path").first()
    assert second is not None
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
    members = orgs.party_members().count()
    print(f"{members} Party members; {HoursTally.objects.count()} tallies", flush=True)
    print(f"load before: {os.getloadavg()}", flush=True)
    print(f"command: {' '.join(sys.argv)}", flush=True)
    print("| scenario | p50 ms | p95 ms | max ms | SQL ms p50 | queries |")
    print("|---|--:|--:|--:|--:|--:|")
    for label, url in (
        ("group committee, every member below it", f"/learning/units/?unit={root.pk}"),
        ("a second-level committee", f"/learning/units/?unit={second.pk}"),
        ("a branch, with names below target", f"/learning/units/?unit={branch.pk}"),
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
