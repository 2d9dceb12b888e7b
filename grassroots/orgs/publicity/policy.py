"""Who may do what with public notices. The notices page is for every signed-in person
(a notice is public within the enterprise); answering objections belongs to the officers
over the publishing organisation, who alone read the objections' texts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grassroots.accounts.scope import Scope

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit
    from grassroots.orgs.publicity.models import PublicNotice


def can_read(scope: Scope) -> bool:
    return scope.is_authenticated


def can_object(scope: Scope) -> bool:
    """Anyone signed in may object while the notice runs (the service checks the days)."""
    return scope.is_authenticated


def can_publish_for(scope: Scope, unit: OrgUnit) -> bool:
    """Officers over the organisation (its own, or those above it); administrators."""
    return scope.is_admin or scope.oversees(unit.path)


def can_answer(scope: Scope, notice: PublicNotice) -> bool:
    """The publishing organisation's officers (or those above it) answer objections."""
    return can_publish_for(scope, notice.unit)
