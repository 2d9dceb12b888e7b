"""The delivery log in the header navigation, and the inbox count every header shows."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from grassroots.accounts.navigation import NavEntry, register, register_context
from grassroots.notifications import policy
from grassroots.notifications.selectors import unread_count

register(
    NavEntry(
        "notifications:delivery_log",
        _("Delivery log"),
        order=130,
        shown=lambda scope, user: policy.can_read_delivery_log(scope),
    )
)


def _unread(user: Any) -> dict[str, Any]:
    return {"unread_count": unread_count(user)}


register_context("unread_count", _unread)
