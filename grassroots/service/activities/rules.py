"""Pure rules of service activities: places, the waitlist and volunteer hours."""

from __future__ import annotations

from decimal import Decimal


def seat_for(*, capacity: int | None, confirmed: int) -> bool:
    """Whether one more person gets a place now (otherwise they join the waitlist)."""
    return capacity is None or confirmed < capacity


def promotions(*, capacity: int | None, confirmed: int, waiting: int) -> int:
    """How many people at the head of the waitlist move up after places are freed."""
    if capacity is None:
        return waiting
    return max(0, min(waiting, capacity - confirmed))


MAX_HOURS = Decimal("24")


def hours_ok(hours: Decimal) -> bool:
    """Volunteer hours for one activity: from 0 to a day, in half hours."""
    return Decimal(0) <= hours <= MAX_HOURS and (hours * 2) == (hours * 2).to_integral_value()
