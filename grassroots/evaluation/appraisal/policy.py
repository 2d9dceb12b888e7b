"""Who may do what in a democratic appraisal. The branch's officers (and the officers of
the organisations above it) run it and see the whole branch; a member sees only their
own part: their self-assessment, their suggestions and, once decided, their own grade.
Anything else answers 404, as for a missing appraisal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from grassroots.accounts.scope import Scope
from grassroots.orgs import policy as orgs_policy
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from grassroots.evaluation.appraisal.models import Appraisal
    from grassroots.orgs.models import OrgUnit


def can_run_branch(scope: Scope, branch: OrgUnit) -> bool:
    """Open and run a branch's appraisal: its officers and those above it."""
    return branch.kind == UnitKind.BRANCH and (scope.is_admin or scope.oversees(branch.path))


def can_manage(scope: Scope, appraisal: Appraisal) -> bool:
    return can_run_branch(scope, appraisal.branch)


def can_open_any(scope: Scope) -> bool:
    return scope.is_admin or scope.is_officer


def branches_to_run(scope: Scope) -> QuerySet[OrgUnit]:
    return (
        orgs_policy.units_in_oversight(scope)
        .filter(kind=UnitKind.BRANCH, is_active=True)
        .order_by("path")
    )


def may_open_hub_card(scope: Scope) -> bool:
    """The hub card is for members (their own appraisal) and officers."""
    return scope.is_member or scope.is_officer or scope.is_admin
