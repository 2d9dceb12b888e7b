"""Pure rules of pairings (结对帮扶): how long a pairing has gone without a visit, when
that calls for a reminder, and which reminder period it is in."""

from __future__ import annotations

import datetime

DEFAULT_VISIT_DAYS = 90  # RULES.md practice: visit a paired colleague at least quarterly


def visit_reference(
    *, started_on: datetime.date, last_visit_on: datetime.date | None
) -> datetime.date:
    """The day the clock runs from: the last visit, or the start of a pairing never visited."""
    return last_visit_on if last_visit_on is not None else started_on


def days_without_visit(
    *, started_on: datetime.date, last_visit_on: datetime.date | None, today: datetime.date
) -> int:
    reference = visit_reference(started_on=started_on, last_visit_on=last_visit_on)
    return max(0, (today - reference).days)


def visit_overdue(days: int, *, limit: int) -> bool:
    """N days or more without a visit (N = the rule parameter, 90 by default)."""
    return days >= limit


def reminder_period(days: int, *, limit: int) -> int:
    """Which reminder this is since the last visit: 1 at N days, 2 at 2N, … — one notice
    per pairing and period, however often the job runs; 0 before the first."""
    return days // limit if limit > 0 else 0


def visit_date_ok(
    on: datetime.date,
    *,
    started_on: datetime.date,
    ended_on: datetime.date | None,
    today: datetime.date,
) -> bool:
    """A visit lies within the pairing's life and not in the future."""
    last = min(today, ended_on) if ended_on is not None else today
    return started_on <= on <= last


def end_date_ok(on: datetime.date, *, started_on: datetime.date, today: datetime.date) -> bool:
    return started_on <= on <= today
