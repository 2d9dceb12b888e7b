"""This year's work plan (五同时) of every demo branch, about half done: the items whose
records are done link a held meeting, a held activity or a delivered deed of the branch;
the others link a record still to come, or nothing yet (some of them behind schedule at
the quarterly check).

Written in the rows the services write, with no audit entries (it is history)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from grassroots.accounts.models import Role, RoleAssignment, User
from grassroots.orgs.models import OrgUnit
from grassroots.plans import selectors
from grassroots.plans.models import PlanItem, PlanLink, WorkPlan

# (what, goal, the kind of record that does it)
ITEMS = [
    ("按月开好支部委员会和党员大会", "以组织生活保安全生产、保质量", "meeting"),
    ("开展主题党日志愿服务", "服务职工群众，助力车间降本增效", "activity"),
    ("为职工办好一件实事", "改善一线职工工作条件", "deed"),
    ("上好一堂专题党课", "提升党员岗位技能和质量意识", "meeting"),
    ("组织党员先锋岗攻坚活动", "完成年度生产任务和节能指标", "activity"),
    ("兑现年初承诺的第二件实事", "服务残疾职工和困难职工", "deed"),
]


def _officer(unit: OrgUnit) -> User | None:
    return (
        User.objects.filter(
            pk__in=RoleAssignment.objects.current()
            .filter(org_unit=unit, role__in=[Role.BRANCH_OFFICER, Role.COMMITTEE_OFFICER])
            .values("user_id")
        )
        .order_by("employee_number")
        .first()
    )


def build_plans(*, today: datetime.date, now: datetime.datetime) -> int:
    """A published plan for this year for every active branch with an officer; returns
    how many items are fulfilled by their records."""
    zone = ZoneInfo(settings.TIME_ZONE)
    year = today.year
    made_at = min(now, datetime.datetime.combine(datetime.date(year, 1, 6), datetime.time(9), zone))
    last = datetime.date(year, 12, 31)
    fulfilled = 0
    branches = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, is_active=True).order_by("code")
    for branch in branches:
        officer = _officer(branch)
        if officer is None:
            continue
        plan = WorkPlan.objects.create(
            unit=branch,
            year=year,
            status=WorkPlan.Status.PUBLISHED,
            created_by=officer,
            created_at=made_at,
            published_at=made_at,
        )
        records = selectors.candidates(branch, year)
        done = {
            kind: [r for r in records.values() if r.kind == kind and r.done]
            for kind in ("meeting", "activity", "deed")
        }
        to_come = {
            kind: [
                r
                for r in records.values()
                if r.kind == kind and not r.done and r.state != "cancelled"
            ]
            for kind in ("meeting", "activity", "deed")
        }
        for position, (what, goal, kind) in enumerate(ITEMS, start=1):
            record = None
            if position % 2 == 1 and done[kind]:
                record = done[kind].pop(0)
                due = min(
                    last, max(record.on, datetime.date(year, 1, 1)) + datetime.timedelta(days=14)
                )
            else:
                if to_come[kind] and position % 3 != 0:
                    record = to_come[kind].pop(0)
                due = datetime.date(year, 3 * ((position + 1) // 2), 28)
            item = PlanItem.objects.create(
                plan=plan, what=what, goal=goal, due_on=due, owner=officer, position=position
            )
            if record is not None:
                PlanLink.objects.create(
                    item=item,
                    kind=record.kind,
                    object_id=record.pk,
                    label=record.label,
                    url=record.url,
                    linked_by=officer,
                    linked_at=now,
                )
                fulfilled += record.done
    return fulfilled
