"""A branch of nine full members and one probationary member, its appraisal and its
民主评议 meeting, made through the services (orglife's for the meeting)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from grassroots.evaluation.appraisal import services
from grassroots.evaluation.appraisal.models import Appraisal, AppraisalParticipant
from grassroots.evaluation.appraisal.rules import GradeEntry
from grassroots.orglife import rules as orglife_rules
from grassroots.orglife.models import Attendance
from grassroots.orglife.services import attendance_record, meeting_hold, meeting_plan
from grassroots.orgs.models import Member
from grassroots.orgs.tests.factories import MemberFactory

QUALIFIED = AppraisalParticipant.Grade.QUALIFIED
EXCELLENT = AppraisalParticipant.Grade.EXCELLENT
UNQUALIFIED = AppraisalParticipant.Grade.UNQUALIFIED


def fill_branch(world: Any) -> tuple[list[Member], Member]:
    """Branch A with nine full members (three from the world, six more) and one
    probationary member."""
    for _ in range(6):
        MemberFactory(branch=world.branch_a, user__department=world.department_a)
    probationary = MemberFactory(
        branch=world.branch_a, stage=Member.Stage.PROBATIONARY, user__department=world.department_a
    )
    full = list(
        Member.objects.filter(branch=world.branch_a, stage=Member.Stage.FULL).select_related("user")
    )
    return full, probationary


def meeting_year() -> int:
    """The year of a meeting held two days ago (the appraisal's year in these tests)."""
    return (timezone.localdate() - datetime.timedelta(days=2)).year


def open_appraisal(world: Any, *, year: int | None = None) -> Appraisal:
    fill_branch(world)
    return services.appraisal_open(
        actor=world.officer_a, branch=world.branch_a, year=year or meeting_year()
    )


def graded(appraisal: Appraisal) -> list[AppraisalParticipant]:
    return list(
        AppraisalParticipant.objects.filter(appraisal=appraisal, is_graded=True)
        .select_related("member__user")
        .order_by("pk")
    )


def entries(appraisal: Appraisal, excellent: int = 0) -> dict[int, GradeEntry]:
    people = graded(appraisal)
    return {
        p.pk: GradeEntry(EXCELLENT if i < excellent else QUALIFIED) for i, p in enumerate(people)
    }


def appraisal_meeting(world: Any, *, absent: int = 0, held: bool = True, days_ago: int = 2) -> Any:
    """A 民主评议 meeting of branch A, `absent` full members absent."""
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    meeting = meeting_plan(
        actor=world.officer_a,
        unit=world.branch_a,
        kind=orglife_rules.APPRAISAL,
        topic="民主评议党员",
        starts_at=starts,
        place="党员活动室",
    )
    if not held:
        return meeting
    voting = list(
        Attendance.objects.filter(meeting=meeting, counts_for_quorum=True)
        .order_by("pk")
        .values_list("member_id", flat=True)
    )
    statuses = dict.fromkeys(voting[:absent], (Attendance.Status.ABSENT, ""))
    attendance_record(actor=world.officer_a, meeting=meeting, statuses=statuses, rest_present=True)
    return meeting_hold(actor=world.officer_a, meeting=meeting, minutes="逐一评议，表决通过。")
