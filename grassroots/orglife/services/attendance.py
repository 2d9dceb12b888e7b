"""Who is expected at a meeting and who came: the list of people expected, leave asked
for, attendance recorded and the quorum settled."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audit_record
from grassroots.core.locking import locked
from grassroots.notifications.services import notify
from grassroots.orglife import rules
from grassroots.orglife.models import Attendance, AttendanceMark, DevelopmentRecord, Meeting
from grassroots.orglife.selectors import expected_attendees, quorum
from grassroots.orglife.services.counts import sync_counts
from grassroots.orglife.services.notices import MEETING_PLANNED

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.orgs.models import Member


def expected_rows(meeting: Meeting) -> None:
    """Bring the people expected at a planned meeting in line with the membership now:
    add those who joined (or moved in), drop those who left and were not yet recorded.
    Rows already recorded (present, leave, absent) are kept as history."""
    day = timezone.localtime(meeting.starts_at).date()
    wanted = {m.pk: votes for m, votes in expected_attendees(meeting.unit, meeting.kind, on=day)}
    rows = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    Attendance.objects.filter(
        meeting=meeting,
        status=Attendance.Status.EXPECTED,
        member_id__in=[pk for pk in rows if pk not in wanted],
    ).delete()
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member_id=pk, counts_for_quorum=votes)
        for pk, votes in wanted.items()
        if pk not in rows
    )
    changed = [a for pk, a in rows.items() if pk in wanted and a.counts_for_quorum != wanted[pk]]
    for attendance in changed:
        attendance.counts_for_quorum = wanted[attendance.member_id]
    Attendance.objects.bulk_update(changed, ["counts_for_quorum"])


@transaction.atomic
def attendance_refresh(*, meeting: Meeting) -> None:
    """Keep a planned meeting's list of people expected current (idempotent)."""
    meeting = locked(meeting, related=("unit",))
    if meeting.status == Meeting.Status.PLANNED:
        expected_rows(meeting)


@transaction.atomic
def leave_request(*, meeting: Meeting, member: Member, reason: str) -> Attendance:
    """A member asks to be excused before the meeting; organisers see the list."""
    meeting = locked(meeting, related=("unit",))
    if meeting.status != Meeting.Status.PLANNED or meeting.starts_at <= timezone.now():
        raise ValidationError(_("Leave can be asked for before the meeting only."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you cannot come.")})
    attendance = Attendance.objects.filter(meeting=meeting, member=member).first()
    if attendance is None:
        raise ValidationError(_("You are not expected at this meeting."))
    if attendance.status not in (Attendance.Status.EXPECTED, Attendance.Status.LEAVE):
        raise ValidationError(_("The organiser has already recorded your attendance."))
    attendance.status = Attendance.Status.LEAVE
    attendance.reason = reason.strip()
    attendance.leave_requested_at = timezone.now()
    attendance.save(update_fields=["status", "reason", "leave_requested_at"])
    if meeting.organiser is not None:
        notify(
            recipients=[meeting.organiser],
            kind=MEETING_PLANNED.key,
            title=_("%(name)s asks for leave from %(topic)s: %(reason)s")
            % {"name": member.user.name, "topic": meeting.topic, "reason": attendance.reason},
            url=f"/orglife/meetings/{meeting.pk}/",
            event_key=f"meeting:{meeting.pk}:leave:{member.pk}",
        )
    audit_record(
        actor=member.user,
        action="meeting.leave",
        target=meeting,
        after={"member": member.pk},
        org_path=meeting.unit.path,
    )
    return attendance


@transaction.atomic
def attendance_record(
    *,
    actor: User,
    meeting: Meeting,
    statuses: Mapping[int, tuple[str, str]],
    rest_present: bool = False,
    idempotency_key: str | None = None,
    shown: Mapping[int, str] | None = None,
) -> list[int]:
    """Record who came: member id → (status, reason); with `rest_present`, everyone
    expected and not given a status came. Members not expected are refused.

    `shown`: member id → the status the form showed when it was filled in. A row whose
    status has changed since (someone corrected it, in another tab or before a form kept
    offline was sent) is left as it is now: the ids of those rows are returned, for the
    page to say so, instead of undoing the correction.

    The same form sent again (`idempotency_key`: a retry, a double tap, the offline
    queue, a second tab) changes nothing the second time, so it cannot undo a correction
    made in between."""
    meeting = locked(meeting, related=("unit",))
    if idempotency_key:
        sent = AttendanceMark.objects.filter(actor=actor, key=idempotency_key).first()
        if sent is not None:
            if sent.meeting_id != meeting.pk:
                raise ValidationError(
                    _("This form was already used. Reload the page and try again.")
                )
            return []
    if rest_present:
        marked = dict(statuses)
        # Everyone not marked yet: a row the form left as it was keeps its status.
        for member_id in Attendance.objects.filter(
            meeting=meeting, status=Attendance.Status.EXPECTED
        ).values_list("member_id", flat=True):
            marked.setdefault(member_id, (Attendance.Status.PRESENT, ""))
        statuses = marked
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    if meeting.status == Meeting.Status.HELD and decided_development(meeting):
        raise ValidationError(
            _("This assembly decided on a member's development: its attendance is fixed.")
        )
    rows = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    unknown = set(statuses) - set(rows)
    if unknown:
        raise ValidationError(_("Some of these people are not expected at this meeting."))
    shown = shown or {}
    changed_since = sorted(pk for pk in statuses if pk in shown and shown[pk] != rows[pk].status)
    statuses = {pk: value for pk, value in statuses.items() if pk not in changed_since}
    before = {str(pk): rows[pk].status for pk in statuses}
    for member_id, (status, reason) in statuses.items():
        if status not in Attendance.Status.values:
            raise ValidationError(_("Unknown attendance status."))
        rows[member_id].status = status
        rows[member_id].reason = reason.strip() if status == Attendance.Status.LEAVE else ""
    if idempotency_key:
        try:
            with transaction.atomic():
                AttendanceMark.objects.create(meeting=meeting, actor=actor, key=idempotency_key)
        except IntegrityError:
            # The same key on another meeting's form, sent at this very moment.
            raise ValidationError(
                _("This form was already used. Reload the page and try again.")
            ) from None
    Attendance.objects.bulk_update([rows[pk] for pk in statuses], ["status", "reason"])
    if meeting.status == Meeting.Status.HELD:
        settle_quorum(meeting)
        meeting.save(update_fields=["is_quorate"])
        sync_counts(meeting)
    audit_record(
        actor=actor,
        action="meeting.attendance",
        target=meeting,
        before=before,
        after={str(pk): status for pk, (status, _reason) in statuses.items()},
        org_path=meeting.unit.path,
    )
    return changed_since


def decided_development(meeting: Meeting) -> bool:
    """A held assembly that admitted someone or made them a full member is evidence on
    their record: what it was (who came, its kind, its date) is fixed from then on."""
    return DevelopmentRecord.objects.filter(meeting=meeting).exists()


def settle_quorum(meeting: Meeting) -> None:
    if meeting.needs_quorum:
        present, entitled = quorum(meeting)
        meeting.is_quorate = rules.quorum_met(present, entitled)
    else:
        meeting.is_quorate = None
