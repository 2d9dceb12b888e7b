"""The appraisal's pure rules: one grade each, 不合格 with a measure and a due date, and
the cap on 优秀 over those graded."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from grassroots.evaluation.appraisal.rules import (
    GradeEntry,
    cap_error,
    entry_errors,
    shown_counts,
    year_error,
)
from grassroots.evaluation.rules import EXCELLENT, GRADES, QUALIFIED, UNQUALIFIED

TODAY = datetime.date(2026, 12, 6)
MEASURES = ("correct", "persuade", "strike_off")


def test_a_missing_or_unknown_grade_is_named_on_its_member():
    errors = entry_errors(
        {1: GradeEntry(""), 2: GradeEntry("great"), 3: GradeEntry(QUALIFIED)},
        measures=MEASURES,
        today=TODAY,
        year=TODAY.year,
    )
    assert set(errors) == {"grade_1", "grade_2"}


def test_unqualified_wants_a_measure_and_a_due_date_not_past():
    assert set(
        entry_errors({1: GradeEntry(UNQUALIFIED)}, measures=MEASURES, today=TODAY, year=TODAY.year)
    ) == {
        "measure_1",
        "due_1",
    }
    late = GradeEntry(UNQUALIFIED, "correct", TODAY - datetime.timedelta(days=1))
    assert set(entry_errors({1: late}, measures=MEASURES, today=TODAY, year=TODAY.year)) == {
        "due_1"
    }
    fine = GradeEntry(UNQUALIFIED, "correct", TODAY)
    assert entry_errors({1: fine}, measures=MEASURES, today=TODAY, year=TODAY.year) == {}


def test_a_measure_is_due_by_the_end_of_the_second_year_after_the_appraisal():
    last = GradeEntry(UNQUALIFIED, "correct", datetime.date(2024 + 2, 12, 31))
    assert entry_errors({1: last}, measures=MEASURES, today=TODAY, year=2024) == {}
    slip = GradeEntry(UNQUALIFIED, "correct", datetime.date(2027, 1, 1))
    errors = entry_errors({1: slip}, measures=MEASURES, today=TODAY, year=2024)
    assert set(errors) == {"due_1"} and "2026-12-31" in errors["due_1"]


def test_the_year_is_this_year_or_last_year():
    assert year_error(TODAY.year, TODAY) is None
    assert year_error(TODAY.year - 1, TODAY) is None
    assert year_error(TODAY.year - 2, TODAY)
    assert year_error(TODAY.year + 1, TODAY)
    assert year_error(0, TODAY)


def test_counts_are_shown_only_from_three_suggesters():
    assert shown_counts({EXCELLENT: 1, QUALIFIED: 1}) == {}
    assert shown_counts({}) == {}
    assert shown_counts({EXCELLENT: 1, QUALIFIED: 2}) == {
        EXCELLENT: 1,
        QUALIFIED: 2,
        "basically_qualified": 0,
        UNQUALIFIED: 0,
    }


def test_a_fourth_excellent_of_nine_breaks_the_cap():
    three = {i: GradeEntry(EXCELLENT if i < 3 else QUALIFIED) for i in range(9)}
    four = {i: GradeEntry(EXCELLENT if i < 4 else QUALIFIED) for i in range(9)}
    assert cap_error(three) is None
    assert cap_error(four) is not None


@given(st.lists(st.sampled_from(GRADES), max_size=40))
def test_the_cap_holds_exactly_when_excellent_is_at_most_a_third(grades):
    chosen = {i: GradeEntry(grade) for i, grade in enumerate(grades)}
    within = 3 * grades.count(EXCELLENT) <= len(grades)
    assert (cap_error(chosen) is None) == within
