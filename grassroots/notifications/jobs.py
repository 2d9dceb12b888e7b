"""Periodic work of the notifications app (registered with the scheduler)."""

from __future__ import annotations

import datetime

from django.conf import settings

from grassroots.core.scheduling import periodic
from grassroots.notifications import services


@periodic(
    "notifications.send_due", every=datetime.timedelta(seconds=settings.GRASSROOTS_SWEEP_SECONDS)
)
def send_due(now: datetime.datetime) -> None:
    """Retries and quiet-hour deliveries whose time has come."""
    services.deliveries_send_due(now=now)


@periodic("notifications.daily_digest", daily_at=datetime.time(8, 0))
def daily_digest(now: datetime.datetime) -> None:
    services.digests_send(now=now)
