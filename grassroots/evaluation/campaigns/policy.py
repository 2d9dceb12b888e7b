"""Who may do what in multi-party campaigns. Campaigns are run by the committee
officers of the organiser (for their subtree) — or, for a campaign a branch organised
(the employees' opinions of its democratic appraisal), by that branch's officers and
those above it; ballots belong to the people on the
roll; results are for each subject (a branch's officers, the named member) and the
officers above it; the tally of receipt codes is for everyone signed in. Out of scope
= 404, as for a missing campaign."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from grassroots.accounts.scope import Scope
from grassroots.core.tree import is_within, within_any
from grassroots.evaluation.campaigns.models import Campaign, CampaignSubject
from grassroots.orgs.selectors import active_units, no_units
from grassroots.orgs.vocabulary import UnitKind


def can_create(scope: Scope) -> bool:
    return scope.is_admin or scope.is_committee_officer


def organisers(scope: Scope) -> QuerySet[Any]:
    """The committees and general branches whose campaigns the user may run."""
    units = active_units().filter(kind__in=[UnitKind.COMMITTEE, UnitKind.GENERAL_BRANCH])
    if scope.is_admin:
        return units.order_by("path")
    if not scope.committee_paths:
        return no_units()
    return units.filter(within_any(scope.committee_paths)).order_by("path")


def can_manage(scope: Scope, campaign: Campaign) -> bool:
    organiser = campaign.organiser
    if organiser.kind == UnitKind.BRANCH:
        return scope.is_admin or scope.oversees(organiser.path)
    return scope.is_admin or scope.oversees_as_committee(organiser.path)


def can_conduct(scope: Scope, campaign: Campaign) -> bool:
    """Open or close a campaign, mark and enter paper ballots: those who run it — but
    for a campaign a branch organised, whose officers are among the members judged,
    only the officers above the branch (the committee), so nobody judged can close the
    ballot early or enter ballots for it."""
    organiser = campaign.organiser
    if organiser.kind == UnitKind.BRANCH:
        return scope.is_admin or scope.oversees_as_committee(organiser.path)
    return can_manage(scope, campaign)


def managed(scope: Scope) -> Q:
    """`can_manage` as a filter on campaigns."""
    if scope.is_admin:
        return Q()
    return within_any(scope.committee_paths, field="organiser__path") | (
        Q(organiser__kind=UnitKind.BRANCH)
        & within_any(scope.officer_paths, field="organiser__path")
    )


def can_see_subject(scope: Scope, user: Any, subject: CampaignSubject) -> bool:
    """The subject's own and those above it: for a branch, its officers and the officers
    above (who include the organiser's); for a named member, the member and the officers
    above their branch (not their fellow officers of the branch) — unless their own
    branch organised the campaign, as the employees' opinions of its democratic
    appraisal, which its committee weighs when it proposes the grades."""
    if scope.is_admin:
        return True
    if subject.campaign.organiser.kind == UnitKind.BRANCH and can_manage(scope, subject.campaign):
        return True
    if subject.member_id is None:
        return scope.oversees(subject.unit.path)
    if subject.member is not None and subject.member.user_id == getattr(user, "pk", None):
        return True
    return any(
        is_within(subject.unit.path, root) and root != subject.unit.path
        for root in scope.officer_paths
    )


def seen_subjects(scope: Scope, user: Any) -> Q:
    """`can_see_subject` as a filter on subjects, for lists read in one query."""
    if scope.is_admin:
        return Q()
    condition = Q(member__user=getattr(user, "pk", None))
    condition |= Q(member__isnull=True) & within_any(scope.officer_paths, field="unit__path")
    below = Q(pk__in=[])
    for root in scope.officer_paths:
        below |= Q(unit__path__startswith=root) & ~Q(unit__path=root)
    organised = Q(campaign__organiser__kind=UnitKind.BRANCH) & within_any(
        scope.officer_paths, field="campaign__organiser__path"
    )
    return condition | (Q(member__isnull=False) & below) | organised


def can_plan(scope: Scope, user: Any, subject: CampaignSubject) -> bool:
    """The rectification plan is written by those who must act: the same people."""
    return can_see_subject(scope, user, subject)


def can_read_appeals(scope: Scope, subject: CampaignSubject) -> bool:
    """The appeals of the subject's branch by title: for the officers over it. A named
    member who is not one sees only how many there were."""
    return scope.is_admin or scope.oversees(subject.unit.path)


def can_see_tally(scope: Scope) -> bool:
    return scope.is_authenticated
