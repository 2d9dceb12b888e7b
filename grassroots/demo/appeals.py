"""A year of appeals for the demo enterprise, replayed through the services.

Realistic outcomes: most accepted in time and rated satisfied, some late, declined,
transferred, merged, reopened after a not-satisfied rating, closed unrated; some
anonymous, some recorded on behalf of workers; the last weeks still open, a few of
them overdue. Every page of the appeal loop has something to show.
"""

from __future__ import annotations

import datetime
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from grassroots.accounts.models import Role, RoleAssignment, User
from grassroots.appeals import selectors, services
from grassroots.appeals.intake import AppealDraft
from grassroots.appeals.models import Appeal, Category
from grassroots.core import workcalendar
from grassroots.orgs.models import Department, Member, OrgUnit

TOPICS: dict[str, list[tuple[str, str]]] = {
    "conditions": [
        ("车间通风不好", "夏天装配车间温度太高，通风设备经常不开，希望改善。"),
        ("轮椅通道被货物堵住", "二车间门口的轮椅通道常被成品箱堵住，进出很不方便。"),
        ("劳保手套不够用", "包装班组每月发的劳保手套不够用，磨损很快。"),
    ],
    "pay": [
        ("加班费计算有疑问", "上个月的加班费比按考勤算的少了，希望核对一下。"),
        ("残疾人补贴发放时间", "想问残疾职工补贴什么时候发，去年是年底一起发的。"),
    ],
    "living": [
        ("食堂排队时间太长", "中午食堂只开两个窗口，排队要二十分钟，希望增加窗口或错峰就餐。"),
        ("宿舍热水不稳定", "宿舍晚上洗澡时热水时有时无，冬天很不方便。"),
        ("班车时间太早", "早班车六点半发车，住得远的职工赶不上，希望推迟一点。"),
        ("食堂饭菜口味", "饭菜太咸，希望照顾有慢性病的职工，少油少盐。"),
    ],
    "training": [
        ("想学电工技能", "希望单位组织电工培训，我想考证。"),
        ("手语培训", "希望给班组长开手语培训，方便和听障职工交流。"),
    ],
    "hardship": [
        ("家里老人生病", "母亲住院，家里经济困难，希望得到帮扶。"),
        ("孩子上学困难", "孩子明年上学，想了解有没有助学帮扶。"),
    ],
    "accessibility": [
        ("厕所没有扶手", "三车间的卫生间没有扶手，肢体残疾的同事用起来很危险。"),
        ("通知没有文字版", "车间广播通知听障职工听不到，希望同时发文字通知。"),
        ("盲道被占用", "厂区盲道上停了电动车，视障职工走路不安全。"),
    ],
    "suggestion": [
        ("包装工序改进建议", "建议把封箱和贴标两道工序合并，可以省人省时。"),
        ("节约用电建议", "午休时车间灯可以关一半，建议安装分路开关。"),
    ],
    "conduct": [("有党员态度生硬", "办理报销时某党员态度生硬，推诿不办。")],
    "other": [("厂区绿化", "希望在休息区多种些树，夏天有个阴凉的地方。")],
}

REPLIES = [
    "已与后勤保障部协调，问题已解决。",
    "已安排专人处理，并将持续跟进。",
    "已按规定核对并补发，请查收。",
    "已向公司提出建议，公司同意下月起实施。",
    "已完成整改，欢迎继续监督。",
]


def _work_moment(rng: random.Random, day: datetime.date, zone: ZoneInfo) -> datetime.datetime:
    hour = rng.choice([8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17])
    return datetime.datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), tzinfo=zone)


def build_appeals(*, today: datetime.date, count: int = 240, seed: int = 2026) -> int:
    """Replay `count` appeals over the year before `today`. Returns how many."""
    rng = random.Random(seed)
    zone = ZoneInfo(settings.TIME_ZONE)
    categories = {category.code: category for category in Category.objects.all()}
    departments = list(Department.objects.filter(depth__gte=1))
    workers = list(
        User.objects.filter(is_superuser=False, is_active=True).select_related("department")
    )
    liaison_departments = list(
        Department.objects.filter(
            pk__in=RoleAssignment.objects.filter(role=Role.DEPARTMENT_LIAISON).values(
                "department_id"
            )
        )
    )
    made: list[Appeal] = []
    start = today - datetime.timedelta(days=365)
    for index in range(count):
        # More appeals lately, as more people learn of the platform.
        offset = int(365 * (1 - rng.random() ** 1.6))
        day = start + datetime.timedelta(days=min(offset, 364))
        if not workcalendar.is_workday(day):
            day += datetime.timedelta(days=2 if day.weekday() == 5 else 1)
        if day > today:
            day = today
        at = _work_moment(rng, day, zone)
        code = rng.choices(list(TOPICS), weights=[12, 8, 25, 7, 6, 14, 10, 2, 4])[0]
        title, text = rng.choice(TOPICS[code])
        worker = rng.choice(workers)
        kind = rng.random()
        who: dict[str, Any] = {"submitter": worker, "channel": Appeal.Channel.WEB}
        if kind < 0.08:
            who = {"anonymous": True, "channel": Appeal.Channel.ANONYMOUS}
        elif kind < 0.13:
            recorder = _officer_for(worker) or worker
            who = {
                "submitter": worker,
                "recorded_by": recorder,
                "channel": Appeal.Channel.ON_BEHALF,
            }
        elif kind < 0.18:
            who["channel"] = Appeal.Channel.QR
        result = services.appeal_submit(
            draft=AppealDraft(
                category=categories[code],
                title=title,
                description=text,
                department=worker.department if rng.random() < 0.85 else rng.choice(departments),
                urgency=rng.choices(["urgent", "normal", "complex"], weights=[10, 75, 15])[0],
                consent_publish=rng.random() < 0.5,
                **who,
            ),
            at=at,
        )
        made.append(result.appeal)
        _play(rng, result.appeal, at, today, zone, made, liaison_departments, index)
    return len(made)


def _officer_for(user: User) -> User | None:
    member = Member.objects.filter(user=user).select_related("branch").first()
    unit = member.branch if member else None
    holder = (
        RoleAssignment.objects.filter(
            role=Role.BRANCH_OFFICER, **({"org_unit": unit} if unit else {})
        )
        .select_related("user")
        .first()
    )
    return holder.user if holder else None


def _handler(appeal: Appeal) -> User | None:
    role = Role.DISCIPLINE_OFFICER if appeal.category.to_discipline else Role.BRANCH_OFFICER
    holder = (
        RoleAssignment.objects.filter(org_unit=appeal.unit, role__in=[role, Role.COMMITTEE_OFFICER])
        .select_related("user")
        .order_by("role")
        .first()
    )
    return holder.user if holder else None


def _play(
    rng: random.Random,
    appeal: Appeal,
    at: datetime.datetime,
    today: datetime.date,
    zone: ZoneInfo,
    made: list[Appeal],
    liaisons: list[Department],
    index: int,
) -> None:
    """Carry one appeal as far as its age allows."""
    now = datetime.datetime.combine(today, datetime.time(12, 0), zone)
    handler = _handler(appeal)
    if handler is None:
        return
    age_days = (now - at).days
    fate = rng.random()
    if age_days < 2 and fate < 0.6:
        return  # freshly raised, not yet accepted
    late = rng.random() < 0.1
    accept_at = workcalendar.add_working(
        at, rng.randint(20, 300) if not late else rng.randint(500, 900)
    )
    if accept_at >= now:
        return
    if fate < 0.03:
        services.appeal_decline(
            appeal=appeal,
            actor=handler,
            reason="该事项属于工会职责范围。",
            go_to="公司工会办公室",
            at=accept_at,
        )
        return
    if fate < 0.06 and appeal.unit.parent_id is not None:
        services.appeal_transfer(
            appeal=appeal,
            actor=handler,
            to_unit=OrgUnit.objects.get(pk=appeal.unit.parent_id),
            reason="涉及多个车间，由党委统筹。",
            at=accept_at,
        )
        handler = _handler(appeal) or handler
        accept_at = workcalendar.add_working(accept_at, 60)
    if fate < 0.08:
        earlier = [
            a
            for a in made[:-1]
            if a.status in ("accepted", "in_progress") and a.category_id == appeal.category_id
        ]
        if earlier:
            services.appeal_merge(appeal=appeal, actor=handler, into=earlier[-1], at=accept_at)
            return
    services.appeal_accept(appeal=appeal, actor=handler, at=accept_at)
    members = list(selectors.assignable_members(appeal)[:8])
    moment = accept_at
    if members:
        moment = workcalendar.add_working(moment, rng.randint(10, 120))
        if moment >= now:
            return
        services.appeal_assign(
            appeal=appeal, actor=handler, assignee=rng.choice(members), at=moment
        )
    worker = appeal.assignee or handler
    if liaisons and rng.random() < 0.15:
        moment = workcalendar.add_working(moment, 60)
        task = services.cohandling_open(
            appeal=appeal,
            actor=handler,
            department=rng.choice(liaisons),
            request="请协助核实并提出处理意见。",
            at=moment,
        )
        reply_at = workcalendar.add_working(moment, rng.randint(200, 900))
        if reply_at < now:
            liaison = RoleAssignment.objects.filter(
                role=Role.DEPARTMENT_LIAISON, department=task.department
            ).first()
            if liaison:
                services.cohandling_reply(
                    task=task, actor=liaison.user, reply="已核实，按规定处理。", at=reply_at
                )
    moment = workcalendar.add_working(moment, rng.randint(60, 400))
    if moment >= now:
        return
    services.followup_add(
        appeal=appeal, actor=worker, text="已联系相关部门，正在落实。", public=True, at=moment
    )
    minutes = rng.randint(300, 2000) if rng.random() < 0.85 else rng.randint(2500, 6000)
    answer_at = workcalendar.add_working(moment, minutes)
    if answer_at >= now:
        return  # still being handled (some of these are overdue)
    services.appeal_answer(appeal=appeal, actor=worker, text=rng.choice(REPLIES), at=answer_at)
    rate_at = answer_at + datetime.timedelta(hours=rng.randint(2, 90))
    if rate_at >= now:
        return  # waiting for the call-back
    roll = rng.random()
    if roll < 0.07:
        services.appeal_close_unrated(
            appeal=appeal, at=answer_at + datetime.timedelta(days=7, minutes=1)
        )
        return
    rater = appeal.submitter
    if roll < 0.15:
        services.appeal_rate(
            appeal=appeal,
            resolved=False,
            satisfaction="not",
            comment="问题还没有解决。",
            rater=rater,
            at=rate_at,
        )
        again = workcalendar.add_working(rate_at, rng.randint(300, 1500))
        if again >= now:
            return
        services.appeal_answer(
            appeal=appeal, actor=worker, text="经上级督办，已重新处理并落实。", at=again
        )
        second = again + datetime.timedelta(hours=rng.randint(2, 48))
        if second >= now:
            return
        services.appeal_rate(
            appeal=appeal,
            resolved=rng.random() < 0.7,
            satisfaction=rng.choice(["fairly", "satisfied", "not"]),
            rater=rater,
            at=second,
        )
    else:
        satisfaction = rng.choices(["satisfied", "fairly", "not"], weights=[72, 22, 6])[0]
        services.appeal_rate(
            appeal=appeal,
            resolved=satisfaction != "not" or rng.random() < 0.3,
            satisfaction=satisfaction,
            rater=rater,
            at=rate_at,
        )
    appeal.refresh_from_db()
    if appeal.status == "closed" and appeal.resolved and appeal.consent_publish and index % 4 == 0:
        services.appeal_publish(
            appeal=appeal,
            actor=handler,
            summary=f"{appeal.category}：{appeal.title}。经办理，{rng.choice(REPLIES)}",
            at=rate_at + datetime.timedelta(days=1),
        )
