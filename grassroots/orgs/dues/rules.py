"""Party dues as pure functions (RULES.md "Dues", 《关于中国共产党党费收缴、使用和管理的规定》,
2008): the monthly amount from a base, the months a payment may cover, arrears, and the
month's reconciliation. Money is Decimal, rounded half up to 0.01 元."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

# The kinds of member for the dues (DuesBase.kind)
EMPLOYEE, RETIREE, STUDENT, LAID_OFF, RELIEF, FARMER = (
    "employee",
    "retiree",
    "student",
    "laid_off",
    "relief",
    "farmer",
)
FIXED_KINDS = frozenset({STUDENT, LAID_OFF, RELIEF})  # 0.20 元 a month, whatever the base
FIXED_DUE = Decimal("0.20")
FARMER_MIN, FARMER_MAX = Decimal("0.20"), Decimal("1.00")

# (upper bound of the base, inclusive, rate); None: no upper bound
EMPLOYEE_BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal(3000), Decimal("0.005")),
    (Decimal(5000), Decimal("0.01")),
    (Decimal(10000), Decimal("0.015")),
    (None, Decimal("0.02")),
)
RETIREE_BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal(5000), Decimal("0.005")),
    (None, Decimal("0.01")),
)
BACK_PAYMENT_MONTHS = 6
VOLUNTARY_MIN = Decimal(1000)
WARN_MONTHS = 3
FLAG_MONTHS = 6
AMOUNT_MAX = Decimal("10000000.00")  # far above any pay; guards against typing slips


class DuesRuleError(ValueError):
    """A base or amount the rules cannot take (negative, out of range, unknown kind)."""


def money(value: Decimal) -> Decimal:
    """Round to the fen, half up."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def rate_for(kind: str, base: Decimal) -> Decimal:
    brackets = EMPLOYEE_BRACKETS if kind == EMPLOYEE else RETIREE_BRACKETS
    for ceiling, rate in brackets:
        if ceiling is None or base <= ceiling:
            return rate
    raise AssertionError("the last bracket has no ceiling")


def monthly_due(kind: str, base: Decimal) -> Decimal:
    """What a member pays each month. For employees and retirees `base` is the monthly
    after-tax pay or pension; for farmers it is the amount the branch fixed (0.20 to
    1.00 元); students, the laid-off and those on relief pay 0.20 元."""
    if not base.is_finite() or base < 0:
        raise DuesRuleError("negative")
    if kind in (EMPLOYEE, RETIREE):
        if base > AMOUNT_MAX:
            raise DuesRuleError("too_large")
        return money(base * rate_for(kind, base))
    if kind in FIXED_KINDS:
        return FIXED_DUE
    if kind == FARMER:
        if not FARMER_MIN <= base <= FARMER_MAX:
            raise DuesRuleError("farmer_range")
        return money(base)
    raise DuesRuleError("kind")


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Every month from `first` to `last`, both included (first days of months)."""
    months: list[datetime.date] = []
    month = month_of(first)
    while month <= month_of(last):
        months.append(month)
        month = add_months(month, 1)
    return months


def quarter_months(month: datetime.date) -> list[datetime.date]:
    """The three months of the calendar quarter a month is in."""
    first = datetime.date(month.year, (month.month - 1) // 3 * 3 + 1, 1)
    return [add_months(first, count) for count in range(3)]


def quarterly_in_force(
    decisions: Iterable[tuple[datetime.date, bool]], month: datetime.date
) -> bool:
    """Whether the branch's approval of quarterly payment is in force in a month, from
    its decisions in the order recorded: (from month, approved or revoked). The latest
    decision from that month or before wins (by its month, then as recorded)."""
    in_force = [(index, d) for index, d in enumerate(decisions) if d[0] <= month_of(month)]
    if not in_force:
        return False
    return max(in_force, key=lambda found: (found[1][0], found[0]))[1][1]


def may_pay_back(month: datetime.date, *, today: datetime.date) -> bool:
    """A bill may be paid up to six months after its month (RULES: back payment ≤ 6
    months); beyond that the branch deals with it, not the ledger."""
    return add_months(month_of(month), BACK_PAYMENT_MONTHS) >= month_of(today)


def first_billed_month(admitted_on: datetime.date | None) -> datetime.date | None:
    """Probationary members pay from the month of the admitting assembly."""
    return None if admitted_on is None else month_of(admitted_on)


def months_in_arrears(unpaid: Iterable[datetime.date], *, today: datetime.date) -> int:
    """How many whole months the oldest unpaid bill is behind: a bill for this month is
    not yet in arrears; last month's unpaid bill is one month behind."""
    months = sorted(unpaid)
    if not months:
        return 0
    this = month_of(today)
    return max(0, (this.year - months[0].year) * 12 + this.month - months[0].month)


@dataclass(frozen=True)
class Reconciliation:
    billed: Decimal
    paid: Decimal
    outstanding: Decimal

    @property
    def balances(self) -> bool:
        return self.billed == self.paid + self.outstanding


def reconcile(bills: Iterable[Decimal], paid_per_bill: Iterable[Decimal]) -> Reconciliation:
    """A month's book: what was billed, what of it was paid (net of reversals, never
    more than the bill), and what is still owed."""
    billed_list = list(bills)
    paid_list = list(paid_per_bill)
    billed = sum(billed_list, ZERO)
    paid = sum((min(b, p) for b, p in zip(billed_list, paid_list, strict=True)), ZERO)
    return Reconciliation(billed, paid, billed - paid)
