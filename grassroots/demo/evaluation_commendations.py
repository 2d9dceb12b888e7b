"""Demo commendations (两优一先): last year's round decided (honours on the records of the
first workshop's secretary and branch), and this year's round in its public notice (公示),
running now, with one objection lodged by an employee and answered by the committee.

Written through the services, as the committee and the branches would; the days are set
by the dates passed in, so the notice runs whatever day the demo is loaded."""

from __future__ import annotations

import datetime

from grassroots.accounts.models import User
from grassroots.core import workcalendar
from grassroots.evaluation.commendations import services
from grassroots.evaluation.commendations.models import CommendationRound, Nomination
from grassroots.evaluation.commendations.selectors import NOTICE_KIND
from grassroots.orgs.models import Member, OrgUnit
from grassroots.orgs.publicity import services as publicity
from grassroots.orgs.publicity.models import PublicNotice

MEMBER, WORKER, ORGANISATION = (
    Nomination.Kind.OUTSTANDING_MEMBER,
    Nomination.Kind.PARTY_WORKER,
    Nomination.Kind.ADVANCED_ORGANISATION,
)


def _person(number: str) -> User:
    return User.objects.get(employee_number=number)


def _member(number: str) -> Member:
    return Member.objects.select_related("branch").get(user__employee_number=number)


def _previous_workday(day: datetime.date) -> datetime.date:
    day -= datetime.timedelta(days=1)
    while not workcalendar.is_workday(day):
        day -= datetime.timedelta(days=1)
    return day


def _nominate(
    commendation_round: CommendationRound,
    actor: User,
    branch: OrgUnit,
    kind: str,
    member: Member | None,
    reason: str,
) -> Nomination:
    return services.nomination_create(
        actor=actor,
        commendation_round=commendation_round,
        branch=branch,
        kind=kind,
        member=member,
        reason=reason,
    )


def build_commendations(*, today: datetime.date, seed: int) -> None:
    committee = OrgUnit.objects.get(code="C00")
    chair = _person("10034")  # 党委书记
    first_secretary = _member("30151")  # 一车间党支部书记
    second_secretary = _member("40063")  # 二车间党支部书记
    first_branch, second_branch = first_secretary.branch, second_secretary.branch

    # Last year: decided after its notice closed; the honours are on the records.
    last = services.round_open(actor=chair, unit=committee, year=today.year - 1, today=today)
    worker = _nominate(
        last,
        first_secretary.user,
        first_branch,
        WORKER,
        first_secretary,
        "坚持“三会一课”从不缺课，带头结对帮扶残疾职工，支部诉求答复率全年百分之百。",
    )
    organisation = _nominate(
        last,
        first_secretary.user,
        first_branch,
        ORGANISATION,
        None,
        "设立无障碍服务岗，办实事清单全部兑现，职工满意率居全公司前列。",
    )
    services.round_publish(
        actor=chair,
        commendation_round=last,
        chosen=[worker.pk, organisation.pk],
        published_on=datetime.date(today.year - 1, 12, 1),
    )
    decided_on = datetime.date(today.year - 1, 12, 28)
    for nomination in (worker, organisation):
        services.nomination_decide(
            actor=chair, nomination=nomination, commended=True, today=decided_on
        )

    # This year: nominations from two branches, the chosen ones in a notice running now.
    current = services.round_open(actor=chair, unit=committee, year=today.year, today=today)
    member = _nominate(
        current,
        first_secretary.user,
        first_branch,
        MEMBER,
        _member("30106"),
        "手语服务岗骨干，全年帮助听障职工办理诉求三十余件，带头参加义务献血。",
    )
    second = _nominate(
        current,
        second_secretary.user,
        second_branch,
        ORGANISATION,
        None,
        "推行班前十分钟安全讲评，全年零事故，党员示范岗覆盖全部班组。",
    )
    _nominate(
        current,
        second_secretary.user,
        second_branch,
        WORKER,
        second_secretary,
        "组织支部学习二十四次，发展对象培养规范。",
    )
    services.round_publish(
        actor=chair,
        commendation_round=current,
        chosen=[member.pk, second.pk],
        published_on=_previous_workday(today),
    )
    notice = PublicNotice.objects.get(subject_kind=NOTICE_KIND, subject_id=current.pk)
    objection = publicity.objection_lodge(
        actor=_person("40008"),
        notice=notice,
        text="听说二车间上半年有一起轻伤事故，“全年零事故”是否属实？",
        anonymous=False,
        today=max(notice.starts_on, min(today, notice.ends_on)),
    )
    publicity.objection_answer(
        actor=chair,
        objection=objection,
        answer="经安全环保部核实，该事件为职工上班途中交通意外，不属生产安全事故，表述属实。",
    )
