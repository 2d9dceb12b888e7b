"""The task worker with a heartbeat, and the reaper that requeues abandoned tasks.

django-tasks-db marks a task RUNNING when a worker claims it. If that worker is killed
(power cut, OOM, kill -9) the task would stay RUNNING for ever. Our worker records a
heartbeat every few seconds; the reaper puts RUNNING tasks whose worker has stopped
beating back to READY, and another worker runs them again. Tasks are written to be
idempotent, so a task that had half-run does nothing twice.

The reaper runs inside every scheduler tick, not as a task: a reaper that is itself a
task could be left RUNNING by the worker it should recover from, and then nothing
would ever requeue anything again. A worker that lost the database in the middle of a
task (and so could not record the outcome) gives its own task back when the database
returns (`tasks_requeue_of_worker`). Finished tasks are pruned daily after
GRASSROOTS_TASKS_KEEP_DAYS days.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models.functions import Now
from django.utils import timezone

from grassroots.core.models import WorkerHeartbeat
from grassroots.core.outages import DATABASE_ERRORS
from grassroots.core.scheduling import periodic

logger = logging.getLogger(__name__)
# A worker silent for STALE_AFTER is taken for dead (30 s unless
# GRASSROOTS_WORKER_STALE_SECONDS says otherwise; the fault-injection suite uses less);
# it beats six times in that span, so one slow beat is not taken for death.
STALE_AFTER = datetime.timedelta(seconds=settings.GRASSROOTS_WORKER_STALE_SECONDS)
HEARTBEAT_SECONDS = max(1.0, STALE_AFTER.total_seconds() / 6)
PRUNE_BATCH = 2000


class Heartbeat:
    """Keeps a WorkerHeartbeat row fresh from a background thread."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="heartbeat", daemon=True)

    def start(self) -> None:
        self.beat()
        self._thread.start()

    def beat(self) -> None:
        # The database's clock, not this machine's: the reaper compares with the same
        # clock, so a worker on a host whose clock is behind is not taken for dead.
        fields = {"hostname": socket.gethostname()[:255], "pid": os.getpid(), "seen_at": Now()}
        if WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(**fields):
            return
        # after a long outage the reaper may have deleted the row, and a worker that is
        # alive must be seen alive again
        try:
            with transaction.atomic():
                WorkerHeartbeat.objects.create(worker_id=self.worker_id, **fields)
        except IntegrityError:  # created meanwhile by this worker's other thread
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(**fields)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=HEARTBEAT_SECONDS * 2)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DATABASE_ERRORS:
            logger.warning("could not remove the heartbeat of %s (database unavailable)", self)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                try:
                    close_old_connections()
                    self.beat()
                except DATABASE_ERRORS as error:
                    connection.close()
                    logger.warning("heartbeat: database unavailable (%s)", type(error).__name__)
                except Exception:
                    logger.exception("heartbeat failed")
        finally:
            connection.close()

    def __str__(self) -> str:
        return f"worker {self.worker_id}"


def tasks_requeue_abandoned() -> int:
    """Put RUNNING tasks whose worker stopped beating back in the queue.

    "Stopped beating" is judged by the database's clock, which also stamped the beats:
    the clocks of the scheduler's and the worker's machines play no part.
    """
    from django.tasks import task_backends

    from grassroots.core.redis_tasks import RedisTaskBackend

    backend = task_backends["default"]
    if isinstance(backend, RedisTaskBackend):
        return backend.requeue_abandoned()
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is not installed
        return 0
    from django.tasks import TaskResultStatus

    cutoff = Now() - STALE_AFTER
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    requeued = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    for result in running.only("id", "worker_ids"):
        worker_ids: list[Any] = result.worker_ids or []
        if worker_ids and worker_ids[-1] in alive:
            continue
        requeued += DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING
        ).update(status=TaskResultStatus.READY, started_at=None)
        logger.warning("Requeued task %s abandoned by worker %s", result.pk, worker_ids[-1:] or "?")
    WorkerHeartbeat.objects.filter(seen_at__lt=Now() - STALE_AFTER * 10).delete()
    return requeued


def tasks_requeue_of_worker(worker_id: str) -> int:
    """Give back the tasks this (live) worker holds as RUNNING but no longer runs: called
    by the worker itself when the database returns after an outage that interrupted a
    task before its outcome could be stored."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is not installed
        return 0
    from django.tasks import TaskResultStatus

    requeued = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
        "id", "worker_ids"
    ):
        if (result.worker_ids or [None])[-1] != worker_id:
            continue
        requeued += DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING
        ).update(status=TaskResultStatus.READY, started_at=None)
        logger.warning("Requeued task %s interrupted by a database outage", result.pk)
    return requeued


def tasks_prune(*, now: datetime.datetime | None = None, keep_days: int | None = None) -> int:
    """Delete finished (successful or failed) task results older than `keep_days`
    (GRASSROOTS_TASKS_KEEP_DAYS, 7 by default). Queued and running tasks are never
    touched. Returns how many were deleted."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is not installed
        return 0
    from django.tasks import TaskResultStatus

    now = now or timezone.now()
    days = settings.GRASSROOTS_TASKS_KEEP_DAYS if keep_days is None else keep_days
    old = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=now - datetime.timedelta(days=days),
    )
    deleted = 0
    while batch := list(old.values_list("pk", flat=True)[:PRUNE_BATCH]):
        deleted += DBTaskResult.objects.filter(pk__in=batch).delete()[0]
    return deleted


@periodic("core.prune_tasks", daily_at=datetime.time(3, 40))
def _prune_job(now: datetime.datetime) -> None:
    deleted = tasks_prune(now=now)
    if deleted:
        logger.info("Pruned %d finished task results", deleted)


@periodic(
    "core.sweep_deadlines", every=datetime.timedelta(seconds=settings.GRASSROOTS_SWEEP_SECONDS)
)
def _sweep_job(now: datetime.datetime) -> None:
    from grassroots.core.deadlines import deadlines_sweep

    deadlines_sweep(now=now)
