"""When a catalogue item falls due (rules.period_due), as pure functions over dates."""

from __future__ import annotations

import datetime

from grassroots.openness import rules

D = datetime.date


def test_a_plan_is_due_its_grace_after_the_year_starts() -> None:
    # within the year, 90 days: 2026's plan due on 1 April 2026
    assert rules.period_due("year", "within", 90, today=D(2026, 3, 31))[0].key == "2025"
    period, due_on = rules.period_due("year", "within", 90, today=D(2026, 4, 1))
    assert (period.key, due_on) == ("2026", D(2026, 4, 1))


def test_a_summary_is_due_its_grace_after_the_year_ends() -> None:
    # after the year, 31 days: 2025's summary due on 1 February 2026
    assert rules.period_due("year", "after", 31, today=D(2026, 1, 31))[0].key == "2024"
    period, due_on = rules.period_due("year", "after", 31, today=D(2026, 2, 1))
    assert (period.key, due_on) == ("2025", D(2026, 2, 1))


def test_quarters_and_events() -> None:
    period, due_on = rules.period_due("quarter", "after", 15, today=D(2026, 7, 16))
    assert (period.key, due_on) == ("2026-Q2", D(2026, 7, 16))
    assert rules.period_due("quarter", "after", 15, today=D(2026, 7, 15))[0].key == "2026-Q1"
    assert rules.period_due("event", "within", 0, today=D(2026, 7, 15)) is None


def test_the_periods_a_notice_may_cover_are_this_one_and_two_before() -> None:
    keys = [p.key for p in rules.period_choices("year", today=D(2026, 12, 6))]
    assert keys == ["2026", "2025", "2024"]
    assert rules.period_choices("event", today=D(2026, 12, 6)) == []
