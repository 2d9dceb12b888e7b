"""The one period type: a month, a quarter, a year or a custom run of days.

Every app that counts "per period" (rates, compliance, coverage, evaluation) uses this
type, so a period means the same days everywhere. One end rule: `first` and `last` are
both inside the period (dates, inclusive); `after` is the first day after it. For
timestamps, `starts` and `ends` are midnight in the site's time zone at `first` and
`after`: a moment belongs to the period when `starts <= moment < ends`.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
FREQUENCIES = (MONTH, QUARTER, YEAR)
_STEP = {MONTH: 1, QUARTER: 3, YEAR: 12}
# Periods outside these years are typing errors, not history or plans.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


@dataclass(frozen=True, order=True)
class Period:
    first: datetime.date
    last: datetime.date
    kind: str = CUSTOM

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a period ends on or after the day it starts")

    # --- Making one -------------------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = datetime.date(year, month, 1)
        return cls(first, first.replace(day=calendar.monthrange(year, month)[1]), MONTH)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError(f"no quarter {quarter}")
        first_month = 3 * (quarter - 1) + 1
        last_month = first_month + 2
        return cls(
            datetime.date(year, first_month, 1),
            datetime.date(year, last_month, calendar.monthrange(year, last_month)[1]),
            QUARTER,
        )

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), YEAR)

    @classmethod
    def custom(cls, first: datetime.date, last: datetime.date) -> Period:
        return cls(first, last, CUSTOM)

    @classmethod
    def of(cls, day: datetime.date, kind: str) -> Period:
        """The month, quarter or year that contains `day`."""
        if kind == MONTH:
            return cls.month(day.year, day.month)
        if kind == QUARTER:
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind == YEAR:
            return cls.year(day.year)
        raise ValueError(f"unknown frequency {kind!r}")

    @classmethod
    def parse(cls, text: str | None, *, default: Period) -> Period:
        """ "2026-10" (month), "2026-Q3" (quarter), "2026" (year) or
        "2026-01-05..2026-02-20" (custom); `default` when the text is empty.
        ValueError for anything else, so a view can answer with a clear message."""
        text = (text or "").strip().upper()
        if not text:
            return default
        if len(text) > 32 or not text.isascii():
            raise ValueError(text)
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            year, month = int(match[1]), int(match[2])
            if not 1 <= month <= 12:
                raise ValueError(text)
            period = cls.month(year, month)
        elif match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            period = cls.quarter(int(match[1]), int(match[2]))
        elif match := re.fullmatch(r"(\d{4})", text):
            period = cls.year(int(match[1]))
        elif match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
            period = cls.custom(
                datetime.date.fromisoformat(match[1]), datetime.date.fromisoformat(match[2])
            )
        else:
            raise ValueError(text)
        if not EARLIEST_YEAR <= period.first.year <= period.last.year <= LATEST_YEAR:
            raise ValueError(text)
        return period

    # --- Reading one ------------------------------------------------------------------

    @property
    def after(self) -> datetime.date:
        """The first day after the period."""
        return self.last + datetime.timedelta(days=1)

    @property
    def starts(self) -> datetime.datetime:
        return datetime.datetime.combine(self.first, datetime.time(0), _zone())

    @property
    def ends(self) -> datetime.datetime:
        """Exclusive: the first moment after the period."""
        return datetime.datetime.combine(self.after, datetime.time(0), _zone())

    @property
    def key(self) -> str:
        """ "2026-03", "2026-Q1", "2026" or "2026-01-05..2026-02-20"; `parse` reads it back."""
        if self.kind == MONTH:
            return f"{self.first:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == YEAR:
            return f"{self.first.year}"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return _("%(year)s-%(month)02d") % {"year": self.first.year, "month": self.first.month}
        if self.kind == QUARTER:
            return _("Q%(quarter)s %(year)s") % {
                "quarter": (self.first.month - 1) // 3 + 1,
                "year": self.first.year,
            }
        if self.kind == YEAR:
            return str(self.first.year)
        return f"{self.first.isoformat()} – {self.last.isoformat()}"

    def __contains__(self, day: object) -> bool:
        if isinstance(day, datetime.datetime):
            return self.starts <= day < self.ends
        return isinstance(day, datetime.date) and self.first <= day <= self.last

    def months(self) -> Iterator[Period]:
        """The calendar months the period touches, in order."""
        year, month = self.first.year, self.first.month
        while datetime.date(year, month, 1) <= self.last:
            yield Period.month(year, month)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def previous(self) -> Period:
        """The period of the same kind just before (custom: the same number of days)."""
        if self.kind in _STEP:
            return Period.of(self.first - datetime.timedelta(days=1), self.kind)
        length = self.after - self.first
        return Period.custom(self.first - length, self.first - datetime.timedelta(days=1))


def periods_in_year(year: int, kind: str) -> list[Period]:
    """The months, quarters or the year of a calendar year, in order."""
    return [Period.of(datetime.date(year, month, 1), kind) for month in range(1, 13, _STEP[kind])]


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)
