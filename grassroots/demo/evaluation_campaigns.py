"""Demo multi-party campaigns: last season's satisfaction campaign over every branch,
closed, with results (the probationary members and the activists of some groups too
few to show), a low score for 二车间党支部 traced to its comments and appeals and a
rectification plan under way; and this season's 述职评议 of two branch secretaries,
open, in which the demo employee (40008) and member (30106) can still vote.

Written through the services (the box is secret by construction, and closing rewrites
it), with the demo's seed deciding who voted what.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from grassroots.accounts.models import User
from grassroots.appeals.models import Appeal, Category
from grassroots.core import workcalendar
from grassroots.evaluation.campaigns import rules, services
from grassroots.evaluation.campaigns.models import Campaign, Elector
from grassroots.orgs.models import Member, OrgPost, OrgUnit
from grassroots.service.models import Deed

DEMO_EMPLOYEE, DEMO_MEMBER = "40008", "30106"
ITEMS = ["联系服务职工群众", "解决职工急难愁盼问题", "党员先锋模范作用", "工作作风与廉洁自律"]
SECRETARY_ITEMS = ["履行管党治党责任", "带头服务职工群众", "推动生产经营任务", "作风建设"]
LOW_BRANCH = "B04"
# Comments on the branch with the low score: grouped by keywords on its analysis page.
LOW_COMMENTS = [
    "食堂排队时间太长，反映多次没有解决",
    "食堂饭菜价格高，希望支部关心一下",
    "夜班班车太少，下班回家困难",
    "夜班班车时间不合适",
    "反映的问题没有回音",
    "希望支部多来车间听听意见",
    "食堂窗口太少",
]
GOOD_COMMENTS = ["党员带头作用好", "支部书记经常来车间", "服务热情"]


def _workday(day: datetime.date, step: int) -> datetime.date:
    while not workcalendar.is_workday(day):
        day += datetime.timedelta(days=step)
    return day


def _weights() -> dict[str, Decimal]:
    return {group: Decimal(weight) for group, weight in rules.default_weights().items()}


def _answers(campaign: Campaign, rng: random.Random, low_subject: int | None) -> dict:
    answers = {}
    for subject in campaign.subjects.all():
        for position, item in enumerate(campaign.items.all()):
            if subject.pk == low_subject and position in (0, 1):
                score = rng.choice([1, 2, 2, 3, 3, 4])
            elif subject.pk == low_subject:
                score = rng.choice([3, 3, 4, 4, 5])
            else:
                score = rng.choice([3, 4, 4, 5, 5, 5])
            answers[(subject.pk, item.pk)] = min(score, campaign.maximum)
    return answers


def _closed_campaign(today: datetime.date, rng: random.Random, committee: OrgUnit) -> Campaign:
    officer = User.objects.get(employee_number="10034")
    opens_on = _workday(today - datetime.timedelta(days=95), 1)
    closes_on = _workday(opens_on + datetime.timedelta(days=14), 1)
    branches = list(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, is_active=True).order_by("path")
    )
    campaign = services.campaign_create(
        actor=officer,
        organiser=committee,
        draft=services.Draft(
            title=f"{opens_on.year}年度基层党支部群众满意度测评",
            subject_kind=Campaign.SubjectKind.BRANCHES,
            scale=Campaign.Scale.FIVE,
            opens_on=opens_on,
            closes_on=closes_on,
            period_first=opens_on - datetime.timedelta(days=270),
            period_last=closes_on,
            items=ITEMS,
            weights=_weights(),
            category_ids=list(
                Category.objects.filter(is_active=True).values_list("pk", flat=True)[:4]
            ),
        ),
        units=branches,
    )
    services.campaign_open(actor=officer, campaign=campaign, today=opens_on)
    campaign.refresh_from_db()
    low = campaign.subjects.get(unit__code=LOW_BRANCH)
    electors = list(Elector.objects.filter(campaign=campaign).select_related("user"))
    rng.shuffle(electors)
    # Most employees and members voted; three of the activists: too few to show.
    activists = 0
    for elector in electors:
        if elector.user.employee_number in (DEMO_EMPLOYEE, DEMO_MEMBER):
            continue
        if elector.group == rules.ACTIVISTS:
            activists += 1
            if activists > 3:
                continue
        elif rng.random() > 0.7:
            continue
        remarks = {}
        if rng.random() < 0.25:
            remarks[low.pk] = rng.choice(LOW_COMMENTS)
        if rng.random() < 0.1:
            other = rng.choice([s for s in campaign.subjects.all() if s.pk != low.pk])
            remarks[other.pk] = rng.choice(GOOD_COMMENTS)
        day = opens_on + datetime.timedelta(days=rng.randrange((closes_on - opens_on).days + 1))
        services.ballot_cast(
            user=elector.user,
            campaign=campaign,
            answers=_answers(campaign, rng, low.pk),
            remarks=remarks,
            today=_workday(min(day, closes_on), -1) if day > opens_on else opens_on,
        )
    services.campaign_close(
        actor=None, campaign=campaign, today=closes_on + datetime.timedelta(days=1)
    )
    campaign.refresh_from_db()
    _plan(campaign, low, today)
    return campaign


def _plan(campaign: Campaign, subject, today: datetime.date) -> None:
    secretary = (
        OrgPost.objects.filter(unit=subject.unit, kind=OrgPost.Kind.SECRETARY, ends_on__isnull=True)
        .select_related("member__user")
        .first()
    )
    owner = secretary.member.user if secretary else User.objects.get(employee_number="10034")
    items = list(campaign.items.all())
    deed = Deed.objects.filter(unit=subject.unit).order_by("due_on").first()
    appeal = Appeal.objects.filter(unit=subject.unit).order_by("-created_at").first()
    first = services.rectification_add(
        actor=owner,
        subject=subject,
        action="每月一次到班组听取意见，问题台账销号管理",
        owner=owner,
        due_on=_workday(today + datetime.timedelta(days=30), 1),
        item=items[0],
        appeal_id=appeal.pk if appeal else None,
    )
    services.rectification_progress(
        actor=owner,
        plan=first,
        status="under_way",
        progress="已走访包装一班、二班，收集意见十二条，办结七条。",
    )
    services.rectification_add(
        actor=owner,
        subject=subject,
        action="协调后勤增开食堂窗口、调整夜班班车时间",
        owner=owner,
        due_on=_workday(today + datetime.timedelta(days=60), 1),
        item=items[1],
        deed_id=deed.pk if deed else None,
    )


def _open_campaign(today: datetime.date, rng: random.Random, committee: OrgUnit) -> Campaign:
    officer = User.objects.get(employee_number="10034")
    opens_on = _workday(today - datetime.timedelta(days=3), -1)
    closes_on = _workday(today + datetime.timedelta(days=10), 1)
    secretaries = list(
        Member.objects.filter(
            posts__unit__code__in=["B03", "B04"],
            posts__kind=OrgPost.Kind.SECRETARY,
            posts__ends_on__isnull=True,
        )
        .select_related("user", "branch")
        .order_by("branch__path")
    )
    campaign = services.campaign_create(
        actor=officer,
        organiser=committee,
        draft=services.Draft(
            title=f"{today.year}年支部书记述职评议",
            subject_kind=Campaign.SubjectKind.MEMBERS,
            scale=Campaign.Scale.SATISFACTION,
            opens_on=opens_on,
            closes_on=closes_on,
            period_first=datetime.date(today.year, 1, 1),
            period_last=closes_on,
            items=SECRETARY_ITEMS,
            weights=_weights(),
        ),
        members=secretaries,
    )
    services.campaign_open(actor=officer, campaign=campaign, today=opens_on)
    campaign.refresh_from_db()
    electors = list(Elector.objects.filter(campaign=campaign).select_related("user"))
    rng.shuffle(electors)
    voted = 0
    for elector in electors:
        if elector.user.employee_number in (DEMO_EMPLOYEE, DEMO_MEMBER) or voted >= 15:
            continue
        voted += 1
        services.ballot_cast(
            user=elector.user,
            campaign=campaign,
            answers={
                (s.pk, i.pk): rng.choice([3, 3, 2, 3, 1])
                for s in campaign.subjects.all()
                for i in campaign.items.all()
            },
            remarks={},
            today=opens_on,
        )
    return campaign


def build_campaigns(*, today: datetime.date, seed: int) -> None:
    rng = random.Random(seed + 11)
    committee = OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMITTEE).order_by("path").first()
    if committee is None:
        return
    _closed_campaign(today, rng, committee)
    _open_campaign(today, rng, committee)
