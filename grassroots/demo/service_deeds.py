"""A year of practical deeds (办实事清单) for the demo: every branch and the committee
promised some; some are under way on time, some overdue, some declared done and rated
by employees (mostly delivered, one judged poorly), one dropped with its reason. Each has
followers, milestones and progress reports; some came from appeals.

Written in bulk (it is history, not news: nobody should get a year of notices), in the
rows the services write, with the counters on each deed equal to the rows they count.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.conf import settings

from grassroots.accounts.models import Role, RoleAssignment, User
from grassroots.appeals.models import Appeal
from grassroots.core.satisfaction import Satisfaction
from grassroots.orgs.models import Member, OrgUnit
from grassroots.service.models import Deed, DeedFollow, DeedMilestone, DeedRating, DeedUpdate

SATISFIED, FAIRLY, NOT = Satisfaction.SATISFIED, Satisfaction.FAIRLY, Satisfaction.NOT

# (title, description, five services, milestones, outcome)
IDEAS = [
    (
        "食堂午餐增设两个打菜窗口",
        "午餐高峰排队超过二十分钟，职工多次反映。与后勤保障部商定增设窗口、错峰就餐。",
        ["masses"],
        ["与后勤保障部商定方案", "采购保温售饭台", "新窗口启用"],
        "新增两个窗口并错峰十分钟开餐，高峰排队缩短到五分钟以内。",
    ),
    (
        "车间休息区安装直饮水机",
        "夏季车间高温，现有饮水点离工位远。在休息区安装直饮水机并定期更换滤芯。",
        ["masses", "development"],
        ["确定安装位置", "安装调试", "建立滤芯更换台账"],
        "安装直饮水机三台，滤芯每季度更换，台账张贴在休息区。",
    ),
    (
        "无障碍卫生间改造",
        "残疾职工反映车间卫生间门窄、无扶手。按无障碍标准改造一处卫生间。",
        ["masses", "society"],
        ["请残联专家现场评估", "施工改造", "残疾职工试用验收"],
        "完成一处无障碍卫生间改造，加装扶手和呼叫按钮，残疾职工试用后验收。",
    ),
    (
        "夜班职工班车延长到二十三点",
        "夜班下班后班车已停，职工打车回家负担重。协调增加二十三点班次。",
        ["masses"],
        ["统计夜班职工住址", "与车队商定线路"],
        "新增二十三点班车一条线路，覆盖夜班职工八成住址。",
    ),
    (
        "困难职工子女助学结对",
        "为困难职工子女安排党员结对辅导，每学期走访一次。",
        ["masses", "members", "society"],
        ["摸排困难职工子女", "党员认领结对"],
        "十二名困难职工子女与党员结对，本学期走访全部完成。",
    ),
    (
        "合理化建议快速答复机制",
        "职工提的合理化建议长期没有回音。建立十个工作日内答复、每月公示的机制。",
        ["reform", "development"],
        ["制定答复流程", "首次公示"],
        "建立建议台账，十个工作日内答复率达到百分之九十五，每月在公示栏公布。",
    ),
    (
        "更衣室增设储物柜",
        "更衣柜不够用，新入职职工只能两人共用。增设储物柜并重新分配。",
        ["masses"],
        ["统计缺口", "采购安装"],
        "增设储物柜六十个，做到一人一柜。",
    ),
    (
        "党员技能攻关解决包装线卡料",
        "包装线卡料频繁影响产量和职工计件收入。组织党员技术骨干攻关。",
        ["development", "members"],
        ["成立攻关小组", "改进导料装置", "连续运行一个月验证"],
        "改进导料装置后卡料次数下降八成，职工计件收入回升。",
    ),
    (
        "手语培训进班组",
        "听障职工与班组长沟通不畅。为班组长开设常用手语培训。",
        ["masses", "society"],
        ["联系手语老师", "开班培训"],
        "二十名班组长完成常用手语培训，配发手语沟通卡片。",
    ),
    (
        "宿舍热水供应改为全天",
        "宿舍热水只在晚间供应，倒班职工用不上。改为全天供应。",
        ["masses"],
        ["检修热水锅炉", "调整供水时间"],
        "宿舍热水改为全天供应，锅炉检修后运行稳定。",
    ),
]
COMMITTEE_IDEAS = [
    (
        "建设职工心理健康服务室",
        "职工反映工作和家庭压力大。建设心理健康服务室，每周安排咨询师坐班。",
        ["masses", "society"],
        ["选址装修", "签约心理咨询机构", "开放预约"],
        "",
    ),
    (
        "党员先锋岗评选与公示",
        "评选党员先锋岗并公示，请职工监督党员承诺兑现情况。",
        ["members", "reform"],
        ["制定评选办法", "职工评议", "公示"],
        "",
    ),
]
# A progress report names the deed's own milestones (so it fits the deed); a deed without
# milestones gets one of these, which fit any deed.
GENERIC_UPDATES = (
    "已研究制定方案，听取了职工代表意见。",
    "与相关部门对接，明确了分工和时间表。",
)


def _progress_text(milestones: list[DeedMilestone], day: datetime.date, index: int) -> str:
    """What a report on `day` says: the last milestone reached and the next one."""
    reached = sorted((m.done_on, m.title) for m in milestones if m.done_on and m.done_on <= day)
    pending = [m.title for m in milestones if not m.done_on or m.done_on > day]
    if reached:
        text = f"已完成「{reached[-1][1]}」"
        return text + (f"，正在推进「{pending[0]}」。" if pending else "，正在收集职工意见。")
    if pending:
        return f"已研究制定方案，正在推进「{pending[0]}」。"
    return GENERIC_UPDATES[index % len(GENERIC_UPDATES)]


DROP_REASONS = [
    "公司已将此事纳入年度技改项目统一实施，支部不再单独推进。",
    "厂区搬迁，原方案不再适用，改在新厂区规划中解决。",
]
RATING_COMMENTS = ["效果明显，谢谢！", "基本解决了，但高峰时还是有点挤。", "没看到什么变化。", ""]

# The states each branch's deeds are in, oldest first: (state, months ago created,
# due offset in days from today, progress).
PLAN = [
    ("done", 11, -200, 100),
    ("done", 8, -120, 100),
    ("done", 5, -45, 100),
    ("dropped", 7, -60, 30),
    ("overdue", 6, -20, 70),
    ("open", 3, 35, 40),
    ("open", 1, 90, 10),
]


def _moment(day: datetime.date, zone: ZoneInfo, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), zone)


def _branch_officers(unit: OrgUnit) -> list[User]:
    return list(
        User.objects.filter(
            pk__in=RoleAssignment.objects.current()
            .filter(org_unit=unit, role__in=[Role.BRANCH_OFFICER, Role.COMMITTEE_OFFICER])
            .values("user_id")
        ).order_by("employee_number")
    )


def build_deeds(
    *, today: datetime.date, seed: int = 2026, now: datetime.datetime | None = None
) -> int:
    """Deeds for every branch and the committee, none touched after `now` (the moment
    the demo is loaded; the start of `today` when not given). Returns how many."""
    rng = random.Random(seed + 23)
    zone = ZoneInfo(settings.TIME_ZONE)
    if now is None:
        now = datetime.datetime.combine(today, datetime.time(0, 0), zone)
    branches = list(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, is_active=True).order_by("code")
    )
    committee = OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMITTEE, parent__isnull=True).first()
    employees = list(
        User.objects.filter(is_active=True, is_superuser=False).values_list("pk", "department_id")
    )
    covered: dict[int, set[int]] = {}
    for branch in branches:
        covered[branch.pk] = set(branch.departments.values_list("pk", flat=True))

    deeds: list[Deed] = []
    details: list[tuple[Deed, list[str], str, list[int], str]] = []
    poor_branch = (
        branches[3].pk if len(branches) > 3 else branches[-1].pk
    )  # 二车间: one judged poorly
    for branch_index, branch in enumerate(branches):
        officers = _branch_officers(branch)
        members = list(
            Member.objects.party_members()
            .filter(branch=branch)
            .values_list("user_id", flat=True)
            .order_by("user__employee_number")
        )
        officer_ids = {u.pk for u in officers}
        owners = [u.pk for u in officers] + [m for m in members if m not in officer_ids][:4]
        people = [
            pk for pk, dep in employees if dep in covered[branch.pk] and pk not in officer_ids
        ]
        ideas = IDEAS[branch_index % len(IDEAS) :] + IDEAS[: branch_index % len(IDEAS)]
        for plan_index, (state, months, due_offset, progress) in enumerate(PLAN):
            title, description, services, milestones, outcome = ideas[plan_index % len(ideas)]
            created_day = today - datetime.timedelta(days=30 * months + rng.randint(0, 10))
            due_on = today + datetime.timedelta(days=due_offset + rng.randint(-5, 5))
            if due_on <= created_day:
                due_on = created_day + datetime.timedelta(days=30)
            if state == "overdue":
                due_on = min(due_on, today - datetime.timedelta(days=3))
            if state == "open":
                due_on = max(due_on, today + datetime.timedelta(days=7))
            status = {"done": Deed.Status.DONE, "dropped": Deed.Status.DROPPED}.get(
                state, Deed.Status.OPEN
            )
            done_on = None
            if status == Deed.Status.DONE:
                done_on = min(
                    today - datetime.timedelta(days=2),
                    due_on + datetime.timedelta(days=rng.randint(-20, 5)),
                )
                done_on = max(done_on, created_day + datetime.timedelta(days=14))
            deed = Deed(
                unit=branch,
                title=title,
                description=description,
                owner_id=owners[plan_index % len(owners)],
                services=services,
                due_on=due_on,
                progress=progress if status != Deed.Status.DONE else 100,
                status=status,
                done_on=done_on,
                outcome=outcome if status == Deed.Status.DONE else "",
                drop_reason=rng.choice(DROP_REASONS) if status == Deed.Status.DROPPED else "",
                created_by=officers[0] if officers else None,
                created_at=_moment(created_day, zone),
                updated_at=min(_moment(done_on or min(today, due_on), zone), now),
            )
            mood = "poor" if (branch.pk == poor_branch and plan_index == 1) else "good"
            deeds.append(deed)
            details.append((deed, milestones, state, people, mood))
    if committee is not None:
        officers = _branch_officers(committee)
        for index, (title, description, services, milestones, _outcome) in enumerate(
            COMMITTEE_IDEAS
        ):
            created_day = today - datetime.timedelta(days=60 + 40 * index)
            deed = Deed(
                unit=committee,
                title=title,
                description=description,
                owner_id=officers[index % len(officers)].pk,
                services=services,
                due_on=today + datetime.timedelta(days=45 + 60 * index),
                progress=[60, 25][index],
                created_by=officers[0],
                created_at=_moment(created_day, zone),
                updated_at=_moment(today - datetime.timedelta(days=5), zone),
            )
            everyone = [pk for pk, _dep in employees if pk not in {u.pk for u in officers}]
            deeds.append(deed)
            details.append((deed, milestones, "open", everyone, "good"))
    Deed.objects.bulk_create(deeds)

    milestones_rows: list[DeedMilestone] = []
    updates: list[DeedUpdate] = []
    follows: list[DeedFollow] = []
    ratings: list[DeedRating] = []
    appeal_pool: dict[int, list[int]] = {}
    for pk, unit_id in Appeal.objects.values_list("pk", "first_unit_id").order_by("pk"):
        appeal_pool.setdefault(unit_id, []).append(pk)
    links: list[tuple[Deed, list[int]]] = []
    for deed, milestone_titles, state, people, mood in details:
        start = deed.created_at.date()
        end = deed.done_on or (min(today, deed.due_on) if state != "open" else today)
        span = max((deed.due_on - start).days, len(milestone_titles) + 1)
        own: list[DeedMilestone] = []
        for index, name in enumerate(milestone_titles):
            due = start + datetime.timedelta(days=span * (index + 1) // (len(milestone_titles) + 1))
            reached = None
            if state == "done" or (
                due < today and state in ("open", "overdue") and index < len(milestone_titles) - 1
            ):
                reached = min(due + datetime.timedelta(days=rng.randint(-3, 6)), end)
            if state == "dropped" and index == 0:
                reached = due
            own.append(DeedMilestone(deed=deed, title=name, due_on=due, done_on=reached))
        milestones_rows.extend(own)
        reports = rng.randint(1, 3) if state != "dropped" else 1
        for index in range(reports):
            # Reports spread over the deed's life so far; the last one gives its progress.
            share = (index + 1) / reports
            day = start + datetime.timedelta(days=max(1, int((end - start).days * share * 0.9)))
            day = min(day, today - datetime.timedelta(days=reports - index))
            progress = max(5, round(deed.progress * share / 5) * 5)
            updates.append(
                DeedUpdate(
                    deed=deed,
                    progress=min(progress, deed.progress),
                    text=_progress_text(own, day, index),
                    actor=deed.created_by,
                    created_at=_moment(day, zone, 16),
                )
            )
        crowd = rng.sample(people, min(len(people), rng.randint(6, 18)))
        followers = crowd[: max(3, len(crowd) // 2)]
        for user_id in followers:
            follows.append(DeedFollow(deed=deed, user_id=user_id, created_at=deed.created_at))
        deed.followers = len(followers)
        if state == "done":
            raters = [user_id for user_id in crowd if user_id != deed.owner_id]
            for index, user_id in enumerate(raters):
                if mood == "poor":  # three in five say it was not delivered: flagged
                    answer = (NOT, SATISFIED, NOT, FAIRLY, NOT)[index % 5]
                else:
                    answer = rng.choices([SATISFIED, FAIRLY, NOT], weights=(8, 2, 1))[0]
                ratings.append(
                    DeedRating(
                        deed=deed,
                        user_id=user_id,
                        delivered=answer,
                        comment=rng.choice(RATING_COMMENTS),
                        created_at=_moment(deed.done_on or today, zone, 15),
                    )
                )
                setattr(deed, f"rated_{answer}", getattr(deed, f"rated_{answer}") + 1)
        pool = appeal_pool.get(deed.unit_id, [])
        if pool and rng.random() < 0.5:
            links.append((deed, rng.sample(pool, min(len(pool), rng.randint(1, 2)))))
    DeedMilestone.objects.bulk_create(milestones_rows)
    DeedUpdate.objects.bulk_create(updates)
    DeedFollow.objects.bulk_create(follows)
    DeedRating.objects.bulk_create(ratings)
    Deed.objects.bulk_update(deeds, ["followers", "rated_satisfied", "rated_fairly", "rated_not"])
    through = Deed.appeals.through
    through.objects.bulk_create(
        [through(deed_id=deed.pk, appeal_id=appeal_id) for deed, ids in links for appeal_id in ids]
    )
    return len(deeds)
