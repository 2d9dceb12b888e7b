"""When a public notice runs: pure functions over dates and a working-day test."""

from __future__ import annotations

import datetime
from collections.abc import Callable

DEFAULT_WORKING_DAYS = 5  # RULES: a notice of a commendation or a development step
MAX_WORKING_DAYS = 30
# Long holidays (Spring Festival) leave at most 11 days in a row without a working day.
_MAX_DAYS_WITHOUT_WORK = 31


def notice_period(
    published_on: datetime.date,
    working_days: int,
    *,
    is_workday: Callable[[datetime.date], bool],
) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a notice published on `published_on` that runs for
    `working_days` working days: it starts on the first working day on or after
    publication and ends on its last working day (inclusive)."""
    if working_days < 1:
        raise ValueError("a notice runs for at least one working day")
    day = published_on
    first: datetime.date | None = None
    counted = 0
    idle = 0
    while True:
        if is_workday(day):
            idle = 0
            counted += 1
            if first is None:
                first = day
            if counted == working_days:
                return first, day
        else:
            idle += 1
            if idle > _MAX_DAYS_WITHOUT_WORK:
                raise ValueError("the calendar has no working day for a month")
        day += datetime.timedelta(days=1)


def notice_phase(starts_on: datetime.date, ends_on: datetime.date, *, today: datetime.date) -> str:
    """ "upcoming" before the first day, "open" from the first to the last day, "closed"
    after."""
    if today < starts_on:
        return "upcoming"
    if today <= ends_on:
        return "open"
    return "closed"
