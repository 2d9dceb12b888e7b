"""Venues (阵地) and their bookings, and the equipment kept in them (issue 16, part 2).

No double booking
-----------------
Two bookings of one venue that are not cancelled never overlap in time.

- On PostgreSQL the database enforces it: an exclusion constraint
  ``resources_booking_no_overlap`` over ``(venue_id WITH =, tstzrange(starts_at, ends_at)
  WITH &&) WHERE NOT cancelled``, which needs the ``btree_gist`` extension for the ``=``
  on an integer column. Both are created by migration 0001 **only when the database is
  PostgreSQL** (``OnPostgresql`` there). The constraint is deliberately *not* declared in
  ``Meta.constraints``: Django would then write ``EXCLUDE USING gist`` into SQLite's
  ``CREATE TABLE`` and run the range lookups of ``ExclusionConstraint.validate()`` on
  SQLite, and both fail there. Keeping it out of the model state also keeps the migration
  state identical on both databases (``makemigrations --check`` stays clean).
- On every database the service (``services.booking_make``) first writes the venue row
  (``bookings_version += 1``) inside its transaction and only then looks for overlaps.
  On SQLite that write (and the IMMEDIATE transactions of the settings) serialises all
  writers; on PostgreSQL it row-locks the venue. The loser of a race thus sees the
  winner's booking and gets a ValidationError; on PostgreSQL the constraint is the
  backstop for any write that bypasses the service.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VenueKind(models.TextChoices):
    ACTIVITY_ROOM = "activity_room", _("Party members' activity room")
    SERVICE_CENTRE = "service_centre", _("Party and masses service centre")
    READING_ROOM = "reading_room", _("Workers' reading room")
    MEETING_ROOM = "meeting_room", _("Meeting room")


WEEKDAYS = range(7)  # Monday = 0, as datetime.date.weekday()


class Venue(models.Model):
    """A place a unit manages and its members book.

    ``hours`` holds the opening hours per weekday: ``{"0": ["08:30", "17:30"], ...}``;
    a weekday without an entry is closed. The work calendar's holidays close it too
    (``rules.is_open_on``)."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="venues", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=VenueKind.choices)
    place = models.CharField(_("where it is"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    hours = models.JSONField(_("opening hours"), default=dict, blank=True)
    step_free = models.BooleanField(_("step-free entry"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    accessibility_notes = models.CharField(_("notes on access"), max_length=500, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    # Written first by every booking: serialises bookers of one venue (see module docstring).
    bookings_version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="resources_venue_unique_name"),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="resources_venue_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def hours_on(self, weekday: int) -> tuple[datetime.time, datetime.time] | None:
        span = (self.hours or {}).get(str(weekday))
        if not span:
            return None
        return datetime.time.fromisoformat(span[0]), datetime.time.fromisoformat(span[1])


class VenuePhoto(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="resources/%Y/%m/")
    name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    description = models.CharField(_("what the photo shows"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Booking(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="venue_bookings"
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    cancelled = models.BooleanField(default=False)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    idempotency_key = models.CharField(max_length=64, blank=True)
    # The page of the record this booking was made for (a meeting, an activity), blank for
    # a booking made on its own. The record keeps the booking's id; this is only the way
    # back for the venue's pages, so resources never imports the apps that book through it.
    for_url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["venue", "starts_at"], name="resources_booking_venue_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="resources_booking_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["booked_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="resources_booking_idempotency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.starts_at:%Y-%m-%d %H:%M}"


class Equipment(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="equipment")
    name = models.CharField(_("name"), max_length=100)
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("keeper"),
    )
    maintain_every_days = models.PositiveIntegerField(
        _("maintained every (days)"), null=True, blank=True
    )
    last_maintained_on = models.DateField(_("last maintained on"), null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def due_on(self) -> datetime.date | None:
        if not self.maintain_every_days or self.last_maintained_on is None:
            return None
        return self.last_maintained_on + datetime.timedelta(days=self.maintain_every_days)
