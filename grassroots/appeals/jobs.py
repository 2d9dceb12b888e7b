"""Deadlines of the appeal loop, fired by the scheduler's sweep.

appeals.<stage>.<percent>: a share of the time to accept or answer is used — warn the
handlers; at 100 % the appeal is overdue and escalates (督办) to the level above.
appeals.callback: nobody rated the answer in time — close it unrated.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence

from grassroots.appeals import services
from grassroots.appeals.models import Appeal
from grassroots.core.deadlines import deadline_handler
from grassroots.core.models import Deadline

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
