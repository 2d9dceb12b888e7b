"""The monthly grouping: each night, last month's topics for every committee that has
none yet (the 1st's run, or a catch-up after downtime)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from grassroots.core.scheduling import periodic
from grassroots.insights.topics.services import monthly_runs


@periodic("insights.hot_topics", daily_at=datetime.time(3, 40))
def hot_topics_monthly(now: datetime.datetime) -> int:
    return monthly_runs(today=timezone.localdate(now))
