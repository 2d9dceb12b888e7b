"""Pure rules of indicator schemes: the objection window, which indicators a unit is
scored on, and a unit's scores and total from its figures. No database."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from grassroots.evaluation import rules

OBJECTION_WORKING_DAYS = 5  # RULES.md: an objection within 5 working days of publication


def objection_deadline(
    published_on: datetime.date,
    *,
    is_workday: Callable[[datetime.date], bool],
    working_days: int = OBJECTION_WORKING_DAYS,
) -> datetime.date:
    """The last day on which an objection may be lodged: the `working_days`-th working
    day after the day of publication (the day itself does not count)."""
    day = published_on
    counted = 0
    while counted < working_days:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def applies(applies_to: Iterable[str], unit_kind: str) -> bool:
    return unit_kind in set(applies_to)


def earned(curve_config: dict[str, Any], points: Decimal, value: Decimal | None) -> Decimal | None:
    """The points a figure earns under an indicator's stored curve (None: not judged)."""
    return rules.indicator_score(rules.curve_from_config(curve_config, points=points), value)


def curve_floor_error(config: dict[str, Any], *, higher_is_better: bool) -> str | None:
    """A linear curve for a measure where more is better must not have its floor above
    its target (nothing could ever earn points in the right direction), and the other
    way round for a measure where less is better."""
    if config.get("kind") != "linear":
        return None
    try:
        floor, target = Decimal(str(config["floor"])), Decimal(str(config["target"]))
    except (KeyError, ArithmeticError):
        return None  # curve_from_config says what is wrong
    if higher_is_better and floor > target:
        return "higher"
    if not higher_is_better and floor < target:
        return "lower"
    return None
