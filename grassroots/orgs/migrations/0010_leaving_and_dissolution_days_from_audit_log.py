"""Fill the leaving day of member records, and the dissolution day of organisations,
that were made inactive before 0008 gave them those days: the day of the audit log's
entry that changed the status (or made the organisation inactive) where one exists.
Records without such an entry keep no day; the annual statistics' cross-checks count
them so that an officer can fill the day in.

What this can know: the day the change was *recorded* (in Asia/Shanghai), which is the
day the services used as the leaving day when none was given; a day an officer meant
but did not record is not in the log. A suspended record gets "suspended" as its
reason when it has none (its status says so); other reasons are not guessed.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone

ACTIVE = ("normal", "retained", "restored")
CHUNK = 500


def _content_type(apps: Any, model: str) -> Any:
    content_type_model = apps.get_model("contenttypes", "ContentType")
    return content_type_model.objects.filter(app_label="orgs", model=model).first()


def _entries(apps: Any, content_type: Any, ids: list[int], actions: tuple[str, ...]) -> Any:
    audit_entry = apps.get_model("core", "AuditEntry")
    for start in range(0, len(ids), CHUNK):
        part = [str(pk) for pk in ids[start : start + CHUNK]]
        yield from audit_entry.objects.filter(
            target_type=content_type, target_id__in=part, action__in=actions
        ).order_by("at", "pk")


def _went_inactive(changes: Any) -> bool:
    status = changes.get("status") if isinstance(changes, dict) else None
    return (
        isinstance(status, list)
        and len(status) == 2
        and status[1] not in ACTIVE
        and status[0] in (*ACTIVE, None)
    )


def _was_dissolved(changes: Any) -> bool:
    active = changes.get("is_active") if isinstance(changes, dict) else None
    return active == [True, False]


def fill_days(apps: Any, schema_editor: Any) -> None:
    member_model = apps.get_model("orgs", "Member")
    unit_model = apps.get_model("orgs", "OrgUnit")
    member_model.objects.filter(status="suspended", leaving_reason="").update(
        leaving_reason="suspended"
    )

    undated = list(
        member_model.objects.filter(left_on__isnull=True)
        .exclude(status__in=ACTIVE)
        .values_list("pk", flat=True)
    )
    content_type = _content_type(apps, "member")
    if undated and content_type is not None:
        days: dict[int, Any] = {}
        for entry in _entries(apps, content_type, undated, ("member.create", "member.update")):
            if _went_inactive(entry.changes):
                days[int(entry.target_id)] = timezone.localdate(entry.at)  # the latest wins
        for pk, day in days.items():
            member_model.objects.filter(pk=pk, left_on__isnull=True).update(left_on=day)

    undated = list(
        unit_model.objects.filter(is_active=False, dissolved_on__isnull=True).values_list(
            "pk", flat=True
        )
    )
    content_type = _content_type(apps, "orgunit")
    if undated and content_type is not None:
        days = {}
        for entry in _entries(apps, content_type, undated, ("orgunit.update",)):
            if _was_dissolved(entry.changes):
                days[int(entry.target_id)] = timezone.localdate(entry.at)
        for pk, day in days.items():
            unit_model.objects.filter(pk=pk, dissolved_on__isnull=True).update(dissolved_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0009_transfer_paid_up"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(fill_days, migrations.RunPython.noop)]
