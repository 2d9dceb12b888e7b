"""Demo democratic appraisal: last year's decided in every branch at a quorate 民主评议
meeting (held through orglife's services when the demo's history has none), and this
year's under way in the first workshop branch (一车间, officer 30151): self-assessments
partly written, some suggestions made, the employees' opinions being asked (last
year's were asked and closed before the proposal, so their results stand beside each
member), the committee's proposal still to come, and member 30106 yet to write theirs.

Written through the appraisal's services, as the people concerned would write it."""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.conf import settings

from grassroots.accounts.models import Role, RoleAssignment, User
from grassroots.core import workcalendar
from grassroots.evaluation.appraisal import services
from grassroots.evaluation.appraisal.forms import DEFAULT_QUESTIONS
from grassroots.evaluation.appraisal.models import Appraisal, AppraisalParticipant
from grassroots.evaluation.appraisal.rules import GradeEntry
from grassroots.evaluation.campaigns import selectors as campaign_selectors
from grassroots.evaluation.campaigns import services as campaign_services
from grassroots.evaluation.campaigns.models import Campaign, Elector
from grassroots.orglife import rules as orglife_rules
from grassroots.orglife import selectors as orglife
from grassroots.orglife.services import attendance_record, meeting_hold, meeting_plan
from grassroots.orgs.models import OrgUnit

CURRENT_BRANCH = "一车间党支部"
DEMO_EMPLOYEE = "40008"
WAITING_MEMBER = "30106"  # writes their own self-assessment in the browser journey
SELF_ASSESSMENTS = [
    "本年度认真学习党的理论，按时参加组织生活，在岗位上带头完成生产任务，"
    "参与结对帮扶两次走访。不足是理论学习深度不够，明年计划系统学习并带好新徒弟。",
    "履行党员义务，积极参加志愿服务，主动为班组职工解决实际困难。"
    "存在的问题：工作方法有时简单，今后多听职工意见。",
    "坚持“三会一课”，承诺事项基本完成，职工评价满意。"
    "需要改进的是创新意识不强，明年争取在技术革新上有所突破。",
]
GRADE_MIX = [
    AppraisalParticipant.Grade.EXCELLENT,
    AppraisalParticipant.Grade.QUALIFIED,
    AppraisalParticipant.Grade.QUALIFIED,
    AppraisalParticipant.Grade.QUALIFIED,
    AppraisalParticipant.Grade.QUALIFIED,
]


def _officer(branch: OrgUnit) -> User | None:
    assignment = (
        RoleAssignment.objects.current()
        .filter(org_unit=branch, role=Role.BRANCH_OFFICER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return assignment.user if assignment else None


def _quorate_meeting(
    branch: OrgUnit, year: int, officer: User, rng: random.Random
) -> tuple[int, datetime.date]:
    """A held, quorate 民主评议 meeting of the branch in the year, held now if missing:
    its id and its day."""
    zone = ZoneInfo(settings.TIME_ZONE)
    for recorded in orglife.appraisal_meetings(branch, year=year):
        if recorded.is_held and recorded.is_quorate:
            day = recorded.held_on or recorded.starts_at.astimezone(zone).date()
            return recorded.pk, day
    day = datetime.date(year, 12, rng.randint(10, 20))
    meeting = meeting_plan(
        actor=officer,
        unit=branch,
        kind=orglife_rules.APPRAISAL,
        topic=f"{year}年度评议：个人自评、党员互评、表决等次",
        starts_at=datetime.datetime.combine(day, datetime.time(14, 0), zone),
        place="党员活动室",
        agenda="1. 个人自评\n2. 党员互评\n3. 支部委员会提出等次意见\n4. 党员大会表决",
    )
    attendance_record(actor=officer, meeting=meeting, statuses={}, rest_present=True)
    meeting_hold(actor=officer, meeting=meeting, minutes="党员逐一自评，互评后表决通过评议等次。")
    return meeting.pk, day


def _self_assess(
    people: list[AppraisalParticipant], rng: random.Random, share: float, *, skip: str = ""
) -> None:
    for person in people:
        if person.member.user.employee_number == skip or rng.random() > share:
            continue
        services.self_assessment_write(
            actor=person.member.user, participant=person, text=rng.choice(SELF_ASSESSMENTS)
        )


def _suggest(
    people: list[AppraisalParticipant], rng: random.Random, share: float, *, skip: str = ""
) -> None:
    graded = [p for p in people if p.is_graded]
    for assessor in graded:
        if assessor.member.user.employee_number == skip or rng.random() > share:
            continue
        services.suggestions_save(
            actor=assessor.member.user,
            assessor=assessor,
            grades={
                other.pk: rng.choice(GRADE_MIX)
                for other in graded
                if other.pk != assessor.pk and rng.random() < 0.8
            },
        )


def _people(appraisal: Appraisal) -> list[AppraisalParticipant]:
    return list(
        AppraisalParticipant.objects.filter(appraisal=appraisal)
        .select_related("member__user", "appraisal")
        .order_by("member__user__employee_number")
    )


def _workday(day: datetime.date, step: int = 1) -> datetime.date:
    while not workcalendar.is_workday(day):
        day += datetime.timedelta(days=step)
    return day


def _ask_employees(
    appraisal: Appraisal,
    officer: User,
    rng: random.Random,
    *,
    opens_on: datetime.date,
    share: float,
    close: bool,
) -> None:
    """The branch asks the employees of its departments for their opinion of each full
    member; `share` of them answer (never the demo employee, who may try it), and a
    past campaign is closed so its results stand beside the members."""
    closes_on = _workday(opens_on + datetime.timedelta(days=7))
    appraisal = services.opinions_ask(
        actor=officer,
        appraisal=appraisal,
        request=services.OpinionsRequest(
            opens_on=opens_on,
            closes_on=closes_on,
            scale=Campaign.Scale.SATISFACTION,
            items=[str(question) for question in DEFAULT_QUESTIONS],
        ),
        today=opens_on,
    )
    campaign = appraisal.campaign
    assert campaign is not None
    subjects, items = campaign_selectors.questionnaire(campaign)
    for elector in Elector.objects.filter(campaign=campaign).select_related("user"):
        if elector.user.employee_number == DEMO_EMPLOYEE or rng.random() > share:
            continue
        campaign_services.ballot_cast(
            user=elector.user,
            campaign=campaign,
            answers={(s.pk, i.pk): rng.choice([3, 3, 3, 2, 3, 1]) for s in subjects for i in items},
            remarks={},
            today=opens_on,
        )
    if close:
        campaign_services.campaign_close(
            actor=None, campaign=campaign, today=closes_on + datetime.timedelta(days=1)
        )


def build_appraisal(*, today: datetime.date, seed: int) -> None:
    rng = random.Random(seed + 1101)
    last_year = today.year - 1
    branches = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, is_active=True).order_by("path")
    for index, branch in enumerate(branches):
        officer = _officer(branch)
        if officer is None:
            continue
        appraisal = services.appraisal_open(
            actor=officer, branch=branch, year=last_year, today=today
        )
        people = _people(appraisal)
        _self_assess(people, rng, share=1.0)
        _suggest(people, rng, share=0.9)
        graded = [p for p in people if p.is_graded]
        # The committee proposes before the assembly meets; the decision is recorded
        # the day after the meeting.
        meeting_id, meeting_day = _quorate_meeting(branch, last_year, officer, rng)
        proposed_on = meeting_day - datetime.timedelta(days=7)
        if branch.name == CURRENT_BRANCH:
            # Last year this branch asked its employees before proposing the grades.
            _ask_employees(
                appraisal,
                officer,
                rng,
                opens_on=_workday(proposed_on - datetime.timedelta(days=21)),
                share=0.8,
                close=True,
            )
        decided_on = meeting_day + datetime.timedelta(days=1)
        entries = {}
        excellent = len(graded) // 5  # well inside the third
        for position, person in enumerate(graded):
            grade = (
                AppraisalParticipant.Grade.EXCELLENT
                if position % 5 == 0 and excellent > 0
                else AppraisalParticipant.Grade.QUALIFIED
            )
            if grade == AppraisalParticipant.Grade.EXCELLENT:
                excellent -= 1
            entries[person.pk] = GradeEntry(grade)
        # Neither the officer nor the demo member is the one found wanting.
        plain = [
            p
            for p in graded
            if p.member.user_id != officer.pk
            and p.member.user.employee_number != WAITING_MEMBER
            and entries[p.pk].grade == AppraisalParticipant.Grade.QUALIFIED
        ]
        if index == 2 and len(plain) > 2:
            # One branch had a member found wanting: correction within a time limit.
            entries[plain[-1].pk] = GradeEntry(
                AppraisalParticipant.Grade.UNQUALIFIED,
                AppraisalParticipant.Measure.CORRECT,
                datetime.date(today.year, 6, 30),
            )
            entries[plain[-2].pk] = GradeEntry(AppraisalParticipant.Grade.BASICALLY_QUALIFIED)
        services.grades_propose(
            actor=officer, appraisal=appraisal, entries=entries, today=proposed_on
        )
        services.appraisal_decide(
            actor=officer,
            appraisal=appraisal,
            meeting_id=meeting_id,
            entries=entries,
            today=decided_on,
        )
        if branch.name == CURRENT_BRANCH:
            current = services.appraisal_open(
                actor=officer, branch=branch, year=today.year, today=today
            )
            people = _people(current)
            _self_assess(people, rng, share=0.5, skip=WAITING_MEMBER)
            _suggest(people, rng, share=0.4, skip=WAITING_MEMBER)
            _ask_employees(
                current,
                officer,
                rng,
                opens_on=_workday(today - datetime.timedelta(days=3), -1),
                share=0.4,
                close=False,
            )
