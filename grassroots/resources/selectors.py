"""Reads of venues and bookings."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404

from grassroots.accounts.scope import Scope
from grassroots.core.tree import ancestor_paths
from grassroots.core.workcalendar import is_workday, official_is_named_holiday
from grassroots.resources import policy, rules
from grassroots.resources.models import Booking, Equipment, Venue


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def is_public_holiday(day: datetime.date) -> bool:
    """A named holiday of the official calendar, unless an administrator made it a workday."""
    return not is_workday(day) and official_is_named_holiday(day)


def hours_of(venue: Venue) -> dict[int, rules.Span | None]:
    return {weekday: venue.hours_on(weekday) for weekday in range(7)}


def is_open_on(venue: Venue, day: datetime.date) -> bool:
    return rules.is_open_on(
        day, hours=hours_of(venue), is_workday=is_workday, is_public_holiday=is_public_holiday
    )


def venue_list(scope: Scope) -> QuerySet[Venue]:
    venues = Venue.objects.select_related("unit").order_by("unit__path", "name", "pk")
    condition = policy.visible_filter(scope)
    return venues if condition is None else venues.filter(condition)


def get_venue_for(scope: Scope, pk: int) -> Venue:
    venue = Venue.objects.select_related("unit").filter(pk=pk).first()
    if venue is None or not policy.can_view(scope, venue):
        raise Http404
    return venue


def get_managed_venue(scope: Scope, pk: int) -> Venue:
    venue = get_venue_for(scope, pk)
    if not policy.can_manage(scope, venue):
        raise Http404
    return venue


def bookable_venues(scope: Scope, *, also: int | None = None) -> QuerySet[Venue]:
    """Venues in use this person may book, for the venue pickers of other apps' forms
    (with their unit, for the option's label); `also`: the venue a record already holds,
    kept on offer when editing it."""
    condition = Q(is_active=True)
    visible = policy.visible_filter(scope)
    if visible is not None:
        condition &= visible
    if also is not None:
        condition |= Q(pk=also)
    return Venue.objects.filter(condition).select_related("unit").order_by("unit__path", "name")


def managed_venues(scope: Scope) -> QuerySet[Venue]:
    """Venues this person manages (where equipment may be moved to)."""
    venues = Venue.objects.select_related("unit").order_by("unit__path", "name", "pk")
    if scope.is_admin:
        return venues
    return venues.filter(policy.managed_filter(scope))


def venue_place(venue: Venue) -> str:
    """How a meeting or activity that booked the venue says where it is."""
    return f"{venue.name}（{venue.place}）"[:200] if venue.place else venue.name


def booking_by_id(pk: int | None) -> Booking | None:
    if pk is None:
        return None
    return Booking.objects.select_related("venue", "venue__unit").filter(pk=pk).first()


@dataclass(frozen=True)
class BookedVenue:
    """What a meeting's or activity's page shows of the venue it booked."""

    booking_id: int
    venue_id: int
    name: str
    place: str
    capacity: int
    step_free: bool
    accessible_toilet: bool
    hearing_loop: bool
    accessibility_notes: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    cancelled: bool
    may_open: bool = False  # whether the reader may open the venue's own page


def booked_venue(booking_id: int | None, scope: Scope | None = None) -> BookedVenue | None:
    """The venue a record booked, with its accessibility facts (one query); with the
    reader's scope, whether they may open the venue's page (else it is not linked: a
    meeting's page is read by people the venue is not for)."""
    booking = booking_by_id(booking_id)
    if booking is None:
        return None
    venue = booking.venue
    return BookedVenue(
        booking_id=booking.pk,
        venue_id=venue.pk,
        name=venue.name,
        place=venue.place,
        capacity=venue.capacity,
        step_free=venue.step_free,
        accessible_toilet=venue.accessible_toilet,
        hearing_loop=venue.hearing_loop,
        accessibility_notes=venue.accessibility_notes,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        cancelled=booking.cancelled,
        may_open=scope is not None and policy.can_view(scope, venue),
    )


def bookings_outside(
    venue: Venue, *, hours: dict[str, list[str]], is_active: bool, since: datetime.datetime
) -> list[Booking]:
    """Live bookings from `since` on that the venue's new state would leave stranded:
    all of them when it is taken out of use, otherwise those outside the new hours of
    their weekday (the work calendar's holidays are not the edit's doing)."""
    future = (
        Booking.objects.filter(venue=venue, cancelled=False, starts_at__gte=since)
        .select_related("booked_by")
        .order_by("starts_at", "pk")
    )
    if not is_active:
        return list(future)
    tz = zone()
    spans: dict[int, rules.Span] = {
        int(day): rules.parse_span(span[0], span[1]) for day, span in hours.items()
    }
    stranded = []
    for booking in future:
        starts, ends = booking.starts_at.astimezone(tz), booking.ends_at.astimezone(tz)
        span = spans.get(starts.weekday())
        if span is None or not rules.within_hours(starts, ends, span):
            stranded.append(booking)
    return stranded


def get_booking_for(scope: Scope, pk: int) -> Booking:
    booking = Booking.objects.select_related("venue", "venue__unit").filter(pk=pk).first()
    if booking is None or not policy.can_cancel(scope, booking):
        raise Http404
    return booking


def overlapping(
    venue: Venue,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    besides: int | None = None,
) -> bool:
    """Whether a live booking of the venue overlaps the time (`besides`: one to ignore,
    the booking being moved)."""
    taken = Booking.objects.filter(
        venue=venue, cancelled=False, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if besides is not None:
        taken = taken.exclude(pk=besides)
    return taken.exists()


@dataclass(frozen=True)
class Day:
    date: datetime.date
    is_open: bool
    span: rules.Span | None
    bookings: list[Booking]
    free: list[rules.Span]


def week_of(venue: Venue, monday: datetime.date) -> list[Day]:
    """The seven days from `monday`: open or not, bookings, and free times (one query)."""
    tz = zone()
    start = datetime.datetime.combine(monday, datetime.time.min, tzinfo=tz)
    end = start + datetime.timedelta(days=7)
    bookings = list(
        Booking.objects.filter(venue=venue, cancelled=False, starts_at__lt=end, ends_at__gt=start)
        .select_related("booked_by")
        .order_by("starts_at")
    )
    days = []
    for offset in range(7):
        day = monday + datetime.timedelta(days=offset)
        of_day = [b for b in bookings if b.starts_at.astimezone(tz).date() == day]
        is_open = is_open_on(venue, day)
        span = venue.hours_on(day.weekday()) if is_open else None
        taken = [
            (b.starts_at.astimezone(tz).time(), b.ends_at.astimezone(tz).time()) for b in of_day
        ]
        days.append(Day(day, is_open, span, of_day, rules.free_slots(span, taken) if span else []))
    return days


def bookings_of(user_id: int, *, since: datetime.datetime) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(booked_by_id=user_id, ends_at__gte=since)
        .select_related("venue", "venue__unit")
        .order_by("starts_at", "pk")
    )


def equipment_of(venue: Venue) -> QuerySet[Equipment]:
    return Equipment.objects.filter(venue=venue).select_related("keeper")


def equipment_due(today: datetime.date) -> list[Equipment]:
    """Equipment whose maintenance is due on or before `today` (in venues in use)."""
    candidates = Equipment.objects.filter(
        venue__is_active=True, maintain_every_days__isnull=False, last_maintained_on__isnull=False
    ).select_related("venue", "keeper")
    return [item for item in candidates if item.due_on is not None and item.due_on <= today]


def get_equipment_for(scope: Scope, pk: int) -> Equipment:
    equipment = (
        Equipment.objects.select_related("venue", "venue__unit", "keeper").filter(pk=pk).first()
    )
    if equipment is None or not policy.can_view(scope, equipment.venue):
        raise Http404
    return equipment


@dataclass(frozen=True)
class ServingVenue:
    """A venue in use as others read it (evaluation's six haves): where it is, who
    manages it, its accessibility facts and opening hours."""

    pk: int
    name: str
    kind_label: str
    unit_name: str
    unit_path: str
    place: str
    capacity: int
    step_free: bool
    accessible_toilet: bool
    hearing_loop: bool
    accessibility_notes: str
    hours: dict[int, rules.Span | None]  # by weekday, Monday = 0; None: closed


def venues_serving(
    unit_paths: Sequence[str], *, recorded_before: datetime.datetime
) -> dict[str, list[ServingVenue]]:
    """For each unit (by its tree path), the venues in use that serve it: those of the
    unit itself and of the organisations above it — a venue is for the people of its
    unit and of the units below (`policy`) — recorded before `recorded_before`; the
    unit's own first, then the nearest above, each by name. One query, however many
    units."""
    wanted = {path: [*ancestor_paths(path), path] for path in unit_paths}
    every = {path for paths in wanted.values() for path in paths}
    if not every:
        return {}
    venues = (
        Venue.objects.filter(
            is_active=True, created_at__lt=recorded_before, unit__path__in=sorted(every)
        )
        .select_related("unit")
        .order_by("name", "pk")
    )
    by_unit: dict[str, list[ServingVenue]] = {}
    for venue in venues:
        by_unit.setdefault(venue.unit.path, []).append(
            ServingVenue(
                pk=venue.pk,
                name=venue.name,
                kind_label=str(venue.get_kind_display()),
                unit_name=venue.unit.name,
                unit_path=venue.unit.path,
                place=venue.place,
                capacity=venue.capacity,
                step_free=venue.step_free,
                accessible_toilet=venue.accessible_toilet,
                hearing_loop=venue.hearing_loop,
                accessibility_notes=venue.accessibility_notes,
                hours=hours_of(venue),
            )
        )
    return {
        path: [venue for above in reversed(paths) for venue in by_unit.get(above, [])]
        for path, paths in wanted.items()
    }
