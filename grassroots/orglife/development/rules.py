"""Member development (发展党员): the 25 steps of 《中国共产党发展党员工作细则》 and the
checks RULES.md sets on them, as pure functions. A step unlocks only when the step
before it is done; each check returns the messages that stop it (and warnings that
do not), so people see why."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.orgs.rules import age_on


@dataclass(frozen=True)
class StepTemplate:
    number: int
    stage: int  # 1–5
    name: str
    check: str = ""  # which rule applies (see CHECKS)
    sets_stage: str = ""  # the member's stage once it is done


STAGES = {
    1: gettext_lazy("Application (申请入党)"),
    2: gettext_lazy("Activist: selection and cultivation (入党积极分子)"),
    3: gettext_lazy("Candidate: selection and review (发展对象)"),
    4: gettext_lazy("Admission as probationary member (接收预备党员)"),
    5: gettext_lazy("Probation and full membership (预备党员教育考察和转正)"),
}

STEPS = (
    StepTemplate(1, 1, "递交入党申请书", "application", "applicant"),
    StepTemplate(2, 1, "党组织派人谈话", "talk"),
    StepTemplate(3, 2, "推荐和确定入党积极分子", "after_previous", "activist"),
    StepTemplate(4, 2, "报上级党委备案", "after_previous"),
    StepTemplate(5, 2, "指定培养联系人", "contacts"),
    StepTemplate(6, 2, "培养教育考察", "after_previous"),
    StepTemplate(7, 3, "确定发展对象", "candidate", "candidate"),
    StepTemplate(8, 3, "报上级党委备案", "after_previous"),
    StepTemplate(9, 3, "确定入党介绍人", "introducers"),
    StepTemplate(10, 3, "进行政治审查", "after_previous"),
    StepTemplate(11, 3, "开展集中培训", "training"),
    StepTemplate(12, 4, "支部委员会审查（公示）", "public_notice"),
    StepTemplate(13, 4, "上级党委预审", "after_previous"),
    StepTemplate(14, 4, "填写入党志愿书", "after_previous"),
    StepTemplate(15, 4, "支部党员大会讨论接收", "admitting_meeting"),
    StepTemplate(16, 4, "上级党委派人谈话", "after_previous"),
    # Approval makes the person a probationary member; probation counts from step 15.
    StepTemplate(17, 4, "上级党委审批", "approval", "probationary"),
    StepTemplate(18, 4, "再上一级党委组织部门备案", "after_previous"),
    StepTemplate(19, 5, "编入党支部和党小组", "after_previous"),
    StepTemplate(20, 5, "入党宣誓", "after_previous"),
    StepTemplate(21, 5, "继续教育考察", "after_previous"),
    StepTemplate(22, 5, "提出转正申请", "probation_over"),
    StepTemplate(23, 5, "支部党员大会讨论转正", "full_meeting"),
    StepTemplate(24, 5, "上级党委审批", "after_previous", "full"),
    StepTemplate(25, 5, "材料归档", "after_previous"),
)
BY_NUMBER = {step.number: step for step in STEPS}

# Steps already behind a person who reached a stage before records were kept here.
IMPLIED_DONE = {"applicant": 0, "activist": 3, "candidate": 7, "probationary": 17, "full": 25}


@dataclass(frozen=True)
class Limits:
    """The numbers of RULES.md (configurable)."""

    min_age: int = 18
    talk_within_days: int = 31
    contacts_min: int = 1
    contacts_max: int = 2
    activist_years: int = 1
    introducers: int = 2
    training_days: int = 3
    training_hours: int = 24
    notice_working_days: int = 5
    approval_months: int = 3
    probation_years: int = 1
    extension_max_months: int = 12


@dataclass(frozen=True)
class Evidence:
    """What is recorded for a step, and the facts the checks need."""

    done_on: datetime.date
    previous_done_on: datetime.date | None = None
    birth_date: datetime.date | None = None
    applied_on: datetime.date | None = None
    activist_on: datetime.date | None = None
    admitted_on: datetime.date | None = None
    people_full_members: tuple[bool, ...] = ()  # each person named: a full member?
    training_days: float = 0
    training_hours: float = 0
    notice_working_days: int | None = None  # None: no public notice recorded
    notice_ends_on: datetime.date | None = None
    meeting_ok: bool | None = None  # None: no meeting chosen
    meeting_on: datetime.date | None = None
    extension_months: int = 0


@dataclass
class Verdict:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def probation_ends(
    admitted_on: datetime.date, extension_months: int = 0, *, limits: Limits = Limits()
) -> datetime.date:
    """One year from the admitting branch meeting, plus an extension if one was decided."""
    return add_months(add_years(admitted_on, limits.probation_years), extension_months)


def _application(e: Evidence, v: Verdict, limits: Limits) -> None:
    if e.birth_date is None:
        v.errors.append(_("Record the date of birth first: the applicant's age must be checked."))
    elif age_on(e.birth_date, e.done_on) < limits.min_age:
        v.errors.append(
            _("An applicant must be at least %(age)s years old on the day of application.")
            % {"age": limits.min_age}
        )


def _talk(e: Evidence, v: Verdict, limits: Limits) -> None:
    if e.applied_on and (e.done_on - e.applied_on).days > limits.talk_within_days:
        v.warnings.append(
            _("The talk came more than a month after the application (%(days)s days).")
            % {"days": (e.done_on - e.applied_on).days}
        )


def _people(e: Evidence, v: Verdict, low: int, high: int, what: str) -> None:
    count = len(e.people_full_members)
    if not low <= count <= high:
        if low == high:
            v.errors.append(_("Name exactly %(n)s %(what)s.") % {"n": low, "what": what})
        else:
            v.errors.append(
                _("Name %(low)s to %(high)s %(what)s.") % {"low": low, "high": high, "what": what}
            )
    if not all(e.people_full_members):
        v.errors.append(_("Every %(what)s must be a full Party member.") % {"what": what})


def _contacts(e: Evidence, v: Verdict, limits: Limits) -> None:
    _people(e, v, limits.contacts_min, limits.contacts_max, str(_("cultivation contacts")))


def _introducers(e: Evidence, v: Verdict, limits: Limits) -> None:
    _people(e, v, limits.introducers, limits.introducers, str(_("introducers")))


def _candidate(e: Evidence, v: Verdict, limits: Limits) -> None:
    if e.activist_on is None:
        v.errors.append(_("The date this person became an activist is not recorded."))
        return
    earliest = add_years(e.activist_on, limits.activist_years)
    if e.done_on < earliest:
        v.errors.append(
            _(
                "A candidate must have been an activist for at least %(years)s year: not "
                "before %(day)s."
            )
            % {"years": limits.activist_years, "day": earliest.isoformat()}
        )


def _training(e: Evidence, v: Verdict, limits: Limits) -> None:
    if e.training_days < limits.training_days and e.training_hours < limits.training_hours:
        v.errors.append(
            _("Intensive training takes at least %(days)s days or %(hours)s class hours.")
            % {"days": limits.training_days, "hours": limits.training_hours}
        )


def _public_notice(e: Evidence, v: Verdict, limits: Limits) -> None:
    if e.notice_working_days is None:
        v.errors.append(_("Record the public notice (公示): when it began and ended."))
    elif e.notice_ends_on is not None and e.notice_ends_on > e.done_on:
        v.errors.append(_("The public notice must be over before the committee's review."))
    elif e.notice_working_days < limits.notice_working_days:
        v.errors.append(
            _("The public notice must last at least %(n)s working days; it lasted %(got)s.")
            % {"n": limits.notice_working_days, "got": e.notice_working_days}
        )


def _meeting(e: Evidence, v: Verdict) -> None:
    if e.meeting_ok is None:
        v.errors.append(_("Choose the branch member assembly that decided this."))
    elif not e.meeting_ok:
        v.errors.append(
            _(
                "Only a branch member assembly of this branch, recorded as held and "
                "quorate, can decide this."
            )
        )
    elif e.meeting_on is not None and e.meeting_on != e.done_on:
        v.errors.append(_("The date must be the date of that assembly."))


def _admitting_meeting(e: Evidence, v: Verdict, limits: Limits) -> None:
    _meeting(e, v)


def _approval(e: Evidence, v: Verdict, limits: Limits) -> None:
    if e.admitted_on and e.done_on > add_months(e.admitted_on, limits.approval_months):
        v.warnings.append(
            _("The higher committee is to decide within %(months)s months of the assembly.")
            % {"months": limits.approval_months}
        )


def _probation_over(e: Evidence, v: Verdict, limits: Limits) -> None:
    if e.admitted_on is None:
        v.errors.append(_("The date of admission is not recorded."))
        return
    if e.extension_months > limits.extension_max_months:
        v.errors.append(_("Probation can be extended by at most a year."))
    ends = probation_ends(e.admitted_on, e.extension_months, limits=limits)
    if e.done_on < ends:
        v.errors.append(
            _("Probation lasts until %(day)s: full membership cannot be discussed before.")
            % {"day": ends.isoformat()}
        )


def _full_meeting(e: Evidence, v: Verdict, limits: Limits) -> None:
    _probation_over(e, v, limits)
    _meeting(e, v)


def _after_previous(e: Evidence, v: Verdict, limits: Limits) -> None:
    pass


CHECKS: dict[str, Callable[[Evidence, Verdict, Limits], None]] = {
    "application": _application,
    "talk": _talk,
    "after_previous": _after_previous,
    "contacts": _contacts,
    "candidate": _candidate,
    "introducers": _introducers,
    "training": _training,
    "public_notice": _public_notice,
    "admitting_meeting": _admitting_meeting,
    "approval": _approval,
    "probation_over": _probation_over,
    "full_meeting": _full_meeting,
}


def check_step(
    number: int,
    evidence: Evidence,
    *,
    done: set[int],
    implied: int,
    today: datetime.date | None = None,
    limits: Limits = Limits(),
) -> Verdict:
    """May step `number` be recorded now with this evidence?"""
    verdict = Verdict()
    if today is not None and evidence.done_on > today:
        verdict.errors.append(_("The date is in the future: record a step once it is done."))
        return verdict
    previous = number - 1
    if previous > 0 and previous > implied and previous not in done:
        verdict.errors.append(
            _("Step %(n)s (%(name)s) must be done first.")
            % {"n": previous, "name": BY_NUMBER[previous].name}
        )
        return verdict
    if number in done or number <= implied:
        verdict.errors.append(_("This step is already recorded."))
        return verdict
    if evidence.previous_done_on and evidence.done_on < evidence.previous_done_on:
        verdict.errors.append(
            _("The date comes before the step before it (%(day)s).")
            % {"day": evidence.previous_done_on.isoformat()}
        )
    CHECKS[BY_NUMBER[number].check](evidence, verdict, limits)
    return verdict


def implied_steps(done: set[int], stage: str) -> int:
    """How many first steps count as done without a record: for someone whose records
    start here, those before their first record; for someone with none, those behind
    their current stage."""
    if done:
        return 0 if 1 in done else min(done) - 1
    return IMPLIED_DONE.get(stage, 0)


def next_step(done: set[int], implied: int) -> int | None:
    for step in STEPS:
        if step.number > implied and step.number not in done:
            return step.number
    return None


def due_date(
    number: int,
    *,
    applied_on: datetime.date | None,
    activist_on: datetime.date | None,
    admitted_on: datetime.date | None,
    extension_months: int = 0,
    limits: Limits = Limits(),
) -> datetime.date | None:
    """When the step is due (talk), or the earliest it may be taken (candidate, full
    membership); None when the rules set no date."""
    if number == 2 and applied_on:
        return applied_on + datetime.timedelta(days=limits.talk_within_days)
    if number == 7 and activist_on:
        return add_years(activist_on, limits.activist_years)
    if number in (22, 23) and admitted_on:
        return probation_ends(admitted_on, extension_months, limits=limits)
    return None
