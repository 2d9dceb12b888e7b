"""Dues services: bases, the month's bills, payments, reversals, voluntary payments and
closing a month — with the rules' refusals, each saving nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grassroots.core.models import AuditEntry
from grassroots.orgs.dues import selectors, services
from grassroots.orgs.dues.models import DuesBase, DuesBill, DuesPayment
from grassroots.orgs.models import Member
from grassroots.orgs.tests.factories import MemberFactory

TODAY = datetime.date(2026, 9, 15)
JAN, MAR, AUG, SEP = (datetime.date(2026, m, 1) for m in (1, 3, 8, 9))


def based(member, amount="4000.00", kind="employee", month=JAN):
    return services.base_set(
        actor=None, member=member, kind=kind, amount=Decimal(amount), from_month=month
    )


def test_a_base_refuses_bad_amounts_and_saves_nothing(world):
    for amount, field in [
        (Decimal("-5"), "amount"),
        ("abc", "amount"),
        (Decimal("1.234"), "amount"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.base_set(
                actor=None, member=world.member_a, kind="employee", amount=amount, from_month=JAN
            )
        assert field in error.value.message_dict
    with pytest.raises(ValidationError):
        services.base_set(
            actor=None, member=world.member_a, kind="farmer", amount=Decimal(3), from_month=JAN
        )
    assert not DuesBase.objects.exists()


def test_the_audit_log_never_holds_the_base(world):
    based(world.member_a, "8765.43")
    entry = AuditEntry.objects.get(action="dues.base_set")
    assert "8765" not in str(entry.changes) and "8765" not in str(entry.__dict__)


def test_bills_are_made_once_from_the_base_in_force(world):
    based(world.member_a, "4000.00")
    based(world.member_a, "6000.00", month=MAR)  # a raise from March
    first = services.bills_make(JAN)
    again = services.bills_make(JAN)
    assert first.made >= 1 and again.made == 0
    assert DuesBill.objects.get(member=world.member_a, month=JAN).amount == Decimal("40.00")
    services.bills_make(MAR)
    assert DuesBill.objects.get(member=world.member_a, month=MAR).amount == Decimal("90.00")
    # members without a base get no bill and are reported to the dues officer
    assert world.member_b.pk in first.without_base


def test_a_probationary_member_pays_from_the_admitting_month(world):
    member = MemberFactory(
        branch=world.branch_a,
        stage=Member.Stage.PROBATIONARY,
        admitted_on=datetime.date(2026, 3, 20),
    )
    based(member, "3000.00")
    services.bills_make(JAN)
    services.bills_make(MAR)
    assert list(DuesBill.objects.filter(member=member).values_list("month", flat=True)) == [MAR]


def test_a_base_cannot_change_a_month_already_billed(world):
    based(world.member_a)
    services.bills_make(MAR)
    with pytest.raises(ValidationError) as error:
        based(world.member_a, "9000.00", month=MAR)
    assert "from_month" in error.value.message_dict


def test_payments_back_payment_limit_double_submit_and_reversal(world):
    based(world.member_a)
    for month in (datetime.date(2026, m, 1) for m in range(1, 10)):
        services.bills_make(month)
    member = world.member_a
    with pytest.raises(ValidationError, match="6"):
        services.payment_record(
            actor=None, member=member, months=[JAN], method="cash", paid_on=TODAY, today=TODAY
        )
    entries = services.payment_record(
        actor=None,
        member=member,
        months=[AUG, SEP],
        method="payroll",
        paid_on=TODAY,
        today=TODAY,
        idempotency_key="k" * 24,
    )
    again = services.payment_record(
        actor=None,
        member=member,
        months=[AUG, SEP],
        method="payroll",
        paid_on=TODAY,
        today=TODAY,
        idempotency_key="k" * 24,
    )
    assert {e.pk for e in again} == {e.pk for e in entries}
    before = DuesPayment.objects.count()
    with pytest.raises(ValidationError) as error:  # September again: already paid
        services.payment_record(
            actor=None, member=member, months=[SEP], method="cash", paid_on=TODAY, today=TODAY
        )
    assert "months" in error.value.message_dict
    assert DuesPayment.objects.count() == before
    statement = selectors.member_statement(member, year=2026, today=TODAY)
    assert statement.paid_up_to is None  # January to July are unpaid
    reversal = services.payment_reverse(
        actor=None, payment=entries[1], reason="扣错月份", today=TODAY
    )
    assert reversal.amount == -entries[1].amount
    with pytest.raises(ValidationError):
        services.payment_reverse(actor=None, payment=entries[1], reason="再来", today=TODAY)
    entries[0].amount = Decimal(1)
    with pytest.raises(ValueError, match="never edited"):
        entries[0].save()
    book = selectors.reconciliation(world.branch_a, SEP)
    assert book.balances and book.paid == Decimal(0)
    assert selectors.reconciliation(world.branch_a, AUG).paid == Decimal("40.00")


def test_a_closed_month_takes_no_more_entries(world):
    based(world.member_a)
    services.bills_make(AUG)
    services.month_close(actor=None, branch=world.branch_a, month=AUG, today=TODAY)
    with pytest.raises(ValidationError, match="2026-08"):
        services.payment_record(
            actor=None,
            member=world.member_a,
            months=[AUG],
            method="cash",
            paid_on=datetime.date(2026, 8, 30),
            today=TODAY,
        )
    with pytest.raises(ValidationError):
        services.month_close(actor=None, branch=world.branch_a, month=SEP, today=TODAY)
    assert not DuesPayment.objects.exists()


def test_voluntary_payments_are_at_least_a_thousand(world):
    with pytest.raises(ValidationError):
        services.voluntary_record(
            actor=None,
            member=world.member_a,
            amount=Decimal("999.99"),
            method="cash",
            paid_on=TODAY,
            today=TODAY,
        )
    entry = services.voluntary_record(
        actor=None,
        member=world.member_a,
        amount=Decimal("1000.00"),
        method="transfer",
        paid_on=TODAY,
        today=TODAY,
    )
    statement = selectors.member_statement(world.member_a, year=2026, today=TODAY)
    assert statement.voluntary == [entry]


def test_a_key_used_again_for_other_months_is_refused_not_swallowed(world):
    """The browser's Back restores a form with its key: a changed form sent with it is
    refused clearly, never answered with the first payment as if it were this one."""
    based(world.member_a)
    for month in (AUG, SEP):
        services.bills_make(month)
    key = "r" * 24
    services.payment_record(
        actor=None,
        member=world.member_a,
        months=[AUG],
        method="cash",
        paid_on=TODAY,
        today=TODAY,
        idempotency_key=key,
    )
    with pytest.raises(ValidationError):
        services.payment_record(
            actor=None,
            member=world.member_a,
            months=[SEP],
            method="cash",
            paid_on=TODAY,
            today=TODAY,
            idempotency_key=key,
        )
    assert DuesPayment.objects.count() == 1


def test_a_voluntary_payment_is_not_reversed_in_the_ledger(world):
    entry = services.voluntary_record(
        actor=None,
        member=world.member_a,
        amount=Decimal("1500.00"),
        method="cash",
        paid_on=TODAY,
        today=TODAY,
    )
    with pytest.raises(ValidationError):
        services.payment_reverse(actor=None, payment=entry, reason="退回", today=TODAY)
    assert DuesPayment.objects.count() == 1
