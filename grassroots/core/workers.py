"""The task worker with a heartbeat, and the reaper that requeues abandoned tasks.

django-tasks-db marks a task RUNNING when a worker claims it. If that worker is killed
(power cut, OOM, kill -9) the task would stay RUNNING for ever. Our worker records a
heartbeat every few seconds; the reaper (a periodic job) puts RUNNING tasks whose
worker has stopped beating back to READY, and another worker runs them again. Tasks
are written to be idempotent, so a task that had half-run does nothing twice.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from grassroots.core.models import WorkerHeartbeat
from grassroots.core.scheduling import periodic

logger = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 5
STALE_AFTER = datetime.timedelta(seconds=30)


class Heartbeat:
    """Keeps a WorkerHeartbeat row fresh from a background thread."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="heartbeat", daemon=True)

    def start(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "seen_at": timezone.now(),
            },
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=HEARTBEAT_SECONDS * 2)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                try:
                    close_old_connections()
                    WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(
                        seen_at=timezone.now()
                    )
                except Exception:
                    logger.exception("heartbeat failed")
        finally:
            connection.close()


def tasks_requeue_abandoned(*, now: datetime.datetime | None = None) -> int:
    """Put RUNNING tasks whose worker stopped beating back in the queue."""
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

    now = now or timezone.now()
    cutoff = now - STALE_AFTER
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
    WorkerHeartbeat.objects.filter(seen_at__lt=now - STALE_AFTER * 10).delete()
    return requeued


@periodic("core.requeue_abandoned_tasks", every=datetime.timedelta(minutes=1))
def _requeue_job(now: datetime.datetime) -> None:
    tasks_requeue_abandoned(now=now)


@periodic(
    "core.sweep_deadlines", every=datetime.timedelta(seconds=settings.GRASSROOTS_SWEEP_SECONDS)
)
def _sweep_job(now: datetime.datetime) -> None:
    from grassroots.core.deadlines import deadlines_sweep

    deadlines_sweep(now=now)
