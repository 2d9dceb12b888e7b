"""While the database cannot be reached, pages answer 503 with Retry-After and a plain
page, the liveness check still answers, and the readiness check says what is wrong.

The outage is simulated the way Django meets a stopped server: every attempt to use the
connection raises OperationalError ("connection refused").
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.staticfiles import finders
from django.db import OperationalError, ProgrammingError, connections
from django.templatetags.static import static
from django.test import Client
from django.utils import timezone

from grassroots.accounts.tests.clients import client_as
from grassroots.core import health
from grassroots.core.tasks import run_periodic_job

pytestmark = pytest.mark.django_db

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


@contextmanager
def database_down(error: Exception | None = None) -> Iterator[None]:
    with mock.patch.object(
        connections["default"], "ensure_connection", side_effect=error or OperationalError(REFUSED)
    ):
        yield


def quiet(client: Client) -> Client:
    # The test client re-raises a view's exception by default; a server answers instead.
    client.raise_request_exception = False
    return client


def test_a_public_page_answers_503_with_retry_after_when_the_database_is_down(world):
    # given
    client = quiet(Client())
    # when
    with database_down():
        response = client.get("/appeals/anonymous/")
    # then
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "暂时无法使用" in response.content.decode()


def test_a_signed_in_page_answers_503_when_the_session_cannot_be_read(world):
    # given: the session is read in a middleware, before any view
    client = quiet(client_as(world.employee))
    # when
    with database_down():
        response = client.get("/")
    # then
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_the_api_answers_503_in_json_when_the_database_is_down(world):
    # given
    client = quiet(client_as(world.employee))
    # when
    with database_down():
        response = client.get("/api/v1/appeals")
    # then
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "detail" in response.json()


def test_other_errors_still_answer_500(world):
    # given: a database error that is a fault in the code, not an outage
    client = quiet(Client())
    # when
    with database_down(ProgrammingError("column does not exist")):
        response = client.get("/appeals/anonymous/")
    # then
    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.parametrize("address", ["/healthz", "/healthz/live"])
def test_liveness_answers_without_the_database(address):
    with database_down():
        response = quiet(Client()).get(address)
    assert response.status_code == 200
    assert response.content == b"ok"


def test_readiness_answers_503_when_the_database_is_down():
    # when
    with database_down():
        response = quiet(Client()).get("/healthz/ready")
    # then
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["database"] == "unavailable"


def test_readiness_is_the_same_for_a_visitor_and_a_signed_in_person(world):
    for client in (Client(), client_as(world.employee), client_as(world.admin)):
        response = client.get("/healthz/ready")
        assert response.status_code == 200
        assert response.json()["status"] == "ok"


@pytest.fixture
def database_queue(settings):
    from django_tasks_db.backend import DatabaseBackend

    backend = DatabaseBackend("default", {"OPTIONS": {}})
    with mock.patch.object(health, "task_backends", {"default": backend}):
        yield backend


def test_readiness_reports_the_age_of_the_oldest_ready_task(database_queue):
    from django_tasks_db.models import DBTaskResult

    # given: a task waiting for 10 minutes, a newer one, and an old one already done
    waiting = database_queue.enqueue(run_periodic_job, ["job"], {})
    database_queue.enqueue(run_periodic_job, ["job"], {})
    done = database_queue.enqueue(run_periodic_job, ["job"], {})
    ten_minutes_ago = timezone.now() - datetime.timedelta(minutes=10)
    DBTaskResult.objects.filter(pk=waiting.id).update(enqueued_at=ten_minutes_ago)
    DBTaskResult.objects.filter(pk=done.id).update(
        enqueued_at=ten_minutes_ago - datetime.timedelta(hours=1), status="SUCCESSFUL"
    )
    # when
    response = Client().get("/healthz/ready")
    # then: older than the 5 minutes allowed
    assert response.status_code == 503
    queue = response.json()["task_queue"]
    assert queue["status"] == "late"
    assert 599 <= queue["oldest_ready_task_age_seconds"] <= 660
    assert response.json()["database"] == "ok"


def test_a_deferred_task_counts_from_when_it_became_due(database_queue):
    from django_tasks_db.models import DBTaskResult

    # given: queued an hour ago, due a minute ago; another one not due yet
    now = timezone.now()
    due = database_queue.enqueue(run_periodic_job, ["job"], {})
    later = database_queue.enqueue(run_periodic_job, ["job"], {})
    DBTaskResult.objects.filter(pk=due.id).update(
        enqueued_at=now - datetime.timedelta(hours=1),
        run_after=now - datetime.timedelta(minutes=1),
    )
    DBTaskResult.objects.filter(pk=later.id).update(
        enqueued_at=now - datetime.timedelta(hours=2),
        run_after=now + datetime.timedelta(hours=1),
    )
    # when
    age = health.oldest_ready_task_age(timezone.now())
    # then
    assert age is not None and datetime.timedelta(seconds=55) <= age <= datetime.timedelta(
        minutes=3
    )


def test_an_empty_queue_is_ready(database_queue):
    response = Client().get("/healthz/ready")
    assert response.status_code == 200
    assert response.json()["task_queue"]["oldest_ready_task_age_seconds"] is None


def test_the_site_icon_is_found(world):
    # given a visitor and a signed-in person: browsers ask for it on every first load
    for client in (Client(), client_as(world.employee)):
        # when
        response = client.get("/favicon.ico")
        # then: sent on to the static icon, which is an icon file
        assert response.status_code == 302
        assert response["Location"] == static("img/favicon.ico")
        assert "max-age=86400" in response["Cache-Control"]
    icon = finders.find("img/favicon.ico")
    assert icon is not None
    with open(icon, "rb") as opened:
        assert opened.read(4) == b"\x00\x00\x01\x00"


def test_readiness_reads_the_age_of_a_redis_queue():
    pytest.importorskip("redis")
    from grassroots.core.redis_tasks import RedisTaskBackend
    from grassroots.core.tests.test_redis_tasks import REDIS_URL  # skips without Redis

    # given: one task waiting 10 minutes in a queue, one due a minute ago still deferred
    prefix = f"grassroots-test:{uuid.uuid4().hex[:8]}"
    backend = RedisTaskBackend("default", {"OPTIONS": {"URL": REDIS_URL, "PREFIX": prefix}})
    try:
        waiting = backend.enqueue(run_periodic_job, ["job"], {})
        ten_minutes_ago = timezone.now() - datetime.timedelta(minutes=10)
        backend.client.hset(
            backend.key("task", waiting.id), "enqueued_at", ten_minutes_ago.isoformat()
        )
        backend.client.zadd(
            backend.key("scheduled"),
            {"later": (timezone.now() - datetime.timedelta(minutes=1)).timestamp()},
        )
        # when
        with mock.patch.object(health, "task_backends", {"default": backend}):
            age = health.oldest_ready_task_age(timezone.now())
            state = health.readiness(max_task_age=datetime.timedelta(minutes=5))
        # then
        assert age is not None and 599 <= age.total_seconds() <= 660
        assert not state.ready and state.database and state.queue_reachable
    finally:
        for key in backend.client.scan_iter(f"{prefix}:*"):
            backend.client.delete(key)


@pytest.mark.parametrize(
    "message",
    ["deadlock detected", "canceling statement due to statement timeout", "no such table: x"],
)
def test_an_operational_error_of_the_code_still_answers_500(world, message):
    # given: an OperationalError that is not the database being away
    client = quiet(Client())
    # when
    with database_down(OperationalError(message)):
        response = client.get("/appeals/anonymous/")
    # then
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_a_lost_connection_is_told_by_its_sqlstate():
    from grassroots.core.views import _database_unreachable

    class DriverError(Exception):
        def __init__(self, sqlstate):
            self.sqlstate = sqlstate

    def error(sqlstate):
        problem = OperationalError("server error")
        problem.__cause__ = DriverError(sqlstate)
        return problem

    assert _database_unreachable(error("08006"))  # connection failure
    assert _database_unreachable(error("57P01"))  # administrator shutdown
    assert not _database_unreachable(error("40P01"))  # deadlock
    assert not _database_unreachable(error("57014"))  # statement timeout
