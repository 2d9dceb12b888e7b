"""Who may do what with indicator schemes and their results.

Schemes belong to a committee or general branch: its committee officers (and those of
the committees above it) define, score and assess them, for the units of their subtree.
A unit's results are for the unit's own officers and the officers above it. Ordered
lists of units are for the committee's officers only — never for members or employees
(RULES.md: no league tables). Out of scope = 404, as for a missing object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from grassroots.accounts.roles import Role
from grassroots.accounts.scope import Scope
from grassroots.core.tree import is_within
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from grassroots.evaluation.schemes.models import IndicatorScheme
    from grassroots.orgs.models import OrgUnit

SCHEME_OWNERS = (UnitKind.COMMITTEE, UnitKind.GENERAL_BRANCH)
SCORED_KINDS = (UnitKind.COMMITTEE, UnitKind.GENERAL_BRANCH, UnitKind.BRANCH)


def can_own_schemes(scope: Scope, unit: OrgUnit) -> bool:
    """A committee or general branch, for its committee officers and those above."""
    return unit.kind in SCHEME_OWNERS and (scope.is_admin or scope.oversees_as_committee(unit.path))


def can_manage(scope: Scope, scheme: IndicatorScheme) -> bool:
    """The assessor: edit, publish, score, judge by hand, answer objections, see the
    ordered list of units."""
    return can_own_schemes(scope, scheme.unit)


def may_open_schemes(scope: Scope) -> bool:
    return scope.is_admin or scope.is_committee_officer


def can_view_result(scope: Scope, unit: OrgUnit) -> bool:
    """A unit's own breakdown: its officers and the officers above it."""
    return scope.is_admin or scope.oversees(unit.path)


def is_unit_officer(scope: Scope, unit: OrgUnit) -> bool:
    """An officer of the unit itself (objections are the unit's to lodge)."""
    return any(
        path == unit.path
        for role in (Role.BRANCH_OFFICER, Role.COMMITTEE_OFFICER)
        for path in scope.org_paths.get(role, ())
    )


def can_object(scope: Scope, unit: OrgUnit) -> bool:
    return is_unit_officer(scope, unit)


def in_subtree(scheme: IndicatorScheme, unit: OrgUnit) -> bool:
    return is_within(unit.path, scheme.unit.path)
