"""Real worker processes: a job runs end to end, a killed worker loses no job, and a
job retried after a crash sends nothing twice."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone

from grassroots.core.models import PeriodicRun, WorkerHeartbeat
from grassroots.core.scheduling import scheduler_tick
from grassroots.core.tests.probe_tasks import notify_once
from grassroots.core.workers import STALE_AFTER, Heartbeat, tasks_requeue_abandoned
from grassroots.notifications.models import Delivery, Notification, Webhook
from grassroots.notifications.tests.receiver import RobotReceiver

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _use_tasks(settings: Any, backend: str) -> None:
    settings.TASKS = {"default": {"BACKEND": backend}}
    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
    if hasattr(task_backends._connections, "default"):
        delattr(task_backends._connections, "default")


@pytest.fixture
def database_tasks(settings):
    _use_tasks(settings, "django_tasks_db.DatabaseBackend")
    yield
    _use_tasks(settings, "django.tasks.backends.immediate.ImmediateBackend")


def _database_url() -> str:
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    user = config["USER"] or "postgres"
    password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    host = f"{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}"
    return f"postgres://{user}{password}@{host}/{config['NAME']}"


def start_worker(*extra: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": _database_url(),
        "GRASSROOTS_WEBHOOK_ALLOW_LOOPBACK": "1",
        "PYTHONWARNINGS": "ignore::SyntaxWarning",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition: Any, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def status_of(result_id: Any) -> str:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.get(pk=result_id).status


def test_a_real_worker_runs_a_job_end_to_end(world, database_tasks):
    with RobotReceiver() as receiver:
        Webhook.objects.create(
            org_unit=world.branch_a, platform="wecom", name="群", url=receiver.url
        )
        result = notify_once.enqueue(world.member_a.user_id, "end-to-end")
        worker = start_worker("--batch")
        output, _ = worker.communicate(timeout=60)
        assert worker.returncode == 0, output
    assert status_of(result.id) == TaskResultStatus.SUCCESSFUL
    assert Notification.objects.filter(dedupe_key="end-to-end").count() == 1
    assert [r.body["msgtype"] for r in receiver.received] == ["markdown"]


def test_a_killed_worker_loses_no_job_and_the_job_completes_once(world, database_tasks, tmp_path):
    # given: a job that takes a few seconds, picked up by a worker
    marker = tmp_path / "starts.txt"
    result = notify_once.enqueue(world.member_a.user_id, "killed", str(marker), 3.0)
    first = start_worker()
    wait_for(lambda: marker.exists() and marker.read_text().count("start") == 1)
    # when: the worker dies in the middle of the job (no chance to clean up)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert status_of(result.id) == TaskResultStatus.RUNNING
    assert not Notification.objects.filter(dedupe_key="killed").exists()
    # the scheduler's reaper, once the dead worker's heartbeat is stale, requeues it
    from django_tasks_db.models import DBTaskResult

    long_ago = timezone.now() - STALE_AFTER - STALE_AFTER
    WorkerHeartbeat.objects.update(seen_at=long_ago)
    DBTaskResult.objects.filter(pk=result.id).update(started_at=long_ago)
    assert tasks_requeue_abandoned() == 1
    second = start_worker("--batch")
    output, _ = second.communicate(timeout=60)
    # then: the job ran again and completed, with its effect made exactly once
    assert second.returncode == 0, output
    assert marker.read_text().count("start") == 2
    assert status_of(result.id) == TaskResultStatus.SUCCESSFUL
    assert Notification.objects.filter(dedupe_key="killed").count() == 1


def test_a_job_retried_after_a_crash_sends_nothing_twice(world, database_tasks):
    from django_tasks_db.models import DBTaskResult

    with RobotReceiver() as receiver:
        Webhook.objects.create(
            org_unit=world.branch_a, platform="wecom", name="群", url=receiver.url
        )
        result = notify_once.enqueue(world.member_a.user_id, "twice")
        output, _ = start_worker("--batch").communicate(timeout=60)
        assert status_of(result.id) == TaskResultStatus.SUCCESSFUL, output
        # a crash after the work but before the result was stored: the job runs again
        DBTaskResult.objects.filter(pk=result.id).update(
            status=TaskResultStatus.READY, finished_at=None
        )
        output, _ = start_worker("--batch").communicate(timeout=60)
        assert status_of(result.id) == TaskResultStatus.SUCCESSFUL, output
    assert Notification.objects.filter(dedupe_key="twice").count() == 1
    assert Delivery.objects.filter(dedupe_key__endswith=":twice", status="sent").count() == 1
    assert len(receiver.received) == 1


def _stuck(result_id: Any, *, worker: str, started: datetime.datetime) -> None:
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=result_id).update(
        status=TaskResultStatus.RUNNING, started_at=started, worker_ids=[worker]
    )


def test_a_worker_killed_inside_the_requeue_job_and_the_sweep_stops_nothing(
    world, database_tasks, monkeypatch
):
    from grassroots.core import scheduling, tasks
    from grassroots.core.tasks import run_periodic_job

    # given: a worker died (no heartbeat) while running the requeue job, and another
    # while running the deadline sweep; both rows were left RUNNING
    jobs = {name: job for name, job in scheduling.JOBS.items() if name.startswith("core.")}
    monkeypatch.setattr(scheduling, "JOBS", jobs)
    monkeypatch.setattr(tasks, "JOBS", jobs)
    now = timezone.now()
    two_minutes_ago = now - datetime.timedelta(minutes=2)
    stuck = {}
    for name in ("core.requeue_abandoned_tasks", "core.sweep_deadlines"):
        result = run_periodic_job.enqueue(name)
        _stuck(result.id, worker=f"dead-{name}", started=two_minutes_ago)
        PeriodicRun.objects.create(
            name=name, last_enqueued_at=two_minutes_ago, last_task_id=str(result.id)
        )
        stuck[name] = result.id
    # when: the scheduler ticks, then a worker runs whatever is queued
    scheduler_tick(holder="s", now=now)
    output, _ = start_worker("--batch").communicate(timeout=120)
    # then: the sweep ran again (and so did the interrupted requeue run)
    assert status_of(stuck["core.sweep_deadlines"]) == TaskResultStatus.SUCCESSFUL, output
    assert status_of(stuck["core.requeue_abandoned_tasks"]) == TaskResultStatus.SUCCESSFUL


def test_a_long_run_under_a_live_worker_is_not_run_a_second_time_beside_itself(
    world, database_tasks, monkeypatch, caplog
):
    from grassroots.core import scheduling, tasks
    from grassroots.core.tasks import run_periodic_job

    # given: the sweep has been RUNNING for hours under a worker that still beats
    jobs = {"core.sweep_deadlines": scheduling.JOBS["core.sweep_deadlines"]}
    monkeypatch.setattr(scheduling, "JOBS", jobs)
    monkeypatch.setattr(tasks, "JOBS", jobs)
    now = timezone.now()
    hung = run_periodic_job.enqueue("core.sweep_deadlines")
    _stuck(hung.id, worker="alive", started=now - datetime.timedelta(hours=3))
    Heartbeat("alive").beat()
    PeriodicRun.objects.create(
        name="core.sweep_deadlines",
        last_enqueued_at=now - datetime.timedelta(hours=3),
        last_task_id=str(hung.id),
    )
    # when: the scheduler ticks
    with caplog.at_level("WARNING"):
        started = scheduler_tick(holder="s", now=now)
    # then: no second run is queued beside it, the run is left alone, and it is logged
    assert started == []
    assert PeriodicRun.objects.get(name="core.sweep_deadlines").last_task_id == str(hung.id)
    assert status_of(hung.id) == TaskResultStatus.RUNNING
    assert "core.sweep_deadlines has been running since" in caplog.text


def test_a_worker_beating_in_database_time_is_not_reaped_whatever_the_clocks_say(
    world, database_tasks, monkeypatch
):
    from grassroots.core import workers

    # given: a worker whose machine's clock is an hour behind, running a task for two
    # minutes, beating as it should
    result = notify_once.enqueue(world.member_a.user_id, "clocks")
    _stuck(result.id, worker="slow-clock", started=timezone.now() - datetime.timedelta(minutes=2))
    behind = timezone.now() - datetime.timedelta(hours=1)
    monkeypatch.setattr(workers.timezone, "now", lambda: behind)
    Heartbeat("slow-clock").beat()
    monkeypatch.undo()
    # when: a scheduler whose clock is an hour ahead ticks
    scheduler_tick(holder="s", now=timezone.now() + datetime.timedelta(hours=1))
    # then: the live worker's task is not taken from it
    assert status_of(result.id) == TaskResultStatus.RUNNING
    # and once that worker falls silent for longer than the stale interval, it is
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - STALE_AFTER * 2)
    assert tasks_requeue_abandoned() == 1
    assert status_of(result.id) == TaskResultStatus.READY


@pytest.fixture
def own_signals():
    """The in-process worker installs its signal handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_the_worker_waits_out_a_database_outage_and_reruns_the_interrupted_task(
    world, database_tasks, own_signals, monkeypatch, tmp_path, caplog
):
    from django.core.management import call_command
    from django.db import OperationalError
    from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

    from grassroots.core.management.commands import run_worker
    from grassroots.core.tests.probe_tasks import fails_once_with_database_lost

    # given: a task whose first run loses the database, which also fails the recording
    # of its outcome; and the next look for work finds the database still down
    marker = tmp_path / "runs.txt"
    result = fails_once_with_database_lost.enqueue(str(marker))
    real_set_failed, real_ready = DBTaskResult.set_failed, DBTaskResultQuerySet.ready
    outage = {"set_failed": 1, "ready": 0}

    def set_failed(self, exception):
        if outage["set_failed"]:
            outage["set_failed"] -= 1
            outage["ready"] = 2  # the database stays down for two more looks
            raise OperationalError("the database went away while recording the failure")
        return real_set_failed(self, exception)

    def ready(self):
        if outage["ready"]:
            outage["ready"] -= 1
            raise OperationalError("connection refused")
        return real_ready(self)

    monkeypatch.setattr(DBTaskResult, "set_failed", set_failed)
    monkeypatch.setattr(DBTaskResultQuerySet, "ready", ready)
    waits: list[float] = []
    monkeypatch.setattr(
        run_worker.HeartbeatWorker, "_wait", lambda self, s: waits.append(s), raising=False
    )
    # when: a worker runs until the queue is empty
    with caplog.at_level("WARNING"):
        call_command("run_worker", "--batch", "--interval", "0")
    # then: it waited each time (the database answered between the failures, so the
    # back-off started again at 1 s), said so, and ran the task again to the end
    assert waits == [1, 1, 1]
    assert "database unavailable, retrying in 1 s" in caplog.text
    assert marker.read_text().count("start") == 2
    assert status_of(result.id) == TaskResultStatus.SUCCESSFUL
