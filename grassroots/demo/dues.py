"""A year of Party dues for the demo: every Party member's base (a few raised during the
year, the older ones on a pension), the bills of each month made as the scheduler makes
them, and the payments — most by payroll deduction on the 10th, some in cash; this
month's are still to record — with a few members behind by three to seven months (the one seven behind in the first
workshop, flagged for its branch to decide), one
payroll deduction reversed (entered for the wrong month) and paid again in cash, and one
voluntary payment. The months before last are closed. One new probationary member of the
first workshop has no base yet: the dues officer's to-do.

Written through the services, each on its day, as the branches' dues officers would."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from grassroots.demo.enterprise import DemoLogin
from grassroots.orgs.dues import rules, services
from grassroots.orgs.dues.models import DuesBill, DuesPayment
from grassroots.orgs.models import Member, OrgPost, OrgUnit

MONTHS = 12
PAYDAY = 10
BEHIND = (3, 5, 7)  # months behind for three members (none of them a demo login)


def _dues_officer(branch: OrgUnit, on: datetime.date) -> Member:
    """The branch's organisation committee member, or its secretary where it has none."""
    posts = {
        post.kind: post.member
        for post in OrgPost.objects.filter(
            unit=branch, kind__in=[OrgPost.Kind.ORGANISATION, OrgPost.Kind.SECRETARY]
        )
        .exclude(ends_on__lt=on)
        .select_related("member__user")
    }
    return posts.get(OrgPost.Kind.ORGANISATION) or posts[OrgPost.Kind.SECRETARY]


def _base(rng: random.Random, member: Member, today: datetime.date) -> tuple[str, Decimal]:
    if member.birth_date and today.year - member.birth_date.year >= 60:
        return rules.RETIREE, Decimal(rng.randrange(2800, 5600, 50))
    return rules.EMPLOYEE, Decimal(rng.randrange(2600, 9800, 50))


def build_dues(
    *, today: datetime.date, seed: int, keep_paid: tuple[str, ...] = ()
) -> list[DemoLogin]:
    """The year of dues; returns two demo logins: the first workshop's dues officer and
    the committee's organisation officer, who oversees every branch's dues."""
    rng = random.Random(seed + 17)
    this = rules.month_of(today)
    first = rules.add_months(this, -(MONTHS - 1))
    months = rules.months_between(first, this)
    branches = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, is_active=True))
    officers = {b.pk: _dues_officer(b, today).user for b in branches}
    members = list(Member.objects.party_members().select_related("user", "branch").order_by("pk"))
    b03 = next(b for b in branches if b.code == "B03")
    newcomer = next(
        (m for m in members if m.branch_id == b03.pk and m.stage == Member.Stage.PROBATIONARY),
        None,
    )
    for member in members:
        if member == newcomer:
            continue
        kind, amount = _base(rng, member, today)
        services.base_set(actor=None, member=member, kind=kind, amount=amount, from_month=first)
        if kind == rules.EMPLOYEE and rng.random() < 0.25:  # a raise during the year
            services.base_set(
                actor=None,
                member=member,
                kind=kind,
                amount=amount + Decimal(rng.randrange(200, 1200, 50)),
                from_month=rules.add_months(first, rng.randint(3, MONTHS - 2)),
            )
    for month in months:
        services.bills_make(month)

    billed = set(DuesBill.objects.values_list("member_id", "month"))
    candidates = [
        m
        for m in members
        if m != newcomer
        and m.user.employee_number not in keep_paid
        and m.user.pk not in {u.pk for u in officers.values()}
    ]
    # The one furthest behind (flagged at six months for the branch to decide) is in the
    # first workshop, whose dues officer is a demo login: the journey records a reason.
    flagged = rng.choice([m for m in candidates if m.branch_id == b03.pk])
    others = rng.sample([m for m in candidates if m != flagged], len(BEHIND) - 1)
    behind = {
        m.pk: months_behind for m, months_behind in zip([*others, flagged], BEHIND, strict=True)
    }
    for member in members:
        if member == newcomer:
            continue
        officer = officers[member.branch_id]
        method = "payroll" if rng.random() < 0.8 else "cash"
        stop = rules.add_months(this, -behind[member.pk]) if member.pk in behind else None
        for month in months:
            if stop is not None and month >= stop:
                break
            if month >= this:  # this month's payroll deductions are still to be recorded
                break
            day = month.replace(day=PAYDAY)
            if (member.pk, month) not in billed:  # admitted later in the year
                continue
            services.payment_record(
                actor=officer, member=member, months=[month], method=method, paid_on=day, today=day
            )

    # A payroll deduction entered for the wrong month: reversed, then paid again in cash.
    last = rules.add_months(this, -1)
    wrong = (
        DuesPayment.objects.filter(
            kind=DuesPayment.Kind.PAYMENT, bill__month=last, branch=b03, method="payroll"
        )
        .exclude(member__user__employee_number__in=keep_paid)
        .order_by("pk")
        .first()
    )
    if wrong is not None:
        services.payment_reverse(
            actor=officers[b03.pk],
            payment=wrong,
            reason="工资扣款录错月份，冲销后改为现金补交",
            today=today,
        )
        services.payment_record(
            actor=officers[b03.pk],
            member=wrong.member,
            months=[last],
            method="cash",
            paid_on=today,
            today=today,
        )
    # A retired member gives a special payment (自愿多交党费).
    giver = next((m for m in members if m.branch_id == b03.pk and m != newcomer), members[0])
    services.voluntary_record(
        actor=officers[giver.branch_id],
        member=giver,
        amount=Decimal("2000.00"),
        method="transfer",
        paid_on=today,
        today=today,
    )
    for branch in branches:
        for month in months[:-2]:
            services.month_close(actor=officers[branch.pk], branch=branch, month=month, today=today)
    officer = officers[b03.pk]
    committee = OrgPost.objects.select_related("member__user").get(
        unit__kind=OrgUnit.Kind.COMMITTEE, kind=OrgPost.Kind.ORGANISATION, ends_on__isnull=True
    )
    overseer = committee.member.user
    return [
        DemoLogin("dues officer", officer.employee_number, officer.name, "一车间党支部组织委员"),
        DemoLogin(
            "committee organisation officer",
            overseer.employee_number,
            overseer.name,
            "党委组织委员",
        ),
    ]
