"""Pure rules of the annual statistics: the year's bounds and the periods of joining
the Party the paper tables list (cut at the Third Plenum and the Party congresses)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# The first day of each period after the first: January 1979 (after the Third Plenum
# of December 1978), then the months of the 16th, 18th, 19th and 20th congresses.
JOIN_PERIOD_STARTS: tuple[datetime.date, ...] = (
    datetime.date(1979, 1, 1),
    datetime.date(2002, 11, 1),
    datetime.date(2012, 11, 1),
    datetime.date(2017, 11, 1),
    datetime.date(2022, 11, 1),
)
EARLIEST_YEAR = 1950


@dataclass(frozen=True)
class JoinPeriod:
    index: int
    label: str  # "1979.01–2002.10": figures and dots, the same in every language


def _month(day: datetime.date) -> str:
    return f"{day.year}.{day.month:02d}"


def join_periods() -> list[JoinPeriod]:
    """The periods in order: before the first start, between starts, from the last."""
    periods = [JoinPeriod(0, f"–{_month(JOIN_PERIOD_STARTS[0] - datetime.timedelta(days=1))}")]
    for index, start in enumerate(JOIN_PERIOD_STARTS, start=1):
        following = JOIN_PERIOD_STARTS[index] if index < len(JOIN_PERIOD_STARTS) else None
        end = "" if following is None else _month(following - datetime.timedelta(days=1))
        periods.append(JoinPeriod(index, f"{_month(start)}–{end}"))
    return periods


def join_period_of(admitted_on: datetime.date) -> int:
    """The index of the period a day of admission falls in."""
    return sum(1 for start in JOIN_PERIOD_STARTS if admitted_on >= start)


def year_end(year: int) -> datetime.date:
    """The day the year's tables are taken: 31 December."""
    return datetime.date(year, 12, 31)


def year_choices(today: datetime.date, *, shown: int = 10) -> list[int]:
    """The years offered, newest first: this year (its tables so far) and the ones before."""
    return list(range(today.year, max(EARLIEST_YEAR, today.year - shown) - 1, -1))


def default_year(today: datetime.date) -> int:
    """The last complete year: the tables are reported after 31 December."""
    return today.year - 1


def parse_year(raw: str | None, today: datetime.date) -> int | None:
    """The year a `?year=` parameter names, or None when it is not a year with tables
    (not a number, before EARLIEST_YEAR or after this year)."""
    if raw is None or not raw.strip():
        return default_year(today)
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) != 4:
        return None
    year = int(text)
    return year if EARLIEST_YEAR <= year <= today.year else None
