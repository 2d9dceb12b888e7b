"""The one period type: every kind ends by the same rule, and keys read back."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.core.periods import CUSTOM, MONTH, QUARTER, YEAR, Period, periods_in_year

days = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 31))


@given(day=days, kind=st.sampled_from([MONTH, QUARTER, YEAR]))
def test_the_period_of_a_day_contains_it_and_the_next_period_starts_after_it(day, kind):
    period = Period.of(day, kind)
    assert day in period
    assert period.first <= day <= period.last
    assert period.after == period.last + datetime.timedelta(days=1)
    if period.after.year <= 2100:
        following = Period.of(period.after, kind)
        assert following.first == period.after
        assert following.previous() == period


@given(day=days, kind=st.sampled_from([MONTH, QUARTER, YEAR]))
def test_a_key_reads_back_as_the_same_period(day, kind):
    period = Period.of(day, kind)
    fallback = Period.year(1999)
    assert Period.parse(period.key, default=fallback) == period


def test_moments_belong_to_the_period_until_midnight_after_its_last_day():
    # given
    march = Period.month(2026, 3)
    # then: timestamps use Asia/Shanghai midnights, the end is exclusive
    assert march.starts.isoformat() == "2026-03-01T00:00:00+08:00"
    assert march.ends.isoformat() == "2026-04-01T00:00:00+08:00"
    assert march.ends - datetime.timedelta(microseconds=1) in march
    assert march.ends not in march
    assert march.starts in march


def test_quarters_and_years_have_the_usual_bounds():
    assert Period.quarter(2026, 1) == Period(
        datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), QUARTER
    )
    assert Period.quarter(2026, 4).last == datetime.date(2026, 12, 31)
    assert Period.year(2024).last == datetime.date(2024, 12, 31)
    assert Period.month(2024, 2).last == datetime.date(2024, 2, 29)
    assert [p.key for p in periods_in_year(2026, QUARTER)] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]


def test_a_custom_period_reads_back_and_lists_the_months_it_touches():
    period = Period.parse("2026-01-20..2026-03-02", default=Period.year(2026))
    assert period.kind == CUSTOM
    assert Period.parse(period.key, default=Period.year(2000)) == period
    assert [m.key for m in period.months()] == ["2026-01", "2026-02", "2026-03"]
    assert period.previous().last == datetime.date(2026, 1, 19)


def test_empty_text_gives_the_default():
    default = Period.month(2026, 12)
    assert Period.parse("", default=default) is default
    assert Period.parse(None, default=default) is default


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-0",
        "2026-Q5",
        "1999",
        "2101-01",
        "²０２６",
        "2026-03-01..2026-02-01",
        "x" * 10_000,
        "2026\x00",
        "-1",
        "2026-02-30..2026-03-01",
    ],
)
def test_anything_else_is_refused_with_a_value_error(text):
    with pytest.raises(ValueError):  # noqa: PT011 (the text itself, or a date error: any)
        Period.parse(text, default=Period.year(2026))
