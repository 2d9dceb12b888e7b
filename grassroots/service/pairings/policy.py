"""Who may see and do what with a pairing (结对帮扶). Out of scope = 404, as for a missing one.

The kind of difficulty and its details are private (illness, disability, family
hardship): only the paired member and the officers of the pairing's own branch see them,
with the visit notes and the reason a pairing ended, which tell the same story. Committee
officers above the branch and administrators see that a pairing exists and how long it
has gone without a visit — enough to follow up — and nothing of the reason. The employee
helped has no page about it at all: being listed as "in difficulty" is not something to
show a person in a web page, and their own appeals already reach them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from grassroots.accounts.roles import Role
from grassroots.accounts.scope import Scope
from grassroots.core.tree import within_any
from grassroots.orgs.selectors import units_at_paths
from grassroots.orgs.vocabulary import UnitKind
from grassroots.service.models import Pairing
from grassroots.service.policy import is_party_member

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


def _branch_officer_paths(scope: Scope) -> tuple[str, ...]:
    return scope.paths_for(Role.BRANCH_OFFICER)


def is_branch_officer(scope: Scope, unit: OrgUnit) -> bool:
    """An officer of this very branch. Not "of this branch or any below": a branch-officer
    role granted by hand on a committee would otherwise open every difficulty below it,
    which the rule above keeps to the branch's own officers."""
    return unit.path in _branch_officer_paths(scope)


def is_paired_member(scope: Scope, pairing: Pairing) -> bool:
    return scope.user_id is not None and pairing.member_id == scope.user_id


def can_see_reason(scope: Scope, pairing: Pairing) -> bool:
    """The reason, its details, the visit notes and the end reason."""
    return is_paired_member(scope, pairing) or is_branch_officer(scope, pairing.unit)


def can_view(scope: Scope, pairing: Pairing) -> bool:
    return can_see_reason(scope, pairing) or scope.oversees(pairing.unit.path) or scope.is_admin


def can_pair_in(scope: Scope, unit: OrgUnit) -> bool:
    """Create and end pairings: the branch's own officers."""
    return unit.kind == UnitKind.BRANCH and is_branch_officer(scope, unit)


def can_end(scope: Scope, pairing: Pairing) -> bool:
    return pairing.ended_on is None and can_pair_in(scope, pairing.unit)


def can_record_visit(scope: Scope, pairing: Pairing) -> bool:
    return pairing.ended_on is None and can_see_reason(scope, pairing)


def can_raise_appeal(scope: Scope, pairing: Pairing) -> bool:
    """A need heard on a visit becomes an appeal, recorded on behalf of the employee."""
    return can_see_reason(scope, pairing)


def can_make_deed(scope: Scope, pairing: Pairing) -> bool:
    """A deed is the branch's public promise, so its officers make one."""
    return is_branch_officer(scope, pairing.unit)


def may_open_list(scope: Scope, user: Any) -> bool:
    return (
        scope.is_admin
        or scope.is_officer
        or is_party_member(user)
        or Pairing.objects.filter(member=user).exists()
    )


def visible_pairings(scope: Scope) -> QuerySet[Pairing]:
    if scope.is_admin:
        return Pairing.objects.all()
    rule = within_any(scope.officer_paths, field="unit__path")
    if scope.user_id is not None:
        rule |= Q(member_id=scope.user_id)
    return Pairing.objects.filter(rule)


def branches_to_pair_in(scope: Scope) -> QuerySet[OrgUnit]:
    return (
        units_at_paths(_branch_officer_paths(scope)).filter(kind=UnitKind.BRANCH).order_by("path")
    )
