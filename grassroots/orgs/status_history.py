"""A member's status history (MemberStatusChange): the one place that decides which rows
a change of status writes. member_create, member_update and the member import call
`history_rows` with the record before and after the change and save what it returns.

The history starts from what the record itself says when there is none yet (records
opened before the history was kept, or written past the services): the record was
opened with its status on its first day (the earliest stage date, else the day it was
entered); an inactive record with a leaving day was in good standing until then; an
inactive record without one has no history (the statistics count it as gone on every
day, as before) until a change or a leaving day is recorded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grassroots.orgs.models import Member, MemberStatusChange
from grassroots.orgs.vocabulary import MemberStatus

STAGE_DAYS = ("applied_on", "activist_on", "candidate_on", "admitted_on", "full_on")


@dataclass(frozen=True)
class StatusState:
    """The fields of a record that the history follows."""

    status: str
    left_on: datetime.date | None
    leaving_reason: str

    @classmethod
    def of(cls, member: Member) -> StatusState:
        return cls(member.status, member.left_on, member.leaving_reason)

    @property
    def active(self) -> bool:
        return self.status in MemberStatus.active_values()


def first_day(member: Member) -> datetime.date:
    """The record's first day: its earliest stage date, else the day it was entered."""
    days = [getattr(member, name) for name in STAGE_DAYS if getattr(member, name)]
    return min(days) if days else timezone.localdate(member.created_at)


def _row(
    member: Member,
    from_status: str,
    to_status: str,
    on: datetime.date,
    *,
    actor: Any,
    source: str,
    reason: str = "",
    corrects: MemberStatusChange | None = None,
) -> MemberStatusChange:
    return MemberStatusChange(
        member=member,
        from_status=from_status,
        to_status=to_status,
        on=on,
        reason=reason if to_status not in MemberStatus.active_values() else "",
        recorded_by=actor if getattr(actor, "pk", None) else None,
        source=source,
        corrects=corrects,
    )


def opening_rows(
    member: Member, state: StatusState, *, actor: Any, source: str, unknown_start: bool = False
) -> list[MemberStatusChange]:
    """The history the record's fields tell on their own. An inactive record without a
    leaving day tells none, unless `unknown_start`: a change follows, so it is taken as
    inactive from its first day (as the statistics counted it until now)."""
    first = first_day(member)
    if state.active:
        return [_row(member, "", state.status, first, actor=actor, source=source)]
    if state.left_on is None:
        if not unknown_start:
            return []
        return [
            _row(
                member,
                "",
                state.status,
                first,
                actor=actor,
                source=source,
                reason=state.leaving_reason,
            )
        ]
    if state.left_on <= first:
        return [
            _row(
                member,
                "",
                state.status,
                state.left_on,
                actor=actor,
                source=source,
                reason=state.leaving_reason,
            )
        ]
    return [
        _row(member, "", MemberStatus.NORMAL, first, actor=actor, source=source),
        _row(
            member,
            MemberStatus.NORMAL,
            state.status,
            state.left_on,
            actor=actor,
            source=source,
            reason=state.leaving_reason,
        ),
    ]


def latest_change(member: Member) -> MemberStatusChange | None:
    """The row in force now (the last by day, then by recording), corrected rows aside."""
    return (
        MemberStatusChange.objects.filter(member=member, corrections__isnull=True)
        .order_by("-on", "-pk")
        .first()
    )


def latest_changes(member_ids: list[int]) -> dict[int, MemberStatusChange]:
    """`latest_change` of many records at once (the import), by member id."""
    latest: dict[int, MemberStatusChange] = {}
    rows = MemberStatusChange.objects.filter(
        member_id__in=member_ids, corrections__isnull=True
    ).order_by("member_id", "-on", "-pk")
    for row in rows:
        latest.setdefault(row.member_id, row)
    return latest


def row_before(row: MemberStatusChange) -> MemberStatusChange | None:
    """The row in force just before `row` (corrected rows aside), None for the first."""
    return (
        MemberStatusChange.objects.filter(member_id=row.member_id, corrections__isnull=True)
        .filter(Q(on__lt=row.on) | Q(on=row.on, pk__lt=row.pk))
        .exclude(pk=row.pk)
        .order_by("-on", "-pk")
        .first()
    )


def row_after(row: MemberStatusChange) -> MemberStatusChange | None:
    """The row in force just after `row` (corrected rows aside), None for the last."""
    return (
        MemberStatusChange.objects.filter(member_id=row.member_id, corrections__isnull=True)
        .filter(Q(on__gt=row.on) | Q(on=row.on, pk__gt=row.pk))
        .exclude(pk=row.pk)
        .order_by("on", "pk")
        .first()
    )


def spell_start(latest: MemberStatusChange) -> MemberStatusChange:
    """Of a record out of good standing, the row that took it out (the one the record's
    leaving day tells): `latest`, or before it when it went on from one status out of
    good standing to another (停止党籍 then 死亡)."""
    active = MemberStatus.active_values()
    row = latest
    while row.from_status and row.from_status not in active:
        before = row_before(row)
        if before is None:
            break
        row = before
    return row


def change_errors(before: StatusState, after: StatusState) -> dict[str, str]:
    """What a change of the record cannot be, whatever its history: the leaving day is
    the day the member stopped being in good standing, so a change from one status out
    of it to another (停止党籍 → 出党) takes effect on the status change day and keeps
    it, and a record out of good standing that has one cannot lose it."""
    if after.active or before.active:
        return {}
    if after.status != before.status and after.left_on != before.left_on:
        return {
            "left_on": _(
                "The leaving day is the day the member stopped being in good standing. "
                "Give the day of this change of status under Status changed on, and put "
                "the leaving day right in another edit."
            )
        }
    if before.left_on is not None and after.left_on is None:
        return {"left_on": _("A member out of good standing needs the day they left it.")}
    return {}


def history_rows(
    member: Member,
    before: StatusState | None,
    *,
    latest: MemberStatusChange | None,
    actor: Any,
    status_on: datetime.date,
) -> list[MemberStatusChange]:
    """The rows to append for a record now as `member` and before as `before` (None: a
    record being opened). `latest` is the record's row in force (None: no history yet);
    `status_on` is the day a change took effect unless it takes the record out of good
    standing (that one takes effect on the record's leaving day). Unsaved."""
    after = StatusState.of(member)
    recorded = MemberStatusChange.Source.RECORDED
    if before is None:
        return opening_rows(member, after, actor=actor, source=recorded)
    if after == before:
        return []
    rows: list[MemberStatusChange] = []
    if latest is None:
        if after.status == before.status:
            # Only the leaving day or reason of an inactive record without history
            # changed (a day filled in): the record now tells its history.
            return opening_rows(member, after, actor=actor, source=MemberStatusChange.Source.RECORD)
        rows = opening_rows(
            member,
            before,
            actor=actor,
            source=MemberStatusChange.Source.RECORD,
            unknown_start=True,
        )
    if after.status != before.status:
        day = after.left_on if before.active and not after.active else status_on
        rows.append(
            _row(
                member,
                before.status,
                after.status,
                day or status_on,
                actor=actor,
                source=recorded,
                reason=after.leaving_reason,
            )
        )
    elif not after.active and latest is not None and latest.to_status == after.status:
        # The leaving day or reason of the current spell put right: rows that correct
        # the ones concerned (the rows themselves are never changed). The leaving day
        # is the day of the row that took the record out of good standing, the reason
        # that of the change in force.
        start = spell_start(latest)
        if after.left_on is not None and after.left_on != start.on:
            rows.append(
                _row(
                    member,
                    start.from_status,
                    start.to_status,
                    after.left_on,
                    actor=actor,
                    source=recorded,
                    reason=after.leaving_reason if start == latest else start.reason,
                    corrects=start,
                )
            )
        if after.leaving_reason != latest.reason and not (rows and start == latest):
            rows.append(
                _row(
                    member,
                    latest.from_status,
                    latest.to_status,
                    latest.on,
                    actor=actor,
                    source=recorded,
                    reason=after.leaving_reason,
                    corrects=latest,
                )
            )
    return rows


def _changed_on(day: datetime.date, message: str) -> str:
    return message % {"day": date_format(day, "Y-m-d")}


def history_errors(
    rows: list[MemberStatusChange], latest: MemberStatusChange | None
) -> dict[str, str]:
    """A change cannot take effect before the change in force (`latest`, or the row
    before it among `rows`, which may begin with what the record said): the history
    would no longer say which came first. A correction must keep its row's place: on or
    after the row in force before the one it corrects, and before the row after it.
    Keyed by the form field that gives the day."""
    active = MemberStatus.active_values()
    previous = latest
    for row in rows:
        if row.source != MemberStatusChange.Source.RECORDED:
            previous = row
            continue
        leaving = row.from_status in [*active, ""] and row.to_status not in active
        field = "left_on" if leaving else "status_on"
        if row.corrects is not None:
            before, after = row_before(row.corrects), row_after(row.corrects)
            if before is not None and row.on < before.on:
                return {
                    field: _changed_on(
                        before.on,
                        _(
                            "The status changed on %(day)s before this; the day put "
                            "right cannot be before that day."
                        ),
                    )
                }
            if after is not None and row.on >= after.on:
                return {
                    field: _changed_on(
                        after.on,
                        _(
                            "The status changed again on %(day)s; the day put right "
                            "must be before that day."
                        ),
                    )
                }
            continue
        if previous is not None and row.on < previous.on:
            return {
                field: _changed_on(
                    previous.on,
                    _(
                        "The status last changed on %(day)s; a later change cannot take "
                        "effect before that day."
                    ),
                )
            }
        previous = row
    return {}


def raise_history_errors(rows: list[MemberStatusChange], latest: MemberStatusChange | None) -> None:
    errors = history_errors(rows, latest)
    if errors:
        raise ValidationError(errors)
