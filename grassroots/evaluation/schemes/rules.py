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


def curve_steps_error(config: dict[str, Any], *, higher_is_better: bool) -> str | None:
    """Steps follow their figure: for a measure where more is better the thresholds are
    reached from below (not `descending`) and a higher threshold never earns fewer
    points than a lower one; where less is better they are reached from above
    (`descending`) and a lower threshold never earns fewer points than a higher one.
    "direction" when the steps run against the figure, "falling" when points fall as the
    figure improves, None when the steps are sound (or not steps)."""
    if config.get("kind") != "steps":
        return None
    if bool(config.get("descending", False)) == higher_is_better:
        return "direction"
    try:
        pairs = sorted(
            (Decimal(str(value)), Decimal(str(points))) for value, points in config["thresholds"]
        )
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None  # curve_from_config says what is wrong
    points = [earned for _value, earned in pairs]  # by rising threshold
    rising = points == sorted(points)
    falling = points == sorted(points, reverse=True)
    if (higher_is_better and not rising) or (not higher_is_better and not falling):
        return "falling"
    return None
