"""Commitments and pairings for the demo.

Commitments (承诺践诺): last year's, published to the members' departments, with progress
notes, self-assessments and their colleagues' ratings; this year's in every state —
published (with progress), waiting for the branch, returned with a reason, still drafts.
The first and second workshops publish most, so that their employees (the demo employee
works in the second) find their members' commitments.

Pairings (结对帮扶): members paired with colleagues in difficulty, with a visit history;
one pairing overdue for a visit, one ended, one visit whose need became an appeal and one
whose need became a practical deed. Made through the services, as a branch secretary
would, so that the audit log (which keeps no reason) and the links are the real ones.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from grassroots.accounts.models import Role, RoleAssignment, User
from grassroots.appeals import services as appeal_services
from grassroots.appeals.models import Category
from grassroots.core.satisfaction import Satisfaction
from grassroots.core.tree import within
from grassroots.orgs.models import Department, Member, OrgPost, OrgUnit
from grassroots.service.commitments import rules as commitment_rules
from grassroots.service.commitments import services as commitment_services
from grassroots.service.models import (
    Commitment,
    CommitmentProgress,
    CommitmentRating,
    Pairing,
    ServicePost,
    Visit,
)
from grassroots.service.pairings import services as pairing_services

# (what the member commits to, the five services it serves, progress reports that fit
#  it, the self-assessment at the year's end)
COMMITMENTS = [
    (
        "1. 每月到班组走访困难职工不少于2次，帮助解决实际问题；\n"
        "2. 带头遵守安全操作规程，本人岗位全年零事故；\n"
        "3. 每季度向支部汇报一次承诺落实情况。",
        ["masses", "development"],
        (
            "走访了班组3名困难职工，帮助一名职工申请了医疗救助。",
            "本季度岗位无事故，参加了车间安全知识竞赛。",
            "向支部书面汇报了本季度承诺落实情况。",
        ),
        "全年承诺基本兑现：走访困难职工26人次，岗位零事故，每季度按时向支部汇报。",
    ),
    (
        "1. 结对帮带2名新进残疾职工，三个月内能独立上岗；\n"
        "2. 提出合理化建议不少于3条；\n"
        "3. 参加志愿服务不少于20小时。",
        ["masses", "reform", "society"],
        (
            "帮带的新职工已能独立完成装配工序。",
            "提交合理化建议2条，其中1条被车间采纳。",
            "参加社区志愿服务，累计8小时。",
        ),
        "承诺全部完成。帮带的两名残疾职工都已独立上岗，合理化建议3条，志愿服务累计24小时。",
    ),
    (
        "1. 负责装配线无障碍通道日常巡查，发现问题当天上报；\n"
        "2. 带头完成本班组产量和质量指标，次品率控制在0.5%以内；\n"
        "3. 帮助听障职工做好班前会手语翻译。",
        ["masses", "development"],
        (
            "巡查无障碍通道12次，发现并上报堆物2处，当天清理。",
            "本班组产量达标，次品率0.4%。",
            "每周班前会为听障职工做手语翻译。",
        ),
        "承诺基本完成：通道巡查从未间断，次品率全年0.45%，手语翻译坚持到每次班前会。",
    ),
    (
        "1. 职工来办事一次讲清、一次办好，当天答复；\n"
        "2. 每月收集职工意见建议并反馈办理结果；\n"
        "3. 参加“我为群众办实事”项目至少1项。",
        ["masses", "members"],
        (
            "本月接待职工办事15人次，均当天答复。",
            "收集职工意见建议6条，已逐条反馈办理结果。",
            "参加了食堂增设窗口的办实事项目。",
        ),
        "承诺全部完成：来办事的职工当天答复，意见建议月月反馈，参加办实事项目1项。",
    ),
    (
        "1. 牵头质量攻关QC小组，年内解决一项工艺难题；\n"
        "2. 开展岗位技能培训4次，帮助职工考取技能证书；\n"
        "3. 带头节约用料，降低包装损耗。",
        ["development", "reform"],
        (
            "QC小组确定了包装线卡料攻关课题。",
            "组织班组技能培训一次，12名职工参加。",
            "改进裁切方法，包装损耗下降一成。",
        ),
        "大部分完成，质量攻关项目因设备改造推迟，计划明年一季度完成；技能培训4次已完成。",
    ),
    (
        "1. 按时参加组织生活，按月交纳党费；\n"
        "2. 每季度到社区开展一次志愿服务；\n"
        "3. 帮助本班组两名困难职工申请困难补助。",
        ["members", "society", "masses"],
        (
            "按时参加组织生活，党费按月交纳。",
            "到阳光社区开展志愿服务一次。",
            "帮助班组一名困难职工提交了困难补助申请。",
        ),
        "承诺全部完成：组织生活全勤，党费按月交纳，社区志愿服务4次，两名困难职工已领到补助。",
    ),
]
RATING_COMMENTS = [
    "经常到班组来，说话算数。",
    "帮我解决了宿舍的问题，谢谢。",
    "希望多来我们班组走走。",
    "",
    "",
    "",
]
RETURN_REASON = "承诺内容过于笼统，请写明具体做什么、做到什么程度，便于职工监督。"


def _officers(unit: OrgUnit) -> list[User]:
    ids = (
        RoleAssignment.objects.current()
        .filter(org_unit=unit, role=Role.BRANCH_OFFICER)
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=ids).order_by("employee_number"))


def _party_members(branch: OrgUnit) -> list[Member]:
    return list(
        Member.objects.filter(
            branch=branch,
            stage__in=Member.Stage.party_member_values(),
            status__in=Member.Status.active_values(),
        )
        .select_related("user", "user__department")
        .order_by("pk")
    )


def _colleagues(department: Department, *, exclude: set[int]) -> list[User]:
    return [
        user
        for user in User.objects.filter(
            within(department.path, "department__path"), is_active=True
        ).order_by("pk")
        if user.pk not in exclude
    ]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, 0), ZoneInfo(settings.TIME_ZONE))


def build_commitments(*, today: datetime.date, seed: int = 2026) -> int:
    rng = random.Random(seed + 61)
    year, last = today.year, today.year - 1
    made = 0
    branches = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, is_active=True).order_by("code")
    for branch in branches:
        officers = _officers(branch)
        members = _party_members(branch)
        workshop = branch.code in ("B03", "B04")
        demo = _demo_member(branch) if branch.code == "B03" else None
        for index, member in enumerate(members):
            user = member.user
            if user.department is None:
                continue
            approver = next((o for o in officers if o.pk != user.pk), None)
            post = ServicePost.objects.filter(holders=user, is_active=True).first()
            # Last year: most members published, and were judged at the year's end.
            if approver is not None and rng.random() < 0.8:
                made += 1
                _history(rng, user, branch, approver, post, year=last)
            # This year: every state, most of the workshops' commitments published.
            roll = rng.random()
            if demo is not None and member.pk == demo.pk and approver is not None:
                state = Commitment.Status.PUBLISHED  # the demo member's, to show its page
            elif index % 7 == 3:
                state = Commitment.Status.SUBMITTED
            elif index % 7 == 5:
                state = Commitment.Status.RETURNED
            elif index % 7 == 6:
                state = Commitment.Status.DRAFT
            elif approver is not None and (workshop or roll < 0.6):
                state = Commitment.Status.PUBLISHED
            else:
                continue
            made += 1
            _this_year(rng, user, branch, approver, post, year=year, state=state, today=today)
    return made


def _history(
    rng: random.Random,
    user: User,
    branch: OrgUnit,
    approver: User,
    post: ServicePost | None,
    *,
    year: int,
) -> None:
    text, domains, progress, assessment = rng.choice(COMMITMENTS)
    commitment = Commitment.objects.create(
        member=user,
        post=post,
        unit=branch,
        department=user.department,
        year=year,
        text=text,
        services=domains,
        status=Commitment.Status.PUBLISHED,
        approved_by=approver,
        published_at=_at(datetime.date(year, 1, rng.randint(10, 28))),
        self_assessment=assessment if rng.random() < 0.85 else "",
        created_at=_at(datetime.date(year - 1, 12, rng.randint(5, 28))),
    )
    if commitment.self_assessment:
        commitment.assessed_at = _at(datetime.date(year, 12, rng.randint(1, 20)))
        commitment.save(update_fields=["assessed_at"])
    CommitmentProgress.objects.bulk_create(
        CommitmentProgress(
            commitment=commitment,
            date=datetime.date(year, month, rng.randint(1, 28)),
            text=rng.choice(progress),
            created_by=user,
        )
        for month in sorted(rng.sample(range(2, 12), 3))
    )
    assert user.department is not None
    raters = _colleagues(user.department, exclude={user.pk})
    rng.shuffle(raters)
    CommitmentRating.objects.bulk_create(
        CommitmentRating(
            commitment=commitment,
            user=rater,
            score=rng.choices(list(Satisfaction.values), weights=[70, 24, 6])[0],
            comment=rng.choice(RATING_COMMENTS),
            created_at=_at(datetime.date(year, 12, rng.randint(2, 28)), hour=15),
        )
        for rater in raters[: rng.randint(3, 9)]
    )


def _this_year(
    rng: random.Random,
    user: User,
    branch: OrgUnit,
    approver: User | None,
    post: ServicePost | None,
    *,
    year: int,
    state: str,
    today: datetime.date,
) -> None:
    text, domains, progress, assessment = rng.choice(COMMITMENTS)
    if state in (Commitment.Status.SUBMITTED, Commitment.Status.RETURNED):
        # As the member and the officer would: the officers find it in their inbox.
        commitment = commitment_services.commitment_draft(
            actor=user, year=year, text=text, services=domains, post=post
        )
        commitment_services.commitment_submit(actor=user, commitment=commitment)
        if state == Commitment.Status.RETURNED and approver is not None:
            commitment_services.commitment_return(
                actor=approver, commitment=commitment, reason=RETURN_REASON
            )
        return
    if state == Commitment.Status.DRAFT:
        commitment_services.commitment_draft(
            actor=user, year=year, text=text, services=domains, post=post
        )
        return
    published_on = datetime.date(year, 1, rng.randint(10, 28))
    commitment = Commitment.objects.create(
        member=user,
        post=post,
        unit=branch,
        department=user.department,
        year=year,
        text=text,
        services=domains,
        status=Commitment.Status.PUBLISHED,
        approved_by=approver,
        published_at=_at(min(published_on, today)),
        created_at=_at(min(published_on, today) - datetime.timedelta(days=20)),
    )
    months = [m for m in range(2, today.month + 1) if datetime.date(year, m, 1) <= today]
    notes = sorted(rng.sample(months, min(len(months), rng.randint(1, 3)))) if months else []
    CommitmentProgress.objects.bulk_create(
        CommitmentProgress(
            commitment=commitment,
            date=min(datetime.date(year, month, rng.randint(1, 28)), today),
            text=rng.choice(progress),
            created_by=user,
        )
        for month in notes
    )
    if commitment_rules.assessment_open(year, today) and rng.random() < 0.5:
        commitment.self_assessment = assessment
        commitment.assessed_at = timezone.now()
        commitment.save(update_fields=["self_assessment", "assessed_at"])


# --- Pairings ------------------------------------------------------------------------------

# (kind, private details, what a visit brings, what is heard)
DIFFICULTIES = [
    (
        Pairing.Reason.ILLNESS,
        "爱人患尿毒症，每周透析三次，医疗费用负担重。",
        "送去慰问金800元，帮助了解大病医疗救助政策",
        "希望帮忙申请职工大病医疗互助补助",
    ),
    (
        Pairing.Reason.DISABILITY,
        "肢体残疾，使用轮椅，住在老旧小区五楼，上下班困难。",
        "联系班车司机调整接送点，陪同办理残疾证年审",
        "车间到食堂的路上有两处台阶，轮椅过不去",
    ),
    (
        Pairing.Reason.FAMILY,
        "单亲母亲，两个孩子上学，父亲长期卧床。",
        "送去米面油和学习用品，帮助孩子联系课后托管",
        "孩子明年上高中，希望了解企业助学金",
    ),
    (
        Pairing.Reason.ILLNESS,
        "本人腰椎手术后康复中，暂不能久站。",
        "探望并送去康复护具，与班组长沟通调整工位",
        "希望能调到可以坐着操作的工位",
    ),
    (
        Pairing.Reason.OTHER,
        "家中房屋去年汛期受损，尚未修缮。",
        "组织党员帮忙清理院子，联系社区了解危房改造政策",
        "",
    ),
]
# branch code → how many pairings
PAIRINGS_PER_BRANCH = {"B03": 3, "B04": 2, "B01": 1, "B05": 1, "B06": 1}


def _demo_member(branch: OrgUnit) -> Member | None:
    """The demo's plain member of the first workshop (full, holding no post)."""
    holders = set(
        OrgPost.objects.filter(unit__kind=OrgUnit.Kind.BRANCH).values_list("member_id", flat=True)
    )
    return next(
        (
            m
            for m in Member.objects.filter(branch=branch, stage=Member.Stage.FULL).order_by("pk")
            if m.pk not in holders
        ),
        None,
    )


def build_pairings(*, today: datetime.date, seed: int = 2026) -> int:
    rng = random.Random(seed + 67)
    made = 0
    difficulties = list(DIFFICULTIES)
    member_ids = set(Member.objects.values_list("user_id", flat=True))
    for code, count in PAIRINGS_PER_BRANCH.items():
        branch = OrgUnit.objects.filter(code=code).first()
        if branch is None:
            continue
        officers = _officers(branch)
        if not officers:
            continue
        secretary = officers[0]
        members = [m.user for m in _party_members(branch)]
        # Plain members first (the demo member of the first workshop leads), officers last.
        officer_ids = {o.pk for o in officers}
        demo = _demo_member(branch) if code == "B03" else None
        members.sort(key=lambda u: (demo is None or u.pk != demo.user_id, u.pk in officer_ids))
        departments = list(branch.departments.order_by("path"))
        pool = [
            user
            for department in departments
            for user in User.objects.filter(department=department, is_active=True).order_by("pk")
            if user.pk not in member_ids
        ]
        helped = rng.sample(pool, min(count, len(pool)))
        for index, employee in enumerate(helped):
            # The first workshop: a serious illness (its need becomes an appeal), a
            # recovery (overdue for a visit), a wheelchair user (its need becomes a deed).
            choice = (0, 3, 1)[index] if code == "B03" else (made + index) % len(difficulties)
            kind, detail, help_given, needs = difficulties[choice]
            started = today - datetime.timedelta(days=rng.randint(300, 520))
            pairing = pairing_services.pairing_create(
                actor=secretary,
                unit=branch,
                member=members[index % len(members)],
                employee=employee,
                reason=kind,
                reason_detail=detail,
                started_on=started,
            )
            # The second pairing of the first workshop has gone 130 days without a visit.
            overdue = code == "B03" and index == 1
            last_visit = today - datetime.timedelta(days=130 if overdue else rng.randint(5, 40))
            day = started + datetime.timedelta(days=rng.randint(5, 15))
            visits = []
            while day < last_visit:
                visits.append(day)
                day += datetime.timedelta(days=rng.randint(35, 75))
            visits.append(last_visit)
            # The need is heard on the last visit but one (on the last, for the pairing
            # whose need became an appeal: it is still being handled).
            heard_on = len(visits) - (1 if code == "B03" and index == 0 else 2)
            recorded = []
            for number, on in enumerate(visits):
                recorded.append(
                    pairing_services.visit_record(
                        actor=pairing.member,
                        pairing=pairing,
                        on=on,
                        help_given=help_given if number % 2 == 0 else "上门看望，聊家常，了解近况",
                        needs_heard=needs if number == heard_on else "",
                    )
                )
            with_need = next((v for v in recorded if v.needs_heard), None)
            if code == "B03" and index == 0 and with_need is not None:
                _need_to_appeal(with_need, pairing.member, today=today)
            if code == "B03" and index == 2 and with_need is not None:
                pairing_services.visit_to_deed(
                    actor=secretary,
                    visit=with_need,
                    title="车间通道无障碍改造",
                    description="拆除车间到食堂通道上的两处台阶，改为坡道并加装扶手。",
                    owner=pairing.member,
                    services=["masses"],
                    due_on=today + datetime.timedelta(days=45),
                )
            made += 1
        if code == "B04" and len(helped) > 1:
            # An earlier pairing of this branch ended when the difficulty was resolved.
            earlier = pairing_services.pairing_create(
                actor=secretary,
                unit=branch,
                member=members[-1],
                employee=helped[0],
                reason=Pairing.Reason.ILLNESS,
                reason_detail="本人骨折住院，家中无人照顾。",
                started_on=today - datetime.timedelta(days=700),
            )
            pairing_services.visit_record(
                actor=earlier.member,
                pairing=earlier,
                on=today - datetime.timedelta(days=650),
                help_given="住院期间轮流探望，帮助办理工伤认定",
                needs_heard="",
            )
            pairing_services.pairing_end(
                actor=secretary,
                pairing=earlier,
                on=today - datetime.timedelta(days=400),
                reason="已康复返岗，困难解除",
            )
            made += 1
    return made


def _need_to_appeal(visit: Visit, member: User, *, today: datetime.date) -> None:
    """The need heard on a visit became an appeal the same evening; the branch covering
    the colleague's department accepted it the next day and answered it within the week."""
    at = _at(visit.date, hour=16)
    result = pairing_services.visit_to_appeal(
        actor=member,
        visit=visit,
        category=Category.objects.get(code="hardship"),
        title="申请职工大病医疗互助补助",
        description=visit.needs_heard,
        at=at,
    )
    appeal = result.appeal
    assert appeal is not None
    handler = (_officers(appeal.unit) or [member])[0]
    appeal_services.appeal_accept(
        appeal=appeal,
        actor=handler,
        note="已转工会核实，按大病互助办法办理。",
        at=at + datetime.timedelta(days=1),
    )
    answered = visit.date + datetime.timedelta(days=4)
    if answered < today:
        appeal_services.appeal_answer(
            appeal=appeal,
            actor=handler,
            text="经工会核实，符合职工大病医疗互助条件，补助款5000元已发放到工资卡。",
            at=_at(answered, hour=11),
        )
        if answered + datetime.timedelta(days=1) < today:
            appeal_services.appeal_rate(
                appeal=appeal,
                resolved=True,
                satisfaction="satisfied",
                rater=appeal.submitter,
                at=_at(answered + datetime.timedelta(days=1), hour=9),
            )
