"""Pure rules of the democratic appraisal beyond the cap on 优秀 (which lives with the
other evaluation rules): what a set of grades for a branch must satisfy."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from grassroots.evaluation.rules import GRADES, UNQUALIFIED, grades_error


@dataclass(frozen=True)
class GradeEntry:
    grade: str  # "" when not given
    measure: str = ""  # required with 不合格
    due_on: datetime.date | None = None


def entry_errors(
    entries: Mapping[int, GradeEntry], *, measures: tuple[str, ...], today: datetime.date
) -> dict[str, str]:
    """Field errors (keyed `grade_<id>`, `measure_<id>`, `due_<id>`) for one grade per
    graded member: every member graded, a known grade, and 不合格 with its follow-up
    measure and a due date not in the past. A measure without 不合格 is ignored."""
    errors: dict[str, str] = {}
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
    return errors


def cap_error(entries: Mapping[int, GradeEntry]) -> str | None:
    """The cap on 优秀 over everyone graded (None when within it)."""
    return grades_error([entry.grade for entry in entries.values() if entry.grade in GRADES])
