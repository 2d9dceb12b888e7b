"""Who may read and record the six haves.

A branch's six haves are for its officers and the officers above it (committee
officers of the subtree); the overview of a committee's branches is for that
committee's officers only. No member or employee sees them: they judge an
organisation, and are no league table (RULES, last section). Out of scope = 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from grassroots.accounts.scope import Scope
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

OVERVIEW_KINDS = (UnitKind.COMMITTEE, UnitKind.GENERAL_BRANCH)


def can_view_branch(scope: Scope, unit: OrgUnit) -> bool:
    """The branch's officers and the committee officers above it; administrators."""
    return unit.kind == UnitKind.BRANCH and (scope.is_admin or scope.oversees(unit.path))


def can_record_place(scope: Scope, unit: OrgUnit) -> bool:
    """Whoever may read a branch's six haves records its place: the people who know it."""
    return can_view_branch(scope, unit)


def can_view_overview(scope: Scope, unit: OrgUnit) -> bool:
    """A committee's (or general branch's) overview: its committee officers, and those
    of the committees above it; administrators."""
    return unit.kind in OVERVIEW_KINDS and (
        scope.is_admin or scope.oversees_as_committee(unit.path)
    )


def can_see_hub_card(scope: Scope) -> bool:
    return scope.is_admin or scope.is_officer
