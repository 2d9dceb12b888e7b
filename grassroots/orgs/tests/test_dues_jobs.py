"""The dues' periodic work: the month's bills (idempotent, a missed month catches up),
bills following a confirmed transfer, arrears warnings at 3 and 5 months and the flag
at 6 for the branch's dues officer."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from grassroots.accounts.scope import forget_scope, scope_for
from grassroots.core.scheduling import JOBS
from grassroots.notifications.models import Notification
from grassroots.orgs import services as org_services
from grassroots.orgs.dues import arrears, jobs, services, todos
from grassroots.orgs.dues.models import DuesBill
from grassroots.orgs.models import Member

pytestmark = pytest.mark.django_db
JAN, FEB, MAR, APR = (datetime.date(2026, m, 1) for m in (1, 2, 3, 4))


def based(member, month=JAN, amount="4000.00"):
    services.base_set(
        actor=None, member=member, kind="employee", amount=Decimal(amount), from_month=month
    )


def bills_of(member):
    return list(
        DuesBill.objects.filter(member=member).order_by("month").values_list("month", "branch_id")
    )


def test_the_jobs_are_registered_daily():
    assert JOBS["orgs.dues_bills"].daily_at is not None
    assert JOBS["orgs.dues_arrears"].daily_at is not None


def test_bills_are_made_once_however_often_the_job_runs(world):
    based(world.member_a)
    jobs.bills_catch_up(today=datetime.date(2026, 1, 1))
    jobs.bills_catch_up(today=datetime.date(2026, 1, 1))
    jobs.bills_catch_up(today=datetime.date(2026, 1, 17))
    assert bills_of(world.member_a) == [(JAN, world.branch_a.pk)]


def test_missed_months_catch_up_from_the_last_billed_month(world):
    based(world.member_a)
    jobs.bills_catch_up(today=datetime.date(2026, 1, 1))
    made = jobs.bills_catch_up(today=datetime.date(2026, 4, 2))  # February and March missed
    assert [month for month, _b in bills_of(world.member_a)] == [JAN, FEB, MAR, APR]
    assert made[-3:] == [1, 1, 1] and sum(made) == 3  # six months back, nothing else owed


def test_a_base_set_from_a_past_month_bills_that_month_too(world):
    based(world.member_a)
    jobs.bills_catch_up(today=datetime.date(2026, 4, 2))
    # member B's base is set in April from February: February and March are owed too
    based(world.member_b, month=FEB)
    jobs.bills_catch_up(today=datetime.date(2026, 4, 3))
    assert [m for m, _b in bills_of(world.member_b)] == [FEB, MAR, APR]


def test_a_round_trip_leaves_each_month_with_its_branch(world):
    """A → B from February, then B → A from April: March is B's, April is A's again,
    whatever order the transfers are read in."""
    based(world.member_a)
    for month in (JAN, FEB, MAR, APR):
        services.bills_make(month)
    confirm_transfer(world, datetime.date(2026, 2, 10))
    back = confirm_transfer_back(world, datetime.date(2026, 4, 1))
    assert back is not None
    jobs.bills_follow_transfers(today=datetime.date(2026, 4, 5))
    jobs.bills_follow_transfers(today=datetime.date(2026, 4, 6))
    assert bills_of(world.member_a) == [
        (JAN, world.branch_a.pk),
        (FEB, world.branch_b.pk),
        (MAR, world.branch_b.pk),
        (APR, world.branch_a.pk),
    ]


def test_a_member_given_a_base_later_is_billed_when_the_job_runs_again(world):
    based(world.member_a)
    jobs.bills_catch_up(today=datetime.date(2026, 2, 1))
    based(world.member_b, month=FEB)
    jobs.bills_catch_up(today=datetime.date(2026, 2, 2))
    assert [m for m, _b in bills_of(world.member_b)] == [FEB]


def test_the_scheduled_job_bills_the_month(world):
    based(world.member_a)
    JOBS["orgs.dues_bills"].func(datetime.datetime(2026, 1, 1, 1, tzinfo=datetime.UTC))
    assert bills_of(world.member_a) == [(JAN, world.branch_a.pk)]


def confirm_transfer(world, effective_on):
    transfer = org_services.transfer_request(
        actor=world.officer_a,
        member=world.member_a,
        to_branch=world.branch_b,
        to_group=None,
        effective_on=effective_on,
        reason="调往二车间工作",
    )
    org_services.transfer_decide(actor=world.officer_b, transfer=transfer, confirm=True)


def confirm_transfer_back(world, effective_on):
    member = Member.objects.get(pk=world.member_a.pk)
    transfer = org_services.transfer_request(
        actor=world.officer_b,
        member=member,
        to_branch=world.branch_a,
        to_group=None,
        effective_on=effective_on,
        reason="调回一车间",
    )
    return org_services.transfer_decide(actor=world.officer_a, transfer=transfer, confirm=True)


def test_bills_after_the_effective_month_go_to_the_receiving_branch(world):
    based(world.member_a)
    for month in (JAN, FEB, MAR):
        services.bills_make(month)
    services.payment_record(
        actor=None,
        member=world.member_a,
        months=[FEB],
        method="cash",
        paid_on=MAR,
        today=MAR,
    )
    # effective in February, confirmed only in March: February and March were billed to A
    confirm_transfer(world, datetime.date(2026, 2, 10))
    assert jobs.bills_follow_transfers(today=datetime.date(2026, 3, 5)) == 1
    assert bills_of(world.member_a) == [
        (JAN, world.branch_a.pk),  # before the move
        (FEB, world.branch_a.pk),  # paid where it was billed: stays
        (MAR, world.branch_b.pk),
    ]
    services.bills_make(APR)
    assert bills_of(world.member_a)[-1] == (APR, world.branch_b.pk)
    assert jobs.bills_follow_transfers(today=datetime.date(2026, 4, 5)) == 0


def test_a_closed_month_keeps_its_bills(world):
    based(world.member_a)
    services.bills_make(MAR)
    services.month_close(actor=None, branch=world.branch_a, month=MAR, today=APR)
    confirm_transfer(world, datetime.date(2026, 3, 1))
    assert jobs.bills_follow_transfers(today=APR) == 0


def unpaid_since(member, first, today):
    based(member, month=first)
    month = first
    while month <= today:
        services.bills_make(month)
        month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def arrears_notices(user):
    return list(
        Notification.objects.filter(recipient=user, kind="orgs.dues_arrears").values_list(
            "title", flat=True
        )
    )


def test_arrears_are_warned_at_three_months_and_again_at_five_once_each(world):
    unpaid_since(world.member_a, JAN, datetime.date(2026, 3, 1))
    assert jobs.arrears_warn(today=datetime.date(2026, 3, 20)) == 0  # two months behind
    unpaid_since(world.member_a, APR, datetime.date(2026, 4, 1))
    jobs.arrears_warn(today=datetime.date(2026, 4, 2))
    jobs.arrears_warn(today=datetime.date(2026, 4, 3))
    assert len(arrears_notices(world.member_a.user)) == 1
    assert len(arrears_notices(world.officer_a)) == 1  # the branch's officers
    assert arrears_notices(world.officer_b) == []  # private: not another branch
    assert arrears_notices(world.member_b.user) == []
    jobs.arrears_warn(today=datetime.date(2026, 6, 2))
    assert len(arrears_notices(world.member_a.user)) == 2  # at five months
    jobs.arrears_warn(today=datetime.date(2026, 6, 20))
    assert len(arrears_notices(world.member_a.user)) == 2


def test_paying_up_ends_the_arrears(world):
    unpaid_since(world.member_a, JAN, APR)
    today = datetime.date(2026, 4, 10)
    assert [a.months for a in arrears.in_arrears(today=today)] == [3]
    services.payment_record(
        actor=None,
        member=world.member_a,
        months=[JAN, FEB, MAR],
        method="cash",
        paid_on=today,
        today=today,
    )
    assert arrears.in_arrears(today=today) == []
    assert jobs.arrears_warn(today=today) == 0


def test_a_member_who_left_is_not_warned(world):
    unpaid_since(world.member_a, JAN, APR)
    Member.objects.filter(pk=world.member_a.pk).update(status="left")
    assert arrears.in_arrears(today=datetime.date(2026, 4, 10)) == []


def dues_todos(user, today):
    forget_scope(user)
    return {t.key: t for t in todos.todos_for(scope_for(user), today=today)}


def test_six_months_in_arrears_is_a_to_do_for_the_branch_dues_officer_only(world):
    unpaid_since(world.member_a, JAN, datetime.date(2026, 7, 1))
    assert dues_todos(world.officer_a, datetime.date(2026, 6, 30)) == {}  # five months
    flagged = dues_todos(world.officer_a, datetime.date(2026, 7, 1))["orgs.dues_arrears"]
    assert flagged.count == 1 and f"/orgs/dues/branches/{world.branch_a.pk}/" in flagged.url
    assert dues_todos(world.officer_b, datetime.date(2026, 7, 1)) == {}
    assert dues_todos(world.member_a.user, datetime.date(2026, 7, 1)) == {}
    assert dues_todos(world.employee, datetime.date(2026, 7, 1)) == {}
    # never removed: still a member, still billed
    services.bills_make(datetime.date(2026, 8, 1))
    assert DuesBill.objects.filter(member=world.member_a).count() == 8


def test_the_paid_up_month_travels_with_a_transfer(world, client_for):
    based(world.member_a)
    for month in (JAN, FEB, MAR):
        services.bills_make(month)
    services.payment_record(
        actor=None,
        member=world.member_a,
        months=[JAN, FEB],
        method="cash",
        paid_on=MAR,
        today=MAR,
    )
    from grassroots.orgs.dues import selectors

    assert selectors.paid_up_to(world.member_a) == FEB
    assert selectors.paid_up_to(world.member_b) is None
    # the sending branch sees it when asking
    page = client_for(world.officer_a).get(f"/orgs/members/{world.member_a.pk}/transfer/")
    assert page.status_code == 200 and page.context["dues_paid_up_to"] == FEB
    assert "2026-02" in page.content.decode()
    org_services.transfer_request(
        actor=world.officer_a,
        member=world.member_a,
        to_branch=world.branch_b,
        to_group=None,
        effective_on=APR,
        reason="调往二车间工作",
    )
    # the receiving branch sees it on the transfer waiting for its answer
    page = client_for(world.officer_b).get("/orgs/transfers/")
    assert page.status_code == 200
    ((_transfer, _form, paid_up_to),) = page.context["waiting"]
    assert paid_up_to == FEB and "2026-02" in page.content.decode()


def test_a_proper_reason_silences_the_flag_for_this_run_of_arrears(world):
    from django.core.exceptions import ValidationError

    from grassroots.orgs.dues.models import DuesArrearsReason

    july = datetime.date(2026, 7, 1)
    unpaid_since(world.member_a, JAN, july)
    # refused: no reason, and a member who owes nothing past; nothing saved
    with pytest.raises(ValidationError) as error:
        services.arrears_reason_record(actor=None, member=world.member_a, reason=" ", today=july)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.arrears_reason_record(
            actor=world.officer_b, member=world.member_b, reason="病休", today=july
        )
    assert not DuesArrearsReason.objects.exists()
    services.arrears_reason_record(
        actor=world.officer_a, member=world.member_a, reason="长期病休，已说明", today=july
    )
    assert dues_todos(world.officer_a, july) == {}
    # still a member in arrears: warnings go on, nothing is removed
    assert [row.member_id for row in arrears.in_arrears(today=july)] == [world.member_a.pk]
    # paid up and behind again later: a new run, flagged again
    services.payment_record(
        actor=None,
        member=world.member_a,
        months=[JAN, FEB, MAR, APR, datetime.date(2026, 5, 1), datetime.date(2026, 6, 1)],
        method="cash",
        paid_on=july,
        today=july,
    )
    later = datetime.date(2027, 1, 1)
    unpaid_since(world.member_a, datetime.date(2026, 8, 1), later)
    services.payment_record(
        actor=None,
        member=world.member_a,
        months=[july],
        method="cash",
        paid_on=later,
        today=later,
    )
    assert dues_todos(world.officer_a, datetime.date(2027, 2, 1))["orgs.dues_arrears"].count == 1
