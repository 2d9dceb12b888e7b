"""Demo venues (阵地) with a fortnight of bookings around today, no two overlapping."""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.conf import settings

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
    return count
