"""Deadlines: set them, cancel them, and sweep the ones whose time has come.

Each kind of deadline has one handler, registered by the app that owns it, which
receives a batch of due deadlines and acts on all of them at once (bulk writes). The
sweep runs the handler and marks the batch fired in one transaction, so a crash in the
middle leaves the batch due and the next sweep does it again; handlers must therefore
be idempotent (dedupe keys on what they create).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from grassroots.core.models import Deadline

logger = logging.getLogger(__name__)

Handler = Callable[[Sequence[Deadline], datetime.datetime], None]
HANDLERS: dict[str, Handler] = {}
BATCH_SIZE = 5000


def deadline_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def handler_for(kind: str) -> Handler | None:
    """The handler of a kind: registered for the exact kind, or for a prefix of it
    ending in "." (e.g. "appeals." handles "appeals.accept.80")."""
    if kind in HANDLERS:
        return HANDLERS[kind]
    prefixes = [key for key in HANDLERS if key.endswith(".") and kind.startswith(key)]
    return HANDLERS[max(prefixes, key=len)] if prefixes else None


def deadline_set(
    *,
    kind: str,
    subject: models.Model,
    due_at: datetime.datetime,
    payload: dict[str, Any] | None = None,
) -> Deadline:
    """Open (or move) the deadline of a kind for a subject."""
    subject_type = ContentType.objects.get_for_model(subject)
    deadline, _created = Deadline.objects.update_or_create(
        kind=kind,
        subject_type=subject_type,
        subject_id=str(subject.pk),
        fired_at__isnull=True,
        defaults={"due_at": due_at, "payload": payload or {}},
    )
    return deadline


def deadlines_cancel(*, subject: models.Model, kinds: Sequence[str] | None = None) -> int:
    """Drop a subject's open deadlines (all, or of some kinds): they will not fire."""
    open_deadlines = Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        fired_at__isnull=True,
    )
    if kinds is not None:
        open_deadlines = open_deadlines.filter(kind__in=kinds)
    deleted, _ = open_deadlines.delete()
    return deleted


def deadlines_sweep(*, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Fire every open deadline due by `now`; returns how many fired.

    Each batch is one statement: an UPDATE that marks the due rows fired and returns
    them (the partial index on due_at finds them; on PostgreSQL rows held by a
    concurrent sweep are skipped, not waited for). The handlers run in the same
    transaction, so if one fails the whole batch stays due.
    """
    now = now or timezone.now()
    table = connection.ops.quote_name(Deadline._meta.db_table)
    lock = (
        " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    # Only the table name (from the model) is formatted in; every value is a parameter.
    due = f"SELECT id FROM {table} WHERE fired_at IS NULL AND due_at <= %s ORDER BY due_at LIMIT %s{lock}"  # noqa: S608
    sql = (
        f"UPDATE {table} SET fired_at = %s WHERE id IN ({due})"  # noqa: S608
        " RETURNING id, kind, subject_type_id, subject_id, payload, due_at"
    )
    payload_field = Deadline._meta.get_field("payload")
    fired = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [now, now, batch_size])
            rows = cursor.fetchall()
            if not rows:
                return fired
            by_kind: dict[str, list[Deadline]] = defaultdict(list)
            for pk, kind, subject_type_id, subject_id, payload, due_at in rows:
                if isinstance(payload, str):
                    payload = payload_field.from_db_value(payload, None, connection)  # type: ignore[arg-type]
                by_kind[kind].append(
                    Deadline(
                        pk=pk,
                        kind=kind,
                        subject_type_id=subject_type_id,
                        subject_id=subject_id,
                        payload=payload or {},
                        due_at=due_at,
                        fired_at=now,
                    )
                )
            for kind, deadlines in by_kind.items():
                handler = handler_for(kind)
                if handler is None:
                    logger.warning(
                        "No handler for %s deadlines; %d marked fired", kind, len(deadlines)
                    )
                    continue
                handler(deadlines, now)
            fired += len(rows)
        if len(rows) < batch_size:
            return fired
