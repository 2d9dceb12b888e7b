"""Recording development steps: checked by the rules, audited, and moving the member
record on (stage and dates, through the orgs services) when a step changes the stage."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import parameters, workcalendar
from grassroots.core.audit import audit_record
from grassroots.core.locking import locked
from grassroots.orglife.development import rules
from grassroots.orglife.models import (
    DevelopmentRecord,
    DevelopmentStep,
    Meeting,
    ProbationExtension,
)
from grassroots.orglife.rule_parameters import LIMIT_PARAMETERS
from grassroots.orgs import services as orgs_services
from grassroots.orgs.vocabulary import MemberStage, MemberStatus

if TYPE_CHECKING:
    from grassroots.orgs.models import Member

STAGE_DATES = {
    "applicant": "applied_on",
    "activist": "activist_on",
    "candidate": "candidate_on",
    "probationary": "admitted_on",
    "full": "full_on",
}


def current_limits() -> rules.Limits:
    """The development numbers in force (RULES.md defaults, changeable in the admin)."""
    return rules.Limits(
        **{name: parameters.value(f"development.{name}") for name in LIMIT_PARAMETERS}
    )


def steps_sync() -> int:
    """Make sure every step has its wording row (a data migration does this too)."""
    created = 0
    for step in rules.STEPS:
        _row, was_created = DevelopmentStep.objects.get_or_create(
            number=step.number, defaults={"stage": step.stage, "name": step.name}
        )
        created += was_created
    return created


def implied_steps(member: Member) -> int:
    """Steps behind a person who reached their stage before records were kept here."""
    recorded = set(member.development_records.values_list("step", flat=True))
    return rules.implied_steps(recorded, member.stage)


def extension_months(member: Member) -> int:
    extension = ProbationExtension.objects.filter(member=member).first()
    return extension.months if extension else 0


def _meeting_facts(
    member: Member, meeting: Meeting | None
) -> tuple[bool | None, datetime.date | None]:
    if meeting is None:
        return None, None
    ok = (
        meeting.unit_id == member.branch_id
        and meeting.kind == Meeting.Kind.BRANCH_ASSEMBLY
        and meeting.counts
    )
    return ok, meeting.held_on


def notice_working_days(start: datetime.date | None, end: datetime.date | None) -> int | None:
    if start is None or end is None or end < start:
        return None
    days = (end - start).days + 1
    return sum(
        workcalendar.is_workday(start + datetime.timedelta(days=offset)) for offset in range(days)
    )


@transaction.atomic
def step_record(
    *,
    actor: Any,
    member: Member,
    step: int,
    done_on: datetime.date,
    people: Sequence[Member] = (),
    notes: str = "",
    training_days: Decimal | float = 0,
    training_hours: Decimal | float = 0,
    notice_from: datetime.date | None = None,
    notice_to: datetime.date | None = None,
    meeting: Meeting | None = None,
) -> DevelopmentRecord:
    """Record step `step` for `member`, if the rules allow it now; ValidationError says
    why not."""
    member = locked(member)
    if step not in rules.BY_NUMBER:
        raise ValidationError(_("There is no such step."))
    records = {r.step: r for r in member.development_records.all()}
    implied = implied_steps(member)
    previous = records.get(step - 1)
    meeting_ok, meeting_on = _meeting_facts(member, meeting)
    extension = extension_months(member)
    # Probation counts from the admitting assembly (step 15), recorded before approval.
    admitted = member.admitted_on or (records[15].done_on if 15 in records else None)
    limits = current_limits()
    evidence = rules.Evidence(
        done_on=done_on,
        previous_done_on=previous.done_on if previous else None,
        birth_date=member.birth_date,
        applied_on=member.applied_on if step != 1 else done_on,
        activist_on=member.activist_on,
        admitted_on=admitted,
        people_full_members=tuple(
            p.stage == MemberStage.FULL and p.status in MemberStatus.active_values() for p in people
        ),
        training_days=float(training_days or 0),
        training_hours=float(training_hours or 0),
        notice_working_days=notice_working_days(notice_from, notice_to),
        notice_ends_on=notice_to,
        meeting_ok=meeting_ok,
        meeting_on=meeting_on,
        extension_months=extension,
    )
    verdict = rules.check_step(
        step,
        evidence,
        done=set(records),
        implied=implied,
        today=timezone.localdate(),
        limits=limits,
    )
    if any(p.pk == member.pk for p in people):
        verdict.errors.append(_("A person cannot be named in their own development."))
    if not verdict.ok:
        raise ValidationError(verdict.errors)
    record = DevelopmentRecord.objects.create(
        member=member,
        step=step,
        done_on=done_on,
        notes=notes.strip(),
        training_days=Decimal(str(training_days or 0)),
        training_hours=Decimal(str(training_hours or 0)),
        notice_from=notice_from,
        notice_to=notice_to,
        meeting=meeting,
        warnings=[str(w) for w in verdict.warnings],
        recorded_by=actor,
    )
    if people:
        record.people.set(people)
    audit_record(
        actor=actor,
        action="development.step",
        target=record,
        after={"step": step, "done_on": done_on.isoformat(), "warnings": record.warnings},
        org_path=member.branch.path,
    )
    stage = rules.BY_NUMBER[step].sets_stage
    if stage:
        changes: dict[str, Any] = {"stage": stage, STAGE_DATES[stage]: done_on}
        if stage == "probationary":
            changes["admitted_on"] = admitted  # the admitting assembly's date
        if stage == "full":
            # Full membership dates from the end of probation, not from the meetings.
            assert admitted is not None  # checked by the rules at step 22
            changes["full_on"] = rules.probation_ends(admitted, extension, limits=limits)
        orgs_services.member_update(actor=actor, member=member, **changes)
    return record


@transaction.atomic
def probation_extend(
    *, actor: Any, member: Member, months: int, decided_on: datetime.date, reason: str
) -> ProbationExtension:
    """Extend a probation once, by at most a year (a branch assembly's decision)."""
    member = locked(member)
    if member.stage != MemberStage.PROBATIONARY:
        raise ValidationError(_("Only a probationary member's probation can be extended."))
    if ProbationExtension.objects.filter(member=member).exists():
        raise ValidationError(_("A probation can be extended once only."))
    if not 1 <= months <= current_limits().extension_max_months:
        raise ValidationError({"months": _("Probation can be extended by at most a year.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the probation is extended.")})
    extension = ProbationExtension.objects.create(
        member=member,
        months=months,
        decided_on=decided_on,
        reason=reason.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="development.extend",
        target=extension,
        after={"months": months, "decided_on": decided_on.isoformat()},
        org_path=member.branch.path,
    )
    return extension
