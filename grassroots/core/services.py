"""Writes owned by core: rule parameters and the work calendar."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from grassroots.core import parameters, workcalendar
from grassroots.core.audit import audit_record
from grassroots.core.models import CalendarDay, RuleParameter


@transaction.atomic
def parameter_set(*, actor: Any, key: str, value: Any) -> RuleParameter:
    """Change the value in force for a rule parameter (validated, audited)."""
    definition = parameters.REGISTRY[key]
    cleaned = definition.clean(value)
    row, _ = RuleParameter.objects.select_for_update().get_or_create(
        key=key, defaults={"value": definition.default}
    )
    before = {"value": row.value}
    row.value = cleaned
    row.updated_by = actor
    row.save(update_fields=["value", "updated_by", "updated_at"])
    audit_record(
        actor=actor, action="parameter.set", target=row, before=before, after={"value": cleaned}
    )
    transaction.on_commit(parameters.forget_cached_values)
    return row


@transaction.atomic
def calendar_day_set(
    *, actor: Any, date: datetime.date, is_workday: bool, note: str = ""
) -> CalendarDay:
    """Say whether `date` is a workday, overriding the official calendar (audited).

    Deadlines computed after this use the new answer; ones already set keep theirs."""
    row = CalendarDay.objects.select_for_update().filter(date=date).first()
    before = {"is_workday": row.is_workday, "note": row.note} if row else None
    if row is None:
        row = CalendarDay(date=date)
    row.is_workday = is_workday
    row.note = note
    row.updated_by = actor
    row.save()
    audit_record(
        actor=actor,
        action="calendar.set",
        target=row,
        before=before,
        after={"is_workday": is_workday, "note": note},
    )
    transaction.on_commit(workcalendar.forget_overrides)
    return row


@transaction.atomic
def calendar_day_clear(*, actor: Any, row: CalendarDay) -> None:
    """Remove an administrator's entry: the official calendar applies again (audited)."""
    audit_record(
        actor=actor,
        action="calendar.clear",
        target=row,
        before={"is_workday": row.is_workday, "note": row.note},
        after=None,
    )
    row.delete()
    transaction.on_commit(workcalendar.forget_overrides)
