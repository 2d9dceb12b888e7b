"""Days the test venues are open, counted from the real today (the meeting and activity
services book against the clock, as people do)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from grassroots.resources import selectors
from grassroots.resources.tests.factories import at


def open_day(venue, *, after_days: int = 7) -> datetime.date:
    """A day at least `after_days` ahead on which the venue is open."""
    day = timezone.localdate() + datetime.timedelta(days=after_days)
    while not selectors.is_open_on(venue, day):
        day += datetime.timedelta(days=1)
    return day


def closed_weekday(venue, *, after_days: int = 7) -> datetime.date:
    """A day ahead on which the venue is closed by its own hours (a weekend)."""
    day = timezone.localdate() + datetime.timedelta(days=after_days)
    while venue.hours_on(day.weekday()) is not None:
        day += datetime.timedelta(days=1)
    return day


__all__ = ["at", "closed_weekday", "open_day"]
