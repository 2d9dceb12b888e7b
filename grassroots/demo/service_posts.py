"""Service posts for the demo: demonstration posts, responsibility areas and mobile
service posts across the branches, held by their members. The first workshop's mobile
post has a rota: visits held over the last months (one of them already turned into an
appeal), one due today and more to come. A few appeals were raised to posts.

Written through the services, as a branch secretary would, so that the audit log and
the links between posts, visits and appeals are the real ones.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.conf import settings

from grassroots.accounts.models import User
from grassroots.appeals import services as appeal_services
from grassroots.appeals.intake import AppealDraft
from grassroots.appeals.models import Appeal, Category
from grassroots.orgs.models import Department, Member, OrgPost, OrgUnit
from grassroots.service.models import ServicePost
from grassroots.service.posts import selectors, services

DEMONSTRATION, AREA, MOBILE = (
    ServicePost.Kind.DEMONSTRATION,
    ServicePost.Kind.AREA,
    ServicePost.Kind.MOBILE,
)

# (branch, kind, name, department served, place, promise, five services, holders)
POSTS = [
    (
        "B01",
        DEMONSTRATION,
        "综合办公室党员示范岗",
        "D01",
        "办公楼二楼服务窗口",
        "职工来办事，一次讲清、一次办好；不推诿、不拖延，当天答复。",
        ["masses", "members"],
        2,
    ),
    (
        "B01",
        AREA,
        "人事服务党员责任区",
        "D02",
        "办公楼三楼人力资源部",
        "社保、工资、残疾人补贴的疑问三个工作日内答复，听障职工可用文字或手语沟通。",
        ["masses"],
        2,
    ),
    (
        "B02",
        AREA,
        "后勤保障党员责任区",
        "D06",
        "后勤楼一楼",
        "宿舍、班车、食堂的问题当天回应，三天内给出办理意见。",
        ["masses", "society"],
        2,
    ),
    (
        "B02",
        DEMONSTRATION,
        "安全环保党员示范岗",
        "D05",
        "",
        "每周下车间巡查一次安全隐患，发现问题当场记录、限期整改。",
        ["development", "masses"],
        1,
    ),
    (
        "B03",
        DEMONSTRATION,
        "装配一班党员示范岗",
        "D10-1",
        "装配一班生产线东头",
        "带头执行工艺标准，手把手帮助残疾职工熟悉新工位；设备故障十分钟内到场。",
        ["development", "masses"],
        2,
    ),
    (
        "B03",
        AREA,
        "装配二班无障碍责任区",
        "D10-2",
        "装配二班休息区",
        "负责班组通道、坡道、扶手和卫生间无障碍设施，每周检查一次，发现问题两天内修好。",
        ["masses"],
        2,
    ),
    (
        "B03",
        MOBILE,
        "一车间党员流动服务岗",
        "D10",
        "一车间党员活动室",
        "每周到各班组和相关科室上门服务，现场听取职工意见，能办的当场办，办不了的登记为诉求跟踪到底。",
        ["masses", "reform"],
        3,
    ),
    (
        "B04",
        DEMONSTRATION,
        "包装一班党员示范岗",
        "D11-1",
        "包装一班质检台",
        "包装质量零差错，新职工上岗第一周由党员一对一带班。",
        ["development"],
        2,
    ),
    (
        "B04",
        AREA,
        "包装二班安全生产责任区",
        "D11-2",
        "包装二班",
        "封箱机、叉车通道安全每班检查，隐患当班报告。",
        ["development", "masses"],
        2,
    ),
    (
        "B05",
        DEMONSTRATION,
        "印刷质量党员示范岗",
        "D12-1",
        "印刷一班机台旁",
        "首件必检、色差必查，带头开展质量攻关。",
        ["development", "reform"],
        2,
    ),
    (
        "B05",
        MOBILE,
        "三车间科室上门服务岗",
        "D12",
        "",
        "每月到班组和后勤、人事科室各走一次，把职工的难事带回来。",
        ["masses"],
        2,
    ),
    (
        "B06",
        AREA,
        "编织车间手语服务责任区",
        "D13",
        "四车间办公室",
        "为听障职工提供手语沟通帮助，车间通知同时发文字版。",
        ["masses", "society"],
        2,
    ),
]

# What was heard, what was done on the spot
VISIT_NOTES = [
    (
        "职工反映装配线照明偏暗，视力不好的同事看零件费劲。",
        "当场联系电工检查了两处灯管，已更换一处，另一处列入本周检修。",
    ),
    (
        "有职工问今年体检什么时候安排，听障职工希望体检时有手语翻译陪同。",
        "讲解了体检安排；手语翻译的需求已转告人力资源部。",
    ),
    (
        "班组长建议在工位旁增加可调节座椅，久站的残疾职工吃不消。",
        "和车间主任一起看了工位，先调整了三把椅子的高度。",
    ),
    (
        "职工反映更衣柜数量不够，新来的职工没有柜子。",
        "登记了缺少柜子的人数（7人），答应一周内答复。",
    ),
    (
        "有职工反映轮椅坡道的扶手松动。",
        "当场拧紧了扶手螺丝，并提醒设备科定期检查。",
    ),
]
# The most recent visit: what was heard there became an appeal.
TURNED = (
    "夜班职工反映食堂夜宵只有面条，品种太少，有糖尿病的职工没法吃。",
    "向职工说明会反映给后勤，并登记为诉求。",
    (
        "living",
        "夜班夜宵品种太少",
        "夜班职工反映食堂夜宵只有面条，品种太少，有糖尿病的职工没法吃，希望增加粗粮和少糖的选择。",
    ),
)
APPEALS_TO_POSTS = [
    (
        "装配一班党员示范岗",
        "conditions",
        "新工位的工装夹具不顺手",
        "新换的工位夹具对手部残疾的同事不方便，希望示范岗的师傅帮忙看看能不能改一改。",
    ),
    (
        "包装一班党员示范岗",
        "training",
        "想学封箱机操作",
        "我想学封箱机的操作，希望示范岗的党员师傅能带一带。",
    ),
]
OFFICES_VISITED = ["D10-1", "D10-2", "D10-3", "D06", "D04"]


def _weekday(day: datetime.date, step: int) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=step)
    return day


def _secretary(branch: OrgUnit) -> User:
    post = (
        OrgPost.objects.select_related("member__user")
        .filter(unit=branch, kind=OrgPost.Kind.SECRETARY, ends_on__isnull=True)
        .first()
    )
    if post is None:
        raise LookupError(f"the demo branch {branch.code} has no secretary")
    return post.member.user


def _plain_member(branch: OrgUnit) -> User | None:
    """The demo's "member" login: the branch's first full member holding no office."""
    member = (
        Member.objects.filter(branch=branch, stage=Member.Stage.FULL, posts__isnull=True)
        .order_by("pk")
        .first()
    )
    return member.user if member is not None else None


def _employee_of(rng: random.Random, department: Department) -> User:
    people = list(
        User.objects.filter(department=department, is_active=True, member__isnull=True).order_by(
            "pk"
        )
    )
    return rng.choice(people)


def build_posts(*, today: datetime.date, seed: int = 2026) -> int:
    rng = random.Random(seed + 61)
    zone = ZoneInfo(settings.TIME_ZONE)
    units = {unit.code: unit for unit in OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH)}
    departments = {d.code: d for d in Department.objects.all()}
    posts: dict[str, ServicePost] = {}
    for code, kind, name, department, place, promise, domains, count in POSTS:
        branch = units[code]
        secretary = _secretary(branch)
        pool = [u for u in selectors.eligible_holders(branch) if u.pk != secretary.pk]
        holders = rng.sample(pool, count)
        plain = _plain_member(branch) if kind == MOBILE and code == "B03" else None
        if plain is not None and plain not in holders:
            holders[0] = plain  # the demo member holds the first workshop's mobile post
        posts[name] = services.post_create(
            actor=secretary,
            unit=branch,
            kind=kind,
            name=name,
            holders=holders,
            promise=promise,
            services=domains,
            department=departments[department],
            place=place,
        )
    for post in posts.values():
        if post.kind == MOBILE:
            _rota(
                rng,
                post,
                today=today,
                departments=departments,
                zone=zone,
                busy=post.unit.code == "B03",
            )
    for post_name, category_code, title, description in APPEALS_TO_POSTS:
        post = posts[post_name]
        at = datetime.datetime.combine(
            _weekday(today - datetime.timedelta(days=2), -1), datetime.time(10, 30), zone
        )
        result = services.post_appeal_submit(
            post=post,
            draft=AppealDraft(
                submitter=_employee_of(rng, post.department or departments["D00"]),
                category=Category.objects.get(code=category_code),
                title=title,
                description=description,
                channel=Appeal.Channel.QR,
                department=post.department,
            ),
            at=at,
        )
        appeal_services.appeal_accept(
            appeal=result.appeal,
            actor=_secretary(post.unit),
            note="已收到，示范岗党员会联系你。",
            at=at + datetime.timedelta(hours=2),
        )
    return len(posts)


def _rota(
    rng: random.Random,
    post: ServicePost,
    *,
    today: datetime.date,
    departments: dict[str, Department],
    zone: ZoneInfo,
    busy: bool,
) -> None:
    """Held visits over the past months, one due today and more planned."""
    holders = list(post.holders.all())
    secretary = _secretary(post.unit)
    offices = (
        [departments[c] for c in OFFICES_VISITED]
        if busy
        else [post.department or departments["D06"]]
    )
    past = 5 if busy else 2
    notes = rng.sample(VISIT_NOTES, past)
    for index in range(past, 0, -1):
        day = _weekday(today - datetime.timedelta(days=14 * index + 3), -1)
        heard, done = notes[index - 1]
        services.post_visit_add(
            actor=holders[0],
            post=post,
            date=day,
            department=offices[index % len(offices)],
            members=holders[:2],
            heard=heard,
            done=done,
            today=today,
        )
    if busy:
        day = _weekday(today - datetime.timedelta(days=3), -1)
        heard, done, (category_code, title, description) = TURNED
        visit = services.post_visit_add(
            actor=holders[0],
            post=post,
            date=day,
            department=departments["D10-3"],
            members=holders,
            heard=heard,
            done=done,
            today=today,
        )
        at = datetime.datetime.combine(day, datetime.time(15, 0), zone)
        result = services.post_visit_appeal_submit(
            actor=holders[0],
            visit=visit,
            category=Category.objects.get(code=category_code),
            title=title,
            description=description,
            worker=_employee_of(rng, departments["D10-3"]),
            at=at,
        )
        appeal_services.appeal_accept(
            appeal=result.appeal, actor=secretary, at=at + datetime.timedelta(hours=3)
        )
        # Due today: the holders record it when they are back.
        services.post_visit_plan(
            actor=secretary,
            post=post,
            date=today,
            department=departments["D06"],
            members=holders[:2],
            today=today,
        )
    for weeks in (1, 2, 3) if busy else (2,):
        services.post_visit_plan(
            actor=secretary,
            post=post,
            date=_weekday(today + datetime.timedelta(days=7 * weeks), 1),
            department=rng.choice(offices),
            members=rng.sample(holders, min(2, len(holders))),
            today=today,
        )
