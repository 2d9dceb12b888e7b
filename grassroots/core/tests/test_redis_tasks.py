"""The Redis task backend for scale-out: queueing, results, deferral, and a killed
worker's task finishing exactly once on another worker."""

from __future__ import annotations

import copy
import datetime
import os
import signal
import uuid

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone

from grassroots.core.redis_tasks import RedisTaskBackend, run_redis_worker
from grassroots.core.tasks import run_periodic_job
from grassroots.core.tests import test_workers
from grassroots.core.tests.probe_tasks import notify_once
from grassroots.notifications.models import Notification

REDIS_URL = os.environ.get("GRASSROOTS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


if not _reachable():
    if os.environ.get("CI"):
        raise RuntimeError(f"Redis is required in CI and did not answer at {REDIS_URL}")
    pytest.skip(f"no Redis at {REDIS_URL}", allow_module_level=True)


@pytest.fixture
def backend():
    prefix = f"grassroots-test:{uuid.uuid4().hex[:8]}"
    instance = RedisTaskBackend("default", {"OPTIONS": {"URL": REDIS_URL, "PREFIX": prefix}})
    yield instance
    for key in instance.client.scan_iter(f"{prefix}:*"):
        instance.client.delete(key)


def drain(backend: RedisTaskBackend) -> None:
    run_redis_worker(
        backend,
        worker_id="in-process",
        queues=["default"],
        interval=0.01,
        batch=True,
        should_run=lambda: True,
    )


@pytest.mark.django_db
def test_a_task_is_queued_run_and_its_result_kept(backend):
    result = backend.enqueue(run_periodic_job, ["no.such.job"], {})
    assert backend.get_result(result.id).status == TaskResultStatus.READY
    drain(backend)
    done = backend.get_result(result.id)
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.worker_ids == ["in-process"] and done.finished_at is not None


@pytest.mark.django_db
def test_a_failing_task_records_its_error(backend):
    result = backend.enqueue(notify_once, [999_999, "nobody"], {})
    drain(backend)
    failed = backend.get_result(result.id)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.errors[0].exception_class_path.endswith("DoesNotExist")


def test_deferred_tasks_wait_until_due(backend):
    later = timezone.now() + datetime.timedelta(hours=1)
    # (Task.using() validates against the test's default backend, which cannot defer)
    deferred = copy.copy(run_periodic_job)
    object.__setattr__(deferred, "run_after", later)
    result = backend.enqueue(deferred, ["x"], {})
    assert backend.claim("w", ["default"]) is None
    assert backend.promote_scheduled(now=later + datetime.timedelta(seconds=1)) == 1
    assert backend.claim("w", ["default"]) == result.id


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_redis_worker_loses_no_job(world, backend, tmp_path, monkeypatch):
    # given: the worker processes use the same Redis queue as this test
    monkeypatch.setenv("GRASSROOTS_TASK_BACKEND", "grassroots.core.redis_tasks.RedisTaskBackend")
    monkeypatch.setenv("GRASSROOTS_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("GRASSROOTS_REDIS_PREFIX", backend.prefix)
    marker = tmp_path / "starts.txt"
    result = backend.enqueue(
        notify_once, [world.member_a.user_id, "redis-killed", str(marker), 3.0], {}
    )
    first = test_workers.start_worker()
    test_workers.wait_for(lambda: marker.exists() and "start" in marker.read_text())
    # when: the worker dies mid-task, and its heartbeat runs out
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert backend.get_result(result.id).status == TaskResultStatus.RUNNING
    dead = list(backend.client.smembers(backend.key("workers")))
    for worker_id in dead:
        backend.client.delete(backend.key("worker", worker_id))  # the TTL expiring, sooner
    assert backend.requeue_abandoned() == 1
    output, _ = test_workers.start_worker("--batch").communicate(timeout=60)
    # then
    assert backend.get_result(result.id).status == TaskResultStatus.SUCCESSFUL, output
    assert marker.read_text().count("start") == 2
    assert Notification.objects.filter(dedupe_key="redis-killed").count() == 1
