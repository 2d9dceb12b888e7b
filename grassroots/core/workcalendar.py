"""The work calendar: which days are workdays, and arithmetic in working time.

Official holidays and make-up workdays (调休上班日) come from `chinese-calendar`; an
administrator's entry for a day (CalendarDay) overrides it; years the package does not
cover yet fall back to "Monday to Friday" until someone enters them, and the platform
warns while the current year is missing.

The arithmetic itself is pure (`add_working_minutes`, `working_minutes_between` take an
`is_workday` function and the working hours), so it is tested without a database.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Sequence
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

Hours = Sequence[tuple[datetime.time, datetime.time]]
DEFAULT_HOURS: tuple[tuple[datetime.time, datetime.time], ...] = (
    (datetime.time(8, 30), datetime.time(12, 0)),
    (datetime.time(13, 30), datetime.time(17, 30)),
)
MAX_DAYS_AHEAD = 3 * 366


def parse_hours(text: str) -> tuple[tuple[datetime.time, datetime.time], ...]:
    """ "08:30-12:00,13:30-17:30" → ((08:30, 12:00), (13:30, 17:30)); ValueError if wrong."""
    spans = []
    for part in text.replace("，", ",").split(","):
        start_text, end_text = part.strip().replace("–", "-").split("-")
        start = datetime.time.fromisoformat(start_text.strip())
        end = datetime.time.fromisoformat(end_text.strip())
        if end <= start:
            raise ValueError("a span must end after it starts")
        spans.append((start, end))
    spans.sort()
    for (_a, end), (start, _b) in itertools.pairwise(spans):
        if start < end:
            raise ValueError("spans overlap")
    if not spans:
        raise ValueError("no working hours")
    return tuple(spans)


# --- Official calendar ----------------------------------------------------------------------


def package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=4096)
def official_is_workday(day: datetime.date) -> bool:
    """What the State Council's calendar says, or Monday–Friday for uncovered years."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


@lru_cache(maxsize=4096)
def official_is_named_holiday(day: datetime.date) -> bool:
    """Whether the State Council's calendar names a holiday on `day` (a weekend day
    inside the Spring Festival, say); False for uncovered years."""
    try:
        return chinese_calendar.get_holiday_detail(day)[1] is not None
    except NotImplementedError:
        return False


# --- Working-time arithmetic (pure) -------------------------------------------------------


def _spans_on(
    day: datetime.date, hours: Hours, zone: ZoneInfo
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    return [
        (datetime.datetime.combine(day, start, zone), datetime.datetime.combine(day, end, zone))
        for start, end in hours
    ]


def add_working_minutes(
    start: datetime.datetime,
    minutes: int,
    *,
    is_workday: Callable[[datetime.date], bool],
    hours: Hours = DEFAULT_HOURS,
    zone: ZoneInfo,
) -> datetime.datetime:
    """The moment `minutes` of working time after `start` (aware), in `zone`.

    Time outside working hours and on rest days does not count; a deadline that
    falls exactly at the end of a span stays there.
    """
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    moment = start.astimezone(zone)
    remaining = datetime.timedelta(minutes=minutes)
    day = moment.date()
    for _ in range(MAX_DAYS_AHEAD):
        if is_workday(day):
            for span_start, span_end in _spans_on(day, hours, zone):
                if moment >= span_end:
                    continue
                begin = max(moment, span_start)
                available = span_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
                moment = span_end
        day += datetime.timedelta(days=1)
        moment = max(moment, datetime.datetime.combine(day, datetime.time(0), zone))
    raise ValueError("no working time found within three years")


def working_minutes_between(
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    is_workday: Callable[[datetime.date], bool],
    hours: Hours = DEFAULT_HOURS,
    zone: ZoneInfo,
) -> float:
    """Working minutes from `start` to `end` (0 when end is not after start)."""
    if end <= start:
        return 0.0
    first, last = start.astimezone(zone), end.astimezone(zone)
    total = datetime.timedelta(0)
    day = first.date()
    while day <= last.date():
        if is_workday(day):
            for span_start, span_end in _spans_on(day, hours, zone):
                begin, finish = max(span_start, first), min(span_end, last)
                if finish > begin:
                    total += finish - begin
        day += datetime.timedelta(days=1)
    return total.total_seconds() / 60


# --- The calendar in force (database overrides + official calendar) ---------------------------

_overrides: dict[datetime.date, bool] = {}
_overrides_loaded_at = 0.0
_REFRESH_SECONDS = 30.0


def forget_overrides() -> None:
    global _overrides_loaded_at
    _overrides_loaded_at = 0.0


def _current_overrides() -> dict[datetime.date, bool]:
    import time

    global _overrides, _overrides_loaded_at
    now = time.monotonic()
    if now - _overrides_loaded_at >= _REFRESH_SECONDS:
        from grassroots.core.models import CalendarDay

        _overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
        _overrides_loaded_at = now
    return _overrides


def is_workday(day: datetime.date) -> bool:
    """The answer in force: an administrator's entry, else the official calendar."""
    override = _current_overrides().get(day)
    return official_is_workday(day) if override is None else override


def current_hours() -> tuple[tuple[datetime.time, datetime.time], ...]:
    from grassroots.core import parameters

    try:
        return parse_hours(parameters.value("calendar.working_hours"))
    except ValueError:
        return DEFAULT_HOURS


def add_working(start: datetime.datetime, minutes: int) -> datetime.datetime:
    """`minutes` of working time after `start`, on the calendar in force."""
    from django.conf import settings

    return add_working_minutes(
        start,
        minutes,
        is_workday=is_workday,
        hours=current_hours(),
        zone=ZoneInfo(settings.TIME_ZONE),
    )


def working_between(start: datetime.datetime, end: datetime.datetime) -> float:
    from django.conf import settings

    return working_minutes_between(
        start, end, is_workday=is_workday, hours=current_hours(), zone=ZoneInfo(settings.TIME_ZONE)
    )


def coverage_warnings(today: datetime.date) -> list[int]:
    """Years that need an administrator's entries: the current year when neither the
    package nor any entry covers it, and from December on the next year as well."""
    from grassroots.core.models import CalendarDay

    years = [today.year] + ([today.year + 1] if today.month == 12 else [])
    entered = set(CalendarDay.objects.filter(date__year__in=years).dates("date", "year"))
    entered_years = {day.year for day in entered}
    return [year for year in years if not package_covers(year) and year not in entered_years]
