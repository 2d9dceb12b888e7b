"""Who may see, join and run an activity. Out of scope = 404, as for a missing one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from grassroots.accounts.scope import Scope
from grassroots.core.tree import ancestor_paths, is_within, within_any
from grassroots.service.models import Activity
from grassroots.service.policy import is_party_member

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


def can_organise_in(scope: Scope, unit: OrgUnit) -> bool:
    return scope.is_admin or scope.oversees(unit.path)


def can_manage(scope: Scope, activity: Activity) -> bool:
    return can_organise_in(scope, activity.unit)


def may_join(user: Any, activity: Activity) -> bool:
    """The activity's audience: everyone, the Party members, or one department (and the
    departments below it)."""
    if activity.audience == Activity.Audience.EVERYONE:
        return True
    if activity.audience == Activity.Audience.MEMBERS:
        return is_party_member(user)
    department = user.department
    return bool(
        department is not None
        and activity.department is not None
        and is_within(department.path, activity.department.path)
    )


def can_view(scope: Scope, user: Any, activity: Activity) -> bool:
    return can_manage(scope, activity) or may_join(user, activity)


def visible_activities(scope: Scope, user: Any) -> QuerySet[Activity]:
    """What this person may see: activities open to them, and those they organise."""
    rule = Q(audience=Activity.Audience.EVERYONE)
    if is_party_member(user):
        rule |= Q(audience=Activity.Audience.MEMBERS)
    department = user.department
    if department is not None:
        here_and_above = [*ancestor_paths(department.path), department.path]
        rule |= Q(audience=Activity.Audience.DEPARTMENT, department__path__in=here_and_above)
    if scope.is_admin:
        return Activity.objects.all()
    return Activity.objects.filter(rule | within_any(scope.officer_paths, field="unit__path"))
