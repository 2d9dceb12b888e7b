"""The openness catalogue's dates: pure functions over dates and plain values."""

from __future__ import annotations

import datetime

from grassroots.core.periods import QUARTER, YEAR, Period
from grassroots.openness.vocabulary import Frequency, Timing

_KINDS = {Frequency.YEAR: YEAR, Frequency.QUARTER: QUARTER}


def period_due(
    frequency: str, timing: str, grace_days: int, *, today: datetime.date
) -> tuple[Period, datetime.date] | None:
    """The period a catalogue item must have been published for by `today`, and the day
    it fell due; None when nothing is due yet (or the item follows events).

    An item published *within* its period (a work plan) is due `grace_days` after the
    period starts; one published *after* (a summary, the dues used) `grace_days` after
    the period ends. Only the latest period that is due counts: an item missed two
    years ago is history, not a to-do.
    """
    kind = _KINDS.get(frequency)  # type: ignore[call-overload]
    if kind is None:
        return None
    grace = datetime.timedelta(days=grace_days)
    current = Period.of(today, kind)
    if timing == Timing.WITHIN:
        candidates = [current, current.previous()]
        due = [(p, p.first + grace) for p in candidates]
    else:
        candidates = [current.previous(), current.previous().previous()]
        due = [(p, p.after + grace) for p in candidates]
    for period, due_on in due:
        if due_on <= today:
            return period, due_on
    return None


def period_choices(frequency: str, *, today: datetime.date) -> list[Period]:
    """The periods a notice of a catalogue item may say it covers: this one and the two
    before it, newest first (an officer catching up publishes last year's summary)."""
    kind = _KINDS.get(frequency)  # type: ignore[call-overload]
    if kind is None:
        return []
    current = Period.of(today, kind)
    return [current, current.previous(), current.previous().previous()]
