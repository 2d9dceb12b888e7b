"""Dues paid on time as an indicator source: the share of a unit's billed members who
paid every bill of the period's months that are over within the bill's month, read
through the dues' selectors; batched for whole schemes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.core.periods import Period
from grassroots.evaluation import sources
from grassroots.orgs.dues import services
from grassroots.orgs.models import OrgUnit
from grassroots.orgs.tests.factories import MemberFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db
KEY = "dues.paid_on_time"
JAN, FEB, MAR = (datetime.date(2026, m, 1) for m in (1, 2, 3))
TODAY = datetime.date(2026, 3, 15)  # January and February are over, March is not
YEAR = Period.year(2026)


def billed(member):
    services.base_set(
        actor=None, member=member, kind="employee", amount=Decimal("4000.00"), from_month=JAN
    )


def pay(member, month, day):
    return services.payment_record(
        actor=None, member=member, months=[month], method="cash", paid_on=day, today=TODAY
    )


def make_bills():
    for month in (JAN, FEB, MAR):
        services.bills_make(month)


def test_the_share_of_members_who_paid_each_bill_within_its_month(world):
    late = MemberFactory(branch=world.branch_a)
    for member in (world.member_a, late, world.member_b):
        billed(member)
    make_bills()
    # member_a paid both months in time; the officer paid February late; member_b nothing
    pay(world.member_a, JAN, datetime.date(2026, 1, 20))
    pay(world.member_a, FEB, datetime.date(2026, 2, 3))
    pay(late, JAN, datetime.date(2026, 1, 5))
    pay(late, FEB, datetime.date(2026, 3, 2))
    figure = sources.figure_of(KEY, world.branch_a, YEAR, today=TODAY)
    assert figure.value == Decimal("50.0")
    assert figure.basis == {"billed_members": 2, "paid_on_time": 1}
    assert sources.figure_of(KEY, world.branch_b, YEAR, today=TODAY).value == Decimal("0.0")
    top = sources.figure_of(KEY, world.committee, YEAR, today=TODAY)
    assert top.basis == {"billed_members": 3, "paid_on_time": 1}
    # a month of another year, or one not yet over, is not judged
    assert sources.figure_of(KEY, world.branch_a, Period.year(2025), today=TODAY).value is None
    march = Period.month(2026, 3)
    assert sources.figure_of(KEY, world.branch_a, march, today=TODAY).value is None


def test_a_reversed_payment_is_not_on_time(world):
    billed(world.member_a)
    make_bills()
    pay(world.member_a, JAN, datetime.date(2026, 1, 20))
    (entry,) = pay(world.member_a, FEB, datetime.date(2026, 2, 3))
    assert sources.figure_of(KEY, world.branch_a, YEAR, today=TODAY).value == Decimal("100.0")
    services.payment_reverse(actor=None, payment=entry, reason="记错了人", today=TODAY)
    assert sources.figure_of(KEY, world.branch_a, YEAR, today=TODAY).value == Decimal("0.0")


def test_batched_figures_match_one_by_one_in_a_fixed_number_of_queries(world):
    branches = [
        OrgUnitFactory(
            name=f"{n}支部", code=f"X{n}", kind=OrgUnit.Kind.BRANCH, parent=world.committee
        )
        for n in range(4)
    ]
    members = [MemberFactory(branch=b) for n, b in enumerate(branches) for _k in range(n + 1)]
    for member in members:
        billed(member)
    make_bills()
    for member in members[::2]:
        pay(member, JAN, datetime.date(2026, 1, 9))
        pay(member, FEB, datetime.date(2026, 2, 9))
    units = [world.committee, world.branch_a, *branches]
    one_by_one = {u.pk: sources.figure_of(KEY, u, YEAR, today=TODAY) for u in units}
    with CaptureQueriesContext(connection) as queries:
        batched = sources.figures_for(KEY, units, YEAR, today=TODAY)
    assert batched == one_by_one
    assert {f.value for f in batched.values()} - {None} != {Decimal("0.0")}
    assert len(queries) <= 2


def test_this_months_bill_counts_once_paid_and_never_hides_a_late_one(world):
    billed(world.member_b)
    newcomer = MemberFactory(branch=world.branch_b)
    services.base_set(
        actor=None, member=newcomer, kind="student", amount=Decimal(0), from_month=MAR
    )
    make_bills()
    # member_b owes January and February and pays March in March: still late
    pay(world.member_b, MAR, datetime.date(2026, 3, 10))
    figure = sources.figure_of(KEY, world.branch_b, YEAR, today=TODAY)
    assert figure.basis == {"billed_members": 1, "paid_on_time": 0}
    # the newcomer, billed only this month, is judged once paid
    pay(newcomer, MAR, datetime.date(2026, 3, 11))
    figure = sources.figure_of(KEY, world.branch_b, YEAR, today=TODAY)
    assert figure.basis == {"billed_members": 2, "paid_on_time": 1}
