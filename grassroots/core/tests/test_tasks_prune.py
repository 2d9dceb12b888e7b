"""Finished task results are pruned after GRASSROOTS_TASKS_KEEP_DAYS; nothing else is."""

from __future__ import annotations

import datetime

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone

from grassroots.core import scheduling
from grassroots.core.tests.test_workers import _use_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings):
    _use_tasks(settings, "django_tasks_db.DatabaseBackend")
    yield
    _use_tasks(settings, "django.tasks.backends.immediate.ImmediateBackend")


def _result(status: str, *, finished_days_ago: float | None, started_days_ago: float = 30):
    from django_tasks_db.models import DBTaskResult

    from grassroots.core.tasks import run_periodic_job

    now = timezone.now()
    result = run_periodic_job.enqueue("any")
    DBTaskResult.objects.filter(pk=result.id).update(
        status=status,
        started_at=now - datetime.timedelta(days=started_days_ago),
        finished_at=None
        if finished_days_ago is None
        else now - datetime.timedelta(days=finished_days_ago),
    )
    return result.id


def test_finished_tasks_older_than_the_retention_are_deleted_and_nothing_else(
    database_tasks, settings
):
    from django_tasks_db.models import DBTaskResult

    from grassroots.core.workers import tasks_prune

    # given: finished results old and recent, and old ones still queued or running
    settings.GRASSROOTS_TASKS_KEEP_DAYS = 7
    old_done = _result(TaskResultStatus.SUCCESSFUL, finished_days_ago=8)
    old_failed = _result(TaskResultStatus.FAILED, finished_days_ago=30)
    recent = _result(TaskResultStatus.SUCCESSFUL, finished_days_ago=6)
    running = _result(TaskResultStatus.RUNNING, finished_days_ago=None)
    waiting = _result(TaskResultStatus.READY, finished_days_ago=None)
    # when
    deleted = tasks_prune()
    # then
    assert deleted == 2
    left = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert left == {recent, running, waiting}
    assert not left & {old_done, old_failed}
    # a shorter retention given explicitly
    assert tasks_prune(keep_days=1) == 1


def test_pruning_is_a_daily_scheduled_job():
    job = scheduling.JOBS["core.prune_tasks"]
    assert job.daily_at == datetime.time(3, 40)
