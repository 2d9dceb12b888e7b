"""Fault injection: a real worker and scheduler against PostgreSQL, under load, while
we kill -9 the worker mid-task, take the database away, and start schedulers in pairs.

PostgreSQL only (the outage is made by refusing and terminating connections to the
test database, never by stopping the server, which other databases share). Bounded to
about two minutes. Run alone, with the figures printed:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_faults \\
        .venv/bin/python -m pytest -q -s -m faults tests/faults

Each scenario prints one FIGURES line (docs/benchmarks.md holds a run's figures).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
STALE_SECONDS = 4  # the dead worker's heartbeat is taken as stale this fast here
OUTAGE_SECONDS = 15

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not DATABASE_URL.startswith("postgres"),
        reason="the fault-injection suite runs on PostgreSQL only "
        "(set DATABASE_URL=postgres://…; it runs in the PostgreSQL pass of CI)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


# --- Processes ------------------------------------------------------------------------------


def _database_url() -> str:
    from grassroots.core.tests.test_workers import _database_url as url

    return url()


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": _database_url(),
        "GRASSROOTS_WORKER_STALE_SECONDS": str(STALE_SECONDS),
        "GRASSROOTS_SWEEP_SECONDS": "2",
        "GRASSROOTS_MAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONWARNINGS": "ignore::SyntaxWarning",
        "PYTHONUNBUFFERED": "1",
    }


class Process:
    """A manage.py command with its output in a file we can read while it runs."""

    def __init__(self, log: Path, *command: str) -> None:
        self.log = log
        self._file = log.open("w")
        self.popen = subprocess.Popen(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=_env(),
            stdout=self._file,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log.read_text()

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._file.close()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Any]:
    started: list[Process] = []

    def start(name: str, *command: str) -> Process:
        process = Process(tmp_path / f"{name}-{len(started)}.log", *command)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def database_tasks(settings: Any) -> Iterator[None]:
    from grassroots.core.tests.test_workers import _use_tasks

    _use_tasks(settings, "django_tasks_db.DatabaseBackend")
    yield
    _use_tasks(settings, "django.tasks.backends.immediate.ImmediateBackend")


def wait_for(condition: Any, seconds: float, what: str) -> float:
    """Wait until condition() is true; returns how long it took."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def status_of(result_id: Any) -> str:
    from django_tasks_db.models import DBTaskResult

    return str(DBTaskResult.objects.get(pk=result_id).status)


# --- The outage -----------------------------------------------------------------------------


def database_outage(seconds: float) -> None:
    """Take the test database away for `seconds`: refuse new connections to it and keep
    terminating the ones that exist. The server and its other databases are untouched."""
    import psycopg

    name = connection.settings_dict["NAME"]
    server = _database_url().rsplit("/", 1)[0]
    with psycopg.connect(server + "/postgres", autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        try:
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                admin.execute(
                    "select pg_terminate_backend(pid) from pg_stat_activity "
                    "where datname = %s and pid <> pg_backend_pid()",
                    [name],
                )
                time.sleep(0.5)
        finally:
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')


class Load:
    """Threads raising appeals through the intake service, counting what was acknowledged
    (the service returned) and what failed (it raised: the caller was told)."""

    def __init__(self, world: Any, threads: int = 3) -> None:
        self.world = world
        self.acknowledged: list[int] = []
        self.failed = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._submit, args=(n,), daemon=True) for n in range(threads)
        ]

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _submit(self, n: int) -> None:
        from django.db import connections

        from grassroots.appeals.tests.factories import raise_appeal

        count = 0
        try:
            while not self._stop.is_set():
                count += 1
                try:
                    appeal = raise_appeal(self.world, title=f"负载 {n}-{count}")
                except Exception:
                    with self._lock:
                        self.failed += 1
                    connections.close_all()
                    time.sleep(0.2)
                    continue
                with self._lock:
                    self.acknowledged.append(appeal.pk)
                time.sleep(0.05)
        finally:
            connections.close_all()


# --- Scenarios ------------------------------------------------------------------------------


def test_a_worker_killed_mid_task_has_its_job_run_again(world, database_tasks, processes, tmp_path):
    from grassroots.core.tests.probe_tasks import notify_once
    from grassroots.notifications.models import Notification

    # given: a worker and a scheduler; a job that takes a few seconds
    marker = tmp_path / "starts.txt"
    result = notify_once.enqueue(world.member_a.user_id, "faults-killed", str(marker), 3.0)
    first = processes("worker", "run_worker", "--interval", "0.2")
    processes("scheduler", "run_scheduler", "--tick", "1")
    wait_for(lambda: marker.exists(), 60, "the worker to start the job")
    # when: the worker is killed in the middle of it, and another worker is running
    first.popen.send_signal(signal.SIGKILL)
    first.popen.wait(timeout=10)
    killed_at = time.monotonic()
    assert status_of(result.id) == TaskResultStatus.RUNNING
    processes("worker", "run_worker", "--interval", "0.2")
    # then: the scheduler gives the job back, it runs again and its effect happens once
    wait_for(
        lambda: status_of(result.id) == TaskResultStatus.SUCCESSFUL, 60, "the job to run again"
    )
    rerun_after = time.monotonic() - killed_at
    assert marker.read_text().count("start") == 2
    assert Notification.objects.filter(dedupe_key="faults-killed").count() == 1
    print(
        f"\nFIGURES kill-9: job run again {rerun_after:.1f} s after the kill (stale after {STALE_SECONDS} s)"
    )


def test_worker_and_scheduler_carry_on_after_a_database_outage_under_load(
    world, database_tasks, processes
):
    from django_tasks_db.models import DBTaskResult

    from grassroots.appeals.models import Appeal
    from grassroots.core.models import PeriodicRun
    from grassroots.core.outages import database_reset
    from grassroots.core.tests.probe_tasks import notify_once

    # given: a worker and a scheduler running, and appeals coming in from three threads
    worker = processes("worker", "run_worker", "--interval", "0.2")
    scheduler = processes("scheduler", "run_scheduler", "--tick", "1")
    wait_for(lambda: "Started:" in scheduler.output(), 60, "the scheduler's first pass")
    with Load(world) as load:
        time.sleep(5)
        # when: the database is unreachable for OUTAGE_SECONDS
        database_outage(OUTAGE_SECONDS)
        back = timezone.now()
        acknowledged_before = len(load.acknowledged)
        database_reset()  # this thread's own connection was terminated too
        # then: both processes are still running, said what happened, and work again
        probe = notify_once.enqueue(world.member_a.user_id, "faults-after-outage")
        worker_back = wait_for(
            lambda: status_of(probe.id) == TaskResultStatus.SUCCESSFUL,
            60,
            "a task after the outage",
        )
        scheduler_back = wait_for(
            lambda: PeriodicRun.objects.filter(
                name="core.sweep_deadlines", last_finished_at__gt=back
            ).exists(),
            60,
            "a deadline sweep after the outage",
        )
        time.sleep(3)
    assert worker.alive(), worker.output()[-3000:]
    assert scheduler.alive(), scheduler.output()[-3000:]
    assert "database unavailable, retrying in" in worker.output()
    assert "database unavailable, retrying in" in scheduler.output()
    assert len(load.acknowledged) > acknowledged_before  # the intake works again too
    # every appeal the service acknowledged is stored
    stored = Appeal.objects.filter(pk__in=load.acknowledged).count()
    assert stored == len(load.acknowledged) > 0
    # nothing is left stuck: every task queued before the outage ended has finished
    wait_for(
        lambda: (
            not DBTaskResult.objects.filter(
                enqueued_at__lt=back, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
            ).exists()
        ),
        60,
        "the tasks queued before the outage to finish",
    )
    tasks = DBTaskResult.objects.filter(enqueued_at__lt=back)
    failed = tasks.filter(status=TaskResultStatus.FAILED).count()
    print(
        f"\nFIGURES outage: {OUTAGE_SECONDS} s outage under load; appeals acknowledged "
        f"{len(load.acknowledged)}, stored {stored}, refused during the outage {load.failed}; "
        f"tasks queued before the end {tasks.count()}, failed {failed}; "
        f"worker retry lines {worker.output().count('database unavailable, retrying')}, "
        f"scheduler retry lines {scheduler.output().count('database unavailable, retrying')}; "
        f"after the database returned, a new task ran within {worker_back:.1f} s and a "
        f"deadline sweep within {worker_back + scheduler_back:.1f} s"
    )


def test_two_schedulers_started_together_both_survive_and_queue_each_job_once(
    world, database_tasks, processes
):
    from django_tasks_db.models import DBTaskResult

    from grassroots.core.models import PeriodicRun, SchedulerLease

    rounds = 3
    for _ in range(rounds):
        # given: a fresh install's state: no lease, no run recorded, nothing queued
        SchedulerLease.objects.all().delete()
        PeriodicRun.objects.all().delete()
        DBTaskResult.objects.all().delete()
        # when: two schedulers start at the same moment
        pair = [processes("scheduler", "run_scheduler", "--once") for _ in range(2)]
        for process in pair:
            process.popen.wait(timeout=60)
        outputs = [process.output() for process in pair]
        # then: neither crashed, and each due job was queued once between them
        for process, output in zip(pair, outputs, strict=True):
            assert process.popen.returncode == 0, output
            assert "Traceback" not in output and "IntegrityError" not in output, output
        started = [
            name
            for output in outputs
            for line in re.findall(r"Started: (.*)", output)
            for name in line.split(", ")
        ]
        assert started and len(started) == len(set(started))
        assert DBTaskResult.objects.count() == len(started)
    print(f"\nFIGURES schedulers: {rounds} rounds of two schedulers started together, 0 crashes")
