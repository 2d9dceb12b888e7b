"""Pure rules of the democratic appraisal beyond the cap on 优秀 (which lives with the
other evaluation rules): what a set of grades for a branch must satisfy."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from grassroots.evaluation.rules import GRADES, UNQUALIFIED, grades_error

# Counts of suggestions for a member are shown only when at least this many people
# suggested a grade for them: below it, a count points at the few who suggested.
MIN_SUGGESTERS = 3
# An 不合格 measure is due at the latest by the end of the second year after the
# appraisal's (a date further off is a typing slip, not a time limit).
MEASURE_YEARS = 2


def year_error(year: int, today: datetime.date) -> str | None:
    """The appraisal's year is this year or last year (None when it is)."""
    if today.year - 1 <= year <= today.year:
        return None
    return _("Choose this year or last year.")


def latest_due_date(year: int) -> datetime.date:
    return datetime.date(year + MEASURE_YEARS, 12, 31)


def shown_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """The counts per grade a member received, as they may be shown: all four grades
    when at least `MIN_SUGGESTERS` people suggested (each suggests once per member),
    nothing otherwise."""
    kept = {grade: int(counts.get(grade, 0)) for grade in GRADES}
    return kept if sum(kept.values()) >= MIN_SUGGESTERS else {}


@dataclass(frozen=True)
class GradeEntry:
    grade: str  # "" when not given
    measure: str = ""  # required with 不合格
    due_on: datetime.date | None = None


def entry_errors(
    entries: Mapping[int, GradeEntry],
    *,
    measures: tuple[str, ...],
    today: datetime.date,
    year: int,
) -> dict[str, str]:
    """Field errors (keyed `grade_<id>`, `measure_<id>`, `due_<id>`) for one grade per
    graded member: every member graded, a known grade, and 不合格 with its follow-up
    measure and a due date not in the past nor after the end of the second year after
    the appraisal's `year`. A measure without 不合格 is ignored."""
    errors: dict[str, str] = {}
    latest = latest_due_date(year)
    for pk, entry in entries.items():
        if not entry.grade:
            errors[f"grade_{pk}"] = _("Choose a grade.")
        elif entry.grade not in GRADES:
            errors[f"grade_{pk}"] = _("Unknown grade: %(grade)s.") % {"grade": entry.grade}
        elif entry.grade == UNQUALIFIED:
            if entry.measure not in measures:
                errors[f"measure_{pk}"] = _(
                    "An unqualified grade needs its follow-up measure: choose one."
                )
            if entry.due_on is None:
                errors[f"due_{pk}"] = _("Give the date by which the measure is due.")
            elif entry.due_on < today:
                errors[f"due_{pk}"] = _("The due date cannot be in the past.")
            elif entry.due_on > latest:
                errors[f"due_{pk}"] = _(
                    "The measure is due by %(latest)s at the latest: give an earlier date."
                ) % {"latest": latest.isoformat()}
    return errors


def cap_error(entries: Mapping[int, GradeEntry]) -> str | None:
    """The cap on 优秀 over everyone graded (None when within it)."""
    return grades_error([entry.grade for entry in entries.values() if entry.grade in GRADES])
