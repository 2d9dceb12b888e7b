"""Training hours (学时), as pure functions of the records (RULES.md "Learning").

A session's hours follow its length: a whole day and half a day count as set (8 and 4
by default), anything shorter so many hours per hour. A year's hours count in that year
only. Targets: members 32, branch secretaries and committee members 56.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

WHOLE_DAY, HALF_DAY = "day", "half"
DEFAULT_WHOLE_DAY_HOURS = 8
DEFAULT_HALF_DAY_HOURS = 4
DEFAULT_HOURS_PER_HOUR = 1
DEFAULT_MEMBER_TARGET = 32
DEFAULT_OFFICER_TARGET = 56
HOURS_MAX = Decimal("200")


class SessionLengthError(ValueError):
    """A session length that is neither "day", "half" nor a number of hours up to 24."""


def session_hours(length: str, *, whole_day: float, half_day: float, per_hour: float) -> Decimal:
    """Hours a session earns: `length` is "day", "half" or a number of clock hours."""
    length = length.strip()
    if length == WHOLE_DAY:
        return Decimal(str(whole_day))
    if length == HALF_DAY:
        return Decimal(str(half_day))
    try:
        clock = Decimal(length)
    except InvalidOperation:
        raise SessionLengthError(length) from None
    if not clock.is_finite() or clock <= 0 or clock > 24:
        raise SessionLengthError(length)
    return (clock * Decimal(str(per_hour))).quantize(Decimal("0.1"))


def is_session_length(length: str) -> bool:
    try:
        session_hours(length, whole_day=8, half_day=4, per_hour=1)
    except SessionLengthError:
        return False
    return True


def target_for(*, holds_committee_post: bool, member_target: int, officer_target: int) -> int:
    """Secretaries and committee members have the higher target."""
    return officer_target if holds_committee_post else member_target


@dataclass(frozen=True)
class HoursLine:
    """Where some hours came from."""

    source: str  # vocabulary.HoursSource
    title: str
    on: datetime.date
    hours: Decimal


def in_year(lines: Iterable[HoursLine], year: int) -> list[HoursLine]:
    return sorted((line for line in lines if line.on.year == year), key=lambda line: line.on)


def total(lines: Iterable[HoursLine]) -> Decimal:
    return sum((line.hours for line in lines), Decimal(0))


def is_below(total_hours: Decimal, target: int) -> bool:
    return total_hours < target


def hours_error(hours: Decimal | None) -> str | None:
    """Why a number of hours typed in cannot be right (None when it can)."""
    if hours is None:
        return "missing"
    if not hours.is_finite() or hours <= 0:
        return "not_positive"
    if hours > HOURS_MAX:
        return "too_many"
    return None
