"""Who may read and change work plans: officers over the unit change them; members of
the unit read a published plan. Anything else is a 404, as a missing plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grassroots.orgs import policy as orgs_policy

if TYPE_CHECKING:
    from grassroots.accounts.scope import Scope
    from grassroots.orgs.models import OrgUnit
    from grassroots.plans.models import WorkPlan


def can_manage_plans(scope: Scope, unit: OrgUnit) -> bool:
    return orgs_policy.can_manage_unit(scope, unit)


def can_read_plan(scope: Scope, plan: WorkPlan) -> bool:
    if can_manage_plans(scope, plan.unit):
        return True
    return plan.status == "published" and orgs_policy.can_view_unit(scope, plan.unit)


def can_read_plans_of(scope: Scope, unit: OrgUnit) -> bool:
    return orgs_policy.can_view_unit(scope, unit)
