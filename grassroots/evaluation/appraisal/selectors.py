"""Reads of the democratic appraisal, already scoped: 404 for what a person may not see.
The year's records beside each member are read through orglife's and service's read
contracts, never copied."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from grassroots.accounts.scope import Scope
from grassroots.core.tree import within_any
from grassroots.evaluation.appraisal import policy, rules
from grassroots.evaluation.appraisal.models import (
    Appraisal,
    AppraisalParticipant,
    MutualSuggestion,
)
from grassroots.evaluation.campaigns import selectors as campaign_selectors
from grassroots.evaluation.campaigns.models import Campaign
from grassroots.evaluation.campaigns.selectors import SubjectResult
from grassroots.evaluation.rules import GRADES
from grassroots.orglife import selectors as orglife
from grassroots.service import selectors as service

if TYPE_CHECKING:
    from grassroots.orglife.selectors import AppraisalMeeting, MemberAttendance
    from grassroots.orgs.models import Member
    from grassroots.service.selectors import PersonServiceRecord


def visible_appraisals(scope: Scope) -> QuerySet[Appraisal]:
    """Appraisals of the branches the person runs, and those they take part in. Both
    are subqueries on the appraisal's id, so that counts over its participants stay
    whole (a join on the person's own participation would count only that row)."""
    if not scope.is_authenticated:
        return Appraisal.objects.none()
    query = Appraisal.objects.select_related("branch")
    if scope.is_admin:
        return query
    mine = (
        Q(
            pk__in=AppraisalParticipant.objects.filter(member_id=scope.member_id).values(
                "appraisal_id"
            )
        )
        if scope.member_id
        else Q(pk__in=[])
    )
    if scope.officer_paths:
        ran = Appraisal.objects.filter(within_any(scope.officer_paths, "branch__path"))
        return query.filter(Q(pk__in=ran.values("pk")) | mine)
    return query.filter(mine)


def appraisal_list(scope: Scope) -> QuerySet[Appraisal]:
    """For the index: newest year first, with the counts an officer needs; the view
    pages it. A fixed number of queries, whatever the number of appraisals."""
    return (
        visible_appraisals(scope)
        .annotate(
            people=Count("participants", distinct=True),
            graded=Count("participants", filter=Q(participants__is_graded=True), distinct=True),
            self_written=Count(
                "participants",
                filter=~Q(participants__self_assessment=""),
                distinct=True,
            ),
        )
        .order_by("-year", "branch__path", "pk")
    )


def get_appraisal_for(scope: Scope, pk: int) -> Appraisal:
    appraisal = visible_appraisals(scope).filter(pk=pk).first()
    if appraisal is None:
        raise Http404
    return appraisal


def own_participant(scope: Scope, appraisal: Appraisal) -> AppraisalParticipant | None:
    if scope.member_id is None:
        return None
    return (
        AppraisalParticipant.objects.select_related("member__user")
        .filter(appraisal=appraisal, member_id=scope.member_id)
        .first()
    )


def participants(appraisal: Appraisal) -> list[AppraisalParticipant]:
    """Graded (full) members first, then probationary members, by employee number."""
    return list(
        AppraisalParticipant.objects.filter(appraisal=appraisal)
        .select_related("member__user")
        .order_by("-is_graded", "member__user__employee_number")
    )


def graded_members_in_branch(appraisal: Appraisal) -> list[Member]:
    """The graded members still in the appraisal's branch (one who has moved since it
    opened is no longer for its employees to judge), with their user and branch."""
    return [
        p.member
        for p in AppraisalParticipant.objects.filter(
            appraisal=appraisal, is_graded=True, member__branch_id=appraisal.branch_id
        )
        .select_related("member__user", "member__branch")
        .order_by("member__user__employee_number")
    ]


def get_participant_for(scope: Scope, appraisal: Appraisal, pk: int) -> AppraisalParticipant:
    """One participant's page: the branch's officers, or the member themself."""
    participant = (
        AppraisalParticipant.objects.select_related("member__user")
        .filter(appraisal=appraisal, pk=pk)
        .first()
    )
    if participant is None:
        raise Http404
    if not (policy.can_manage(scope, appraisal) or participant.member_id == scope.member_id):
        raise Http404
    return participant


@dataclass(frozen=True)
class GradeCounts:
    """Suggestions a member received, per grade; no names."""

    excellent: int = 0
    qualified: int = 0
    basically_qualified: int = 0
    unqualified: int = 0

    @property
    def total(self) -> int:
        return self.excellent + self.qualified + self.basically_qualified + self.unqualified


def received_counts(appraisal: Appraisal) -> dict[int, dict[str, int]]:
    """Suggestions received per graded participant and grade, while they exist (until
    the decision). For the decision to keep; pages use `suggestion_counts`. One query."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for assessee_id, grade, n in (
        MutualSuggestion.objects.filter(appraisal=appraisal)
        .order_by()
        .values_list("assessee_id", "grade")
        .annotate(n=Count("pk"))
    ):
        if grade in GRADES:
            counts[assessee_id][grade] = n
    return dict(counts)


def suggestions_closed(appraisal: Appraisal) -> bool:
    """The suggestions close when the branch committee proposes the grades."""
    return appraisal.proposed_at is not None


def suggestion_counts(appraisal: Appraisal) -> dict[int, GradeCounts]:
    """Counts per grade for the graded participants, for the branch committee only: none
    while the suggestions are open (the committee's own members suggest too), and only
    for a member at least `rules.MIN_SUGGESTERS` people suggested for. After the
    decision, the counts kept on the participants. One query."""
    if not suggestions_closed(appraisal):
        return {}
    if appraisal.is_open:
        shown = {pk: rules.shown_counts(c) for pk, c in received_counts(appraisal).items()}
    else:
        shown = dict(
            AppraisalParticipant.objects.filter(appraisal=appraisal, is_graded=True).values_list(
                "pk", "suggestion_counts"
            )
        )
    return {pk: GradeCounts(**counts) for pk, counts in shown.items() if counts}


def suggestions_by(assessor: AppraisalParticipant) -> dict[int, str]:
    """The assessor's own suggestions (for their own form only)."""
    return dict(
        MutualSuggestion.objects.filter(assessor=assessor).values_list("assessee_id", "grade")
    )


@dataclass(frozen=True)
class Evidence:
    """The year's records of one member, as facts with links: never a score."""

    attendance: MemberAttendance
    service: PersonServiceRecord


def evidence(appraisal: Appraisal, people: list[AppraisalParticipant]) -> dict[int, Evidence]:
    """Evidence per participant id. Five queries, however many members."""
    attendance = orglife.members_attendance([p.member_id for p in people], year=appraisal.year)
    records = service.people_service_records(
        [p.member.user_id for p in people], year=appraisal.year
    )
    return {p.pk: Evidence(attendance[p.member_id], records[p.member.user_id]) for p in people}


def appraisal_meetings(appraisal: Appraisal) -> list[AppraisalMeeting]:
    """The branch's 民主评议 meetings of the appraisal's year, as orglife recorded them."""
    return orglife.appraisal_meetings(appraisal.branch, year=appraisal.year)


def decided_meeting(appraisal: Appraisal) -> AppraisalMeeting | None:
    if appraisal.meeting_id is None:
        return None
    return next((m for m in appraisal_meetings(appraisal) if m.pk == appraisal.meeting_id), None)


@dataclass(frozen=True)
class Opinions:
    """The employees' opinions of an appraisal's members, read from its campaign: how
    many of those asked have answered, and once it has closed the result per member."""

    campaign: Campaign
    asked: int
    answered: int
    by_member: dict[int, SubjectResult]

    @property
    def closed(self) -> bool:
        return self.campaign.status == Campaign.Status.CLOSED


def opinions(appraisal: Appraisal) -> Opinions | None:
    """None when the branch has not asked the employees. Three queries, or six once the
    campaign has closed, however many members and ballots."""
    if appraisal.campaign_id is None:
        return None
    campaign = campaign_selectors.campaign_for(appraisal.campaign_id)
    if campaign is None:
        return None
    roll = campaign_selectors.roll_counts(campaign)
    return Opinions(
        campaign=campaign,
        asked=sum(row.people for row in roll),
        answered=sum(row.voted for row in roll),
        by_member=campaign_selectors.member_results(campaign),
    )


@dataclass(frozen=True)
class GradeTally:
    """How the members of the branches at or under an organisation were graded in a
    year's decided appraisals: counts only, for a notice (nobody is named)."""

    branches: int
    graded: int
    by_grade: tuple[tuple[str, int], ...]  # (what the grade is called, how many), in order


def grade_tally_within(path: str, year: int) -> GradeTally:
    """One query: decided appraisals of the year, branches within `path`."""
    rows = (
        AppraisalParticipant.objects.filter(
            appraisal__branch__path__startswith=path,
            appraisal__year=year,
            appraisal__status=Appraisal.Status.DECIDED,
            is_graded=True,
        )
        .exclude(grade="")
        .order_by()
        .values("grade", "appraisal__branch_id")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, int] = defaultdict(int)
    branches: set[int] = set()
    for row in rows:
        counts[row["grade"]] += row["n"]
        branches.add(row["appraisal__branch_id"])
    return GradeTally(
        branches=len(branches),
        graded=sum(counts.values()),
        by_grade=tuple(
            (str(label), counts.get(grade, 0))
            for grade, label in AppraisalParticipant.Grade.choices
        ),
    )
