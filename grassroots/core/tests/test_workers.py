"""Real worker processes: a job runs end to end, a killed worker loses no job, and a
job retried after a crash sends nothing twice."""

from __future__ import annotations

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

from grassroots.core.tests.probe_tasks import notify_once
from grassroots.core.workers import STALE_AFTER, tasks_requeue_abandoned
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
    assert tasks_requeue_abandoned(now=timezone.now() + STALE_AFTER + STALE_AFTER) == 1
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
