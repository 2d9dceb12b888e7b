"""Who may do what in learning.

Authors are the officers over a material's or a course's organisation (and the
administrator). Learners are the people in a course's audience (selectors decide that
from their record). A person's training hours are theirs and their officers' to see;
officers see their units' counts below target, and only the officers of the unit
itself see who is below it — never a ranking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from grassroots.accounts.roles import Role
from grassroots.accounts.scope import Scope
from grassroots.core.tree import within_any
from grassroots.orgs import selectors as orgs

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


def may_open(scope: Scope, user: Any = None) -> bool:
    return scope.is_member or scope.is_officer or scope.is_admin


def can_author(scope: Scope, unit_path: str) -> bool:
    return scope.is_admin or scope.oversees(unit_path)


def may_author(scope: Scope) -> bool:
    return scope.is_admin or scope.is_officer


def units_to_author(scope: Scope) -> QuerySet[OrgUnit]:
    units = orgs.active_units()
    if scope.is_admin:
        return units.order_by("path")
    return units.filter(within_any(scope.officer_paths)).order_by("path")


def can_see_hours_of(scope: Scope, *, member_id: int, branch_path: str) -> bool:
    """A person's own hours, or those of someone in a unit the viewer oversees."""
    return scope.member_id == member_id or scope.is_admin or scope.oversees(branch_path)


def can_see_unit_progress(scope: Scope, unit_path: str) -> bool:
    return scope.is_admin or scope.oversees(unit_path)


def can_see_names_below_target(scope: Scope, unit_path: str) -> bool:
    """Only the officers of the unit itself (not those above it) see who is below."""
    return any(
        unit_path in scope.org_paths.get(role, ())
        for role in (Role.BRANCH_OFFICER, Role.COMMITTEE_OFFICER)
    )


def can_enter_training_for(scope: Scope, *, member_id: int, branch_path: str) -> bool:
    return scope.member_id == member_id or scope.oversees(branch_path)
