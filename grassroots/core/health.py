"""What the readiness check reads: does the database answer, and how long has the oldest
task that could run now been waiting?

A queue whose oldest ready task keeps getting older means no worker is taking tasks
(stopped, cut off from the database or Redis, or swamped): deadline warnings and
notices are late although every page still works. The check reports it so that
monitoring sees it; the threshold is GRASSROOTS_READY_MAX_TASK_AGE_SECONDS.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import DatabaseError, connection
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone

if TYPE_CHECKING:
    from grassroots.core.redis_tasks import RedisTaskBackend


class QueueUnreachableError(Exception):
    """The task queue's store (Redis) did not answer."""


@dataclass(frozen=True)
class Readiness:
    database: bool
    queue_reachable: bool
    # None: nothing ready is waiting, or the backend keeps no queue (tests, or the
    # database is down and the queue cannot be read).
    oldest_task_age: datetime.timedelta | None
    max_task_age: datetime.timedelta

    @property
    def queue_ok(self) -> bool:
        return self.oldest_task_age is None or self.oldest_task_age <= self.max_task_age

    @property
    def ready(self) -> bool:
        return self.database and self.queue_reachable and self.queue_ok


def database_answers() -> bool:
    """One trivial query; any database error (refused, timed out, gone) is a no."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def oldest_ready_task_age(now: datetime.datetime) -> datetime.timedelta | None:
    """How long the oldest task that a worker could start now has been waiting."""
    from django_tasks_db.backend import DatabaseBackend

    from grassroots.core.redis_tasks import RedisTaskBackend

    backend = task_backends["default"]
    became_ready: datetime.datetime | None
    if isinstance(backend, DatabaseBackend):
        became_ready = _oldest_ready_in_database()
    elif isinstance(backend, RedisTaskBackend):
        became_ready = _oldest_ready_in_redis(backend, now)
    else:
        return None  # immediate or dummy backends keep no queue
    if became_ready is None:
        return None
    return max(now - became_ready, datetime.timedelta(0))


def _oldest_ready_in_database() -> datetime.datetime | None:
    from django_tasks_db.models import DBTaskResult, get_date_max

    # A task deferred with run_after became ready at that moment, not when it was queued;
    # run_after holds the largest date for "not deferred".
    date_max = get_date_max()
    return DBTaskResult.objects.ready().aggregate(
        oldest=Min(
            Case(
                When(run_after=date_max, then=F("enqueued_at")),
                default=Greatest("enqueued_at", "run_after"),
            )
        )
    )["oldest"]


def _oldest_ready_in_redis(
    backend: RedisTaskBackend, now: datetime.datetime
) -> datetime.datetime | None:
    from redis import RedisError

    try:
        return _oldest_ready_in_redis_lists(backend, now)
    except RedisError as error:
        raise QueueUnreachableError from error


def _oldest_ready_in_redis_lists(
    backend: RedisTaskBackend, now: datetime.datetime
) -> datetime.datetime | None:
    # Each queue is a list taken from its right end, so its oldest task is the last item;
    # a deferred task that is due but not yet moved to its queue waits in the sorted set.
    client, key = backend.client, backend.key
    moments: list[datetime.datetime] = []
    for queue in client.scan_iter(match=key("queue", "*")):
        oldest_id = client.lindex(queue, -1)
        if oldest_id is None:
            continue
        state = client.hmget(key("task", oldest_id), "enqueued_at", "run_after", "status")
        if state[2] != TaskResultStatus.READY:
            continue
        stamps = [datetime.datetime.fromisoformat(raw) for raw in state[:2] if raw]
        if stamps:
            moments.append(max(stamps))
    due = client.zrangebyscore(
        key("scheduled"), 0, now.timestamp(), start=0, num=1, withscores=True
    )
    if due:
        moments.append(datetime.datetime.fromtimestamp(due[0][1], tz=datetime.UTC))
    return min(moments, default=None)


def readiness(*, max_task_age: datetime.timedelta) -> Readiness:
    """The database's answer and the queue's age, each read once."""
    database = database_answers()
    age = None
    queue_reachable = database  # the database backend's queue is in the database
    if database:
        try:
            age = oldest_ready_task_age(timezone.now())
            queue_reachable = True
        except (DatabaseError, QueueUnreachableError):
            queue_reachable = False
    return Readiness(
        database=database,
        queue_reachable=queue_reachable,
        oldest_task_age=age,
        max_task_age=max_task_age,
    )
