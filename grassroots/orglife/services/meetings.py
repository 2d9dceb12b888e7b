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
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.orgs.models import OrgUnit

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
) -> Meeting:
    """Plan a meeting, fix who is expected and tell them."""
    errors = meeting_errors(unit=unit, kind=kind, also_counts_as=also_counts_as, lecturer=lecturer)
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
        after=snapshot(meeting, MEETING_FIELDS),
        org_path=unit.path,
    )
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, **changes: Any) -> Meeting:
    """Change the plan or, after the meeting, its record; editing a held meeting is
    audited with what it was before."""
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
    for name in fields:
        setattr(meeting, name, changes[name])
    meeting.also_counts_as = sorted(set(meeting.also_counts_as) - {meeting.kind})
    errors = meeting_errors(
        unit=meeting.unit,
        kind=meeting.kind,
        also_counts_as=meeting.also_counts_as,
        lecturer=meeting.lecturer,
    )
    if errors:
        raise ValidationError(errors)
    if is_held:
        meeting.held_on = timezone.localtime(meeting.starts_at).date()
    meeting.save(update_fields=[*fields, "also_counts_as", "held_on"])
    moved = {"kind", "starts_at"} & {
        f for f in fields if before.get(f) != snapshot(meeting, (f,))[f]
    }
    if not is_held and moved:
        expected_rows(meeting)
    sync_counts(meeting)
    after = snapshot(meeting, (*MEETING_FIELDS, *RECORD_FIELDS))
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
