"""The dates of commitments: which years may be drafted, when the year-end judgement opens."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from grassroots.service.commitments import rules

days = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 31))


@given(days)
def test_this_year_is_always_draftable_and_no_past_year_ever(today):
    years = rules.draftable_years(today)
    assert today.year in years
    assert all(year >= today.year for year in years)
    assert all(year <= today.year + 1 for year in years)


@given(days)
def test_next_year_is_draftable_only_from_november(today):
    assert (today.year + 1 in rules.draftable_years(today)) == (today.month >= 11)


@given(st.integers(2000, 2099), days)
def test_the_year_end_judgement_opens_on_december_first_and_stays_open(year, today):
    opens = datetime.date(year, 12, 1)
    assert rules.assessment_open(year, today) == (today >= opens)
    if today.year > year:
        assert rules.assessment_open(year, today)  # any time after the year
    if today.year < year:
        assert not rules.assessment_open(year, today)


def test_the_boundary_days_of_the_judgement():
    assert not rules.assessment_open(2026, datetime.date(2026, 11, 30))
    assert rules.assessment_open(2026, datetime.date(2026, 12, 1))
    assert rules.assessment_open(2026, datetime.date(2027, 1, 1))


@given(st.integers(2000, 2099), days, days)
def test_a_progress_note_is_dated_in_the_year_and_not_in_the_future(year, on, today):
    ok = rules.progress_date_ok(on, year=year, today=today)
    assert ok == (on.year == year and on <= today)
