"""Reads for the six haves: the figures of every branch of a subtree for a year, in a
fixed number of queries whatever the number of branches.

Each have reads the app whose records it is made of, through that app's read contract:
leadership from `orgs` (posts held, full members, the term), backbone and carriers from
`service` (posts, commitments, activities), systems from `orglife` (三会一课
compliance), results from `appeals` (the three rates) and `service` (deeds delivered),
the place from `resources` (the venues that serve the branch), with this part's own
table (an officer's statement) standing in where no venue is recorded. A branch's page
and a committee's overview read the same function, so they cannot disagree.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from grassroots.appeals import selectors as appeals
from grassroots.core import parameters
from grassroots.core.periods import Period
from grassroots.core.tree import ancestor_paths
from grassroots.evaluation.sixhaves import policy
from grassroots.evaluation.sixhaves import rule_parameters as limits
from grassroots.evaluation.sixhaves.models import SixHavesPlace
from grassroots.orglife import selectors as orglife
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import MemberStage, MemberStatus, UnitKind
from grassroots.resources import selectors as resources
from grassroots.service import selectors as service

if TYPE_CHECKING:
    from grassroots.accounts.scope import Scope
    from grassroots.appeals.rules import Rates
    from grassroots.orgs.models import OrgUnit


@dataclass(frozen=True)
class Thresholds:
    backbone_percent: int
    min_posts: int
    min_activities: int
    compliance_percent: int
    response_percent: int
    resolution_percent: int
    satisfaction_percent: int
    delivered_percent: int
    min_answers: int  # the appeals' "too few to judge" rule, used for deeds' answers too


def current_thresholds() -> Thresholds:
    return Thresholds(
        backbone_percent=parameters.value(limits.BACKBONE_PERCENT.key),
        min_posts=parameters.value(limits.MIN_POSTS.key),
        min_activities=parameters.value(limits.MIN_ACTIVITIES.key),
        compliance_percent=parameters.value(limits.COMPLIANCE_PERCENT.key),
        response_percent=parameters.value(limits.RESPONSE_PERCENT.key),
        resolution_percent=parameters.value(limits.RESOLUTION_PERCENT.key),
        satisfaction_percent=parameters.value(limits.SATISFACTION_PERCENT.key),
        delivered_percent=parameters.value(limits.DELIVERED_PERCENT.key),
        min_answers=parameters.value("appeals.min_answers"),
    )


@dataclass(frozen=True)
class Place:
    has_place: bool
    note: str
    recorded_by: str
    recorded_at: datetime.datetime


@dataclass(frozen=True)
class BranchFigures:
    """What the records say of one branch (with its groups) for one year."""

    unit: OrgUnit
    period: Period
    on: datetime.date  # the day posts and the term are judged on
    leadership: orgs.BranchLeadership
    members: int  # active Party members (probationary and full)
    post_holders: int  # of those, holding an active service post
    committed: int  # of those, with an approved commitment for the year
    serving: int  # of those, either
    carriers: service.CarrierFigures
    meetings_held: int  # periods over with the required meetings held
    meetings_missing: int  # periods over without them
    rates: Rates
    deeds: service.DeedFigures
    venues: tuple[resources.ServingVenue, ...]  # in use, recorded by the year's end
    place: Place | None  # the officer's statement: counts only without venues


def judgement_day(period: Period, today: datetime.date) -> datetime.date:
    return min(period.last, today)


def _moment(period: Period, today: datetime.date) -> datetime.datetime:
    """ "Now" as seen from the period: its end once it is over, so a past year's figures
    do not move when they are read again."""
    if period.last < today:
        return period.ends
    return timezone.now()


def branches_within(root: OrgUnit) -> QuerySet[OrgUnit]:
    """The active branches at or under `root` (the branch itself, when `root` is one),
    in tree order."""
    return orgs.units_within(root.path, kinds=[UnitKind.BRANCH], active_only=True)


def branch_figures(
    root: OrgUnit, branches: Sequence[OrgUnit], year: int, *, today: datetime.date
) -> list[BranchFigures]:
    """The figures for the year of `branches` (active branches at or under `root`, a
    page of them), in their order. About twenty queries, whatever the number of
    branches: every read selects by `root`'s subtree and shares the rows out."""
    period = Period.year(year)
    on = judgement_day(period, today)
    branches = list(branches)
    if not branches:
        return []
    leadership = orgs.branch_leadership(root, on=on)

    members = (
        orgs.members_within(root.path)
        .filter(
            branch_id__in=[branch.pk for branch in branches],
            stage__in=MemberStage.party_member_values(),
            status__in=MemberStatus.active_values(),
        )
        .order_by()
    )
    users_of: dict[int, list[int]] = {}
    for branch_id, user_id in members.values_list("branch_id", "user_id"):
        users_of.setdefault(branch_id, []).append(user_id)
    serving = service.serving_users(members.values("user_id"), period)

    carriers = service.carrier_figures_of(branches, period, within=root)
    deeds = service.deed_figures_of(branches, period, within=root, today=today)
    rates = appeals.appeal_rates_of(branches, period, within=root, now=_moment(period, today))

    branch_of_path = {branch.path: branch.pk for branch in branches}
    held: dict[int, int] = dict.fromkeys(branch_of_path.values(), 0)
    missing: dict[int, int] = dict.fromkeys(branch_of_path.values(), 0)
    for row in orglife.meeting_compliance(root, period, today=today):
        # A branch's groups (党小组会) count with the branch.
        branch_id = next(
            (
                branch_of_path[path]
                for path in [row.unit_path, *ancestor_paths(row.unit_path)]
                if path in branch_of_path
            ),
            0,
        )
        if branch_id:
            held[branch_id] += row.held
            missing[branch_id] += row.missing

    venues = resources.venues_serving(
        [branch.path for branch in branches], recorded_before=period.ends
    )
    places = {
        record.unit_id: Place(
            has_place=record.has_place,
            note=record.note,
            recorded_by=record.recorded_by.name if record.recorded_by else "",
            recorded_at=record.recorded_at,
        )
        for record in SixHavesPlace.objects.filter(
            unit_id__in=[branch.pk for branch in branches], year=year
        ).select_related("recorded_by")
    }

    result = []
    for branch in branches:
        users = users_of.get(branch.pk, [])
        result.append(
            BranchFigures(
                unit=branch,
                period=period,
                on=on,
                leadership=leadership[branch.pk],
                members=len(users),
                post_holders=sum(1 for user in users if user in serving.post_holders),
                committed=sum(1 for user in users if user in serving.committed),
                serving=sum(1 for user in users if user in serving.serving),
                carriers=carriers[branch.pk],
                meetings_held=held[branch.pk],
                meetings_missing=missing[branch.pk],
                rates=rates[branch.pk].rates,
                deeds=deeds[branch.pk],
                venues=tuple(venues[branch.path]),
                place=places.get(branch.pk),
            )
        )
    return result


def get_branch_for(scope: Scope, pk: int) -> OrgUnit:
    """The branch whose six haves the person may read, or 404 (missing, not a branch, or
    out of scope look the same)."""
    unit = orgs.unit_by_id(pk)
    if unit is None or not unit.is_active or not policy.can_view_branch(scope, unit):
        raise Http404
    return unit


def venues_of(branch: OrgUnit, year: int) -> list[resources.ServingVenue]:
    """The venues that serve the branch in the year, as its six haves count them."""
    return resources.venues_serving([branch.path], recorded_before=Period.year(year).ends)[
        branch.path
    ]


def place_of(branch: OrgUnit, year: int) -> SixHavesPlace | None:
    return SixHavesPlace.objects.filter(unit=branch, year=year).first()
