"""Working-time arithmetic over weekends, official holidays, make-up workdays and
working-hour boundaries."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grassroots.core import workcalendar
from grassroots.core.models import CalendarDay
from grassroots.core.workcalendar import (
    add_working_minutes,
    official_is_workday,
    parse_hours,
    working_minutes_between,
)

ZONE = ZoneInfo("Asia/Shanghai")


def at(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=ZONE)


def add(start: datetime.datetime, minutes: int) -> datetime.datetime:
    return add_working_minutes(start, minutes, is_workday=official_is_workday, zone=ZONE)


def test_lunch_break_does_not_count():
    assert add(at(2026, 3, 2, 11, 50), 20) == at(2026, 3, 2, 13, 40)


def test_a_deadline_at_the_end_of_a_span_stays_there():
    assert add(at(2026, 3, 2, 11, 0), 60) == at(2026, 3, 2, 12, 0)


def test_friday_evening_continues_on_monday_morning():
    assert add(at(2026, 3, 6, 17, 0), 60) == at(2026, 3, 9, 9, 0)


def test_time_before_work_starts_counts_from_half_past_eight():
    assert add(at(2026, 3, 2, 6, 0), 30) == at(2026, 3, 2, 9, 0)


def test_national_day_2025_is_skipped():
    # 30 September is the last workday before the 1–8 October holiday
    assert add(at(2025, 9, 30, 17, 0), 60) == at(2025, 10, 9, 9, 0)


def test_make_up_workdays_of_national_day_2025_count():
    assert official_is_workday(datetime.date(2025, 9, 28))  # a Sunday
    assert official_is_workday(datetime.date(2025, 10, 11))  # a Saturday
    assert add(at(2025, 9, 27, 10, 0), 30) == at(2025, 9, 28, 9, 0)
    assert add(at(2025, 10, 10, 17, 0), 60) == at(2025, 10, 11, 9, 0)


def test_across_the_year_end():
    end = add(at(2025, 12, 31, 17, 0), 60)
    assert end.year == 2026 and official_is_workday(end.date())
    assert not official_is_workday(datetime.date(2026, 1, 1))
    assert (
        working_minutes_between(
            at(2025, 12, 31, 17, 0), end, is_workday=official_is_workday, zone=ZONE
        )
        == 60
    )


def test_five_working_days_is_a_calendar_week_without_holidays():
    start = at(2026, 3, 2, 9, 0)  # Monday
    assert add(start, 5 * 450) == at(2026, 3, 9, 9, 0)


moments = st.datetimes(
    min_value=datetime.datetime(2024, 12, 1),
    max_value=datetime.datetime(2026, 11, 30),
    timezones=st.just(ZONE),
)


@settings(max_examples=200)
@given(start=moments, minutes=st.integers(min_value=0, max_value=20 * 450))
def test_adding_then_measuring_gives_back_the_same_working_time(start, minutes):
    end = add(start, minutes)
    assert end >= start
    assert working_minutes_between(
        start, end, is_workday=official_is_workday, zone=ZONE
    ) == pytest.approx(minutes)
    if minutes:
        local = end.astimezone(ZONE)
        assert official_is_workday(local.date())
        assert any(
            span_start < local.time() <= span_end
            for span_start, span_end in workcalendar.DEFAULT_HOURS
        )


@given(start=moments, a=st.integers(0, 5000), b=st.integers(0, 5000))
def test_adding_is_monotonic(start, a, b):
    low, high = sorted((a, b))
    assert add(start, low) <= add(start, high)


@pytest.mark.parametrize(
    "text", ["", "08:30", "12:00-08:30", "08:00-12:00,11:00-13:00", "nonsense"]
)
def test_bad_working_hours_are_refused(text):
    with pytest.raises(ValueError):  # noqa: PT011 - each bad form has its own message
        parse_hours(text)


def test_working_hours_parse():
    assert parse_hours("13:30-17:30，08:30-12:00") == workcalendar.DEFAULT_HOURS


@pytest.mark.django_db
def test_an_administrators_entry_overrides_the_official_calendar():
    workcalendar.forget_overrides()
    day = datetime.date(2026, 3, 2)
    assert workcalendar.is_workday(day)
    CalendarDay.objects.create(date=day, is_workday=False, note="厂休")
    workcalendar.forget_overrides()
    assert not workcalendar.is_workday(day)
    workcalendar.forget_overrides()


@pytest.mark.django_db
def test_a_year_the_package_does_not_cover_is_flagged_until_entered():
    assert workcalendar.coverage_warnings(datetime.date(2026, 11, 22)) == []
    assert workcalendar.coverage_warnings(datetime.date(2026, 12, 5)) == [2027]
    assert workcalendar.coverage_warnings(datetime.date(2027, 3, 1)) == [2027]
    CalendarDay.objects.create(date=datetime.date(2027, 2, 6), is_workday=False, note="春节")
    assert workcalendar.coverage_warnings(datetime.date(2027, 3, 1)) == []
