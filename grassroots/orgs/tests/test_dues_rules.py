"""The dues rules (RULES.md "Dues"): brackets, fixed amounts, rounding half up, back
payment and arrears."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.orgs.dues import rules

D = Decimal


@pytest.mark.parametrize(
    ("kind", "base", "due"),
    [
        (rules.EMPLOYEE, D("3000.00"), D("15.00")),  # ≤ 3,000: 0.5 %
        (rules.EMPLOYEE, D("3000.01"), D("30.00")),  # above: 1 %
        (rules.EMPLOYEE, D("5000.00"), D("50.00")),
        (rules.EMPLOYEE, D("5000.01"), D("75.00")),  # 1.5 %, 75.00015 rounds to 75.00
        (rules.EMPLOYEE, D("10000.00"), D("150.00")),
        (rules.EMPLOYEE, D("10000.01"), D("200.00")),  # 2 %
        (rules.EMPLOYEE, D("2345.67"), D("11.73")),  # 11.72835, half up
        (rules.EMPLOYEE, D("0"), D("0.00")),
        (rules.RETIREE, D("5000.00"), D("25.00")),
        (rules.RETIREE, D("5000.01"), D("50.00")),
        (rules.STUDENT, D("0"), D("0.20")),
        (rules.LAID_OFF, D("9999"), D("0.20")),
        (rules.RELIEF, D("1"), D("0.20")),
        (rules.FARMER, D("0.50"), D("0.50")),
    ],
)
def test_monthly_due(kind, base, due):
    assert rules.monthly_due(kind, base) == due


def test_half_up_not_bankers_rounding():
    # 0.5 % of 2,001.00 is exactly 10.005: half up gives 10.01, banker's rounding 10.00
    assert rules.monthly_due(rules.EMPLOYEE, D("2001.00")) == D("10.01")


@pytest.mark.parametrize(
    ("kind", "base", "problem"),
    [
        (rules.EMPLOYEE, D("-1"), "negative"),
        (rules.FARMER, D("1.01"), "farmer_range"),
        (rules.FARMER, D("0.10"), "farmer_range"),
        ("cadre", D("1"), "kind"),
        (rules.EMPLOYEE, D("NaN"), "negative"),
    ],
)
def test_bases_the_rules_refuse(kind, base, problem):
    with pytest.raises(rules.DuesRuleError, match=problem):
        rules.monthly_due(kind, base)


@given(st.decimals(min_value=0, max_value=1_000_000, places=2))
def test_a_higher_pay_never_pays_less(base):
    assert rules.monthly_due(rules.EMPLOYEE, base + D("0.01")) >= rules.monthly_due(
        rules.EMPLOYEE, base
    )


def test_back_payment_reaches_six_months():
    today = datetime.date(2026, 9, 15)
    assert rules.may_pay_back(datetime.date(2026, 3, 1), today=today)
    assert not rules.may_pay_back(datetime.date(2026, 2, 1), today=today)


def test_arrears_count_from_the_oldest_unpaid_bill():
    today = datetime.date(2026, 9, 15)
    assert rules.months_in_arrears([], today=today) == 0
    assert rules.months_in_arrears([datetime.date(2026, 9, 1)], today=today) == 0
    assert rules.months_in_arrears([datetime.date(2026, 6, 1)], today=today) == 3
    assert (
        rules.months_in_arrears(
            [datetime.date(2026, 8, 1), datetime.date(2025, 12, 1)], today=today
        )
        == 9
    )


def test_months_between_crosses_the_year():
    assert rules.months_between(datetime.date(2025, 11, 20), datetime.date(2026, 2, 3)) == [
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]
