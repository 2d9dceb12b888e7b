"""Run the schedule: deadline sweeps, reminders, daily jobs. One runs at a time.

The loop never dies of a database outage: it logs "database unavailable, retrying in
N s", waits with capped exponential back-off, reconnects and carries on; it requeues no
dead worker's task until the database has been back for the workers' stale interval
(their heartbeats could not be written during the outage). Any other error in a tick is
logged and the next tick tries again.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string

from grassroots.core.outages import (
    DATABASE_ERRORS,
    Backoff,
    database_reset,
    database_unavailable,
)
from grassroots.core.scheduling import TICK_SECONDS, lease_release, scheduler_tick
from grassroots.core.workers import STALE_AFTER

logger = logging.getLogger("grassroots.core.scheduling")


class Command(BaseCommand):
    help = "Start periodic jobs when they are due. Several may be started; one leads."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--tick", type=float, default=TICK_SECONDS, help="seconds between passes"
        )
        parser.add_argument("--once", action="store_true", help="one pass, then exit")

    def handle(self, *args: Any, tick: float, once: bool, **options: Any) -> None:
        holder = get_random_string(24)
        self.running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            self.running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Scheduler {holder} started")
        backoff = Backoff()
        # After an outage, workers beat again only once the database is back: until it
        # has been up for the stale interval, a silent worker may be a live one.
        reap_from = 0.0
        try:
            while self.running:
                try:
                    close_old_connections()
                    started = scheduler_tick(holder=holder, reap=time.monotonic() >= reap_from)
                except DATABASE_ERRORS as error:
                    reap_from = time.monotonic() + STALE_AFTER.total_seconds()
                    database_reset()
                    delay = backoff.next_delay()
                    database_unavailable(error, delay, who=f"scheduler {holder}")
                    self._wait(delay)
                    continue  # --once too: one pass means one pass that reached the database
                except Exception:
                    logger.exception("Scheduler %s: the tick failed; trying again", holder)
                    started = []
                if backoff.failures:
                    self.stdout.write(f"Scheduler {holder}: database available again")
                    backoff.reset()
                if started:
                    self.stdout.write("Started: " + ", ".join(started))
                if once:
                    break
                self._wait(tick)
        finally:
            with contextlib.suppress(*DATABASE_ERRORS):  # the lease expires by itself
                lease_release(holder=holder)

    def _wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self.running and time.monotonic() < deadline:
            time.sleep(min(0.2, seconds))
