"""First-receiver responsibility (首接负责): which organisation receives an appeal."""

from __future__ import annotations

from django.db.models import Q

from grassroots.accounts.models import Role, RoleAssignment, User
from grassroots.appeals.models import Category
from grassroots.core.tree import ancestor_paths
from grassroots.orgs.models import Department, OrgUnit


def covering_branch(department: Department | None) -> OrgUnit | None:
    """The branch covering the department, or the nearest department above it."""
    if department is None:
        return None
    paths = [*ancestor_paths(department.path), department.path]
    candidates = (
        OrgUnit.departments.through.objects.filter(
            department__path__in=paths, orgunit__kind=OrgUnit.Kind.BRANCH, orgunit__is_active=True
        )
        .select_related("orgunit", "department")
        .order_by("-department__depth", "orgunit__path")
    )
    first = candidates.first()
    return first.orgunit if first else None


def dispatcher_unit() -> OrgUnit:
    """The committee at the top: it receives what no branch covers."""
    unit = (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMITTEE, is_active=True, parent__isnull=True)
        .order_by("path")
        .first()
    )
    if unit is None:
        raise LookupError("no Party committee is on record to receive appeals")
    return unit


def receiving_unit(category: Category, department: Department | None) -> OrgUnit:
    branch = covering_branch(department)
    if category.to_discipline:
        # Complaints about members' conduct go one level above the branch concerned.
        if branch is not None and branch.parent_id:
            return OrgUnit.objects.get(pk=branch.parent_id)
        return dispatcher_unit()
    return branch or dispatcher_unit()


def discipline_officer(unit: OrgUnit) -> User | None:
    holder = (
        RoleAssignment.objects.current()
        .filter(Q(org_unit=unit), role=Role.DISCIPLINE_OFFICER)
        .select_related("user")
        .order_by("starts_on")
        .first()
    )
    return holder.user if holder else None
