"""Reads for the development pipeline: the branch's board and one person's record."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Prefetch, Q, QuerySet

from grassroots.orglife.development import rules
from grassroots.orglife.models import DevelopmentRecord, DevelopmentStep, ProbationExtension
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import MemberStage

if TYPE_CHECKING:
    from grassroots.orgs.models import Member, OrgUnit

PIPELINE_STAGES = ("applicant", "activist", "candidate", "probationary")
RESERVE_AGE = 35


@dataclass
class InPipeline:
    member: Member
    done: set[int]
    implied: int
    next_step: int | None
    next_name: str
    due_on: datetime.date | None
    overdue: bool
    contacts: list[Member]


def _steps() -> dict[int, str]:
    names = dict(DevelopmentStep.objects.values_list("number", "name"))
    return {step.number: names.get(step.number, step.name) for step in rules.STEPS}


def _progress(member: Member, names: dict[int, str], today: datetime.date) -> InPipeline:
    records = list(member.development_records.all())  # prefetched
    done = {r.step for r in records}
    implied = rules.implied_steps(done, member.stage)
    number = rules.next_step(done, implied)
    extension = getattr(member, "probation_extension", None)
    due = (
        rules.due_date(
            number,
            applied_on=member.applied_on,
            activist_on=member.activist_on,
            admitted_on=member.admitted_on,
            extension_months=extension.months if extension else 0,
        )
        if number
        else None
    )
    # The talk is late after its month; full membership is late once probation is over.
    overdue = bool(due and number in (2, 22, 23) and due < today)
    contacts = [p for r in records if r.step == 5 for p in r.people.all()]
    return InPipeline(
        member,
        done,
        implied,
        number,
        names.get(number, "") if number else "",
        due,
        overdue,
        contacts,
    )


def _pipeline_members(members: QuerySet[Member]) -> QuerySet[Member]:
    # Full members stay on the board until the last steps (approval, filing) are done.
    unfinished = DevelopmentRecord.objects.filter(member=OuterRef("pk"), step__gte=23).exclude(
        member__development_records__step=25
    )
    return (
        members.filter(
            Q(stage__in=PIPELINE_STAGES)
            | Q(stage=MemberStage.FULL, pk__in=unfinished.values("member_id"))
        )
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "development_records",
                queryset=DevelopmentRecord.objects.prefetch_related("people__user"),
            ),
            Prefetch("probation_extension", queryset=ProbationExtension.objects.all()),
        )
        .order_by("user__employee_number")
    )


def _empty_board() -> dict[str, list[InPipeline]]:
    return {stage: [] for stage in (*PIPELINE_STAGES, "full")}


def pipeline(branch: OrgUnit, *, today: datetime.date) -> dict[str, list[InPipeline]]:
    """Everyone in the branch's pipeline, by stage. A fixed number of queries."""
    names = _steps()
    board = _empty_board()
    for member in _pipeline_members(orgs.members_of_branch(branch)):
        board[member.stage].append(_progress(member, names, today))
    return board


def pipelines(
    branch_ids: Sequence[int], *, today: datetime.date
) -> dict[int, dict[str, list[InPipeline]]]:
    """`pipeline` for many branches at once, by branch id: the same fixed number of
    queries for the whole batch."""
    names = _steps()
    boards = {pk: _empty_board() for pk in branch_ids}
    for member in _pipeline_members(orgs.members_of_branches(branch_ids)):
        boards[member.branch_id][member.stage].append(_progress(member, names, today))
    return boards


def reserve_force(board: dict[str, list[InPipeline]], *, today: datetime.date) -> list[InPipeline]:
    """Young people (under 35) who have applied, with their cultivation contacts: the
    report's "把优秀青年纳入后备力量"."""
    young = []
    for stage in ("applicant", "activist", "candidate"):
        for entry in board[stage]:
            birth = entry.member.birth_date
            if birth is not None and rules.age_on(birth, today) < RESERVE_AGE:
                young.append(entry)
    return young


def person(
    member: Member, *, today: datetime.date
) -> tuple[InPipeline, list[tuple[int, int, str, DevelopmentRecord | None, str]]]:
    """One person's progress and the 25 steps: (number, stage, name, record, state)
    where state is done, implied, next or locked."""
    names = _steps()
    member = (
        orgs.members_by_ids([member.pk])
        .select_related("user", "branch")
        .prefetch_related("development_records__people__user")
        .get()
    )
    progress = _progress(member, names, today)
    records = {r.step: r for r in member.development_records.all()}
    rows = []
    for step in rules.STEPS:
        record = records.get(step.number)
        if record is not None:
            state = "done"
        elif step.number <= progress.implied:
            state = "implied"
        elif step.number == progress.next_step:
            state = "next"
        else:
            state = "locked"
        rows.append((step.number, step.stage, names[step.number], record, state))
    return progress, rows
