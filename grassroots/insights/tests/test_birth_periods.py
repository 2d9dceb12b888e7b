"""The birth periods the structure report classifies members by, without the database."""

from __future__ import annotations

import bisect
import datetime

from hypothesis import given
from hypothesis import strategies as st

from grassroots.insights.structure import birth_periods
from grassroots.orgs import rules

dates = st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2060, 12, 31))


@given(birth=dates, on=dates)
def test_a_birth_dates_period_gives_its_age_band_and_cohort(birth, on):
    # given: the period the database's CASE puts the birth date in (the first edge
    # after it, or the last period)
    edges, periods = birth_periods(on)
    period = periods[bisect.bisect_right(edges, birth)]
    # then: the band is the one of the person's age (or ≤30 for someone not born yet,
    # as the birth-date ranges say), and the cohort the one of the year of birth
    if birth <= on:
        assert period.age_band == rules.age_band(rules.age_on(birth, on)).key
    else:
        assert period.age_band == rules.AGE_BANDS[0].key
    cohort = rules.cohort_key(birth.year)
    assert period.cohort == (cohort if cohort in rules.COHORT_DECADES else None)


def test_edges_are_ascending_and_periods_one_more():
    edges, periods = birth_periods(datetime.date(2024, 2, 29))
    assert edges == sorted(set(edges))
    assert len(periods) == len(edges) + 1
