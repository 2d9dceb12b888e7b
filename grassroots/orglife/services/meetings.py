"""Planning, changing, holding and cancelling a meeting.

Each service is atomic, locks the meeting it changes, writes an audit entry and raises
ValidationError (keyed by field) with a message a person can act on. Notices go out
after commit (notify defers them).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.notifications.services import notify
from grassroots.orglife import rules
from grassroots.orglife.models import Attendance, Meeting
from grassroots.orglife.selectors import expected_attendees
from grassroots.orglife.services.attendance import (
    decided_development,
    expected_rows,
    settle_quorum,
)
from grassroots.orglife.services.counts import sync_counts
from grassroots.orglife.services.notices import MEETING_PLANNED
from grassroots.orglife.signals import held_meeting_changed
from grassroots.orgs.vocabulary import UnitKind
from grassroots.resources import selectors as resources
from grassroots.resources import services as bookings

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.orgs.models import OrgUnit
    from grassroots.resources.models import Venue

MEETING_FIELDS = (
    "unit",
    "kind",
    "also_counts_as",
    "topic",
    "starts_at",
    "place",
    "agenda",
    "lecturer",
)
RECORD_FIELDS = ("minutes", "resolutions")
BRANCH_KINDS = frozenset(Meeting.Kind.values) - {rules.GROUP, rules.CENTRE_STUDY}


def meeting_errors(
    *, unit: OrgUnit, kind: str, also_counts_as: Sequence[str], lecturer: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind == rules.GROUP and unit.kind != UnitKind.GROUP:
        errors["kind"] = _("A Party group meeting is held by a Party group.")
    elif kind == rules.CENTRE_STUDY and unit.kind != UnitKind.COMMITTEE:
        errors["kind"] = _("Centre-group study is held by a Party committee.")
    elif kind not in (rules.GROUP, rules.CENTRE_STUDY) and unit.kind != UnitKind.BRANCH:
        errors["kind"] = _("This kind of meeting is held by a branch.")
    extra = set(also_counts_as) - {kind}
    if unit.kind == UnitKind.GROUP and extra - {rules.THEMED_DAY}:
        errors["also_counts_as"] = _("A Party group meeting can also count as a themed day only.")
    elif unit.kind == UnitKind.COMMITTEE and extra:
        errors["also_counts_as"] = _("Centre-group study counts as itself only.")
    elif unit.kind == UnitKind.BRANCH and extra - BRANCH_KINDS:
        errors["also_counts_as"] = _("A branch meeting cannot count as a Party group meeting.")
    elif extra & rules.QUORUM_KINDS:
        # The assembly and the committee need their own quorum: they are held as such.
        errors["also_counts_as"] = _(
            "A branch member assembly or committee meeting is held as its own meeting, "
            "with its quorum; it cannot be ticked as an extra kind."
        )
    if kind == rules.LECTURE and not lecturer.strip():
        errors["lecturer"] = _("Say who gives the Party lecture.")
    return errors


def _booking_end(
    starts_at: datetime.datetime, venue_until: datetime.time | None
) -> datetime.datetime | None:
    """The end of the venue's booking: `venue_until` on the day the meeting starts."""
    if venue_until is None:
        return None
    local = timezone.localtime(starts_at)
    ends = timezone.make_aware(datetime.datetime.combine(local.date(), venue_until))
    return ends if ends > starts_at else None


def _book(
    *,
    actor: User,
    meeting: Meeting,
    venue: Venue | None,
    ends_at: datetime.datetime | None,
) -> None:
    """Make, move or cancel the meeting's booking in the meeting's own transaction; a
    refusal is raised on the form's venue field and undoes the whole change."""
    if venue is not None and ends_at is None:
        raise ValidationError(
            {"venue_until": _("The venue must be booked until after the meeting starts.")}
        )
    purpose = bookings.record_purpose(str(Meeting.Kind(meeting.kind).label), meeting.topic)
    try:
        booking = bookings.booking_sync(
            actor=actor,
            current=resources.booking_by_id(meeting.booking_id),
            venue=venue,
            starts_at=meeting.starts_at,
            ends_at=ends_at or meeting.starts_at,
            purpose=purpose,
            for_url=reverse("orglife:meeting", args=[meeting.pk]),
        )
    except ValidationError as error:
        raise ValidationError({"venue": error.messages}) from error
    meeting.booking = booking


@transaction.atomic
def meeting_plan(
    *,
    actor: User,
    unit: OrgUnit,
    kind: str,
    topic: str,
    starts_at: datetime.datetime,
    place: str,
    agenda: str = "",
    lecturer: str = "",
    also_counts_as: Sequence[str] = (),
    venue: Venue | None = None,
    venue_until: datetime.time | None = None,
) -> Meeting:
    """Plan a meeting, book its venue (optional, in the same transaction: a refused
    booking saves nothing), fix who is expected and tell them."""
    errors = meeting_errors(unit=unit, kind=kind, also_counts_as=also_counts_as, lecturer=lecturer)
    if not place.strip():
        if venue is None:
            errors["place"] = _("Say where the meeting is, or book a venue.")
        place = resources.venue_place(venue) if venue is not None else ""
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        unit=unit,
        kind=kind,
        topic=topic,
        starts_at=starts_at,
        place=place,
        agenda=agenda,
        lecturer=lecturer,
        also_counts_as=sorted(set(also_counts_as) - {kind}),
        organiser=actor,
    )
    if venue is not None:
        ends_at = _booking_end(starts_at, venue_until)
        _book(actor=actor, meeting=meeting, venue=venue, ends_at=ends_at)
        meeting.save(update_fields=["booking"])
    day = timezone.localtime(starts_at).date()
    people = expected_attendees(unit, kind, on=day)
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=member, counts_for_quorum=votes)
        for member, votes in people
    )
    sync_counts(meeting)
    notify(
        recipients=[member.user for member, _votes in people],
        kind=MEETING_PLANNED.key,
        title=_("%(kind)s on %(when)s: %(topic)s")
        % {
            "kind": Meeting.Kind(kind).label,
            "when": timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M"),
            "topic": topic,
        },
        body=_("Place: %(place)s") % {"place": place},
        url=f"/orglife/meetings/{meeting.pk}/",
        event_key=f"meeting:{meeting.pk}:planned",
    )
    audit_record(
        actor=actor,
        action="meeting.plan",
        target=meeting,
        after=snapshot(meeting, MEETING_FIELDS) | {"booking": meeting.booking_id},
        org_path=unit.path,
    )
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, **changes: Any) -> Meeting:
    """Change the plan or, after the meeting, its record; editing a held meeting is
    audited with what it was before. With `venue` (and `venue_until`) given, the
    meeting's booking follows its new time and venue (or is cancelled, venue None) in
    the same transaction; a held meeting keeps the booking it had."""
    venue_given = "venue" in changes
    venue = changes.pop("venue", None)
    venue_until = changes.pop("venue_until", None)
    meeting = locked(meeting, related=("unit",))
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    fields = [name for name in changes if name in (*MEETING_FIELDS, *RECORD_FIELDS)]
    if "unit" in fields and changes["unit"].pk != meeting.unit_id:
        raise ValidationError(_("A meeting stays with the organisation that planned it."))
    is_held = meeting.status == Meeting.Status.HELD
    if is_held and "kind" in fields and changes["kind"] != meeting.kind:
        raise ValidationError(
            {
                "kind": _(
                    "A held meeting keeps its kind: who was entitled and the quorum depend on it."
                )
            }
        )
    moved_date = "starts_at" in fields and changes["starts_at"] != meeting.starts_at
    if is_held and moved_date and decided_development(meeting):
        raise ValidationError(
            {"starts_at": _("This assembly decided on a member's development: its date is fixed.")}
        )
    if is_held and "starts_at" in fields and changes["starts_at"] > timezone.now():
        raise ValidationError({"starts_at": _("A held meeting cannot be dated in the future.")})
    before = snapshot(meeting, (*MEETING_FIELDS, *RECORD_FIELDS))
    before_starts = meeting.starts_at
    old_place = meeting.place
    for name in fields:
        setattr(meeting, name, changes[name])
    meeting.also_counts_as = sorted(set(meeting.also_counts_as) - {meeting.kind})
    errors = meeting_errors(
        unit=meeting.unit,
        kind=meeting.kind,
        also_counts_as=meeting.also_counts_as,
        lecturer=meeting.lecturer,
    )
    if venue_given and not is_held and venue is not None:
        # A place that was the old venue's, or left empty, names the new venue.
        held_in = resources.booking_by_id(meeting.booking_id)
        was_venue = held_in is not None and old_place == resources.venue_place(held_in.venue)
        if not meeting.place.strip() or (was_venue and meeting.place == old_place):
            meeting.place = resources.venue_place(venue)
            fields = [*{*fields, "place"}]
    if not meeting.place.strip():
        errors["place"] = _("Say where the meeting is, or book a venue.")
    if errors:
        raise ValidationError(errors)
    held_before = meeting.held_on
    if is_held:
        meeting.held_on = timezone.localtime(meeting.starts_at).date()
    booking_before = meeting.booking_id
    if venue_given and not is_held:
        ends_at = _booking_end(meeting.starts_at, venue_until)
        _book(actor=actor, meeting=meeting, venue=venue, ends_at=ends_at)
    elif not is_held and meeting.starts_at != before_starts:
        # A new time from a caller without the venue fields: the booking keeps its venue
        # and length and moves with the meeting (or the change is refused).
        booking = resources.booking_by_id(meeting.booking_id)
        if booking is not None and not booking.cancelled:
            length = booking.ends_at - booking.starts_at
            _book(
                actor=actor,
                meeting=meeting,
                venue=booking.venue,
                ends_at=meeting.starts_at + length,
            )
    meeting.save(update_fields=[*fields, "also_counts_as", "held_on", "booking"])
    if is_held and held_before and meeting.held_on and held_before.year != meeting.held_on.year:
        # moved across the new year: the year it left is counted again too (sync_counts
        # knows it only from compliance rows, which an inquorate meeting has none of)
        held_meeting_changed.send(sender=Meeting, meeting_id=meeting.pk, years={held_before.year})
    moved = {"kind", "starts_at"} & {
        f for f in fields if before.get(f) != snapshot(meeting, (f,))[f]
    }
    if not is_held and moved:
        expected_rows(meeting)
    sync_counts(meeting)
    after = snapshot(meeting, (*MEETING_FIELDS, *RECORD_FIELDS))
    if meeting.booking_id != booking_before:
        before["booking"], after["booking"] = booking_before, meeting.booking_id
    if not is_held and {"starts_at", "place"} & {k for k in after if after[k] != before[k]}:
        people = [a.member.user for a in meeting.attendances.select_related("member__user")]
        notify(
            recipients=people,
            kind=MEETING_PLANNED.key,
            title=_("Changed: %(topic)s, now %(when)s at %(place)s")
            % {
                "topic": meeting.topic,
                "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
                "place": meeting.place,
            },
            url=f"/orglife/meetings/{meeting.pk}/",
            event_key=f"meeting:{meeting.pk}:changed:{meeting.starts_at.isoformat()}:{meeting.place}",
        )
    audit_record(
        actor=actor,
        action="meeting.edit_held" if meeting.status == Meeting.Status.HELD else "meeting.edit",
        target=meeting,
        before=before,
        after=after,
        org_path=meeting.unit.path,
    )
    return meeting


@transaction.atomic
def meeting_hold(*, actor: User, meeting: Meeting, minutes: str, resolutions: str = "") -> Meeting:
    """Record the meeting as held, with its minutes. Everyone expected must have an
    attendance entry; an assembly or committee meeting without a quorum is recorded but
    does not count as held for compliance (the page says so before this is pressed)."""
    meeting = locked(meeting, related=("unit",))
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Only a planned meeting can be recorded as held."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("The meeting has not taken place yet."))
    if not minutes.strip():
        raise ValidationError({"minutes": _("Write the minutes: what was discussed and decided.")})
    expected_rows(meeting)  # people who joined or left since the meeting was planned
    waiting = Attendance.objects.filter(meeting=meeting, status=Attendance.Status.EXPECTED)
    if waiting.exists():
        raise ValidationError(
            _("Record the attendance of everyone expected first (%(count)s not recorded).")
            % {"count": waiting.count()}
        )
    meeting.minutes = minutes.strip()
    meeting.resolutions = resolutions.strip()
    meeting.status = Meeting.Status.HELD
    meeting.held_on = timezone.localtime(meeting.starts_at).date()
    settle_quorum(meeting)
    meeting.save(update_fields=["minutes", "resolutions", "status", "held_on", "is_quorate"])
    sync_counts(meeting)
    audit_record(
        actor=actor,
        action="meeting.hold",
        target=meeting,
        after={"is_quorate": meeting.is_quorate, "counted_as": meeting.counted_kinds},
        org_path=meeting.unit.path,
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    meeting = locked(meeting, related=("unit",))
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status"])
    booking = resources.booking_by_id(meeting.booking_id)
    if booking is not None and not booking.cancelled:
        bookings.booking_cancel(actor=actor, booking=booking)
    sync_counts(meeting)
    people = [a.member.user for a in meeting.attendances.select_related("member__user")]
    notify(
        recipients=people,
        kind=MEETING_PLANNED.key,
        title=_("Cancelled: %(topic)s") % {"topic": meeting.topic},
        body=reason.strip(),
        url=f"/orglife/meetings/{meeting.pk}/",
        event_key=f"meeting:{meeting.pk}:cancelled",
    )
    audit_record(
        actor=actor,
        action="meeting.cancel",
        target=meeting,
        after={"reason": reason.strip()},
        org_path=meeting.unit.path,
    )
    return meeting
