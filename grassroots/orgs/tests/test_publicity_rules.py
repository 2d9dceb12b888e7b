"""When a public notice runs: counted in working days on the calendar given."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.orgs.publicity import rules


def weekdays(day: datetime.date) -> bool:
    return day.weekday() < 5


def test_five_working_days_from_a_monday_end_on_friday():
    monday = datetime.date(2026, 3, 2)
    assert rules.notice_period(monday, 5, is_workday=weekdays) == (
        monday,
        datetime.date(2026, 3, 6),
    )


def test_published_on_saturday_it_starts_on_monday():
    saturday = datetime.date(2026, 3, 7)
    assert rules.notice_period(saturday, 5, is_workday=weekdays) == (
        datetime.date(2026, 3, 9),
        datetime.date(2026, 3, 13),
    )


def test_a_holiday_week_is_skipped_and_a_make_up_saturday_counts():
    holidays = {datetime.date(2026, 3, 3), datetime.date(2026, 3, 4)}
    make_up = datetime.date(2026, 3, 7)

    def calendar(day: datetime.date) -> bool:
        return day == make_up or (weekdays(day) and day not in holidays)

    # Mon, Thu, Fri, the make-up Saturday, then Monday.
    assert rules.notice_period(datetime.date(2026, 3, 2), 5, is_workday=calendar) == (
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 9),
    )


@given(
    start=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2090, 1, 1)),
    days=st.integers(min_value=1, max_value=rules.MAX_WORKING_DAYS),
)
def test_the_period_holds_exactly_the_working_days_asked(start, days):
    first, last = rules.notice_period(start, days, is_workday=weekdays)
    span = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    assert first >= start and weekdays(first) and weekdays(last)
    assert sum(weekdays(day) for day in span) == days


def test_a_calendar_without_working_days_is_refused():
    with pytest.raises(ValueError, match="no working day"):
        rules.notice_period(datetime.date(2026, 1, 1), 5, is_workday=lambda day: False)


@pytest.mark.parametrize(
    ("today", "phase"),
    [(1, "upcoming"), (2, "open"), (4, "open"), (6, "open"), (7, "closed")],
)
def test_phase_by_day(today, phase):
    assert (
        rules.notice_phase(
            datetime.date(2026, 3, 2),
            datetime.date(2026, 3, 6),
            today=datetime.date(2026, 3, today),
        )
        == phase
    )
