"""The compliance rows of meetings (MeetingCount) and their months rollup
(MeetingMonths): rewritten by the meeting services inside their transaction, rebuilt in
bulk for data written past them."""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from grassroots.orglife import rules
from grassroots.orglife.models import Meeting, MeetingCount, MeetingMonths, month_bit
from grassroots.orglife.signals import held_meeting_changed
from grassroots.orgs.vocabulary import UnitKind


def sync_counts(meeting: Meeting) -> None:
    """Rewrite the compliance rows of a meeting: planned ones count as planned, held and
    valid ones as held, cancelled or inquorate ones not at all; then the months rollup
    of every (unit, kind, year) the meeting counted for before or counts for now."""
    before = set(
        MeetingCount.objects.filter(meeting=meeting).values_list("unit_id", "kind", "held_on__year")
    )
    MeetingCount.objects.filter(meeting=meeting).delete()
    now = _write_counts(meeting)
    _months_refresh(before | now)
    if meeting.status == Meeting.Status.HELD and meeting.held_on is not None:
        held_meeting_changed.send(
            sender=Meeting,
            meeting_id=meeting.pk,
            years={meeting.held_on.year} | {year for _unit, _kind, year in before},
        )


def _write_counts(meeting: Meeting) -> set[tuple[int, str, int]]:
    if meeting.status == Meeting.Status.CANCELLED:
        return set()
    if meeting.status == Meeting.Status.HELD and not meeting.counts:
        return set()
    day = timezone.localtime(meeting.starts_at).date()

    def counted_for(kind: str) -> int:
        # A themed day held together with a group meeting is the branch's themed day
        # (the group has no themed day of its own to hold).
        if kind == rules.THEMED_DAY and meeting.unit.kind == UnitKind.GROUP:
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
