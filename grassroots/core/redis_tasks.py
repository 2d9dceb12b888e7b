"""A Redis backend for Django's task API, for running workers on other machines.

The embedded default keeps tasks in the database (django-tasks-db). When the load
grows, set GRASSROOTS_TASK_BACKEND=grassroots.core.redis_tasks.RedisTaskBackend and
GRASSROOTS_REDIS_URL, and start `manage.py run_worker` on as many machines as needed.

We wrote this small backend because the published Redis backend (django-tasks-rq) is
built for the django-tasks backport and fails with Django 6's own `django.tasks`
(see docs/architecture.md). It keeps the same promise as our database worker: a task
is never lost when a worker dies.

- A queue is a Redis list; a worker takes a task with LMOVE into its own
  "processing" list, so a task is always in exactly one list.
- Each worker refreshes a heartbeat key with a time-to-live. The reaper (a periodic
  job, and every worker at start) moves the processing list of a worker whose
  heartbeat expired back to its queue; another worker runs the task again, and tasks
  are idempotent.
- Each task's state is a hash (status, times, arguments, result, errors), kept for
  RESULT_TTL after it finishes; `get_result` reads it.
- Deferred tasks (`run_after`) wait in a sorted set until due.
"""

from __future__ import annotations

import datetime
import json
import logging
import threading
import time
import traceback
import uuid
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from django.tasks import TaskContext, TaskResult, TaskResultStatus
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskError
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
HEARTBEAT_TTL = 30


def _iso(moment: datetime.datetime | None) -> str:
    return moment.isoformat() if moment else ""


def _parse(raw: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(raw) if raw else None


class RedisTaskBackend(BaseTaskBackend):
    supports_defer = True
    supports_get_result = True
    supports_async_task = False
    supports_priority = False

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.url = self.options.get("URL") or "redis://127.0.0.1:6379/0"
        self.prefix = self.options.get("PREFIX") or "grassroots:tasks"
        self.result_ttl = int(self.options.get("RESULT_TTL") or 7 * 24 * 3600)

    @cached_property
    def client(self) -> Any:
        import redis

        return redis.Redis.from_url(self.url, decode_responses=True)

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    # --- The producer side ------------------------------------------------------------------

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        result_id = uuid.uuid4().hex
        now = timezone.now()
        state = {
            "task_path": task.module_path,
            "queue": task.queue_name,
            "args": json.dumps(list(args)),
            "kwargs": json.dumps(dict(kwargs)),
            "status": TaskResultStatus.READY,
            "enqueued_at": _iso(now),
            "run_after": _iso(task.run_after),
            "started_at": "",
            "finished_at": "",
            "worker_ids": "[]",
            "errors": "[]",
            "return_value": "null",
        }
        pipe = self.client.pipeline()
        pipe.hset(self.key("task", result_id), mapping=state)
        if task.run_after is not None and task.run_after > now:
            pipe.zadd(self.key("scheduled"), {result_id: task.run_after.timestamp()})
        else:
            pipe.lpush(self.key("queue", task.queue_name), result_id)
        pipe.execute()
        result = self._result(result_id, state, task)
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        state = self.client.hgetall(self.key("task", result_id))
        if not state:
            raise TaskResultDoesNotExist(result_id)
        return self._result(result_id, state, import_string(state["task_path"]))

    def _result(self, result_id: str, state: dict[str, str], task: Task) -> TaskResult:
        errors = [TaskError(**error) for error in json.loads(state.get("errors") or "[]")]
        result: TaskResult = TaskResult(
            task=task,
            id=result_id,
            status=TaskResultStatus(state["status"]),
            enqueued_at=_parse(state.get("enqueued_at")),
            started_at=_parse(state.get("started_at")),
            finished_at=_parse(state.get("finished_at")),
            last_attempted_at=_parse(state.get("started_at")),
            args=json.loads(state["args"]),
            kwargs=json.loads(state["kwargs"]),
            backend=self.alias,
            errors=errors,
            worker_ids=json.loads(state.get("worker_ids") or "[]"),
        )
        object.__setattr__(result, "_return_value", json.loads(state.get("return_value") or "null"))
        return result

    # --- The worker side ---------------------------------------------------------------------

    def heartbeat(self, worker_id: str) -> None:
        pipe = self.client.pipeline()
        pipe.set(self.key("worker", worker_id), "1", ex=HEARTBEAT_TTL)
        pipe.sadd(self.key("workers"), worker_id)
        pipe.execute()

    def retire(self, worker_id: str) -> None:
        """A worker that stops cleanly gives back whatever it still holds."""
        self._give_back(worker_id)
        self.client.delete(self.key("worker", worker_id))
        self.client.srem(self.key("workers"), worker_id)

    def promote_scheduled(self, now: datetime.datetime | None = None) -> int:
        """Move deferred tasks whose time has come to their queues."""
        moment = (now or timezone.now()).timestamp()
        due = self.client.zrangebyscore(self.key("scheduled"), 0, moment)
        moved = 0
        for result_id in due:
            if self.client.zrem(self.key("scheduled"), result_id):
                queue = self.client.hget(self.key("task", result_id), "queue") or "default"
                self.client.lpush(self.key("queue", queue), result_id)
                moved += 1
        return moved

    def claim(self, worker_id: str, queues: Iterable[str]) -> str | None:
        """Take the oldest task of the first non-empty queue into this worker's list."""
        for queue in queues:
            result_id = self.client.lmove(
                self.key("queue", queue), self.key("processing", worker_id), "RIGHT", "LEFT"
            )
            if result_id:
                return str(result_id)
        return None

    def run(self, result_id: str, worker_id: str) -> None:
        """Run one claimed task and record how it ended."""
        state_key = self.key("task", result_id)
        state = self.client.hgetall(state_key)
        if not state:
            self.client.lrem(self.key("processing", worker_id), 0, result_id)
            return
        workers = [*json.loads(state.get("worker_ids") or "[]"), worker_id]
        started = timezone.now()
        self.client.hset(
            state_key,
            mapping={
                "status": TaskResultStatus.RUNNING,
                "started_at": _iso(started),
                "worker_ids": json.dumps(workers),
            },
        )
        state.update(
            status=TaskResultStatus.RUNNING,
            started_at=_iso(started),
            worker_ids=json.dumps(workers),
        )
        task: Task = import_string(state["task_path"])
        result = self._result(result_id, state, task)
        task_started.send(type(self), task_result=result)
        try:
            args, kwargs = json.loads(state["args"]), json.loads(state["kwargs"])
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *args, **kwargs)
            else:
                value = task.call(*args, **kwargs)
            outcome = {"status": TaskResultStatus.SUCCESSFUL, "return_value": json.dumps(value)}
        except Exception as error:
            logger.exception("Task %s failed", result_id)
            errors = [
                *json.loads(state.get("errors") or "[]"),
                {
                    "exception_class_path": f"{type(error).__module__}.{type(error).__qualname__}",
                    "traceback": "".join(traceback.format_exception(error)),
                },
            ]
            outcome = {"status": TaskResultStatus.FAILED, "errors": json.dumps(errors)}
        pipe = self.client.pipeline()
        pipe.hset(state_key, mapping={**outcome, "finished_at": _iso(timezone.now())})
        pipe.expire(state_key, self.result_ttl)
        pipe.lrem(self.key("processing", worker_id), 0, result_id)
        pipe.execute()
        task_finished.send(type(self), task_result=self.get_result(result_id))

    def requeue_abandoned(self) -> int:
        """Give the tasks held by workers whose heartbeat expired back to their queues."""
        requeued = 0
        for worker_id in self.client.smembers(self.key("workers")):
            if self.client.exists(self.key("worker", worker_id)):
                continue
            requeued += self._give_back(worker_id)
            self.client.srem(self.key("workers"), worker_id)
        return requeued

    def _give_back(self, worker_id: str) -> int:
        moved = 0
        while True:
            result_id = self.client.lindex(self.key("processing", worker_id), -1)
            if result_id is None:
                return moved
            queue = self.client.hget(self.key("task", result_id), "queue") or "default"
            self.client.hset(self.key("task", result_id), "status", TaskResultStatus.READY)
            self.client.lmove(
                self.key("processing", worker_id), self.key("queue", queue), "RIGHT", "LEFT"
            )
            logger.warning("Requeued task %s abandoned by worker %s", result_id, worker_id)
            moved += 1


def run_redis_worker(
    backend: RedisTaskBackend,
    *,
    worker_id: str,
    queues: list[str],
    interval: float,
    batch: bool,
    should_run: Any,
) -> None:
    """The loop of a Redis worker: reap, promote, claim, run; a thread keeps the
    heartbeat fresh, also while a long task runs."""
    backend.heartbeat(worker_id)
    backend.requeue_abandoned()
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_TTL / 3):
            try:
                backend.heartbeat(worker_id)
            except Exception:
                logger.exception("heartbeat failed")

    thread = threading.Thread(target=beat, name="heartbeat", daemon=True)
    thread.start()
    try:
        while should_run():
            backend.promote_scheduled()
            result_id = backend.claim(worker_id, queues)
            if result_id is None:
                if batch:
                    return
                time.sleep(interval)
                continue
            backend.run(result_id, worker_id)
    finally:
        stop.set()
        thread.join(timeout=HEARTBEAT_TTL)
        backend.retire(worker_id)
