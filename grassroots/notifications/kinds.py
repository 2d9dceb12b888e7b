"""The notifications app's own kinds of notice (the registry itself is `core.notices`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.core.notices import KINDS, Kind, define_kind

__all__ = ["KINDS", "REMINDER", "WEBHOOK_PAUSED", "Kind", "define_kind"]

REMINDER = define_kind("reminder", _("Reminders"), to_group=True)
WEBHOOK_PAUSED = define_kind(
    "notifications.webhook_paused", _("Group-chat robots that stopped working")
)
