"""Periodic work of the access layer: sign-in records kept only for a short time."""

from __future__ import annotations

import datetime

from grassroots.accounts.services import sign_in_records_prune
from grassroots.core.scheduling import periodic


@periodic("accounts.sign_in_records_prune", daily_at=datetime.time(3, 50))
def sign_in_records(now: datetime.datetime) -> None:
    sign_in_records_prune(now=now)
