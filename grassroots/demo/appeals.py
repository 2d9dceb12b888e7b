"""A year of appeals for the demo enterprise, replayed through the services.

Realistic outcomes: most accepted in time and rated satisfied, some late, declined,
transferred, merged, reopened after a not-satisfied rating, closed unrated; some
anonymous, some recorded on behalf of workers; the last weeks still open, a few of
them overdue. Every page of the appeal loop has something to show.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from grassroots.accounts.models import Role, RoleAssignment, User
from grassroots.appeals import selectors, services
from grassroots.appeals.intake import AppealDraft
from grassroots.appeals.models import Appeal, Category
from grassroots.core import workcalendar
from grassroots.orgs.models import Department, Member, OrgUnit


@dataclass(frozen=True)
class Topic:
    """One kind of appeal a worker raises, with the answers that fit it."""

    title: str
    text: str
    answers: tuple[str, ...]


TOPICS: dict[str, list[Topic]] = {
    "conditions": [
        Topic(
            "车间通风不好",
            "夏天车间温度太高，通风设备经常不开，希望改善。",
            (
                "已与生产技术部商定，通风设备上班期间全程开启，并加装两台工业风扇。",
                "已检修车间排风机，高温时段增开通风，请继续反映效果。",
            ),
        ),
        Topic(
            "轮椅通道被货物堵住",
            "车间门口的轮椅通道常被成品箱堵住，进出很不方便。",
            (
                "已清理通道并划出禁放线，班组长每天下班前检查。",
                "成品箱改放到东侧暂存区，轮椅通道已恢复畅通。",
            ),
        ),
        Topic(
            "劳保手套不够用",
            "班组每月发的劳保手套不够用，磨损很快。",
            (
                "已将班组的劳保手套由每月两副调整为四副，下月起发放。",
                "已更换为耐磨型号手套，并按实际消耗补领。",
            ),
        ),
    ],
    "pay": [
        Topic(
            "加班费计算有疑问",
            "上个月的加班费比按考勤算的少了，希望核对一下。",
            (
                "经人力资源部核对，漏计了两天加班，差额已随本月工资补发。",
                "已核对考勤和工资表，加班费计算无误，已当面向您说明计算方法。",
            ),
        ),
        Topic(
            "残疾人补贴发放时间",
            "想问残疾职工补贴什么时候发，去年是年底一起发的。",
            (
                "残疾职工补贴今年起改为按季度发放，每季度末随工资发放。",
                "已向人力资源部确认，本年度补贴将于年底前发放到位。",
            ),
        ),
    ],
    "living": [
        Topic(
            "食堂排队时间太长",
            "中午食堂只开两个窗口，排队要二十分钟，希望增加窗口或错峰就餐。",
            (
                "已与后勤保障部协调，午餐增开两个窗口，各车间错峰十分钟就餐。",
                "食堂已增加一个快餐窗口，高峰排队缩短到五分钟左右。",
            ),
        ),
        Topic(
            "宿舍热水不稳定",
            "宿舍晚上洗澡时热水时有时无，冬天很不方便。",
            (
                "已检修宿舍热水锅炉并更换循环泵，晚间热水恢复稳定。",
                "热水供应时间已延长到二十三点，并安排专人巡查。",
            ),
        ),
        Topic(
            "班车时间太早",
            "早班车六点半发车，住得远的职工赶不上，希望推迟一点。",
            (
                "已与车队商定，早班车推迟到六点五十发车。",
                "已增开一趟七点的早班车，覆盖住得远的职工。",
            ),
        ),
        Topic(
            "食堂饭菜口味",
            "饭菜太咸，希望照顾有慢性病的职工，少油少盐。",
            (
                "食堂已减少用盐用油，每天增加两道清淡菜品。",
                "已设少油少盐窗口，并在菜牌上标注清淡菜品。",
            ),
        ),
    ],
    "training": [
        Topic(
            "想学电工技能",
            "希望单位组织电工培训，我想考证。",
            (
                "已将电工培训列入下季度培训计划，报名后统一组织考证。",
                "已联系职业技能培训学校开设电工班，培训和考证费用由公司承担。",
            ),
        ),
        Topic(
            "手语培训",
            "希望给班组长开手语培训，方便和听障职工交流。",
            (
                "已为班组长开设常用手语培训班，每周一次，共八次。",
                "已请残联手语老师来厂授课，并给班组长配发手语沟通卡片。",
            ),
        ),
    ],
    "hardship": [
        Topic(
            "家里老人生病",
            "母亲住院，家里经济困难，希望得到帮扶。",
            (
                "已按困难职工帮扶办法发放临时救助金，支部党员上门看望。",
                "已协助申请大病医疗补助，并纳入工会困难职工帮扶台账。",
            ),
        ),
        Topic(
            "孩子上学困难",
            "孩子明年上学，想了解有没有助学帮扶。",
            (
                "已将您的孩子纳入困难职工子女助学名单，开学前发放助学金。",
                "已安排党员与您的孩子结对，并说明了助学金的申请办法。",
            ),
        ),
    ],
    "accessibility": [
        Topic(
            "厕所没有扶手",
            "车间的卫生间没有扶手，肢体残疾的同事用起来很危险。",
            (
                "车间卫生间已加装扶手和防滑地垫，并请残疾职工试用确认。",
                "已按无障碍标准改造车间卫生间，加装扶手和呼叫按钮。",
            ),
        ),
        Topic(
            "通知没有文字版",
            "车间广播通知听障职工听不到，希望同时发文字通知。",
            (
                "车间广播通知已同步发到班组群，并在电子屏滚动显示。",
                "已在车间安装文字提示屏，重要通知同时张贴文字版。",
            ),
        ),
        Topic(
            "盲道被占用",
            "厂区盲道上停了电动车，视障职工走路不安全。",
            (
                "已清理盲道上的电动车，并在旁边新划了电动车停放区。",
                "已安排保安每天巡查盲道，占用的车辆当场挪走。",
            ),
        ),
    ],
    "suggestion": [
        Topic(
            "包装工序改进建议",
            "建议把封箱和贴标两道工序合并，可以省人省时。",
            (
                "建议已被生产技术部采纳，下月起在一个班组试行。",
                "感谢建议，经试算合并后效率提高有限，暂不采纳，已当面说明原因。",
            ),
        ),
        Topic(
            "节约用电建议",
            "午休时车间灯可以关一半，建议安装分路开关。",
            (
                "建议已采纳，车间照明已改为分路开关，午休时关闭一半。",
                "已将分路开关改造列入本季度设备维修计划。",
            ),
        ),
    ],
    "conduct": [
        Topic(
            "有党员态度生硬",
            "办理报销时某党员态度生硬，推诿不办。",
            (
                "经核实，已对该党员进行批评教育，报销已当场办结。",
                "纪检委员已约谈相关党员，本人已向您致歉并办结报销。",
            ),
        )
    ],
    "other": [
        Topic(
            "厂区绿化",
            "希望在休息区多种些树，夏天有个阴凉的地方。",
            (
                "已在休息区补种香樟树十二棵，并加装遮阳棚。",
                "绿化方案已报公司，明年春季在休息区植树。",
            ),
        )
    ],
}

# The answer after a not-satisfied rating: fits every topic.
SECOND_ANSWER = "经上级督办，已重新处理并落实。"


def topic_of(category_code: str, title: str) -> Topic | None:
    """The demo topic an appeal was made from, if any (a test checks answers against it)."""
    return next((t for t in TOPICS.get(category_code, []) if t.title == title), None)


def _work_moment(rng: random.Random, day: datetime.date, zone: ZoneInfo) -> datetime.datetime:
    hour = rng.choice([8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17])
    return datetime.datetime(day.year, day.month, day.day, hour, rng.randint(0, 59), tzinfo=zone)


def build_appeals(
    *,
    today: datetime.date,
    count: int = 240,
    seed: int = 2026,
    now: datetime.datetime | None = None,
) -> int:
    """Replay `count` appeals over the year before `now` (the moment the demo is loaded;
    the start of `today` when not given): nothing is dated after it. Returns how many."""
    rng = random.Random(seed)
    zone = ZoneInfo(settings.TIME_ZONE)
    if now is None:
        now = datetime.datetime.combine(today, datetime.time(0, 0), zone)
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
        while at > now - datetime.timedelta(minutes=5):  # "later today" has not happened yet
            day -= datetime.timedelta(days=1)
            while not workcalendar.is_workday(day):
                day -= datetime.timedelta(days=1)
            at = datetime.datetime.combine(day, at.timetz())
        code = rng.choices(list(TOPICS), weights=[12, 8, 25, 7, 6, 14, 10, 2, 4])[0]
        topic = rng.choice(TOPICS[code])
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
                title=topic.title,
                description=topic.text,
                department=worker.department if rng.random() < 0.85 else rng.choice(departments),
                urgency=rng.choices(["urgent", "normal", "complex"], weights=[10, 75, 15])[0],
                consent_publish=rng.random() < 0.5,
                **who,
            ),
            at=at,
        )
        made.append(result.appeal)
        _play(rng, result.appeal, topic, at, now, made, liaison_departments, index)
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
    topic: Topic,
    at: datetime.datetime,
    now: datetime.datetime,
    made: list[Appeal],
    liaisons: list[Department],
    index: int,
) -> None:
    """Carry one appeal as far as its age allows: no step later than `now`."""
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
        if moment >= now:
            return
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
    answer = rng.choice(topic.answers)
    services.appeal_answer(appeal=appeal, actor=worker, text=answer, at=answer_at)
    rate_at = answer_at + datetime.timedelta(hours=rng.randint(2, 90))
    if rate_at >= now:
        return  # waiting for the call-back
    roll = rng.random()
    if roll < 0.07:
        closed_at = answer_at + datetime.timedelta(days=7, minutes=1)
        if closed_at < now:  # otherwise still waiting for the call-back
            services.appeal_close_unrated(appeal=appeal, at=closed_at)
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
        services.appeal_answer(appeal=appeal, actor=worker, text=SECOND_ANSWER, at=again)
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
    published_at = max(rate_at, appeal.closed_at or rate_at) + datetime.timedelta(days=1)
    if (
        appeal.status == "closed"
        and appeal.resolved
        and appeal.consent_publish
        and index % 4 == 0
        and published_at < now
    ):
        services.appeal_publish(
            appeal=appeal,
            actor=handler,
            summary=f"{appeal.category}：{appeal.title}。经办理，{answer}",
            at=published_at,
        )
