"""Who may see, book and run a venue.

- A venue is for the people of the unit that manages it and of the units below it:
  Party members whose branch lies in that subtree, the officers overseeing it, and
  administrators. They see it and book it. Everyone else gets 404, as for a missing one
  (an employee who is not a Party member books through their branch's officers).
- Its managing officers (officers overseeing the venue's unit) and administrators create
  and edit it, cancel any of its bookings and look after its equipment.
- Whoever made a booking may cancel it, unless it was made for a meeting or an activity:
  that booking follows its record (changed or cancelled with it), and only the venue's
  managers cancel it directly.
- An equipment's keeper is someone the venue is for, or one of its managers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from grassroots.accounts.scope import Scope, scope_for
from grassroots.core.tree import ancestor_paths, is_within, within_any
from grassroots.orgs import policy as orgs_policy

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from grassroots.orgs.models import OrgUnit
    from grassroots.resources.models import Booking, Equipment, Venue


def can_manage_in(scope: Scope, unit: OrgUnit) -> bool:
    return scope.is_admin or scope.oversees(unit.path)


def can_manage(scope: Scope, venue: Venue) -> bool:
    return can_manage_in(scope, venue.unit)


def is_for(scope: Scope, venue: Venue) -> bool:
    """A member of the venue's unit or a unit below it."""
    return bool(scope.branch_path) and is_within(scope.branch_path, venue.unit.path)


def can_view(scope: Scope, venue: Venue) -> bool:
    return can_manage(scope, venue) or (venue.is_active and is_for(scope, venue))


def can_book(scope: Scope, venue: Venue) -> bool:
    return venue.is_active and scope.is_authenticated and can_view(scope, venue)


def can_cancel(scope: Scope, booking: Booking) -> bool:
    if booking.cancelled:
        return False
    if can_manage(scope, booking.venue):
        return True
    return booking.booked_by_id == scope.user_id and not booking.for_url


def visible_filter(scope: Scope) -> Q | None:
    """Venues this person sees (None: all of them)."""
    if scope.is_admin:
        return None
    condition = within_any(scope.officer_paths, field="unit__path")
    if scope.branch_path:
        condition |= Q(
            unit__path__in=[*ancestor_paths(scope.branch_path), scope.branch_path], is_active=True
        )
    return condition


def managed_filter(scope: Scope) -> Q:
    """Venues whose unit this person oversees (administrators: see `scope.is_admin`)."""
    return within_any(scope.officer_paths, field="unit__path")


def can_create_somewhere(scope: Scope) -> bool:
    return scope.is_admin or scope.is_officer


def units_to_manage(scope: Scope) -> QuerySet[OrgUnit]:
    return orgs_policy.units_in_oversight(scope).filter(is_active=True).order_by("path")


def may_keep(keeper: Any, venue: Venue) -> bool:
    """A keeper must be someone the venue is for (or who manages it): the reminders send
    them to its page, where they record the maintenance."""
    return bool(keeper.is_active) and can_view(scope_for(keeper), venue)


def can_record_maintenance(scope: Scope, equipment: Equipment) -> bool:
    return equipment.keeper_id == scope.user_id or can_manage(scope, equipment.venue)
