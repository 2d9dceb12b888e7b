"""When a venue is open (pure: the calendar is passed in).

A venue opens in the hours set for the day's weekday. The work calendar closes it on a
weekday that is not a workday (a public holiday) and on a named public holiday that
falls on a weekend; an ordinary weekend follows the venue's own weekend hours, and a
make-up workday (调休) on a weekend also follows them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence

Span = tuple[datetime.time, datetime.time]
MAX_BOOKING = datetime.timedelta(hours=12)
MAX_DAYS_AHEAD = 366


def is_open_on(
    day: datetime.date,
    *,
    hours: Mapping[int, Span | None],
    is_workday: Callable[[datetime.date], bool],
    is_public_holiday: Callable[[datetime.date], bool],
) -> bool:
    if hours.get(day.weekday()) is None:
        return False
    if is_public_holiday(day):
        return False
    return not (day.weekday() < 5 and not is_workday(day))


def within_hours(starts: datetime.datetime, ends: datetime.datetime, span: Span) -> bool:
    """Local start and end on one day, inside the day's opening span."""
    if starts.date() != ends.date():
        return False
    return span[0] <= starts.time() and ends.time() <= span[1] and ends > starts


def parse_span(opens: str, closes: str) -> Span:
    """ "08:30", "17:30" → (08:30, 17:30); ValueError when closing is not after opening."""
    start = datetime.time.fromisoformat(opens)
    end = datetime.time.fromisoformat(closes)
    if end <= start:
        raise ValueError("closes before it opens")
    return start, end


def free_slots(span: Span, taken: Sequence[tuple[datetime.time, datetime.time]]) -> list[Span]:
    """The parts of an opening span not covered by the taken (start, end) times."""
    slots: list[Span] = []
    cursor = span[0]
    for start, end in sorted(taken):
        if start > cursor:
            slots.append((cursor, min(start, span[1])))
        cursor = max(cursor, end)
        if cursor >= span[1]:
            break
    if cursor < span[1]:
        slots.append((cursor, span[1]))
    return [slot for slot in slots if slot[1] > slot[0]]
