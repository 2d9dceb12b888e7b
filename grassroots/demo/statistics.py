"""History for the annual Party statistics (党内统计): last year's changes that the
current records alone would not show — members who died or left during the year, one
who moved between branches and left this year, one suspended (停止党籍) the year before
last and restored (恢复党籍) last year — so the year's changes table and the
year-on-year comparison have figures. Added last, so the other builders' draws stay as
they were; the people added are no longer active, so today's counts are unchanged."""

from __future__ import annotations

import datetime
import random

from grassroots.accounts.models import User
from grassroots.demo.enterprise import gender_of
from grassroots.orgs import services
from grassroots.orgs.models import Member, OrgUnit


def _former_member(
    rng: random.Random, user: User, branch: OrgUnit, admitted: datetime.date
) -> Member:
    gender = gender_of(user.name) or rng.choice([Member.Gender.MALE, Member.Gender.FEMALE])
    return services.member_create(
        actor=None,
        user=user,
        stage=Member.Stage.FULL,
        branch=branch,
        birth_date=datetime.date(rng.randint(1950, 1975), rng.randint(1, 12), rng.randint(1, 28)),
        gender=gender,
        education=Member.Education.HIGH_SCHOOL,
        applied_on=admitted - datetime.timedelta(days=900),
        activist_on=admitted - datetime.timedelta(days=500),
        candidate_on=admitted - datetime.timedelta(days=120),
        admitted_on=admitted,
        full_on=admitted + datetime.timedelta(days=366),
    )


def build_statistics(*, today: datetime.date, seed: int, keep_out: list[str]) -> None:
    rng = random.Random(seed + 18)
    last_year = today.year - 1
    free = list(
        User.objects.filter(member__isnull=True, is_superuser=False)
        .exclude(employee_number__in=keep_out)
        .order_by("-employee_number")[:4]
    )
    b03 = OrgUnit.objects.get(code="B03")
    b04 = OrgUnit.objects.get(code="B04")
    b01 = OrgUnit.objects.get(code="B01")
    # died in March last year; struck off in September last year
    died = _former_member(rng, free[0], b01, datetime.date(1990, 7, 1))
    services.member_update(
        actor=None,
        member=died,
        status=Member.Status.LEFT,
        left_on=datetime.date(last_year, 3, 15),
        leaving_reason=Member.LeavingReason.DEATH,
    )
    struck_off = _former_member(rng, free[1], b04, datetime.date(2012, 6, 30))
    services.member_update(
        actor=None,
        member=struck_off,
        status=Member.Status.LEFT,
        left_on=datetime.date(last_year, 9, 20),
        leaving_reason=Member.LeavingReason.STRUCK_OFF,
    )
    # moved from 一车间 to 二车间 in June last year, died in January this year
    moved = _former_member(rng, free[2], b03, datetime.date(2005, 7, 1))
    transfer = services.transfer_request(
        actor=None,
        member=moved,
        to_branch=b04,
        to_group=None,
        effective_on=datetime.date(last_year, 6, 1),
        reason="工作调动",
    )
    services.transfer_decide(actor=None, transfer=transfer, confirm=True)
    services.member_update(
        actor=None,
        member=moved,
        status=Member.Status.LEFT,
        left_on=min(today, datetime.date(today.year, 1, 20)),
        leaving_reason=Member.LeavingReason.DEATH,
    )
    # suspended the year before last, restored in May last year, died this January: in
    # the changes of both years, and (gone since) not in today's counts
    restored = _former_member(rng, free[3], b01, datetime.date(1998, 7, 1))
    services.member_update(
        actor=None,
        member=restored,
        status=Member.Status.SUSPENDED,
        left_on=datetime.date(last_year - 1, 4, 10),
    )
    services.member_update(
        actor=None,
        member=restored,
        status=Member.Status.RESTORED,
        status_on=datetime.date(last_year, 5, 8),
    )
    services.member_update(
        actor=None,
        member=restored,
        status=Member.Status.LEFT,
        left_on=min(today, datetime.date(today.year, 1, 20)),
        leaving_reason=Member.LeavingReason.DEATH,
    )
