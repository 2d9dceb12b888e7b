"""The status history of the member records that exist, from what exists.

Per record, from the audit log's status changes where there are any (member.create and
member.update entries whose changes name the status, in the order they were written;
the source says "audit log", the actor is the one who recorded it); otherwise from the
record itself (source "record"): its status from its first day (the earliest stage
date, else the day it was entered), and for a record out of good standing with a
leaving day, in good standing until that day.

What it can know: the day a change was recorded (Asia/Shanghai), or the leaving day the
entry or the record gives; a restoration (恢复党籍) recorded before the history was kept
takes effect on the day it was recorded, since the record kept no day for it. What it
cannot: a change written past the services (no audit entry) — the record's status now
is then appended after the last known change, on the leaving day or the day of this
migration; entries naming no change (the same status twice) or a status that does not
exist are skipped; and a record out of good standing with no leaving day and no entry gets no
history (the statistics count it as gone on every day, and the cross-checks name it).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import migrations
from django.utils import timezone

ACTIVE = ("normal", "retained", "restored")
STATUSES = (*ACTIVE, "suspended", "left")
STAGE_DAYS = ("applied_on", "activist_on", "candidate_on", "admitted_on", "full_on")
CHUNK = 500


def _first_day(member: Any) -> datetime.date:
    days = [getattr(member, name) for name in STAGE_DAYS if getattr(member, name)]
    return min(days) if days else timezone.localdate(member.created_at)


def _day(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _new(changes: dict[str, Any], name: str) -> Any:
    pair = changes.get(name)
    return pair[1] if isinstance(pair, list) and len(pair) == 2 else None


def _reason(status: str, reason: Any) -> str:
    if status in ACTIVE:
        return ""
    return reason or ("suspended" if status == "suspended" else "")


def member_history(member: Any, entries: list[Any], today: datetime.date) -> list[dict[str, Any]]:
    """The rows (as field values) of one record's history."""
    first = _first_day(member)
    rows: list[dict[str, Any]] = []

    def add(from_status: str, to_status: str, on: datetime.date, **more: Any) -> None:
        if rows and on < rows[-1]["on"]:
            on = rows[-1]["on"]  # never before the change it follows
        rows.append(
            {"from_status": from_status, "to_status": to_status, "on": on, "reason": ""} | more
        )

    def opening(status: str, left_on: datetime.date | None, reason: str, **more: Any) -> None:
        if status in ACTIVE:
            add("", status, first, **more)
        elif left_on is None or left_on <= first:
            add("", status, left_on or first, reason=_reason(status, reason), **more)
        else:
            add("", "normal", first, **more)
            add("normal", status, left_on, reason=_reason(status, reason), **more)

    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        pair = changes.get("status")
        if not (isinstance(pair, list) and len(pair) == 2) or pair[1] is None:
            continue
        old, new = pair
        if new not in STATUSES or old == new or (old is not None and old not in STATUSES):
            continue  # not a change of status this history can hold
        more = {"source": "audit_log", "recorded_by_id": entry.actor_id, "recorded_at": entry.at}
        left_on = _day(_new(changes, "left_on"))
        reason = _new(changes, "leaving_reason") or ""
        if old is None or not rows:
            if old is None:
                opening(new, left_on, reason, **more)
                continue
            opening(old, None, "", **(more | {"source": "record"}))
        leaving = old in ACTIVE and new not in ACTIVE
        day = (left_on if leaving else None) or timezone.localdate(entry.at)
        add(old, new, day, reason=_reason(new, reason), **more)

    if not rows:
        if member.status in ACTIVE or member.left_on is not None:
            opening(member.status, member.left_on, member.leaving_reason, source="record")
        return rows  # gone with no day and no entry: nobody knows since when
    last = rows[-1]
    if last["to_status"] != member.status:
        # Changed past the services: the status now, from its leaving day or today.
        leaving = last["to_status"] in ACTIVE and member.status not in ACTIVE
        add(
            last["to_status"],
            member.status,
            (member.left_on if leaving and member.left_on else today),
            reason=_reason(member.status, member.leaving_reason),
            source="record",
        )
    elif (
        member.status not in ACTIVE
        and member.left_on is not None
        and last["from_status"] in ACTIVE
        and last["on"] != member.left_on
    ):
        last["on"] = max(member.left_on, rows[-2]["on"] if len(rows) > 1 else member.left_on)
    return rows


def backfill(apps: Any, schema_editor: Any) -> None:
    member_model = apps.get_model("orgs", "Member")
    change_model = apps.get_model("orgs", "MemberStatusChange")
    audit_entry = apps.get_model("core", "AuditEntry")
    content_type = (
        apps.get_model("contenttypes", "ContentType")
        .objects.filter(app_label="orgs", model="member")
        .first()
    )
    today = timezone.localdate()
    done = set(change_model.objects.values_list("member_id", flat=True).distinct())
    ids = list(member_model.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        part = [pk for pk in ids[start : start + CHUNK] if pk not in done]
        entries: dict[int, list[Any]] = {pk: [] for pk in part}
        if content_type is not None and part:
            for entry in audit_entry.objects.filter(
                target_type=content_type,
                target_id__in=[str(pk) for pk in part],
                action__in=("member.create", "member.update"),
            ).order_by("at", "pk"):
                entries[int(entry.target_id)].append(entry)
        new_rows = []
        for member in member_model.objects.filter(pk__in=part):
            for row in member_history(member, entries[member.pk], today):
                new_rows.append(change_model(member_id=member.pk, **row))
        change_model.objects.bulk_create(new_rows)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0011_member_status_changes"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
