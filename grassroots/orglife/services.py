"""Every write to meetings and attendance: plan, ask for leave, record, hold, edit, cancel.

Each service is atomic, locks the meeting it changes, writes an audit entry and raises
ValidationError (keyed by field) with a message a person can act on. Notices go out
after commit (notify defers them).
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts.models import User
from grassroots.core.audit import audit_record, snapshot
from grassroots.notifications import kinds
from grassroots.notifications.services import notify
from grassroots.orglife import rules
from grassroots.orglife.models import (
    Attendance,
    DevelopmentRecord,
    Meeting,
    MeetingCount,
    MeetingMonths,
    Talk,
    month_bit,
)
from grassroots.orgs.models import Member, OrgPost, OrgUnit

MEETING_PLANNED = kinds.define_kind(
    "orglife.meeting", gettext_lazy("Meetings I am expected at"), email=True
)
MEETING_GAP = kinds.define_kind(
    "orglife.gap", gettext_lazy("Required meetings not yet planned"), to_group=True
)

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
BRANCH_KINDS = frozenset(Meeting.Kind.values) - {rules.GROUP}


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("unit").get(pk=meeting.pk)


def meeting_errors(
    *, unit: OrgUnit, kind: str, also_counts_as: Sequence[str], lecturer: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if kind == rules.GROUP and unit.kind != OrgUnit.Kind.GROUP:
        errors["kind"] = _("A Party group meeting is held by a Party group.")
    elif kind != rules.GROUP and unit.kind != OrgUnit.Kind.BRANCH:
        errors["kind"] = _("This kind of meeting is held by a branch.")
    extra = set(also_counts_as) - {kind}
    if unit.kind == OrgUnit.Kind.GROUP and extra - {rules.THEMED_DAY}:
        errors["also_counts_as"] = _("A Party group meeting can also count as a themed day only.")
    elif unit.kind == OrgUnit.Kind.BRANCH and extra - BRANCH_KINDS:
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


def expected_attendees(unit: OrgUnit, kind: str, *, on: datetime.date) -> list[tuple[Member, bool]]:
    """Who is expected, from the unit's membership on the day, and whether each counts for
    the quorum: all Party members of the branch (probationary ones without a vote) or the
    group; for the committee meeting, the members holding a committee post then."""
    members = Member.objects.filter(
        stage__in=Member.Stage.party_member_values(), status__in=Member.Status.active_values()
    ).select_related("user")
    if kind == rules.COMMITTEE:
        holders = OrgPost.objects.filter(
            unit=unit, kind__in=OrgPost.Kind.committee_values(), starts_on__lte=on
        ).exclude(ends_on__lt=on)
        return [(member, True) for member in members.filter(pk__in=holders.values("member_id"))]
    members = (
        members.filter(group=unit)
        if unit.kind == OrgUnit.Kind.GROUP
        else members.filter(branch=unit)
    )
    return [(member, member.stage == Member.Stage.FULL) for member in members]


def _sync_counts(meeting: Meeting) -> None:
    """Rewrite the compliance rows of a meeting: planned ones count as planned, held and
    valid ones as held, cancelled or inquorate ones not at all; then the months rollup
    of every (unit, kind, year) the meeting counted for before or counts for now."""
    before = set(
        MeetingCount.objects.filter(meeting=meeting).values_list("unit_id", "kind", "held_on__year")
    )
    MeetingCount.objects.filter(meeting=meeting).delete()
    now = _write_counts(meeting)
    _months_refresh(before | now)


def _write_counts(meeting: Meeting) -> set[tuple[int, str, int]]:
    if meeting.status == Meeting.Status.CANCELLED:
        return set()
    if meeting.status == Meeting.Status.HELD and not meeting.counts:
        return set()
    day = timezone.localtime(meeting.starts_at).date()

    def counted_for(kind: str) -> int:
        # A themed day held together with a group meeting is the branch's themed day
        # (the group has no themed day of its own to hold).
        if kind == rules.THEMED_DAY and meeting.unit.kind == OrgUnit.Kind.GROUP:
            return meeting.unit.parent_id or meeting.unit_id
        return meeting.unit_id

    rows = MeetingCount.objects.bulk_create(
        MeetingCount(
            meeting=meeting,
            unit_id=counted_for(kind),
            kind=kind,
            held_on=day,
            planned=meeting.status == Meeting.Status.PLANNED,
        )
        for kind in meeting.counted_kinds
    )
    return {(row.unit_id, row.kind, day.year) for row in rows}


def _months_masks(counts: QuerySet[MeetingCount]) -> dict[tuple[int, str, int], tuple[int, int]]:
    """(unit, kind, year) → (held months, booked months) of these compliance rows."""
    masks: dict[tuple[int, str, int], tuple[int, int]] = {}
    for unit_id, kind, year, month, planned in (
        counts.order_by()
        .values_list("unit_id", "kind", "held_on__year", "held_on__month", "planned")
        .distinct()
    ):
        held, booked = masks.get((unit_id, kind, year), (0, 0))
        bit = month_bit(month)
        masks[(unit_id, kind, year)] = (held if planned else held | bit, booked | bit)
    return masks


def _months_refresh(keys: set[tuple[int, str, int]]) -> None:
    """Rewrite the rollup rows of these (unit, kind, year) from MeetingCount. The rows
    are locked first, in a fixed order, so two meetings of one unit and kind saved at
    once cannot each write a count that misses the other's."""
    if not keys:
        return
    MeetingMonths.objects.bulk_create(
        [MeetingMonths(unit_id=u, kind=k, year=y) for u, k, y in keys], ignore_conflicts=True
    )
    which = functools.reduce(operator.or_, (Q(unit_id=u, kind=k, year=y) for u, k, y in keys))
    rows = list(MeetingMonths.objects.select_for_update(of=("self",)).filter(which).order_by("pk"))
    counts = MeetingCount.objects.filter(
        functools.reduce(operator.or_, (Q(unit_id=u, kind=k, held_on__year=y) for u, k, y in keys))
    )
    masks = _months_masks(counts)
    for row in rows:
        row.held, row.booked = masks.get((row.unit_id, row.kind, row.year), (0, 0))
    MeetingMonths.objects.bulk_update(rows, ["held", "booked"])


def meeting_months_rebuild(*, years: Sequence[int] | None = None) -> int:
    """Rebuild the months rollup from MeetingCount (all years, or these): for data
    written in bulk (demo, benchmark) and as the nightly check. The rows written."""
    counts = MeetingCount.objects.all()
    existing = MeetingMonths.objects.all()
    if years is not None:
        counts = counts.filter(held_on__year__in=list(years))
        existing = existing.filter(year__in=list(years))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Services that are writing rows wait until the rebuild is in (and then
            # recompute theirs); readers are not held up.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {MeetingMonths._meta.db_table} IN EXCLUSIVE MODE")
        masks = _months_masks(counts)
        existing.delete()
        MeetingMonths.objects.bulk_create(
            (
                MeetingMonths(unit_id=u, kind=k, year=y, held=held, booked=booked)
                for (u, k, y), (held, booked) in masks.items()
            ),
            batch_size=5000,
        )
    return len(masks)


def _expected_rows(meeting: Meeting) -> None:
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
    meeting = _lock(meeting)
    if meeting.status == Meeting.Status.PLANNED:
        _expected_rows(meeting)


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
    _sync_counts(meeting)
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
    meeting = _lock(meeting)
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
    if is_held and moved_date and _decided_development(meeting):
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
        _expected_rows(meeting)
    _sync_counts(meeting)
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
def leave_request(*, meeting: Meeting, member: Member, reason: str) -> Attendance:
    """A member asks to be excused before the meeting; organisers see the list."""
    meeting = _lock(meeting)
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
) -> Meeting:
    """Record who came: member id → (status, reason); with `rest_present`, everyone
    expected and not given a status came. Members not expected are refused."""
    meeting = _lock(meeting)
    if rest_present:
        marked = dict(statuses)
        for member_id in Attendance.objects.filter(meeting=meeting).values_list(
            "member_id", flat=True
        ):
            marked.setdefault(member_id, (Attendance.Status.PRESENT, ""))
        statuses = marked
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    if meeting.status == Meeting.Status.HELD and _decided_development(meeting):
        raise ValidationError(
            _("This assembly decided on a member's development: its attendance is fixed.")
        )
    rows = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    unknown = set(statuses) - set(rows)
    if unknown:
        raise ValidationError(_("Some of these people are not expected at this meeting."))
    before = {str(pk): rows[pk].status for pk in statuses}
    for member_id, (status, reason) in statuses.items():
        if status not in Attendance.Status.values:
            raise ValidationError(_("Unknown attendance status."))
        rows[member_id].status = status
        rows[member_id].reason = reason.strip() if status == Attendance.Status.LEAVE else ""
    Attendance.objects.bulk_update([rows[pk] for pk in statuses], ["status", "reason"])
    if meeting.status == Meeting.Status.HELD:
        _settle_quorum(meeting)
        meeting.save(update_fields=["is_quorate"])
        _sync_counts(meeting)
    audit_record(
        actor=actor,
        action="meeting.attendance",
        target=meeting,
        before=before,
        after={str(pk): status for pk, (status, _reason) in statuses.items()},
        org_path=meeting.unit.path,
    )
    return meeting


def _decided_development(meeting: Meeting) -> bool:
    """A held assembly that admitted someone or made them a full member is evidence on
    their record: what it was (who came, its kind, its date) is fixed from then on."""
    return DevelopmentRecord.objects.filter(meeting=meeting).exists()


def quorum(meeting: Meeting) -> tuple[int, int]:
    """(present, entitled) among those who count for the quorum."""
    rows = Attendance.objects.filter(meeting=meeting, counts_for_quorum=True)
    return rows.filter(status=Attendance.Status.PRESENT).count(), rows.count()


def _settle_quorum(meeting: Meeting) -> None:
    if meeting.needs_quorum:
        present, entitled = quorum(meeting)
        meeting.is_quorate = rules.quorum_met(present, entitled)
    else:
        meeting.is_quorate = None


@transaction.atomic
def meeting_hold(*, actor: User, meeting: Meeting, minutes: str, resolutions: str = "") -> Meeting:
    """Record the meeting as held, with its minutes. Everyone expected must have an
    attendance entry; an assembly or committee meeting without a quorum is recorded but
    does not count as held for compliance (the page says so before this is pressed)."""
    meeting = _lock(meeting)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Only a planned meeting can be recorded as held."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("The meeting has not taken place yet."))
    if not minutes.strip():
        raise ValidationError({"minutes": _("Write the minutes: what was discussed and decided.")})
    _expected_rows(meeting)  # people who joined or left since the meeting was planned
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
    _settle_quorum(meeting)
    meeting.save(update_fields=["minutes", "resolutions", "status", "held_on", "is_quorate"])
    _sync_counts(meeting)
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
    meeting = _lock(meeting)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the meeting is cancelled.")})
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status"])
    _sync_counts(meeting)
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


@transaction.atomic
def talk_record(
    *,
    actor: User,
    unit: OrgUnit,
    talker: Member,
    talkee: Member,
    held_on: datetime.date,
    notes: str = "",
) -> Talk:
    """Record a one-to-one talk held by a member of the branch committee. The audit entry
    keeps who and when, not what was said."""
    errors: dict[str, str] = {}
    committee = {
        member.pk for member, _votes in expected_attendees(unit, rules.COMMITTEE, on=held_on)
    }
    if talker.pk not in committee:
        errors["talker"] = _(
            "Talks are held by a member of the branch committee (or the secretary)."
        )
    if talkee.pk == talker.pk:
        errors["talkee"] = _("A talk is between two people.")
    elif (
        talkee.branch_id != unit.pk
        or talkee.stage not in Member.Stage.party_member_values()
        or talkee.status not in Member.Status.active_values()
    ):
        errors["talkee"] = _("Choose a Party member of this branch.")
    if held_on > timezone.localdate():
        errors["held_on"] = _("The date is in the future: record a talk once it is held.")
    if errors:
        raise ValidationError(errors)
    talk = Talk.objects.create(
        unit=unit,
        talker=talker,
        talkee=talkee,
        held_on=held_on,
        notes=notes.strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="talk.record",
        target=talk,
        after={"talker": talker.pk, "talkee": talkee.pk, "held_on": held_on.isoformat()},
        org_path=unit.path,
    )
    return talk
