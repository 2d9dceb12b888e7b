"""The appeals' entries in the header navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.accounts.navigation import NavEntry, register
from grassroots.appeals import policy

register(
    NavEntry("appeals:mine", _("My appeals"), order=20, phone_rank=60),
    NavEntry(
        "appeals:queue",
        _("Appeals to handle"),
        order=30,
        shown=policy.may_open_queue,
        phone_rank=20,
    ),
)
