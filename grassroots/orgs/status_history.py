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
    `status_on` is the day a change to a status in good standing took effect (a change
    away from one takes effect on the record's leaving day). Unsaved."""
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
    elif (
        not after.active
        and latest is not None
        and latest.to_status == after.status
        and after.left_on is not None
        and (after.left_on, after.leaving_reason) != (latest.on, latest.reason)
    ):
        # The leaving day or reason of the current spell put right: a row that
        # corrects the one that began it (the rows themselves are never changed).
        rows.append(
            _row(
                member,
                latest.from_status,
                latest.to_status,
                after.left_on,
                actor=actor,
                source=recorded,
                reason=after.leaving_reason,
                corrects=latest,
            )
        )
    return rows


def history_errors(
    rows: list[MemberStatusChange], latest: MemberStatusChange | None
) -> dict[str, str]:
    """A change cannot take effect before the change in force (`latest`, or the row
    before it among `rows`, which may begin with what the record said): the history
    would no longer say which came first. Keyed by the form field that gives the day."""
    previous = latest
    for row in rows:
        recorded = row.source == MemberStatusChange.Source.RECORDED and row.corrects is None
        if recorded and previous is not None and row.on < previous.on:
            field = "status_on" if row.to_status in MemberStatus.active_values() else "left_on"
            return {
                field: _(
                    "The status last changed on %(day)s; a later change cannot take effect "
                    "before that day."
                )
                % {"day": date_format(previous.on, "Y-m-d")}
            }
        previous = row
    return {}


def raise_history_errors(rows: list[MemberStatusChange], latest: MemberStatusChange | None) -> None:
    errors = history_errors(rows, latest)
    if errors:
        raise ValidationError(errors)
