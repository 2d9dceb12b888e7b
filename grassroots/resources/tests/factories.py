"""Venues for tests: open 08:30–17:30 Monday to Friday unless told otherwise."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from grassroots.resources.models import Venue, VenueKind

TZ = ZoneInfo("Asia/Shanghai")
WEEKDAY_HOURS = {str(day): ["08:30", "17:30"] for day in range(5)}
# A moment before every time the tests book (services take `now`).
NOW = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=TZ)
MONDAY = datetime.date(2026, 9, 7)  # a workday
HOLIDAY = datetime.date(2026, 10, 1)  # National Day, a Thursday


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def make_venue(unit: Any, **extra: Any) -> Venue:
    values: dict[str, Any] = {
        "unit": unit,
        "name": "党员活动室",
        "kind": VenueKind.ACTIVITY_ROOM,
        "capacity": 30,
        "hours": WEEKDAY_HOURS,
        "step_free": True,
    }
    values.update(extra)
    return Venue.objects.create(**values)
