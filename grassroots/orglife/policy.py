"""Who may do what with meetings and compliance. Out of scope = 404, as for a missing row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from grassroots.accounts.scope import Scope
from grassroots.orglife.models import Attendance, Meeting

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


def can_manage_meetings(scope: Scope, unit: OrgUnit) -> bool:
    """Plan, record and edit the meetings of a branch or group: its officers and those
    of the organisations above it."""
    return scope.is_admin or scope.oversees(unit.path)


def can_view_compliance(scope: Scope, unit: OrgUnit) -> bool:
    """A unit's gaps are for the officers who can close them, not a public league table."""
    return can_manage_meetings(scope, unit)


def can_view_overview(scope: Scope, unit: OrgUnit) -> bool:
    """The subtree overview is for committee officers (and administrators)."""
    return scope.is_admin or scope.oversees_as_committee(unit.path)


def is_expected(scope: Scope, meeting: Meeting) -> bool:
    return (
        scope.member_id is not None
        and Attendance.objects.filter(meeting=meeting, member_id=scope.member_id).exists()
    )


def can_view_meeting(scope: Scope, meeting: Meeting) -> bool:
    return can_manage_meetings(scope, meeting.unit) or is_expected(scope, meeting)


def can_manage_development(scope: Scope, branch: OrgUnit) -> bool:
    """The pipeline of a branch is kept by its officers and those above them."""
    return scope.is_admin or scope.oversees(branch.path)


def may_open(scope: Scope, user: Any = None) -> bool:
    """Organisational life is for members and the officers over them."""
    return scope.is_member or scope.is_officer or scope.is_admin
