"""Demo venues (阵地) with a fortnight of bookings around today, no two overlapping, and a
meeting and an activity that booked their venue in the forms they were planned in."""

from __future__ import annotations

import datetime
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from grassroots.accounts.models import User
from grassroots.orgs.models import Member, OrgUnit
from grassroots.resources.models import Booking, Equipment, Venue, VenueKind

WEEKDAYS = {str(day): ["08:30", "17:30"] for day in range(5)}
WITH_SATURDAY = WEEKDAYS | {"5": ["09:00", "12:00"]}
PURPOSES = ["支部学习", "主题党日", "党课", "职工读书会", "支委会", "志愿服务筹备会"]


def build_venues(*, today: datetime.date, seed: int) -> int:
    rng = random.Random(seed + 16)
    tz = ZoneInfo(settings.TIME_ZONE)
    roots = list(OrgUnit.objects.filter(parent__isnull=True, is_active=True).order_by("path")[:2])
    venues: list[Venue] = []
    for root in roots:
        venues += [
            Venue.objects.create(
                unit=root, name="党群服务中心", kind=VenueKind.SERVICE_CENTRE, capacity=60,
                hours=WITH_SATURDAY, step_free=True, accessible_toilet=True, hearing_loop=True,
                place="行政楼一楼", accessibility_notes="正门有坡道，配有助听环路。",
            ),
            Venue.objects.create(
                unit=root, name="职工书屋", kind=VenueKind.READING_ROOM, capacity=25,
                hours=WEEKDAYS, step_free=True, place="职工之家二楼（有电梯）",
            ),
            Venue.objects.create(
                unit=root, name="第一会议室", kind=VenueKind.MEETING_ROOM, capacity=20,
                hours=WEEKDAYS, place="行政楼三楼",
            ),
        ]  # fmt: skip
    branches = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, is_active=True).order_by("path")
    for branch in branches[:4]:
        venues.append(
            Venue.objects.create(
                unit=branch, name=f"{branch.name}党员活动室", kind=VenueKind.ACTIVITY_ROOM,
                capacity=15, hours=WEEKDAYS, accessibility_notes="入口有两级台阶。",
            )
        )  # fmt: skip
    count = 0
    keeper = User.objects.filter(employee_number="30151").first()  # the branch officer login
    for venue in venues[:3]:
        if keeper is None:
            break
        # one overdue, one due in a fortnight, one without a schedule
        Equipment.objects.create(
            venue=venue,
            name="投影仪",
            keeper=keeper,
            maintain_every_days=90,
            last_maintained_on=today - datetime.timedelta(days=95),
        )
        Equipment.objects.create(
            venue=venue,
            name="音响设备",
            keeper=keeper,
            maintain_every_days=30,
            last_maintained_on=today - datetime.timedelta(days=16),
        )
        Equipment.objects.create(venue=venue, name="党旗与誓词墙", keeper=keeper)
    for venue in venues:
        people = list(
            User.objects.filter(
                pk__in=Member.objects.filter(branch__path__startswith=venue.unit.path).values(
                    "user_id"
                )[:20]
            )
        )
        if not people:
            continue
        for offset in range(-7, 14):
            day = today + datetime.timedelta(days=offset)
            span = venue.hours_on(day.weekday())
            if span is None or rng.random() < 0.5:
                continue
            hour = rng.choice([span[0].hour + 1, 14])
            starts = datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)
            Booking.objects.create(
                venue=venue,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=rng.choice([1, 2])),
                booked_by=rng.choice(people),
                purpose=rng.choice(PURPOSES),
            )
            count += 1
    return count + _book_from_records(venues, today=today)


def _book_from_records(venues: list[Venue], *, today: datetime.date) -> int:
    """A themed day of the branch officer's branch and a volunteering activity of the
    committee, each booked in the form it was planned in (through their services), on the
    first free slot from the day after tomorrow."""
    from grassroots.orglife.services import meeting_plan
    from grassroots.service.activities.services import activity_create
    from grassroots.service.models import Activity

    officer = User.objects.filter(employee_number="30151").first()
    committee = User.objects.filter(employee_number="10034").first()
    member = Member.objects.filter(user=officer).select_related("branch").first()
    if officer is None or committee is None or member is None or member.branch is None:
        return 0
    branch = member.branch
    room = next((v for v in venues if v.unit_id == branch.pk), None)
    centre = next((v for v in venues if v.kind == VenueKind.SERVICE_CENTRE), None)
    tz = ZoneInfo(settings.TIME_ZONE)
    made = 0

    def first_free(book: Any) -> bool:
        for offset in range(2, 30):
            day = today + datetime.timedelta(days=offset)
            for hour in (9, 15):
                starts = datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)
                try:
                    with transaction.atomic():
                        book(starts)
                except ValidationError:
                    continue
                return True
        return False

    meeting_venue = room or centre
    if meeting_venue is not None and first_free(
        lambda starts: meeting_plan(
            actor=officer,
            unit=branch,
            kind="themed_day",
            topic="学习安全生产新规",
            starts_at=starts,
            place="",
            agenda="一、集体学习；二、交流讨论；三、志愿服务安排。",
            venue=meeting_venue,
            venue_until=(starts + datetime.timedelta(hours=2)).time(),
        )
    ):
        made += 1
    if centre is not None and first_free(
        lambda starts: activity_create(
            actor=committee,
            unit=centre.unit,
            title="为职工义务理发",
            type=Activity.Type.VOLUNTEER,
            services=["masses"],
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            place="",
            audience=Activity.Audience.EVERYONE,
            capacity=10,
            venue=centre,
        )
    ):
        made += 1
    return made
