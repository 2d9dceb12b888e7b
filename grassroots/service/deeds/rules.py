"""Pure rules of practical deeds: what a valid deed is, progress, and the two flags
(overdue, poorly rated) raised to officers. No database here.

Answers are counted on the one satisfaction scale: satisfied (delivered), fairly
(partly delivered), not satisfied (not delivered)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from fractions import Fraction

from grassroots.service.rules import SERVICE_DOMAINS

OPEN, DONE, DROPPED = "open", "done", "dropped"

# Defaults of the rule parameters (grassroots/service/deeds/rule_parameters.py).
DEFAULT_MIN_RATINGS = 5
DEFAULT_NO_SHARE_PERCENT = 40


def services_ok(services: Iterable[str]) -> bool:
    """At least one of the five services, and nothing else."""
    chosen = set(services)
    return bool(chosen) and chosen <= set(SERVICE_DOMAINS)


def due_date_ok(due_on: datetime.date, *, today: datetime.date) -> bool:
    """A new deed is promised for today or later: a promise already late is no promise."""
    return due_on >= today


def progress_ok(progress: int) -> bool:
    return 0 <= progress <= 100


def is_overdue(*, status: str, due_on: datetime.date, today: datetime.date) -> bool:
    """Still under way after the day it was promised for."""
    return status == OPEN and due_on < today


def no_share(*, satisfied: int, fairly: int, not_satisfied: int) -> Fraction | None:
    """Share of "not delivered" answers; None when nobody answered."""
    total = satisfied + fairly + not_satisfied
    if total <= 0:
        return None
    return Fraction(not_satisfied, total)


def is_poorly_rated(
    *,
    satisfied: int,
    fairly: int,
    not_satisfied: int,
    min_ratings: int = DEFAULT_MIN_RATINGS,
    no_share_percent: int = DEFAULT_NO_SHARE_PERCENT,
) -> bool:
    """Enough people answered and at least the given share said "not delivered".

    Too few answers never flag a deed: two unhappy people are not a verdict.
    """
    total = satisfied + fairly + not_satisfied
    if total < max(1, min_ratings):
        return False
    return Fraction(not_satisfied, total) * 100 >= no_share_percent


def delivered_percent(*, satisfied: int, fairly: int, not_satisfied: int) -> int | None:
    """Rounded share of "delivered" answers for the public summary."""
    total = satisfied + fairly + not_satisfied
    if total <= 0:
        return None
    return round(Fraction(satisfied * 100, total))
