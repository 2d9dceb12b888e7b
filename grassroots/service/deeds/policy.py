"""Who may do what to practical deeds. The list and a deed's page are public (employees
hold the branch to its promises, Decidim's "accountability"); writes belong to the
officers over the deed's organisation. Out of scope = 404, as for a missing deed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from grassroots.accounts.scope import Scope
from grassroots.orgs import policy as orgs_policy
from grassroots.orgs.vocabulary import UnitKind
from grassroots.service.models import Deed

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


def can_manage_unit(scope: Scope, unit: OrgUnit) -> bool:
    """Branch officers for their branch, committee officers for their committee and the
    organisations below it, administrators everywhere; never for a Party group."""
    return unit.kind != UnitKind.GROUP and (scope.is_admin or scope.oversees(unit.path))


def can_manage(scope: Scope, deed: Deed) -> bool:
    return can_manage_unit(scope, deed.unit)


def can_create(scope: Scope) -> bool:
    return scope.is_admin or scope.is_officer


def units_to_manage(scope: Scope) -> QuerySet[OrgUnit]:
    return (
        orgs_policy.units_in_oversight(scope)
        .filter(is_active=True)
        .exclude(kind=UnitKind.GROUP)
        .order_by("path")
    )


def can_follow(scope: Scope) -> bool:
    return scope.is_authenticated


def can_rate(scope: Scope, user: Any, deed: Deed) -> bool:
    """Any signed-in employee may say whether a declared-done deed was delivered, once;
    the person responsible and those who answer for the deed do not judge their own
    work."""
    return (
        scope.is_authenticated
        and deed.status == Deed.Status.DONE
        and deed.owner_id != user.pk
        and not can_manage(scope, deed)
    )


def can_see_flags(scope: Scope) -> bool:
    """The flagged-deeds view is for the officers who must act on the flags."""
    return scope.is_admin or scope.is_officer


def can_see_coverage(scope: Scope, unit: OrgUnit) -> bool:
    """The five-services coverage of an organisation: for its officers and the
    committee officers above it (the same people who run its deeds)."""
    return can_manage_unit(scope, unit)
