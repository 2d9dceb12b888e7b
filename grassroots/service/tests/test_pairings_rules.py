"""Days without a visit, the reminder flag and its periods, dates of visits and ends."""

from __future__ import annotations

import datetime

from hypothesis import assume, given
from hypothesis import strategies as st

from grassroots.service.pairings import rules

days = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 31))


@given(days, st.one_of(st.none(), days), days)
def test_days_without_a_visit_count_from_the_last_visit_or_the_start(started, last, today):
    result = rules.days_without_visit(started_on=started, last_visit_on=last, today=today)
    reference = last if last is not None else started
    assert result == max(0, (today - reference).days)
    assert result >= 0


@given(st.integers(0, 2000), st.integers(1, 366))
def test_overdue_from_exactly_the_limit(days_, limit):
    assert rules.visit_overdue(days_, limit=limit) == (days_ >= limit)


@given(st.integers(0, 2000), st.integers(1, 366))
def test_one_reminder_period_per_stretch_of_limit_days(days_, limit):
    period = rules.reminder_period(days_, limit=limit)
    assert (period >= 1) == rules.visit_overdue(days_, limit=limit)
    assert period * limit <= days_ < (period + 1) * limit
    # the next day is the same period unless it crosses a multiple of the limit
    following = rules.reminder_period(days_ + 1, limit=limit)
    assert following in (period, period + 1)


def test_the_default_limit_is_ninety_days():
    assert rules.DEFAULT_VISIT_DAYS == 90
    assert not rules.visit_overdue(89, limit=90)
    assert rules.visit_overdue(90, limit=90)


@given(days, days, days, st.one_of(st.none(), days))
def test_a_visit_lies_within_the_pairing_and_not_in_the_future(on, started, today, ended):
    assume(started <= today)
    ok = rules.visit_date_ok(on, started_on=started, ended_on=ended, today=today)
    last = today if ended is None else min(today, ended)
    assert ok == (started <= on <= last)


@given(days, days, days)
def test_an_end_date_lies_between_the_start_and_today(on, started, today):
    assert rules.end_date_ok(on, started_on=started, today=today) == (started <= on <= today)
