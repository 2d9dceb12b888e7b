"""Recording writes in the audit log.

Services call `audit_record` inside their transaction, so a rolled-back change leaves
no entry. Fields listed in `SENSITIVE_FIELDS` are recorded as changed without their
values (ID numbers, disability), because the log is read by more people than may see
those values.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.core.public_ids import public_key

SENSITIVE_FIELDS = frozenset({"id_card_number", "has_disability", "password"})
HIDDEN = "***"


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return public_key(value) if getattr(value, "public_id", None) else value.pk
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_plain(item) for item in value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Plain, JSON-ready values of some fields of an object (foreign keys as ids)."""
    result: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            result[name] = getattr(obj, field.attname)
        else:
            result[name] = _plain(getattr(obj, name))
    return result


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for fields whose value changed, sensitive ones masked."""
    changes: dict[str, list[Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in SENSITIVE_FIELDS:
            changes[name] = [HIDDEN if old not in (None, "") else "", HIDDEN]
        else:
            changes[name] = [old, new]
    return changes


def audit_entry(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    org_path: str = "",
    extra: Mapping[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> AuditEntry:
    """An unsaved entry (for bulk writes); `audit_record` saves one. `at` is now unless
    the caller records a coarser time (an anonymous sender's step: to the hour)."""
    changes: dict[str, Any] = diff(before or {}, after or {})
    if extra:
        changes.update({key: _plain(value) for key, value in extra.items()})
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    return AuditEntry(
        at=at or timezone.now(),
        actor_id=actor_id,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        # A row with a public id (an appeal, a file) is named by it, not by its
        # primary key, whose order would show what was raised before and after it.
        target_id=public_key(target),
        target_label=str(target)[:200],
        org_path=org_path,
        changes=changes,
    )


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    org_path: str = "",
    extra: Mapping[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> AuditEntry:
    """Write one audit entry for a change made by `actor` (None for the system)."""
    entry = audit_entry(
        at=at,
        actor=actor,
        action=action,
        target=target,
        before=before,
        after=after,
        org_path=org_path,
        extra=extra,
    )
    entry.save()
    return entry
