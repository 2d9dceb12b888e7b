"""Organisational life in the header navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.accounts.navigation import NavEntry, register
from grassroots.orglife import policy

register(
    NavEntry(
        "orglife:mine", _("Organisational life"), order=40, shown=policy.may_open, phone_rank=30
    )
)
