"""A django-tasks-db worker that records a heartbeat (see grassroots.core.workers) and
rides out database outages: it waits with back-off, reconnects, gives back a task the
outage interrupted, and carries on."""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django.tasks import task_backends
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from grassroots.core.outages import (
    DATABASE_ERRORS,
    Backoff,
    database_reset,
    database_unavailable,
)
from grassroots.core.redis_tasks import RedisTaskBackend, run_redis_worker
from grassroots.core.workers import Heartbeat, tasks_requeue_of_worker


class HeartbeatWorker(Worker):
    def run(self) -> None:
        heartbeat = Heartbeat(self.worker_id)
        backoff = Backoff()
        beating = False
        try:
            while self.running:
                try:
                    if not beating:
                        heartbeat.start()
                        beating = True
                    elif backoff.failures:
                        # back after an outage: a task it interrupted is still RUNNING
                        # under this live worker, so no reaper would ever requeue it
                        tasks_requeue_of_worker(self.worker_id)
                    backoff.reset()
                    super().run()
                    return  # --batch or --max-tasks done, or asked to stop
                except DATABASE_ERRORS as error:
                    database_reset()
                    delay = backoff.next_delay()
                    database_unavailable(error, delay, who=f"worker {self.worker_id}")
                    self._wait(delay)
        finally:
            if beating:
                heartbeat.stop()

    def _wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self.running and time.monotonic() < deadline:
            time.sleep(min(0.2, seconds))


class Command(BaseCommand):
    help = "Run background tasks (database or Redis queue), with a heartbeat."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queue-name", default="*", help="comma-separated queues, * for all")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--backend", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = task_backends[options["backend"]]
        if isinstance(backend, RedisTaskBackend):
            self._run_redis(backend, options)
            return
        logging.getLogger("django_tasks_db").setLevel(logging.INFO)
        worker = HeartbeatWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend"],
            startup_delay=not options["batch"],
            max_tasks=options["max_tasks"],
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()

    def _run_redis(self, backend: RedisTaskBackend, options: dict[str, Any]) -> None:
        running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        queues = (
            sorted(backend.queues)
            if options["queue_name"] == "*"
            else options["queue_name"].split(",")
        )
        run_redis_worker(
            backend,
            worker_id=get_random_string(32),
            queues=queues,
            interval=options["interval"],
            batch=options["batch"],
            should_run=lambda: running,
        )
