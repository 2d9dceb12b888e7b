"""Who may open the insights' pages."""

from __future__ import annotations

from typing import Any

from grassroots.accounts.scope import Scope
from grassroots.orgs import policy as orgs_policy


def may_open_structure(scope: Scope, user: Any = None) -> bool:
    return orgs_policy.can_list_members(scope)


def can_view_audit_log(scope: Scope) -> bool:
    return scope.is_admin or scope.is_committee_officer


def may_open_audit_log(scope: Scope, user: Any = None) -> bool:
    return can_view_audit_log(scope)


def may_open_statistics(scope: Scope, user: Any = None) -> bool:
    """The annual statistics: officers, for their own subtree (the units they oversee)."""
    return scope.is_admin or scope.is_officer


def may_open_dashboard(scope: Scope, user: Any = None) -> bool:
    """An organisation's dashboard is for its officers (and administrators)."""
    return scope.is_admin or scope.is_officer


def can_view_dashboard(scope: Scope, unit_path: str) -> bool:
    return scope.is_admin or scope.oversees(unit_path)


def may_open_my_dashboard(scope: Scope, user: Any = None) -> bool:
    return scope.is_authenticated
