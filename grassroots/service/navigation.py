"""The service hub in the header navigation: open to everyone signed in. Employees and
members, who come here mostly to sign up for an activity, also get the activities list
as an entry of its own (on a phone it stays in the bar, not under "More")."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from grassroots.accounts.navigation import NavEntry, register
from grassroots.accounts.scope import Scope


def _not_an_officer(scope: Scope, user: Any) -> bool:
    return not (scope.is_officer or scope.is_admin)


register(
    NavEntry("service:activities", _("Activities"), order=45, shown=_not_an_officer, phone_rank=35),
    NavEntry("service:home", _("Service"), order=50, phone_rank=50),
)
