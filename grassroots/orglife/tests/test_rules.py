"""Periods, requirements, quorum arithmetic and period status as pure functions."""

from __future__ import annotations

import datetime
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.core import periods
from grassroots.core.periods import Period, periods_in_year
from grassroots.orglife import rules

days = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 31))
frequencies = st.sampled_from(periods.FREQUENCIES)


@given(days, frequencies)
def test_a_day_lies_in_its_period_and_periods_tile_the_year(day, frequency):
    period = Period.of(day, frequency)
    assert day in period
    year = periods_in_year(day.year, frequency)
    assert period in year
    assert year[0].first == datetime.date(day.year, 1, 1)
    assert year[-1].last == datetime.date(day.year, 12, 31)
    for before, after in itertools.pairwise(year):
        assert after.first - before.last == datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "frequency", "key", "start", "end"),
    [
        (datetime.date(2024, 2, 10), periods.MONTH, "2024-02", (2024, 2, 1), (2024, 2, 29)),
        (datetime.date(2025, 2, 10), periods.MONTH, "2025-02", (2025, 2, 1), (2025, 2, 28)),
        (datetime.date(2026, 12, 31), periods.QUARTER, "2026-Q4", (2026, 10, 1), (2026, 12, 31)),
        (datetime.date(2026, 4, 1), periods.QUARTER, "2026-Q2", (2026, 4, 1), (2026, 6, 30)),
        (datetime.date(2026, 7, 4), periods.YEAR, "2026", (2026, 1, 1), (2026, 12, 31)),
    ],
)
def test_period_boundaries_and_keys(day, frequency, key, start, end):
    period = Period.of(day, frequency)
    assert (period.key, period.first, period.last) == (
        key,
        datetime.date(*start),
        datetime.date(*end),
    )


@given(st.integers(0, 200), st.integers(0, 200))
def test_quorum_is_more_than_half(present, entitled):
    present = min(present, entitled)
    assert rules.quorum_met(present, entitled) == (present > entitled / 2 and entitled > 0)
    if entitled:
        needed = rules.quorum_needed(entitled)
        assert rules.quorum_met(needed, entitled) and not rules.quorum_met(needed - 1, entitled)


def test_half_is_not_a_quorum():
    assert not rules.quorum_met(5, 10)
    assert rules.quorum_met(6, 10)
    assert rules.quorum_met(2, 3)
    assert not rules.quorum_met(0, 0)


FREQ = {
    rules.ASSEMBLY: periods.QUARTER,
    rules.COMMITTEE: periods.MONTH,
    rules.GROUP: periods.MONTH,
    rules.LECTURE: periods.QUARTER,
    rules.THEMED_DAY: periods.MONTH,
    rules.LIFE_MEETING: periods.YEAR,
    rules.APPRAISAL: periods.YEAR,
}


def test_what_each_kind_of_unit_must_hold():
    branch = rules.requirements(unit_kind="branch", has_committee=False, frequencies=FREQ)
    assert [r.kind for r in branch] == [
        rules.ASSEMBLY,
        rules.LECTURE,
        rules.THEMED_DAY,
        rules.LIFE_MEETING,
        rules.APPRAISAL,
    ]
    with_committee = rules.requirements(unit_kind="branch", has_committee=True, frequencies=FREQ)
    assert rules.COMMITTEE in [r.kind for r in with_committee]
    group = rules.requirements(unit_kind="group", has_committee=False, frequencies=FREQ)
    assert [(r.kind, r.frequency) for r in group] == [(rules.GROUP, periods.MONTH)]
    assert rules.requirements(unit_kind="committee", has_committee=True, frequencies=FREQ) == []
    switched_off = FREQ | {rules.LECTURE: ""}
    lectures = rules.requirements(unit_kind="branch", has_committee=False, frequencies=switched_off)
    assert rules.LECTURE not in [r.kind for r in lectures]


Q1 = Period.of(datetime.date(2026, 1, 1), periods.QUARTER)


@pytest.mark.parametrize(
    ("today", "held", "planned", "expected"),
    [
        (datetime.date(2026, 4, 2), 1, 0, rules.DONE),
        (datetime.date(2026, 4, 1), 0, 0, rules.MISSING),
        (datetime.date(2026, 4, 1), 0, 1, rules.MISSING),  # planned but never held
        (datetime.date(2025, 12, 31), 0, 0, rules.FUTURE),
        (datetime.date(2026, 3, 31), 0, 0, rules.DUE_SOON),
        (datetime.date(2026, 3, 22), 0, 0, rules.DUE_SOON),  # 9 days left < 10
        (datetime.date(2026, 3, 21), 0, 0, rules.OPEN),  # 10 days left
        (datetime.date(2026, 3, 30), 0, 1, rules.PLANNED),
        (datetime.date(2026, 2, 1), 2, 0, rules.DONE),
    ],
)
def test_period_status(today, held, planned, expected):
    status = rules.period_status(Q1, held=held, planned=planned, times=1, today=today, soon_days=10)
    assert status == expected


@given(days, st.integers(1, 24))
def test_months_before_stays_in_range(day, months):
    earlier = rules.months_before(day, months)
    assert earlier < day
    assert (day.year - earlier.year) * 12 + day.month - earlier.month == months


def test_six_months_without_attendance_is_flagged():
    today = datetime.date(2026, 8, 31)
    assert rules.inactive_since([], today=today)
    assert rules.inactive_since([datetime.date(2026, 2, 27)], today=today)
    assert not rules.inactive_since([datetime.date(2026, 2, 28)], today=today)  # Feb has 28
    assert not rules.inactive_since([datetime.date(2026, 8, 1)], today=today)
