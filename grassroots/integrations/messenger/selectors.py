"""Reads for the messenger pages: connections and contact syncs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from grassroots.integrations.messenger.models import MessengerAccount, MessengerConfig, SyncRun


def configs() -> QuerySet[MessengerConfig]:
    return MessengerConfig.objects.all()


def get_config(pk: int) -> MessengerConfig:
    return get_object_or_404(MessengerConfig, pk=pk)


def configs_for_sign_in() -> QuerySet[MessengerConfig]:
    return MessengerConfig.objects.filter(is_active=True, sign_in_enabled=True)


def get_config_for_sign_in(pk: int) -> MessengerConfig:
    return get_object_or_404(configs_for_sign_in(), pk=pk)


def sync_runs(config: MessengerConfig) -> QuerySet[SyncRun]:
    return config.syncs.defer("directory", "diff").select_related("created_by")[:20]


def get_sync_run(config: MessengerConfig, pk: int) -> SyncRun:
    return get_object_or_404(SyncRun.objects.defer("directory"), config=config, pk=pk)


SHOWN_ROWS = 200
LABELS = {
    ("departments", "added"): _("Departments added"),
    ("departments", "renamed"): _("Departments renamed"),
    ("departments", "moved"): _("Departments moved"),
    ("departments", "left"): _("Departments no longer in the directory (kept)"),
    ("people", "added"): _("People added"),
    ("people", "renamed"): _("People renamed"),
    ("people", "moved"): _("People moved to another department"),
    ("people", "phone"): _("Mobile numbers changed"),
    ("people", "left"): _("People who left (deactivated, not deleted)"),
    ("people", "returning"): _("People back in the directory (reactivated)"),
    ("people", "to_confirm"): _(
        "Employees on record, not linked, whose number equals a messenger user id or "
        "whose mobile number is a messenger user's: tick those who are the same person to "
        "link them (they are updated from the next sync)"
    ),
    ("people", "untouched"): _(
        "The administrator, staff and people linked to another messenger account: never "
        "changed by a sync"
    ),
}


def sync_summary(run: SyncRun) -> list[dict[str, Any]]:
    """Each part of the difference with its count and its first rows."""
    return [
        {
            "key": f"{part}.{change}",
            "label": LABELS.get((part, change), f"{part} {change}"),
            "count": len(rows),
            "rows": rows[:SHOWN_ROWS],
        }
        for part, changes in (run.diff or {}).items()
        for change, rows in changes.items()
    ]


def accounts_of(user: Any) -> QuerySet[MessengerAccount]:
    return MessengerAccount.objects.filter(user=user).select_related("config")
