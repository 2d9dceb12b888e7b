"""Every write to venues and bookings.

A booking first bumps its venue's ``bookings_version`` (a write, hence the lock that
serialises bookers of one venue on both databases) and only then checks for overlaps;
on PostgreSQL the exclusion constraint ``resources_booking_no_overlap`` backs it up
(see the docstring of grassroots.resources.models).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.accounts.scope import scope_for
from grassroots.appeals.intake import AppealDraft, Channel
from grassroots.appeals.selectors import categories
from grassroots.appeals.services import Submitted, appeal_submit
from grassroots.appeals.uploads import CheckedFile
from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.resources import policy, rules, selectors
from grassroots.resources.models import Booking, Equipment, Venue, VenueKind, VenuePhoto

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.orgs.models import OrgUnit

PURPOSE_MAX = 200
VENUE_FIELDS = (
    "name", "kind", "place", "capacity", "hours", "step_free", "accessible_toilet",
    "hearing_loop", "accessibility_notes", "is_active",
)  # fmt: skip
BOOKING_FIELDS = ("venue_id", "starts_at", "ends_at", "purpose", "cancelled", "for_url")


# --- Bookings --------------------------------------------------------------------------


def booking_errors(
    *,
    venue: Venue,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    purpose: str,
    now: datetime.datetime,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not purpose.strip():
        errors["purpose"] = _("Say what the venue is booked for.")
    elif len(purpose.strip()) > PURPOSE_MAX:
        errors["purpose"] = _("Say what it is for in at most %(max)d characters.") % {
            "max": PURPOSE_MAX
        }
    if not venue.is_active:
        errors["__all__"] = _("This venue is no longer in use.")
        return errors
    if ends_at <= starts_at:
        errors["ends_at"] = _("A booking must end after it starts.")
        return errors
    if starts_at < now:
        errors["starts_at"] = _("This time has already passed.")
        return errors
    if starts_at > now + datetime.timedelta(days=rules.MAX_DAYS_AHEAD):
        errors["starts_at"] = _("Bookings open at most a year ahead.")
        return errors
    tz = selectors.zone()
    local_start, local_end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    day = local_start.date()
    if not selectors.is_open_on(venue, day):
        if venue.hours_on(day.weekday()) is not None:
            errors["starts_at"] = _("The venue is closed on this day: it is a holiday.")
        else:
            errors["starts_at"] = _("The venue is closed on this day of the week.")
        return errors
    span = venue.hours_on(day.weekday())
    assert span is not None
    if not rules.within_hours(local_start, local_end, span):
        errors["ends_at"] = _("Book within the opening hours, %(opens)s to %(closes)s.") % {
            "opens": span[0].strftime("%H:%M"),
            "closes": span[1].strftime("%H:%M"),
        }
    return errors


def _taken() -> ValidationError:
    return ValidationError(
        {"starts_at": _("Someone has already booked the venue for part of this time.")}
    )


@transaction.atomic
def booking_make(
    *,
    actor: User,
    venue: Venue,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    purpose: str,
    idempotency_key: str = "",
    for_url: str = "",
    now: datetime.datetime | None = None,
) -> Booking:
    """Book a venue for a time, or raise ValidationError (nothing saved). `for_url` is the
    page of the record (meeting, activity) the booking is made for, if any."""
    now = now or timezone.now()
    # The write that serialises bookers of this venue (see the module docstring).
    Venue.objects.filter(pk=venue.pk).update(bookings_version=F("bookings_version") + 1)
    venue = locked(venue, related=("unit",))
    if idempotency_key:
        earlier = Booking.objects.filter(booked_by=actor, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier
    errors = booking_errors(
        venue=venue, starts_at=starts_at, ends_at=ends_at, purpose=purpose, now=now
    )
    if errors:
        raise ValidationError(errors)
    if selectors.overlapping(venue, starts_at, ends_at):
        raise _taken()
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                venue=venue,
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=purpose.strip(),
                booked_by=actor,
                idempotency_key=idempotency_key,
                for_url=for_url,
            )
    except IntegrityError as error:  # PostgreSQL's exclusion constraint: the backstop
        raise _taken() from error
    audit_record(
        actor=actor,
        action="booking.make",
        target=booking,
        after=snapshot(booking, BOOKING_FIELDS),
        org_path=venue.unit.path,
    )
    return booking


@transaction.atomic
def booking_cancel(*, actor: User, booking: Booking) -> Booking:
    booking = locked(booking, related=("venue", "venue__unit"))
    if booking.cancelled:
        raise ValidationError(_("This booking has already been cancelled."))
    before = snapshot(booking, BOOKING_FIELDS)
    booking.cancelled = True
    booking.cancelled_by = actor
    booking.save(update_fields=["cancelled", "cancelled_by"])
    audit_record(
        actor=actor,
        action="booking.cancel",
        target=booking,
        before=before,
        after=snapshot(booking, BOOKING_FIELDS),
        org_path=booking.venue.unit.path,
    )
    return booking


@transaction.atomic
def booking_move(
    *,
    actor: User,
    booking: Booking,
    venue: Venue,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    purpose: str,
    now: datetime.datetime | None = None,
) -> Booking:
    """Move a booking to another time or venue under the same checks and lock as a new
    one (its own old time does not count as taken), or raise ValidationError."""
    now = now or timezone.now()
    Venue.objects.filter(pk=venue.pk).update(bookings_version=F("bookings_version") + 1)
    venue = locked(venue, related=("unit",))
    booking = locked(booking, related=("venue", "venue__unit"))
    if booking.cancelled:
        raise ValidationError(_("This booking has already been cancelled."))
    errors = booking_errors(
        venue=venue, starts_at=starts_at, ends_at=ends_at, purpose=purpose, now=now
    )
    if errors:
        raise ValidationError(errors)
    if selectors.overlapping(venue, starts_at, ends_at, besides=booking.pk):
        raise _taken()
    before = snapshot(booking, BOOKING_FIELDS)
    booking.venue = venue
    booking.starts_at = starts_at
    booking.ends_at = ends_at
    booking.purpose = purpose.strip()
    try:
        with transaction.atomic():
            booking.save(update_fields=["venue", "starts_at", "ends_at", "purpose"])
    except IntegrityError as error:  # PostgreSQL's exclusion constraint: the backstop
        raise _taken() from error
    audit_record(
        actor=actor,
        action="booking.move",
        target=booking,
        before=before,
        after=snapshot(booking, BOOKING_FIELDS),
        org_path=venue.unit.path,
    )
    return booking


def record_purpose(kind: str, title: str) -> str:
    """A record's booking is named after it: "党课：…", or the title alone when it already
    says its kind ("主题党日：…")."""
    title = title.strip()
    named = title if kind in title else _("%(kind)s: %(topic)s") % {"kind": kind, "topic": title}
    return named[:PURPOSE_MAX]


@transaction.atomic
def booking_sync(
    *,
    actor: User,
    current: Booking | None,
    venue: Venue | None,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    purpose: str,
    for_url: str,
    now: datetime.datetime | None = None,
) -> Booking | None:
    """Keep the booking a record holds (a meeting's, an activity's) in step with it: make
    one, move it, rename it or cancel it (`venue` None). Called inside the record's own
    transaction, so a refusal (ValidationError, keyed as booking_errors) leaves neither
    the record nor the booking saved. Returns the live booking, or None."""
    live = current if current is not None and not current.cancelled else None
    if venue is None:
        if live is not None:
            booking_cancel(actor=actor, booking=live)
        return None
    if live is not None and (live.venue_id, live.starts_at, live.ends_at) == (
        venue.pk,
        starts_at,
        ends_at,
    ):
        if live.purpose != purpose.strip()[:PURPOSE_MAX]:
            before = snapshot(live, BOOKING_FIELDS)
            live.purpose = purpose.strip()[:PURPOSE_MAX]
            live.save(update_fields=["purpose"])
            audit_record(
                actor=actor,
                action="booking.rename",
                target=live,
                before=before,
                after=snapshot(live, BOOKING_FIELDS),
                org_path=venue.unit.path,
            )
        return live
    if not policy.can_book(scope_for(actor), venue) and (live is None or live.venue_id != venue.pk):
        raise ValidationError({"__all__": _("You may not book this venue.")})
    purpose = purpose.strip()[:PURPOSE_MAX]
    if live is not None:
        return booking_move(
            actor=actor,
            booking=live,
            venue=venue,
            starts_at=starts_at,
            ends_at=ends_at,
            purpose=purpose,
            now=now,
        )
    return booking_make(
        actor=actor,
        venue=venue,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        for_url=for_url,
        now=now,
    )


# --- Venues ----------------------------------------------------------------------------


def venue_errors(
    *,
    unit: OrgUnit,
    name: str,
    kind: str,
    capacity: int,
    hours: dict[str, Any],
    venue: Venue | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the venue a name.")
    else:
        same = Venue.objects.filter(unit=unit, name=name.strip())
        if venue is not None:
            same = same.exclude(pk=venue.pk)
        if same.exists():
            errors["name"] = _("The unit already has a venue of this name.")
    if kind not in VenueKind.values:
        errors["kind"] = _("Choose the kind of venue.")
    if capacity < 1:
        errors["capacity"] = _("A venue holds at least one person.")
    for weekday, span in hours.items():
        try:
            if int(weekday) not in range(7):
                raise ValueError(weekday)
            rules.parse_span(span[0], span[1])
        except (ValueError, TypeError, IndexError):
            errors["hours"] = _("Each day's hours must close after they open.")
    return errors


def _venue_values(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": values["name"].strip(),
        "kind": values["kind"],
        "place": values.get("place", "").strip(),
        "capacity": values["capacity"],
        "hours": values.get("hours", {}),
        "step_free": bool(values.get("step_free")),
        "accessible_toilet": bool(values.get("accessible_toilet")),
        "hearing_loop": bool(values.get("hearing_loop")),
        "accessibility_notes": values.get("accessibility_notes", "").strip(),
    }


def _add_photo(actor: User, venue: Venue, photo: CheckedFile | None, description: str) -> None:
    if photo is None:
        return
    if photo.content_type not in ("image/jpeg", "image/png"):
        raise ValidationError({"photo": _("A photo must be a JPEG or PNG image.")})
    VenuePhoto.objects.create(
        venue=venue,
        file=photo.content,
        name=photo.name,
        content_type=photo.content_type,
        size=photo.size,
        description=description.strip() or venue.name,
        uploaded_by=actor,
    )


@transaction.atomic
def venue_create(
    *,
    actor: User,
    unit: OrgUnit,
    photo: CheckedFile | None = None,
    photo_description: str = "",
    **values: Any,
) -> Venue:
    locked(unit)
    clean = _venue_values(values)
    errors = venue_errors(
        unit=unit,
        name=clean["name"],
        kind=clean["kind"],
        capacity=clean["capacity"],
        hours=clean["hours"],
    )
    if errors:
        raise ValidationError(errors)
    venue = Venue.objects.create(unit=unit, created_by=actor, **clean)
    _add_photo(actor, venue, photo, photo_description)
    audit_record(
        actor=actor,
        action="venue.create",
        target=venue,
        after=snapshot(venue, VENUE_FIELDS),
        org_path=unit.path,
    )
    return venue


class BookingsInTheWayError(ValidationError):
    """A venue edit refused because bookings to come would fall outside the venue's new
    hours (or it would be taken out of use under them); `bookings` lists them so the
    page can link each one for the officer to move or cancel first."""

    def __init__(self, bookings: list[Booking], *, closing: bool) -> None:
        self.bookings = bookings
        count = len(bookings)
        if closing:
            message = ngettext(
                "%(count)d booking is still to come: move or cancel it before the venue "
                "is taken out of use (it is listed below).",
                "%(count)d bookings are still to come: move or cancel them before the venue "
                "is taken out of use (they are listed below).",
                count,
            )
        else:
            message = ngettext(
                "%(count)d booking to come falls outside the new opening hours: move or "
                "cancel it first (it is listed below).",
                "%(count)d bookings to come fall outside the new opening hours: move or "
                "cancel them first (they are listed below).",
                count,
            )
        super().__init__({"__all__": message % {"count": count}})


@transaction.atomic
def venue_update(
    *,
    actor: User,
    venue: Venue,
    is_active: bool = True,
    photo: CheckedFile | None = None,
    photo_description: str = "",
    **values: Any,
) -> Venue:
    venue = locked(venue, related=("unit",))
    clean = _venue_values(values)
    errors = venue_errors(
        unit=venue.unit,
        name=clean["name"],
        kind=clean["kind"],
        capacity=clean["capacity"],
        hours=clean["hours"],
        venue=venue,
    )
    if errors:
        raise ValidationError(errors)
    closing = venue.is_active and not is_active
    if closing or (is_active and clean["hours"] != (venue.hours or {})):
        stranded = selectors.bookings_outside(
            venue, hours=clean["hours"], is_active=is_active, since=timezone.now()
        )
        if stranded:
            raise BookingsInTheWayError(stranded, closing=closing)
    before = snapshot(venue, VENUE_FIELDS)
    for field, value in clean.items():
        setattr(venue, field, value)
    venue.is_active = is_active
    venue.save()
    _add_photo(actor, venue, photo, photo_description)
    audit_record(
        actor=actor,
        action="venue.update",
        target=venue,
        before=before,
        after=snapshot(venue, VENUE_FIELDS),
        org_path=venue.unit.path,
    )
    return venue


# --- Equipment -------------------------------------------------------------------------

FAULT_MAX = 2000
EQUIPMENT_FIELDS = ("venue_id", "name", "keeper_id", "maintain_every_days", "last_maintained_on")
FAULT_CATEGORY = "conditions"  # working conditions and safety (appeals' default categories)


def equipment_errors(
    *,
    venue: Venue,
    name: str,
    keeper: User,
    maintain_every_days: int | None,
    last_maintained_on: datetime.date | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the equipment a name.")
    if not policy.may_keep(keeper, venue):
        errors["keeper"] = _(
            "%(name)s cannot open this venue's page: choose a keeper from the venue's "
            "organisation or one of its managers."
        ) % {"name": keeper.name}
    if maintain_every_days is not None and maintain_every_days < 1:
        errors["maintain_every_days"] = _("Maintenance is due every day or less often.")
    if last_maintained_on is not None and last_maintained_on > timezone.localdate():
        errors["last_maintained_on"] = _("This date has not come yet.")
    return errors


@transaction.atomic
def equipment_add(
    *,
    actor: User,
    venue: Venue,
    name: str,
    keeper: User,
    maintain_every_days: int | None,
    last_maintained_on: datetime.date | None,
) -> Equipment:
    venue = locked(venue, related=("unit",))
    errors = equipment_errors(
        venue=venue,
        name=name,
        keeper=keeper,
        maintain_every_days=maintain_every_days,
        last_maintained_on=last_maintained_on,
    )
    if errors:
        raise ValidationError(errors)
    equipment = Equipment.objects.create(
        venue=venue,
        name=name.strip(),
        keeper=keeper,
        maintain_every_days=maintain_every_days,
        last_maintained_on=last_maintained_on,
    )
    audit_record(
        actor=actor,
        action="equipment.add",
        target=equipment,
        after=snapshot(equipment, EQUIPMENT_FIELDS),
        org_path=venue.unit.path,
    )
    return equipment


@transaction.atomic
def equipment_update(
    *,
    actor: User,
    equipment: Equipment,
    venue: Venue,
    name: str,
    keeper: User,
    maintain_every_days: int | None,
    last_maintained_on: datetime.date | None,
) -> Equipment:
    """Change an equipment's name, venue, keeper or schedule (the next reminder follows
    the new due date). The caller checks that the actor manages both venues."""
    equipment = locked(equipment, related=("venue", "venue__unit"))
    errors = equipment_errors(
        venue=venue,
        name=name,
        keeper=keeper,
        maintain_every_days=maintain_every_days,
        last_maintained_on=last_maintained_on,
    )
    if errors:
        raise ValidationError(errors)
    before = snapshot(equipment, EQUIPMENT_FIELDS)
    equipment.venue = venue
    equipment.name = name.strip()
    equipment.keeper = keeper
    equipment.maintain_every_days = maintain_every_days
    equipment.last_maintained_on = last_maintained_on
    equipment.save(
        update_fields=["venue", "name", "keeper", "maintain_every_days", "last_maintained_on"]
    )
    audit_record(
        actor=actor,
        action="equipment.update",
        target=equipment,
        before=before,
        after=snapshot(equipment, EQUIPMENT_FIELDS),
        org_path=venue.unit.path,
    )
    return equipment


@transaction.atomic
def equipment_maintained(*, actor: User, equipment: Equipment, on: datetime.date) -> Equipment:
    """Record maintenance done (the reminder for the next due date follows from it)."""
    equipment = locked(equipment, related=("venue", "venue__unit"))
    if on > timezone.localdate():
        raise ValidationError(_("This date has not come yet."))
    before = snapshot(equipment, EQUIPMENT_FIELDS)
    equipment.last_maintained_on = on
    equipment.save(update_fields=["last_maintained_on"])
    audit_record(
        actor=actor,
        action="equipment.maintained",
        target=equipment,
        before=before,
        after=snapshot(equipment, EQUIPMENT_FIELDS),
        org_path=equipment.venue.unit.path,
    )
    return equipment


def fault_report(
    *, actor: User, equipment: Equipment, text: str, idempotency_key: str | None = None
) -> Submitted:
    """A fault, reported by anyone who may use the venue, becomes a named appeal in the
    category of working conditions, through the appeals intake (its checks, numbering,
    routing and notifications)."""
    if not text.strip():
        raise ValidationError({"text": _("Describe the fault.")})
    if len(text) > FAULT_MAX:
        raise ValidationError(
            {"text": _("Describe it in at most %(max)d characters.") % {"max": FAULT_MAX}}
        )
    title = _("Fault: %(equipment)s (%(venue)s)") % {
        "equipment": equipment.name,
        "venue": equipment.venue.name,
    }
    draft = AppealDraft(
        channel=Channel.WEB,
        category=categories().filter(code=FAULT_CATEGORY).first(),
        title=title[:100],
        description=text.strip(),
        submitter=actor,
        place=(equipment.venue.place or equipment.venue.name)[:100],
        idempotency_key=idempotency_key or None,
    )
    return appeal_submit(draft=draft)
