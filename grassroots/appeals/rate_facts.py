"""The one definition of what the three rates count (响应率 / 解决率 / 满意率).

Live counting (rates.rate_counts) and the monthly rollup (rate_months) both build
their queries from here, so a month read from the rollup is the month counted live.

An appeal counts in the period its deadline falls in: its acceptance deadline for the
response rate (charged to the first receiver, 首接负责), its answer deadline for the
resolution and satisfaction rates (charged to the organisation that handled it).
Withdrawn and merged appeals are left out; an appeal closed unrated counts in the
response rate only; an acceptance deadline counts once it has passed, or earlier when
the appeal was already accepted or declined.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from grassroots.appeals.models import Appeal
from grassroots.appeals.rules import RateCounts
from grassroots.core.satisfaction import Satisfaction

EXCLUDED = (Appeal.Status.WITHDRAWN, Appeal.Status.MERGED)
RESPONSE_FIELDS = ("due", "responded_in_time")
ANSWER_FIELDS = ("answered", "resolved", "satisfied", "fairly")
COUNT_FIELDS = RESPONSE_FIELDS + ANSWER_FIELDS  # RateCounts' fields, RateMonth's columns


def responses(
    appeals: QuerySet[Appeal],
    *,
    start: datetime.datetime | None,
    end: datetime.datetime,
    now: datetime.datetime,
) -> QuerySet[Appeal]:
    """The appeals counted for the response rate whose acceptance deadline falls from
    `start` (None: any time before) to `end` (exclusive), as they stand at `now`."""
    rows = appeals.exclude(status__in=EXCLUDED).filter(accept_due_at__lt=end)
    if start is not None:
        rows = rows.filter(accept_due_at__gte=start)
    return rows.filter(Q(accept_due_at__lte=now) | Q(responded_at__isnull=False))


def answers(
    appeals: QuerySet[Appeal], *, start: datetime.datetime | None, end: datetime.datetime
) -> QuerySet[Appeal]:
    """The appeals counted for the resolution and satisfaction rates: rated (the
    call-back answer is in), answer deadline from `start` to `end` (exclusive)."""
    rows = appeals.exclude(status__in=EXCLUDED).filter(answer_due_at__lt=end)
    if start is not None:
        rows = rows.filter(answer_due_at__gte=start)
    return rows.exclude(satisfaction="")


def response_counts() -> dict[str, Any]:
    """Aggregates over `responses(...)`. COUNT(*) and COUNT(status), not COUNT(id):
    every column read is in the deadline indexes (appeal_accept_rate_idx,
    appeal_answer_rate_idx), so no table row is visited. (Django allows no filter on
    COUNT(*); status is never empty.)"""
    return {
        "due": Count("*"),
        "responded_in_time": Count("status", filter=Q(responded_at__lte=F("accept_due_at"))),
    }


def answer_counts() -> dict[str, Any]:
    """Aggregates over `answers(...)`."""
    return {
        "answered": Count("*"),
        "resolved": Count("status", filter=Q(resolved=True)),
        "satisfied": Count("status", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        "fairly": Count("status", filter=Q(satisfaction=Satisfaction.FAIRLY)),
    }


def counts_of(values: dict[str, Any]) -> RateCounts:
    """RateCounts from a row holding some of the aggregates (missing ones are 0)."""
    return RateCounts(**{name: values.get(name) or 0 for name in COUNT_FIELDS})
