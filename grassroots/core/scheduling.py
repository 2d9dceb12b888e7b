"""Periodic work: which jobs exist, when each is due, and the scheduler's lease.

Apps register jobs with `@periodic(...)`. `scheduler_tick` (called by
`manage.py run_scheduler` every TICK_SECONDS) takes or renews the lease — so that one
scheduler runs at a time however many are started — puts tasks of dead workers back in
the queue, and enqueues every job that is due.

- An interval job is due when it never ran or when its interval has passed since it
  last started. A daily job is due when its time of day has passed since it last
  started; on a fresh install (never started) only once its time has passed today, so a
  daily 08:00 job does not run at 07:00 just because the scheduler was started then. A
  scheduler that comes back after downtime runs each missed job once, and every job
  handles everything that is due as of the moment it runs, so nothing missed is lost.
- A tick is one transaction holding the lease row locked: recording a run and queuing
  its task commit together (a crash between them cannot skip a run), and two schedulers
  never tick at the same time even when one of them is slow.
- A job whose previous run is still queued or running is not queued again. A run whose
  worker died is put back in the queue by the tick itself (the reaper, `core.workers`,
  judging by the workers' heartbeats in database time), so it runs again; a run that
  has gone on for longer than RUN_TIMEOUT under a worker that is alive is only logged
  as a warning, never run a second time beside itself.
- Takeover: the leader renews its lease every tick; a standby takes over when the lease
  has expired, at worst LEASE_SECONDS + TICK_SECONDS after the leader stopped
  (TAKEOVER_SECONDS, the figure docs/operations.md gives).
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
LEASE_SECONDS = 30
TICK_SECONDS = 10.0
TAKEOVER_SECONDS = 45  # >= LEASE_SECONDS + TICK_SECONDS, with room for a slow tick
RUN_TIMEOUT = datetime.timedelta(minutes=30)


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
    if job.every is not None:
        return last_run is None or now - last_run >= job.every
    assert job.daily_at is not None
    local_now = now.astimezone(zone)
    today_at = datetime.datetime.combine(local_now.date(), job.daily_at, tzinfo=zone)
    if last_run is None:  # a fresh install: not before today's time
        return local_now >= today_at
    latest_slot = today_at if local_now >= today_at else today_at - datetime.timedelta(days=1)
    return last_run < latest_slot


def lease_acquire(*, holder: str, now: datetime.datetime, seconds: int = LEASE_SECONDS) -> bool:
    """Take or renew the scheduler lease; False while another scheduler holds it.

    The row is locked until the caller's transaction ends. Two schedulers starting
    together on an empty table both insert the row "if missing" (one of them does, the
    other's insert does nothing), then queue on the row lock: no duplicate-key crash.
    A stopping scheduler releases the lease by emptying the row, never deleting it; a
    row deleted by hand (or by an older version) while we wait on its lock is inserted
    again, a few times at most, before this pass gives up.
    """
    with transaction.atomic():
        for _attempt in range(3):
            SchedulerLease.objects.bulk_create(
                [SchedulerLease(name=LEASE_NAME, holder="", expires_at=now)],
                ignore_conflicts=True,
            )
            lease = SchedulerLease.objects.select_for_update().filter(name=LEASE_NAME).first()
            if lease is not None:
                break
        else:
            return False
        if lease.holder not in ("", holder) and lease.expires_at > now:
            return False
        lease.holder = holder
        lease.expires_at = now + datetime.timedelta(seconds=seconds)
        lease.save(update_fields=["holder", "expires_at"])
        return True


def lease_release(*, holder: str) -> None:
    """Give the lease up at once (a standby takes it on its next pass). The row stays:
    deleting it under a standby waiting on its lock would leave that one nothing to
    lock."""
    SchedulerLease.objects.filter(name=LEASE_NAME, holder=holder).update(
        holder="", expires_at=timezone.now()
    )


def scheduler_tick(
    *, holder: str, now: datetime.datetime | None = None, reap: bool = True
) -> list[str]:
    """One pass of the scheduler: returns the names of the jobs it started.

    `reap=False` skips requeuing the tasks of dead workers: run_scheduler passes it
    while the database has been back from an outage for less than the workers' stale
    interval, since live workers may not have beaten again yet.
    """
    from grassroots.core.tasks import run_periodic_job
    from grassroots.core.workers import tasks_requeue_abandoned

    now = now or timezone.now()
    with transaction.atomic():
        if not lease_acquire(holder=holder, now=now):
            return []
        if reap:
            tasks_requeue_abandoned()
        zone = ZoneInfo(settings.TIME_ZONE)
        runs = {run.name: run for run in PeriodicRun.objects.filter(name__in=JOBS)}
        started = []
        for name, job in sorted(JOBS.items()):
            run = runs.get(name)
            last_run = run.last_enqueued_at if run else None
            if not is_due(job, last_run=last_run, now=now, zone=zone):
                continue
            if run is not None and _still_pending(run, now=now):
                continue  # the previous run has not finished: do not pile up
            PeriodicRun.objects.update_or_create(name=name, defaults={"last_enqueued_at": now})
            result = run_periodic_job.enqueue(name)
            PeriodicRun.objects.filter(name=name).update(last_task_id=str(result.id))
            started.append(name)
        return started


def _still_pending(run: PeriodicRun, *, now: datetime.datetime) -> bool:
    from django.tasks import TaskResultStatus
    from django.tasks.exceptions import TaskResultDoesNotExist

    from grassroots.core.tasks import run_periodic_job

    if not run.last_task_id or not run_periodic_job.get_backend().supports_get_result:
        return False
    try:
        result = run_periodic_job.get_result(run.last_task_id)
    except TaskResultDoesNotExist:
        return False  # pruned, or never stored
    if result.status == TaskResultStatus.READY:
        return True
    if result.status == TaskResultStatus.RUNNING:
        # Its worker is alive (the reaper has just put a dead worker's task back in the
        # queue): queuing a second run beside it would run the job twice at once.
        if result.started_at is not None and now - result.started_at >= RUN_TIMEOUT:
            logger.warning(
                "Periodic job %s has been running since %s under a live worker; "
                "not starting another run",
                run.name,
                result.started_at.isoformat(timespec="seconds"),
            )
        return True
    return False
