"""The `?unit=` filter of the officers' lists (commitments, pairings): the organisations
offered, and the one a parameter names — only ever one the person oversees.

A unit out of scope behaves like a missing one, and like a value that is not an id at
all: the filter is ignored and the list shows everything in the person's scope, as the
deeds list does with a unit it does not know. The name of a unit out of scope is never
read, so nothing about it reaches the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from grassroots.accounts.scope import Scope
from grassroots.core.request_values import object_id
from grassroots.orgs import policy as orgs_policy
from grassroots.orgs.selectors import no_units
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

# Past this many organisations (an administrator of a group of thousands of branches)
# only committees and general branches are offered; a branch is reached by its link.
OFFERED = 400


def filterable_units(scope: Scope) -> QuerySet[OrgUnit]:
    """Active committees, general branches and branches in the person's oversight
    (every one for an administrator); none for a person who oversees nothing."""
    if not (scope.is_admin or scope.is_officer):
        return no_units()
    return (
        orgs_policy.units_in_oversight(scope)
        .filter(is_active=True)
        .exclude(kind=UnitKind.GROUP)
        .order_by("path")
    )


def unit_choices(scope: Scope, *, limit: int = OFFERED) -> list[tuple[int, str]]:
    """(pk, name) of the organisations the filter offers. One query (two past `limit`)."""
    if not (scope.is_admin or scope.is_officer):
        return []
    units = filterable_units(scope).values_list("pk", "name")
    listed = list(units[: limit + 1])
    if len(listed) <= limit:
        return listed
    return list(units.exclude(kind=UnitKind.BRANCH)[:limit])


def unit_to_filter(scope: Scope, raw: object) -> OrgUnit | None:
    """The organisation `?unit=` names, when the person oversees it; else None (the
    filter is ignored). At most one query, none for an absent or malformed value."""
    pk = object_id(raw)
    if pk is None or not (scope.is_admin or scope.is_officer):
        return None
    return filterable_units(scope).filter(pk=pk).only("name", "path").first()
