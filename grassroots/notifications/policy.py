"""Who may see and change what in notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grassroots.accounts.scope import Scope
from grassroots.notifications.models import Reminder
from grassroots.orgs import policy as orgs_policy

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


def can_manage_robots(scope: Scope, unit: OrgUnit) -> bool:
    """Officers of the organisation (or above) register its group-chat robots."""
    return orgs_policy.can_manage_unit(scope, unit)


def can_remind(scope: Scope, unit: OrgUnit) -> bool:
    """Reminders to an organisation's people come from its officers."""
    return orgs_policy.can_manage_unit(scope, unit)


def can_see_reminder(scope: Scope, reminder: Reminder) -> bool:
    return reminder.created_by_id == scope.user_id


def can_read_delivery_log(scope: Scope) -> bool:
    return scope.is_admin
