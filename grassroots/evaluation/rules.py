"""Pure rules of evaluation (RULES.md, "Evaluation"): how a figure becomes points, what
a scheme must add up to, how evaluator groups are weighted, what counts as a low score,
and the cap on 优秀 in the democratic appraisal of members.

Everything here works on plain values (Decimal points, ints, floats for measured
shares) and is tested without the database. A scoring curve is configuration: it is
stored as data (`Curve.from_config`) and an administrator can change it without code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

TWO_PLACES = Decimal("0.01")
SCHEME_TOTAL = Decimal(100)
# RULES.md: a group with fewer ballots is not shown and not weighted.
MIN_BALLOTS_SHOWN = 5
DEFAULT_GROUP_WEIGHTS: Mapping[str, Decimal] = {
    "employees": Decimal("0.4"),
    "full_members": Decimal("0.3"),
    "probationary": Decimal("0.15"),
    "activists": Decimal("0.15"),
}
ITEM_LOW_SHARE = Decimal("0.70")  # an item below 70 % of its maximum is flagged
SUBJECT_LOW_SHARE = Decimal("0.80")  # a subject below 80 % of the maximum is flagged


class CurveError(ValueError):
    """A curve whose configuration cannot score anything (said in the user's terms)."""


def _points(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _decimal(value: Any, name: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except ArithmeticError as error:
        raise CurveError(_("%(name)s must be a number.") % {"name": name}) from error
    if not result.is_finite():
        raise CurveError(_("%(name)s must be a number.") % {"name": name})
    return result


# --- Scoring curves ---------------------------------------------------------------------


@dataclass(frozen=True)
class Linear:
    """Full points at `target` or better, none at `floor` or worse, a straight line
    between. With `target < floor` lower is better (e.g. overdue appeals)."""

    floor: Decimal
    target: Decimal
    points: Decimal

    def score(self, value: Decimal) -> Decimal:
        if self.target == self.floor:
            raise CurveError(_("The target and the floor must differ."))
        share = (value - self.floor) / (self.target - self.floor)
        share = min(max(share, Decimal(0)), Decimal(1))
        return _points(self.points * share)


@dataclass(frozen=True)
class Steps:
    """Points by thresholds: the points of the highest threshold reached (for lower-is-
    better figures, list thresholds with `descending=True`: the lowest one not exceeded).
    Below every threshold: 0."""

    thresholds: tuple[tuple[Decimal, Decimal], ...]  # (threshold, points)
    points: Decimal
    descending: bool = False

    def score(self, value: Decimal) -> Decimal:
        earned = Decimal(0)
        for threshold, points in self.thresholds:
            reached = value <= threshold if self.descending else value >= threshold
            if reached:
                earned = max(earned, points)
        return _points(min(earned, self.points))


@dataclass(frozen=True)
class Deduction:
    """扣分制: full points less `per_occurrence` for each occurrence, never below zero."""

    per_occurrence: Decimal
    points: Decimal

    def score(self, value: Decimal) -> Decimal:
        occurrences = max(value, Decimal(0))
        return _points(max(self.points - self.per_occurrence * occurrences, Decimal(0)))


Curve = Linear | Steps | Deduction


def curve_from_config(config: Mapping[str, Any], *, points: Decimal) -> Curve:
    """A curve from its stored form, e.g. {"kind": "linear", "floor": 60, "target": 95},
    {"kind": "steps", "thresholds": [[80, 5], [90, 8], [95, 10]]},
    {"kind": "deduction", "per_occurrence": 1}. CurveError for anything else."""
    kind = config.get("kind")
    if points <= 0:
        raise CurveError(_("An indicator is worth more than 0 points."))
    if kind == "linear":
        floor = _decimal(config.get("floor"), _("The floor"))
        target = _decimal(config.get("target"), _("The target"))
        if floor == target:
            raise CurveError(_("The target and the floor must differ."))
        return Linear(floor, target, points)
    if kind == "steps":
        raw = config.get("thresholds") or []
        if not isinstance(raw, Sequence) or not raw:
            raise CurveError(_("Give at least one threshold."))
        thresholds = []
        for pair in raw:
            if not isinstance(pair, Sequence) or len(pair) != 2:
                raise CurveError(_("Each threshold is a value and its points."))
            threshold = _decimal(pair[0], _("A threshold"))
            earned = _decimal(pair[1], _("The points of a threshold"))
            if not 0 <= earned <= points:
                raise CurveError(_("A threshold's points lie between 0 and the indicator's."))
            thresholds.append((threshold, earned))
        return Steps(tuple(thresholds), points, bool(config.get("descending", False)))
    if kind == "deduction":
        per = _decimal(config.get("per_occurrence"), _("The deduction per occurrence"))
        if per <= 0:
            raise CurveError(_("The deduction per occurrence is more than 0."))
        return Deduction(per, points)
    raise CurveError(_("Choose a curve: linear, steps or deduction."))


def indicator_score(curve: Curve, value: Decimal | None) -> Decimal | None:
    """The points a figure earns; None when the figure could not be judged (too few
    answers, nothing to divide by): such an indicator is left out, not scored 0."""
    if value is None:
        return None
    return curve.score(value)


# --- Schemes ----------------------------------------------------------------------------


def scheme_total_error(points: Sequence[Decimal]) -> str | None:
    """A scheme's indicators add up to exactly 100 points; the message says by how much
    they miss."""
    total = sum(points, Decimal(0))
    if total == SCHEME_TOTAL:
        return None
    difference = SCHEME_TOTAL - total
    if difference > 0:
        return _("The indicators add up to %(total)s points: %(missing)s points are missing.") % {
            "total": total,
            "missing": difference,
        }
    return _("The indicators add up to %(total)s points: %(extra)s points too many.") % {
        "total": total,
        "extra": -difference,
    }


def unit_total(scores: Sequence[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """A unit's total out of 100 from (indicator points, points earned or None).
    Indicators that could not be judged are left out and the rest scaled up to 100, so
    a unit is neither punished nor rewarded for what could not be measured; None when
    nothing could be judged. Meant for figures with too few records: a hand-judged
    score nobody has judged yet is also None here, so results are not released while
    one is missing (schemes.services.results_publish)."""
    judged = [(points, earned) for points, earned in scores if earned is not None]
    possible = sum((points for points, _earned in judged), Decimal(0))
    if possible == 0:
        return None
    earned_total = sum((earned for _points_, earned in judged if earned is not None), Decimal(0))
    return _points(earned_total * SCHEME_TOTAL / possible)


# --- Multi-party campaigns --------------------------------------------------------------


@dataclass(frozen=True)
class GroupResult:
    group: str
    ballots: int
    mean: Decimal | None  # None: too few to show

    @property
    def shown(self) -> bool:
        return self.mean is not None


def group_result(group: str, scores: Sequence[Decimal]) -> GroupResult:
    """A group's mean, hidden below MIN_BALLOTS_SHOWN ballots (so that nobody's ballot
    can be worked out from a small group's result)."""
    if len(scores) < MIN_BALLOTS_SHOWN:
        return GroupResult(group, len(scores), None)
    return GroupResult(group, len(scores), _points(sum(scores, Decimal(0)) / len(scores)))


def weighted_score(
    results: Sequence[GroupResult], weights: Mapping[str, Decimal] = DEFAULT_GROUP_WEIGHTS
) -> tuple[Decimal | None, bool]:
    """The weighted mean over the groups shown, with the weights renormalised over those
    groups; and whether any weighted group was left out (the page says so)."""
    shown = [r for r in results if r.shown and weights.get(r.group, Decimal(0)) > 0]
    left_out = any(not r.shown and weights.get(r.group, Decimal(0)) > 0 for r in results)
    weight_sum = sum((weights[r.group] for r in shown), Decimal(0))
    if weight_sum == 0:
        return None, left_out
    total = sum((weights[r.group] * r.mean for r in shown if r.mean is not None), Decimal(0))
    return _points(total / weight_sum), left_out


def is_low(earned: Decimal, maximum: Decimal, *, share: Decimal = ITEM_LOW_SHARE) -> bool:
    """Below `share` of the maximum (items: 70 %, subjects: 80 % by default)."""
    return maximum > 0 and earned < maximum * share


# --- Democratic appraisal -----------------------------------------------------------------

EXCELLENT, QUALIFIED, BASICALLY_QUALIFIED, UNQUALIFIED = (
    "excellent",
    "qualified",
    "basically_qualified",
    "unqualified",
)
GRADES = (EXCELLENT, QUALIFIED, BASICALLY_QUALIFIED, UNQUALIFIED)


def excellent_allowed(graded: int) -> int:
    """At most a third of those graded may be 优秀 (rounded down)."""
    return max(graded, 0) // 3


def grades_error(grades: Sequence[str]) -> str | None:
    """Why a branch's proposed grades cannot stand, or None."""
    unknown = [grade for grade in grades if grade not in GRADES]
    if unknown:
        return _("Unknown grade: %(grade)s.") % {"grade": unknown[0]}
    excellent = sum(1 for grade in grades if grade == EXCELLENT)
    allowed = excellent_allowed(len(grades))
    if excellent > allowed:
        return _(
            "At most a third of those graded may be excellent: %(allowed)s of %(graded)s, "
            "not %(excellent)s."
        ) % {"allowed": allowed, "graded": len(grades), "excellent": excellent}
    return None
