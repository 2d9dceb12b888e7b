"""Deadlines of the appeal loop, fired by the scheduler's sweep.

appeals.<stage>.<percent>: a share of the time to accept or answer is used — warn the
handlers; at 100 % the appeal is overdue and escalates (督办) to the level above.
appeals.callback: nobody rated the answer in time — close it unrated.
Also the periodic rebuilds of the rate rollup (rate_months).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence

from grassroots.appeals import rate_months, services
from grassroots.appeals.models import Appeal
from grassroots.core.deadlines import deadline_handler
from grassroots.core.models import Deadline
from grassroots.core.scheduling import periodic

logger = logging.getLogger(__name__)


@deadline_handler("appeals.")
def appeal_deadlines(deadlines: Sequence[Deadline], now: datetime.datetime) -> None:
    appeals = Appeal.objects.in_bulk([int(d.subject_id) for d in deadlines])
    for deadline in deadlines:
        appeal = appeals.get(int(deadline.subject_id))
        if appeal is None:
            continue
        if deadline.kind == "appeals.callback":
            if appeal.status == Appeal.Status.ANSWERED:
                services.appeal_close_unrated(appeal=appeal, at=now)
            continue
        stage = deadline.payload.get("stage", "accept")
        share = float(deadline.payload.get("share", 1.0))
        if share >= 1.0:
            services.appeal_escalate(appeal=appeal, stage=stage, at=now)
        else:
            services.appeal_warn(appeal=appeal, stage=stage, share=share, at=now)


@periodic("appeals.rate_months_recent", every=datetime.timedelta(minutes=10))
def rate_months_recent(now: datetime.datetime) -> None:
    """The rate rollup of the last three ended months, where late facts still arrive.
    An empty rollup (a new or restored installation before its first night) is built
    whole: the rates page reads every month before the rollup's last one from it, so
    holding only the recent months would leave the older ones out."""
    since = None if rate_months.covered_until() is None else rate_months.months_back(now, 3)
    rate_months.rate_months_refresh(now=now, since=since)


@periodic("appeals.rate_months_all", daily_at=datetime.time(2, 30))
def rate_months_all(now: datetime.datetime) -> None:
    """The whole rate rollup, once a night (an appeal can change long after its month)."""
    rate_months.rate_months_refresh(now=now)
