"""Run the schedule: deadline sweeps, reminders, daily jobs. One runs at a time."""

from __future__ import annotations

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string

from grassroots.core.scheduling import lease_release, scheduler_tick


class Command(BaseCommand):
    help = "Start periodic jobs when they are due. Several may be started; one leads."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--tick", type=float, default=15.0, help="seconds between passes")
        parser.add_argument("--once", action="store_true", help="one pass, then exit")

    def handle(self, *args: Any, tick: float, once: bool, **options: Any) -> None:
        holder = get_random_string(24)
        running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Scheduler {holder} started")
        try:
            while running:
                close_old_connections()
                started = scheduler_tick(holder=holder)
                if started:
                    self.stdout.write("Started: " + ", ".join(started))
                if once:
                    break
                deadline = time.monotonic() + tick
                while running and time.monotonic() < deadline:
                    time.sleep(0.2)
        finally:
            lease_release(holder=holder)
