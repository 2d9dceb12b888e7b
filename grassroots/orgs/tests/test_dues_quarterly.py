"""Quarterly payment where the branch approved it (按季度交纳): the dues officer records
the branch's decision (append-only, revocable); an approved member pays the rest of this
quarter at once, ahead, their bills made by the monthly job's own rule on paying — and
the job later makes no second bill. Without the approval paying ahead is refused."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grassroots.orgs.dues import rules, services
from grassroots.orgs.dues.models import DuesBill, DuesMonthClose, DuesPayment, DuesQuarterly

TODAY = datetime.date(2026, 10, 15)
SEP, OCT, NOV, DEC = (datetime.date(2026, m, 1) for m in (9, 10, 11, 12))
JAN27 = datetime.date(2027, 1, 1)


@pytest.fixture
def billed(world):
    services.base_set(
        actor=None,
        member=world.member_a,
        kind="employee",
        amount=Decimal("4000.00"),
        from_month=SEP,
    )
    services.bills_make(SEP)
    services.bills_make(OCT)
    return world


def approve(world, from_month=OCT, approve=True, decided_on=TODAY):
    return services.quarterly_decide(
        actor=world.officer_a,
        member=world.member_a,
        approve=approve,
        from_month=from_month,
        decided_on=decided_on,
        decided_by="支部委员会会议",
        today=TODAY,
    )


def pay(world, months, key=None, paid_on=TODAY):
    return services.payment_record(
        actor=None,
        member=world.member_a,
        months=months,
        method="cash",
        paid_on=paid_on,
        today=TODAY,
        idempotency_key=key,
    )


def test_the_quarter_and_the_approval_in_force():
    assert rules.quarter_months(NOV) == [OCT, NOV, DEC]
    assert rules.quarter_months(JAN27)[-1] == datetime.date(2027, 3, 1)
    assert not rules.quarterly_in_force([], NOV)
    assert rules.quarterly_in_force([(OCT, True)], NOV)
    assert not rules.quarterly_in_force([(OCT, True)], SEP)
    assert not rules.quarterly_in_force([(OCT, True), (NOV, False)], DEC)
    assert rules.quarterly_in_force([(OCT, True), (NOV, False)], OCT)
    # recorded later, from an earlier month: the later month's decision still wins
    assert rules.quarterly_in_force([(NOV, True), (OCT, False)], NOV)


def test_without_approval_paying_ahead_is_refused_and_nothing_is_saved(billed):
    with pytest.raises(ValidationError) as error:
        pay(billed, [OCT, NOV])
    assert "months" in error.value.message_dict
    assert not DuesBill.objects.filter(month=NOV).exists()
    assert not DuesPayment.objects.exists()


def test_an_approved_member_pays_the_quarter_ahead_and_the_job_bills_no_more(billed):
    approve(billed)
    entries = pay(billed, [OCT, NOV, DEC])
    assert [e.bill.month for e in entries] == [OCT, NOV, DEC]
    assert all(e.amount == Decimal("40.00") for e in entries)
    ahead = DuesBill.objects.get(member=billed.member_a, month=NOV)
    assert ahead.branch_id == billed.branch_a.pk and ahead.amount == Decimal("40.00")
    services.bills_make(NOV)
    services.bills_make(DEC)
    assert DuesBill.objects.filter(member=billed.member_a, month__in=[NOV, DEC]).count() == 2
    # the month the job bills for the others is unchanged for the member paid ahead
    assert DuesBill.objects.get(member=billed.member_a, month=NOV).pk == ahead.pk


def test_a_double_submit_pays_the_quarter_once(billed):
    approve(billed)
    first = pay(billed, [OCT, NOV, DEC], key="k1")
    again = pay(billed, [OCT, NOV, DEC], key="k1")
    assert {e.pk for e in first} == {e.pk for e in again}
    assert DuesPayment.objects.count() == 3
    assert DuesBill.objects.filter(member=billed.member_a).count() == 4  # Sep to Dec


def test_beyond_this_quarter_is_refused(billed):
    approve(billed)
    with pytest.raises(ValidationError):
        pay(billed, [OCT, NOV, DEC, JAN27])
    assert not DuesBill.objects.filter(month__gt=OCT).exists()
    assert not DuesPayment.objects.exists()


def test_a_payment_booked_in_a_closed_month_is_refused_and_makes_no_bill(billed):
    approve(billed)
    DuesMonthClose.objects.create(branch=billed.branch_a, month=SEP)
    with pytest.raises(ValidationError):
        pay(billed, [OCT, NOV], paid_on=datetime.date(2026, 9, 30))
    assert not DuesBill.objects.filter(month=NOV).exists()
    assert not DuesPayment.objects.exists()


def test_a_revoked_approval_pays_monthly_again(billed):
    approve(billed)
    approve(billed, from_month=NOV, approve=False)
    assert DuesQuarterly.objects.filter(member=billed.member_a).count() == 2  # history kept
    with pytest.raises(ValidationError):
        pay(billed, [NOV])
    assert pay(billed, [OCT])[0].bill.month == OCT


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"decided_on": TODAY + datetime.timedelta(days=1)}, "decided_on"),
        ({"decided_on": None}, "decided_on"),
        ({"decided_by": "  "}, "decided_by"),
        ({"from_month": None}, "from_month"),
        ({"approve": False}, "__all__"),  # nothing to revoke
    ],
)
def test_a_bad_decision_is_refused_and_nothing_saved(billed, kwargs, field):
    values = {
        "approve": True,
        "from_month": OCT,
        "decided_on": TODAY,
        "decided_by": "支部委员会会议",
    } | kwargs
    with pytest.raises(ValidationError) as error:
        services.quarterly_decide(actor=None, member=billed.member_a, today=TODAY, **values)
    assert field in error.value.message_dict
    assert not DuesQuarterly.objects.exists()


def test_an_approval_in_force_is_not_approved_twice(billed):
    approve(billed)
    with pytest.raises(ValidationError):
        approve(billed, from_month=NOV)
    assert DuesQuarterly.objects.count() == 1


def test_a_base_refixed_from_a_month_billed_ahead_is_refused(billed):
    """docs/rules.md: the months paid ahead keep the base they were billed from; the
    new base goes from the month after the quarter paid."""
    approve(billed)
    pay(billed, [OCT, NOV, DEC])
    with pytest.raises(ValidationError) as error:
        services.base_set(
            actor=None,
            member=billed.member_a,
            kind="employee",
            amount=Decimal(8000),
            from_month=NOV,
        )
    assert "from_month" in error.value.message_dict
    services.base_set(
        actor=None, member=billed.member_a, kind="employee", amount=Decimal(8000), from_month=JAN27
    )
    assert DuesBill.objects.get(member=billed.member_a, month=NOV).amount == Decimal("40.00")
