"""Who may see and adopt hot topics: the officers of the committee (and of committees
above it), and administrators. Never branch officers or employees: a topic is the
committee's reading of its whole subtree. Out of scope = 404, as for a missing page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from grassroots.accounts.scope import Scope

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


def can_view_topics(scope: Scope, unit: OrgUnit) -> bool:
    return scope.is_admin or scope.oversees_as_committee(unit.path)


def can_adopt(scope: Scope, unit: OrgUnit) -> bool:
    """Adopting (and asking for a fresh run) is the committee's own officers' call, or
    an administrator's."""
    return can_view_topics(scope, unit)


def may_open(scope: Scope, user: Any = None) -> bool:
    return scope.is_admin or scope.is_committee_officer
