"""The yearly dues publication drafted from the ledger: collected per month, the
voluntary payments apart, and the lines for what was handed up and used to fill in."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from grassroots.core.periods import Period
from grassroots.openness.notices.drafts import draft_for
from grassroots.openness.vocabulary import NoticeKind
from grassroots.orgs.dues import selectors, services

pytestmark = pytest.mark.django_db
JAN, FEB = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)
TODAY = datetime.date(2026, 3, 10)


def test_the_dues_draft_reads_the_ledger(world):
    for member, amount in ((world.member_a, "4000.00"), (world.member_b, "8000.00")):
        services.base_set(
            actor=None, member=member, kind="employee", amount=Decimal(amount), from_month=JAN
        )
    services.bills_make(JAN)
    services.bills_make(FEB)
    # member_a owes 40.00 a month and paid both; member_b (branch B) owes 120.00
    services.payment_record(
        actor=None,
        member=world.member_a,
        months=[JAN, FEB],
        method="cash",
        paid_on=FEB,
        today=TODAY,
    )
    (wrong,) = services.payment_record(
        actor=None, member=world.member_b, months=[JAN], method="cash", paid_on=FEB, today=TODAY
    )
    services.payment_reverse(actor=None, payment=wrong, reason="记错了人", today=TODAY)
    services.voluntary_record(
        actor=None,
        member=world.member_a,
        amount=Decimal("1000.00"),
        method="transfer",
        paid_on=FEB,
        today=TODAY,
    )
    draft = draft_for(world.branch_a, NoticeKind.DUES, Period.year(2026), today=TODAY)
    assert draft is not None and draft.from_records
    assert "80.00" in draft.body and "2026-01" in draft.body and "2026-02" in draft.body
    assert "1000.00" in draft.body
    from django.utils.translation import gettext

    # the use, to fill in (in the language the draft was made in)
    assert gettext("4. Used, with approval: (what for, amount)") in draft.body
    assert "120.00" not in draft.body  # branch B's member is not branch A's
    # the committee's book is the whole enterprise's: the reversal nets to nothing paid
    book = selectors.year_book(world.committee.path, year=2026)
    assert book.total.billed == Decimal("320.00")
    assert book.total.paid == Decimal("80.00")
    assert book.total.outstanding == Decimal("240.00")
    assert book.total.balances and book.members == 2
    for _month, month_book in book.months:
        assert month_book.balances
    empty = draft_for(world.branch_a, NoticeKind.DUES, Period.year(2025), today=TODAY)
    assert empty is not None and not empty.from_records


def test_the_year_book_agrees_with_each_branch_months_reconciliation(world):
    services.base_set(
        actor=None,
        member=world.member_a,
        kind="retiree",
        amount=Decimal("6000.00"),
        from_month=JAN,
    )
    services.bills_make(JAN)
    services.bills_make(FEB)
    services.payment_record(
        actor=None,
        member=world.member_a,
        months=[FEB],
        method="payroll",
        paid_on=FEB,
        today=TODAY,
    )
    book = dict(selectors.year_book(world.branch_a.path, year=2026).months)
    for month in (JAN, FEB):
        assert book[month] == selectors.reconciliation(world.branch_a, month)
