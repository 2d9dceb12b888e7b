"""Periodic work: which jobs exist, when each is due, and the scheduler's lease.

Apps register jobs with `@periodic(...)`. `scheduler_tick` (called by
`manage.py run_scheduler` every few seconds) takes or renews the lease — so that one
scheduler runs at a time however many are started — and enqueues every job that is
due. A job is due when it never ran, when its interval has passed since it last ran,
or (daily jobs) when its time of day has passed since it last ran: a scheduler that
comes back after downtime runs each missed job once, and every job handles everything
that is due as of the moment it runs, so nothing missed is lost.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from grassroots.core.models import PeriodicRun, SchedulerLease

logger = logging.getLogger(__name__)
LEASE_NAME = "scheduler"
LEASE_SECONDS = 60


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: Callable[[datetime.datetime], Any]
    every: datetime.timedelta | None = None
    daily_at: datetime.time | None = None


JOBS: dict[str, PeriodicJob] = {}


def periodic(
    name: str, *, every: datetime.timedelta | None = None, daily_at: datetime.time | None = None
) -> Callable[[Callable[[datetime.datetime], Any]], Callable[[datetime.datetime], Any]]:
    if (every is None) == (daily_at is None):
        raise ValueError("a periodic job runs either every interval or daily at a time")

    def register(func: Callable[[datetime.datetime], Any]) -> Callable[[datetime.datetime], Any]:
        JOBS[name] = PeriodicJob(name, func, every, daily_at)
        return func

    return register


def is_due(
    job: PeriodicJob, *, last_run: datetime.datetime | None, now: datetime.datetime, zone: ZoneInfo
) -> bool:
    """Pure: whether a job should start now, given when it last started."""
    if last_run is None:
        return True
    if job.every is not None:
        return now - last_run >= job.every
    assert job.daily_at is not None
    local_now = now.astimezone(zone)
    today_at = datetime.datetime.combine(local_now.date(), job.daily_at, tzinfo=zone)
    latest_slot = today_at if local_now >= today_at else today_at - datetime.timedelta(days=1)
    return last_run < latest_slot


def lease_acquire(*, holder: str, now: datetime.datetime, seconds: int = LEASE_SECONDS) -> bool:
    """Take or renew the scheduler lease; False while another scheduler holds it."""
    with transaction.atomic():
        lease = SchedulerLease.objects.select_for_update().filter(name=LEASE_NAME).first()
        expires = now + datetime.timedelta(seconds=seconds)
        if lease is None:
            SchedulerLease.objects.create(name=LEASE_NAME, holder=holder, expires_at=expires)
            return True
        if lease.holder != holder and lease.expires_at > now:
            return False
        lease.holder = holder
        lease.expires_at = expires
        lease.save(update_fields=["holder", "expires_at"])
        return True


def lease_release(*, holder: str) -> None:
    SchedulerLease.objects.filter(name=LEASE_NAME, holder=holder).delete()


def scheduler_tick(*, holder: str, now: datetime.datetime | None = None) -> list[str]:
    """One pass of the scheduler: returns the names of the jobs it started."""
    from grassroots.core.tasks import run_periodic_job

    now = now or timezone.now()
    if not lease_acquire(holder=holder, now=now):
        return []
    zone = ZoneInfo(settings.TIME_ZONE)
    runs = {run.name: run for run in PeriodicRun.objects.filter(name__in=JOBS)}
    started = []
    for name, job in sorted(JOBS.items()):
        run = runs.get(name) or PeriodicRun(name=name)
        if not is_due(job, last_run=run.last_enqueued_at, now=now, zone=zone):
            continue
        if _still_pending(run):
            continue  # the previous run has not finished: do not pile up
        run.last_enqueued_at = now
        run.save()
        result = run_periodic_job.enqueue(name)
        PeriodicRun.objects.filter(name=name).update(last_task_id=str(result.id))
        started.append(name)
    return started


def _still_pending(run: PeriodicRun) -> bool:
    from django.tasks import TaskResultStatus

    from grassroots.core.tasks import run_periodic_job

    if not run.last_task_id or not run_periodic_job.get_backend().supports_get_result:
        return False
    try:
        result = run_periodic_job.get_result(run.last_task_id)
    except Exception:
        return False
    return result.status in (TaskResultStatus.READY, TaskResultStatus.RUNNING)
