"""Two consultations of the enterprise's Party committee for the demo (征求意见, 三重一大):

- closed: the canteen renovation funds, asked of every employee some weeks ago: sixteen
  comments, named and anonymous, from employees and members, one hidden with its reason;
  every one answered (similar ones together), the adoption report published, the
  decision recorded, and one adopted suggestion (hot meals for the night shift) on the
  practical-deed list, linked both ways;
- open: the commuter buses' routes and times, running now, with two similar comments
  waiting for an answer; the demo employee has not commented yet.

Written in the rows the services write, as history (nobody is sent a notice of it); the
adoption report is the services' own text, generated from the answers."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from grassroots.accounts.models import Role, User
from grassroots.appeals.similarity import tokenize
from grassroots.core.workcalendar import is_workday
from grassroots.openness.consultations.services import adoption_report_text, commenter_group
from grassroots.openness.models import Comment, CommentAnswer, Consultation, Notice
from grassroots.openness.vocabulary import Audience, Matter, NoticeKind, Outcome
from grassroots.orgs.models import Member, OrgUnit
from grassroots.orgs.publicity.rules import notice_period
from grassroots.service.models import Deed

ADOPTED, PARTLY, NOT = Outcome.ADOPTED, Outcome.PARTLY, Outcome.NOT_ADOPTED

CANTEEN_DRAFT = (
    "为改善职工就餐条件，公司党委拟使用专项资金96万元对职工食堂进行改造，主要内容：\n"
    "一、更换后厨排烟系统（约38万元）；\n"
    "二、增设两个售饭窗口，更换售饭台（约22万元）；\n"
    "三、更换就餐区空调（约24万元）；\n"
    "四、就餐区地面、照明翻新（约12万元）。\n"
    "施工计划安排在下季度，工期约六周。现征求全体职工意见，请大家畅所欲言。"
)

# (text, anonymous, who: "employee" or "member", answer number)
CANTEEN_COMMENTS = [
    (
        "夜班下班后食堂已经关门，只能吃泡面，希望改造后能给夜班留一个热饭窗口。",
        False,
        "employee",
        1,
    ),
    ("建议食堂晚上留个窗口供应夜宵，夜班的同事吃口热饭不容易。", True, "employee", 1),
    ("后厨排烟口正对着职工宿舍，换新设备时请选噪音小的，最好加隔音罩。", False, "member", 2),
    ("新增的窗口里能不能设一个清真窗口？车间有好几位少数民族同事。", True, "employee", 3),
    ("就餐区空调建议选一级能效的，夏天开得多，能省不少电费。", False, "member", 4),
    ("施工六周时间不短，期间大家在哪吃饭？希望安排临时就餐点。", False, "employee", 5),
    ("改造施工期间请安排一个临时用餐的地方，别让大家都去外面买。", True, "member", 5),
    ("中午打饭排队太长，主要卡在刷卡上，建议多装几台刷卡机。", False, "employee", 6),
    ("高峰期刷卡机不够用，排队能排到门口，希望增加刷卡机。", False, "member", 6),
    ("96万元里设备、施工各占多少？希望把预算明细公开出来。", False, "member", 7),
    ("采购一定要公开招标，货比三家，防止价格虚高。", True, "employee", 8),
    ("希望饭菜价格不要因为改造而上涨。", False, "employee", 9),
    ("宿舍热水问题更急，这笔资金可否先用在宿舍热水改造上？", True, "employee", 10),
    ("食堂地面一拖完就滑，上个月还有人摔倒，翻新时请换防滑地砖。", False, "employee", 11),
    ("建议留一条无障碍取餐通道，坐轮椅的同事打饭很不方便。", False, "member", 11),
    ("听说承包方和某位领导是亲戚，这次改造肯定有问题。", True, "employee", 12),
]
HIDDEN = {15: "涉及未经核实的个人指控，已转党委纪检委员按程序核实"}

CANTEEN_ANSWERS = {
    1: (ADOPTED, "采纳。改造后保留一个窗口至23:30，供应夜班热餐，列入“我为群众办实事”清单。"),
    2: (PARTLY, "部分采纳。排烟设备选用低噪声型号并加装隔音罩；排烟口位置受建筑结构限制无法调整。"),
    3: (ADOPTED, "采纳。新增窗口中设清真窗口一个，由专人专灶操作。"),
    4: (ADOPTED, "采纳。空调统一采购一级能效产品。"),
    5: (ADOPTED, "采纳。施工期间在综合楼一楼多功能厅设临时就餐点，供应盒饭。"),
    6: (ADOPTED, "采纳。增加刷卡机四台，并开通扫码支付。"),
    7: (ADOPTED, "采纳。预算明细已随本反馈一并公开，施工结束后公开决算。"),
    8: (ADOPTED, "采纳。设备和施工均按公司采购管理办法公开招标，结果公示。"),
    9: (PARTLY, "部分采纳。基本套餐价格维持不变；新增特色窗口按成本定价并公示。"),
    10: (NOT, "未采纳。宿舍热水改造已单独列入后勤年度计划，资金另行安排，不占用本项目资金。"),
    11: (ADOPTED, "采纳。地面全部更换防滑地砖，并设置一条无障碍取餐通道。"),
    12: (PARTLY, "所反映情况已转党委纪检委员按程序核实；本项目公开招标，全过程接受职工监督。"),
}

CANTEEN_CHANGES = (
    "根据职工意见，改造方案作如下调整：保留一个夜班热餐窗口至23:30；新增窗口中设清真窗口一个；"
    "排烟设备选用低噪声型号并加装隔音罩；施工期间设临时就餐点；增加刷卡机四台并开通扫码支付；"
    "地面更换防滑地砖，设置无障碍取餐通道；设备和施工公开招标。总投资仍为96万元，"
    "新增项目所需资金从空调预算（改为集中采购后节余）中调剂。"
)

CANTEEN_DECISION = (
    "公司党委会研究决定：按征求意见后修改的方案实施职工食堂改造，总投资96万元。"
    "由后勤保障部牵头，工会全程监督，设备和施工公开招标，施工结束后公开决算。"
)

BUS_DRAFT = (
    "为方便职工上下班，公司党委拟自下月起调整通勤班车：\n"
    "一、三号线终点由火车站延伸至城东新区，增设两个站点；\n"
    "二、早班发车时间由7:10提前至7:00；\n"
    "三、增开夜班23:30返程车一趟。\n"
    "请大家结合自己的乘车情况提出意见。"
)
BUS_QUESTIONS = ["您目前主要乘坐哪条线路？", "早班提前十分钟发车对您是否合适？"]
BUS_COMMENTS = [
    (
        "三号线能不能再往前延伸到新区宿舍？那边住了不少年轻职工，每天要走二十分钟到站。",
        ["三号线", "合适"],
    ),
    ("建议三号线延伸到新区宿舍站，年轻职工住那边的多。", ["三号线", ""]),
]


def build_consultations(
    *, today: datetime.date, seed: int = 2026, keep_out: Iterable[str] = ()
) -> int:
    """The closed and the open consultation; returns how many comments were written.
    The people of `keep_out` (the demo logins' employee numbers) write none: the demo
    employee finds the open one waiting for their opinion."""
    rng = random.Random(seed + 41)
    zone = ZoneInfo(settings.TIME_ZONE)
    committee = OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMITTEE, parent__isnull=True).first()
    if committee is None:
        return 0
    officer = (
        User.objects.filter(
            role_assignments__org_unit=committee,
            role_assignments__role=Role.COMMITTEE_OFFICER,
            role_assignments__ends_on__isnull=True,
        )
        .order_by("employee_number")
        .first()
    )
    if officer is None:
        return 0
    kept_out = {*keep_out, "40008"}
    members = list(
        User.objects.filter(pk__in=Member.objects.party_members().values("user_id"), is_active=True)
        .exclude(pk=officer.pk)
        .exclude(employee_number__in=kept_out)
        .order_by("employee_number")[:200]
    )
    member_ids = {u.pk for u in members}
    employees = [
        u
        for u in User.objects.filter(is_active=True, is_superuser=False)
        .exclude(employee_number__in=kept_out)
        .order_by("employee_number")[:600]
        if u.pk not in member_ids and u.pk != officer.pk
    ]
    rng.shuffle(members)
    rng.shuffle(employees)
    pools: dict[str, Iterator[Any]] = {"member": iter(members), "employee": iter(employees)}
    written = _closed(committee, officer, pools, today=today, zone=zone)
    written += _open(committee, officer, pools, today=today)
    return written


def _at(day: datetime.date, hour: int, zone: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), zone)


def _closed(
    committee: OrgUnit,
    officer: User,
    pools: dict[str, Iterator[Any]],
    *,
    today: datetime.date,
    zone: ZoneInfo,
) -> int:
    first, last = notice_period(today - datetime.timedelta(days=56), 7, is_workday=is_workday)
    consultation = Consultation.objects.create(
        unit=committee,
        title="关于职工食堂改造资金使用方案的意见征求",
        draft=CANTEEN_DRAFT,
        matter=Matter.FUNDS,
        audience=Audience.ENTERPRISE,
        questions=[],
        comments_shown=True,
        working_days=7,
        opens_on=first,
        closes_on=last,
        opened_by=officer,
        opened_at=_at(first, 9, zone),
    )
    span = max((last - first).days, 1)
    comments: list[Comment] = []
    for number, (text, anonymous, who, _answer) in enumerate(CANTEEN_COMMENTS):
        author = next(pools[who])
        comments.append(
            Comment.objects.create(
                consultation=consultation,
                author=None if anonymous else author,
                is_anonymous=anonymous,
                group=commenter_group(author),
                text=text,
                replies=[],
                tokens=tokenize(text),
                created_on=first + datetime.timedelta(days=number * span // len(CANTEEN_COMMENTS)),
                hidden=number in HIDDEN,
                hidden_reason=HIDDEN.get(number, ""),
                hidden_by=officer if number in HIDDEN else None,
            )
        )
    answered_on = last + datetime.timedelta(days=1)
    answers: dict[int, CommentAnswer] = {}
    for key, (outcome, reason) in CANTEEN_ANSWERS.items():
        answers[key] = CommentAnswer.objects.create(
            consultation=consultation,
            outcome=outcome,
            reason=reason,
            answered_by=officer,
            answered_at=_at(answered_on, 10, zone),
        )
    for comment, (_t, _a, _w, key) in zip(comments, CANTEEN_COMMENTS, strict=True):
        comment.answer = answers[key]
        comment.save(update_fields=["answer"])
    closed_at = _at(last + datetime.timedelta(days=2), 16, zone)
    consultation.changes = CANTEEN_CHANGES
    report = Notice.objects.create(
        unit=committee,
        kind=NoticeKind.ADOPTION,
        title=f"采纳情况反馈：{consultation.title}",
        body=adoption_report_text(consultation),
        audience=consultation.audience,
        published_by=officer,
        published_at=closed_at,
        updated_at=closed_at,
    )
    consultation.status = Consultation.Status.CLOSED
    consultation.closed_by, consultation.closed_at, consultation.report = officer, closed_at, report
    consultation.decision = CANTEEN_DECISION
    consultation.decided_on = last + datetime.timedelta(days=6)
    consultation.save()
    night = answers[1]
    deed = Deed.objects.create(
        unit=committee,
        title="食堂开设夜班热餐窗口",
        description="根据职工食堂改造意见征求中职工的建议：改造后保留一个窗口至23:30，供应夜班热餐。",
        owner=officer,
        services=["masses"],
        due_on=today + datetime.timedelta(days=45),
        created_by=officer,
        created_at=closed_at,
        updated_at=closed_at,
        origin_label=f"征求意见：{consultation.title}",
        origin_url=f"/openness/consultations/{consultation.public_id}/",
    )
    night.deed = deed
    night.save(update_fields=["deed"])
    return len(comments)


def _open(
    committee: OrgUnit, officer: User, pools: dict[str, Iterator[Any]], *, today: datetime.date
) -> int:
    first, last = notice_period(today - datetime.timedelta(days=2), 10, is_workday=is_workday)
    if first > today:
        first = today
    consultation = Consultation.objects.create(
        unit=committee,
        title="关于调整职工通勤班车线路和发车时间的意见征求",
        draft=BUS_DRAFT,
        matter=Matter.DECISION,
        audience=Audience.ENTERPRISE,
        questions=BUS_QUESTIONS,
        comments_shown=True,
        working_days=10,
        opens_on=first,
        closes_on=max(last, today + datetime.timedelta(days=3)),
        opened_by=officer,
    )
    for text, replies in BUS_COMMENTS:
        author = next(pools["employee"])
        Comment.objects.create(
            consultation=consultation,
            author=author,
            group=commenter_group(author),
            text=text,
            replies=replies,
            tokens=tokenize(" ".join([text, *replies])),
            created_on=first,
        )
    return len(BUS_COMMENTS)
