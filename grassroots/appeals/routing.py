"""First-receiver responsibility (首接负责): which organisation receives an appeal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grassroots.accounts.roles import Role
from grassroots.accounts.selectors import current_assignments
from grassroots.orgs.selectors import branch_covering, root_units, unit_by_id
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.appeals.models import Category
    from grassroots.orgs.models import Department, OrgUnit


def covering_branch(department: Department | None) -> OrgUnit | None:
    """The branch covering the department, or the nearest department above it."""
    return branch_covering(department)


def dispatcher_unit() -> OrgUnit:
    """The committee at the top: it receives what no branch covers."""
    unit = root_units().filter(kind=UnitKind.COMMITTEE).order_by("path").first()
    if unit is None:
        raise LookupError("no Party committee is on record to receive appeals")
    return unit


def receiving_unit(category: Category, department: Department | None) -> OrgUnit:
    branch = covering_branch(department)
    if category.to_discipline:
        # Complaints about members' conduct go one level above the branch concerned.
        if branch is not None and branch.parent_id:
            parent = unit_by_id(branch.parent_id)
            assert parent is not None  # a unit's parent is protected from deletion
            return parent
        return dispatcher_unit()
    return branch or dispatcher_unit()


def discipline_officer(unit: OrgUnit) -> User | None:
    holder = (
        current_assignments()
        .filter(org_unit=unit, role=Role.DISCIPLINE_OFFICER)
        .select_related("user")
        .order_by("starts_on")
        .first()
    )
    return holder.user if holder else None
