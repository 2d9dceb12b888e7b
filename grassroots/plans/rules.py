"""Pure rules of work plans: when a linked record counts as done, when an item is
fulfilled, and when it is behind schedule."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

MEETING = "meeting"
ACTIVITY = "activity"
DEED = "deed"
CONSULTATION = "consultation"

# The state of each kind of record in which it has done its part.
DONE_STATES: dict[str, frozenset[str]] = {
    MEETING: frozenset({"held"}),
    ACTIVITY: frozenset({"held"}),
    DEED: frozenset({"done"}),
    CONSULTATION: frozenset({"closed"}),
}


def record_done(kind: str, state: str | None) -> bool:
    """A held meeting, a held activity, a deed declared done, a closed consultation."""
    return state is not None and state in DONE_STATES.get(kind, frozenset())


def item_fulfilled(linked: Iterable[tuple[str, str | None]]) -> bool:
    """An item is fulfilled when at least one of its linked records is done; an item
    with no links, or with only planned, cancelled, open or dropped ones, is not."""
    return any(record_done(kind, state) for kind, state in linked)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress(fulfilled: Iterable[bool]) -> Progress:
    flags = list(fulfilled)
    return Progress(done=sum(flags), total=len(flags))


def period_bounds(year: int, quarter: int | None) -> tuple[datetime.date, datetime.date]:
    """First and last day of a plan: its year, or its quarter."""
    if quarter is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    first = datetime.date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    next_first = (
        datetime.date(year + 1, 1, 1)
        if last_month == 12
        else datetime.date(year, last_month + 1, 1)
    )
    return first, next_first - datetime.timedelta(days=1)


def quarter_end(year: int, quarter: int) -> datetime.date:
    return period_bounds(year, quarter)[1]


def behind_schedule(due_on: datetime.date, fulfilled: bool, check_end: datetime.date) -> bool:
    """Behind schedule at a quarterly check: due on or before the quarter's end, and
    not fulfilled."""
    return due_on <= check_end and not fulfilled
