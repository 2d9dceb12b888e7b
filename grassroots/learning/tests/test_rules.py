import datetime
from decimal import Decimal

import pytest

from grassroots.learning import rules


def test_session_hours_whole_day_half_day_and_per_hour():
    kw = {"whole_day": 8, "half_day": 4, "per_hour": 1}
    assert rules.session_hours("day", **kw) == 8
    assert rules.session_hours("half", **kw) == 4
    assert rules.session_hours("2", **kw) == 2
    assert rules.session_hours("1.5", **kw) == Decimal("1.5")


@pytest.mark.parametrize("bad", ["", "0", "-1", "25", "nan", "inf", "two"])
def test_session_hours_refuses_nonsense(bad):
    with pytest.raises(rules.SessionLengthError):
        rules.session_hours(bad, whole_day=8, half_day=4, per_hour=1)
    assert not rules.is_session_length(bad)


def test_targets_follow_the_post():
    assert rules.target_for(holds_committee_post=False, member_target=32, officer_target=56) == 32
    assert rules.target_for(holds_committee_post=True, member_target=32, officer_target=56) == 56


def test_a_years_hours_count_in_that_year_only():
    lines = [
        rules.HoursLine("course", "a", datetime.date(2025, 12, 31), Decimal(4)),
        rules.HoursLine("course", "b", datetime.date(2026, 1, 1), Decimal(2)),
    ]
    assert rules.total(rules.in_year(lines, 2026)) == 2
    assert rules.is_below(Decimal("31.9"), 32) and not rules.is_below(Decimal(32), 32)


@pytest.mark.parametrize(
    ("hours", "problem"),
    [
        (None, "missing"),
        (Decimal(0), "not_positive"),
        (Decimal(-3), "not_positive"),
        (Decimal(201), "too_many"),
        (Decimal("NaN"), "not_positive"),
        (Decimal(8), None),
    ],
)
def test_hours_typed_in(hours, problem):
    assert rules.hours_error(hours) == problem
