"""The dues ledger never loses a fen: for any sequence of bills, payments (a quarter paid
ahead where the branch approved it, its bills made on paying), reversals, transfers and
month closes, each branch's month reconciles — billed = paid +
outstanding, each figure read from the ledger by its own query — no bill is paid twice
or in part, and nothing is booked in a month after it was closed. A bill of a month
after this one is made only on paying ahead: for a member whose quarterly payment the
branch approved for that month, and within this quarter (a month past it is refused)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grassroots.orgs.dues import rules, selectors, services
from grassroots.orgs.dues.models import DuesBill, DuesMonthClose, DuesPayment
from grassroots.orgs.models import Member

TODAY = datetime.date(2026, 8, 15)  # September is this quarter's month to pay ahead
MONTHS = [datetime.date(2026, month, 1) for month in range(1, 10)]
THIS = rules.month_of(TODAY)
PAST_THE_QUARTER = datetime.date(2026, 10, 1)
METHODS = ["cash", "transfer", "payroll"]

operations = st.lists(
    st.one_of(
        # the monthly job, run on the 1st: never for a month after this one
        st.tuples(st.just("bill"), st.integers(0, MONTHS.index(THIS))),
        st.tuples(
            st.just("pay"),
            st.integers(0, 3),
            st.lists(st.integers(0, len(MONTHS) - 1), min_size=1, max_size=3),
            st.integers(0, 40),  # days before today it was paid
        ),
        st.tuples(st.just("reverse"), st.integers(0, 20)),
        st.tuples(st.just("transfer"), st.integers(0, 3)),
        st.tuples(st.just("close"), st.integers(0, 1), st.integers(0, len(MONTHS) - 2)),
        st.tuples(st.just("quarterly"), st.integers(0, 3), st.booleans()),
        # the rest of the quarter at once; or past the quarter too (always refused)
        st.tuples(st.just("ahead"), st.integers(0, 3), st.booleans()),
    ),
    max_size=25,
)


def _people(world):
    members = [world.member_a, world.member_b, world.officer_a.member, world.officer_b.member]
    for number, member in enumerate(members):
        kind, amount = [
            (rules.EMPLOYEE, Decimal("4321.09")),
            (rules.RETIREE, Decimal("5200.00")),
            (rules.STUDENT, Decimal("0")),
            (rules.EMPLOYEE, Decimal("12000.55")),
        ][number]
        services.base_set(actor=None, member=member, kind=kind, amount=amount, from_month=MONTHS[0])
    return members


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_every_branch_month_reconciles_whatever_happens(world, ops):
    with transaction.atomic():
        members = _people(world)
        branches = [world.branch_a, world.branch_b]
        ahead_seen: set[int] = set()
        for op in ops:
            try:
                if op[0] == "bill":
                    services.bills_make(MONTHS[op[1]])
                elif op[0] == "pay":
                    _, who, months, days = op
                    services.payment_record(
                        actor=None,
                        member=Member.objects.get(pk=members[who].pk),
                        months=[MONTHS[m] for m in months],
                        method=METHODS[days % 3],
                        paid_on=TODAY - datetime.timedelta(days=days),
                        today=TODAY,
                    )
                elif op[0] == "reverse":
                    entries = list(DuesPayment.objects.order_by("pk"))
                    if entries:
                        services.payment_reverse(
                            actor=None,
                            payment=entries[op[1] % len(entries)],
                            reason="录错了",
                            today=TODAY,
                        )
                elif op[0] == "transfer":
                    member = Member.objects.get(pk=members[op[1]].pk)
                    other = branches[1] if member.branch_id == branches[0].pk else branches[0]
                    Member.objects.filter(pk=member.pk).update(branch=other, group=None)
                elif op[0] == "close":
                    services.month_close(
                        actor=None, branch=branches[op[1]], month=MONTHS[op[2]], today=TODAY
                    )
                elif op[0] == "ahead" and op[2]:
                    entries = DuesPayment.objects.count()
                    with pytest.raises(ValidationError):
                        services.payment_record(
                            actor=None,
                            member=Member.objects.get(pk=members[op[1]].pk),
                            months=[*MONTHS[7:], PAST_THE_QUARTER],
                            method="cash",
                            paid_on=TODAY,
                            today=TODAY,
                        )
                    assert DuesPayment.objects.count() == entries  # refused as a whole
                elif op[0] == "ahead":
                    services.payment_record(
                        actor=None,
                        member=Member.objects.get(pk=members[op[1]].pk),
                        months=MONTHS[7:],
                        method="cash",
                        paid_on=TODAY,
                        today=TODAY,
                    )
                elif op[0] == "quarterly":
                    services.quarterly_decide(
                        actor=None,
                        member=Member.objects.get(pk=members[op[1]].pk),
                        approve=op[2],
                        from_month=MONTHS[6],
                        decided_on=TODAY,
                        decided_by="支委会",
                        today=TODAY,
                    )
            except ValidationError:
                pass  # refused as a whole: the checks below show nothing was half-saved
            # a bill of a month after this one, made by this step: the member's quarterly
            # payment was approved for that month when it was made, and it is this quarter's
            for bill in DuesBill.objects.filter(month__gt=THIS).exclude(pk__in=ahead_seen):
                ahead_seen.add(bill.pk)
                assert bill.month in rules.quarter_months(THIS), (op, bill.month)
                member = Member.objects.get(pk=bill.member_id)
                assert services.quarterly_in_force(member, bill.month), (op, bill.month)
        for bill in DuesBill.objects.all():
            net = sum((e.amount for e in DuesPayment.objects.filter(bill=bill)), Decimal(0))
            assert net in (Decimal(0), bill.amount), (bill, net)
        for branch in branches:
            for month in MONTHS:
                book = selectors.reconciliation(branch, month)
                assert book.balances, (branch, month, book)
        for closed in DuesMonthClose.objects.all():
            late = DuesPayment.objects.filter(
                branch=closed.branch,
                paid_on__gte=closed.month,
                paid_on__lt=rules.add_months(closed.month, 1),
                recorded_at__gt=closed.closed_at,
            )
            assert not late.exists()
        transaction.set_rollback(True)
