"""Periodic work of the notifications app (registered with the scheduler)."""

from __future__ import annotations

import datetime

from django.conf import settings

from grassroots.core.scheduling import periodic
from grassroots.notifications import rules, services


@periodic(
    "notifications.send_due", every=datetime.timedelta(seconds=settings.GRASSROOTS_SWEEP_SECONDS)
)
def send_due(now: datetime.datetime) -> None:
    """Retries and quiet-hour deliveries whose time has come."""
    services.deliveries_send_due(now=now)


@periodic("notifications.daily_digest", daily_at=rules.DAILY_AT)
def daily_digest(now: datetime.datetime) -> None:
    """First the daily inbox notices, then the daily emails (which hold the same
    notices' emails for those who take them once a day)."""
    try:
        services.daily_notices_send(now=now)
    finally:  # one bad row in the first must not hold everyone's emails a day
        services.digests_send(now=now)
