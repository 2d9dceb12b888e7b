"""Who may do what with commendations. Rounds, the public notice and the decisions belong
to the committee's officers over their subtree; nominating to the officers of each branch
in it, for their own branch. Out of scope = 404, as for a missing round."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from grassroots.accounts.scope import Scope
from grassroots.core.tree import ancestor_paths, is_within, within_any
from grassroots.evaluation.commendations.models import CommendationRound
from grassroots.orgs.selectors import active_units
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

ROUND_UNIT_KINDS = (UnitKind.COMMITTEE, UnitKind.GENERAL_BRANCH)


def can_open_round(scope: Scope) -> bool:
    return scope.is_admin or scope.is_committee_officer


def committees_to_run(scope: Scope) -> QuerySet[OrgUnit]:
    """The committees (and general branches) whose rounds the user may open."""
    units = active_units().filter(kind__in=ROUND_UNIT_KINDS)
    if not scope.is_admin:
        units = units.filter(within_any(scope.committee_paths))
    return units.order_by("path")


def can_run(scope: Scope, commendation_round: CommendationRound) -> bool:
    """Put nominations into public notice and decide: the committee's officers (or those
    above it) and administrators."""
    return scope.is_admin or scope.oversees_as_committee(commendation_round.unit.path)


def nominating_branches(scope: Scope, commendation_round: CommendationRound) -> QuerySet[OrgUnit]:
    """The branches in the round's subtree that the user may nominate for."""
    units = active_units().filter(
        kind=UnitKind.BRANCH, path__startswith=commendation_round.unit.path
    )
    if not scope.is_admin:
        units = units.filter(within_any(scope.officer_paths))
    return units.order_by("path")


def can_nominate_for(scope: Scope, commendation_round: CommendationRound, branch: OrgUnit) -> bool:
    return (
        branch.kind == UnitKind.BRANCH
        and is_within(branch.path, commendation_round.unit.path)
        and (scope.is_admin or scope.oversees(branch.path))
    )


def can_view(scope: Scope, commendation_round: CommendationRound) -> bool:
    """The committee's officers, and the officers of any branch inside its subtree."""
    if can_run(scope, commendation_round):
        return True
    return any(is_within(path, commendation_round.unit.path) for path in scope.officer_paths)


def visible_rounds(scope: Scope) -> QuerySet[CommendationRound]:
    """Rounds of the committees above the user's branches and within their subtrees."""
    rounds = CommendationRound.objects.all()
    if scope.is_admin:
        return rounds
    above = {ancestor for path in scope.officer_paths for ancestor in ancestor_paths(path)}
    return rounds.filter(
        within_any(scope.officer_paths, "unit__path") | Q(unit__path__in=sorted(above))
    )


def may_open_list(scope: Scope) -> bool:
    return scope.is_admin or scope.is_officer
