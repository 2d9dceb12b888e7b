"""The same form sent twice at once (issue 13): both sends pass the idempotency key's
look-up before either commits, so the key's unique constraint decides — the second
gets the first appeal back, or a refusal when the key is someone else's, and a first
send that fails leaves the key free for the second. PostgreSQL only: SQLite takes one
writer at a time."""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from grassroots.appeals import services
from grassroots.appeals.intake import AppealDraft
from grassroots.appeals.models import Appeal, NumberCounter
from grassroots.appeals.services import intake
from grassroots.appeals.tests.factories import category
from grassroots.core.models import AuditEntry

AT = datetime.datetime(2026, 3, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def slow_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each send holds its transaction open a while after the appeal's INSERT, so that
    the other send's look-up finds nothing and its INSERT meets the uncommitted key."""
    real = intake.warnings_set

    def slow(*args: Any, **kwargs: Any) -> None:
        real(*args, **kwargs)
        time.sleep(0.4)

    monkeypatch.setattr(intake, "warnings_set", slow)


def _at_once(*jobs: Callable[[], Any]) -> list[Any]:
    """Run the jobs in threads started together, each 0.1 s after the one before; what
    each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            time.sleep(0.1 * index)
            results[index] = job()
        except BaseException as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _draft(world: Any, **changes: Any) -> AppealDraft:
    fields: dict[str, Any] = {
        "category": category(),
        "title": "宿舍热水",
        "description": "宿舍晚上没有热水",
        "channel": Appeal.Channel.WEB,
        "submitter": world.employee,
        "department": world.department_a,
        "idempotency_key": "race-1",
    }
    return AppealDraft(**(fields | changes))


def test_the_same_form_sent_twice_at_once_raises_one_appeal(world, slow_commit):
    # given one form
    draft = _draft(world)
    # when it is sent twice at once
    results = _at_once(*[lambda: services.appeal_submit(draft=draft, at=AT)] * 2)
    # then one appeal is raised, numbered and audited, and both sends show it
    assert all(isinstance(result, intake.Submitted) for result in results), results
    assert sorted(result.repeated for result in results) == [False, True]
    assert results[0].appeal.pk == results[1].appeal.pk
    assert Appeal.objects.count() == 1
    assert NumberCounter.objects.get(year=2026).last == 1
    assert AuditEntry.objects.filter(action="appeal.submit").count() == 1


def test_a_key_sent_at_once_by_another_person_is_refused(world, slow_commit):
    # when two people send a form with the same key at once
    results = _at_once(
        lambda: services.appeal_submit(draft=_draft(world), at=AT),
        lambda: services.appeal_submit(draft=_draft(world, submitter=world.member_a.user), at=AT),
    )
    # then the first is raised and the second refused, shown nothing
    assert isinstance(results[0], intake.Submitted), results
    assert isinstance(results[1], ValidationError), results
    assert Appeal.objects.count() == 1


def test_an_anonymous_form_sent_twice_at_once_raises_one_appeal(world, slow_commit):
    draft = _draft(world, submitter=None, anonymous=True, channel=Appeal.Channel.ANONYMOUS)
    results = _at_once(*[lambda: services.appeal_submit(draft=draft, at=AT)] * 2)
    assert all(isinstance(result, intake.Submitted) for result in results), results
    assert sorted(result.repeated for result in results) == [False, True]
    assert Appeal.objects.count() == 1


def test_a_first_send_that_fails_leaves_the_key_and_the_number_to_the_second(world):
    # given a form whose first send fails after its appeal was numbered
    class RequestFailedError(Exception):
        pass

    draft = _draft(world)

    def first() -> None:
        with transaction.atomic():
            services.appeal_submit(draft=draft, at=AT)
            time.sleep(0.5)
            raise RequestFailedError

    # when it is sent again meanwhile
    results = _at_once(first, lambda: services.appeal_submit(draft=draft, at=AT))
    # then the second raises the appeal, with the number the first gave back
    assert isinstance(results[0], RequestFailedError), results
    assert isinstance(results[1], intake.Submitted) and not results[1].repeated, results
    assert Appeal.objects.get().number == "SQ2026000001"
    assert NumberCounter.objects.get(year=2026).last == 1


def test_the_page_posted_twice_at_once_redirects_both_to_one_appeal(world, slow_commit):
    form = {
        "category": category().pk,
        "title": "宿舍热水",
        "description": "宿舍晚上十点以后没有热水。",
        "department": world.department_a.pk,
        "urgency": "normal",
        "idempotency_key": "page-1",
    }

    def post() -> tuple[int, str | None]:
        client = Client()
        client.force_login(
            world.employee, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
        )
        response = client.post(reverse("appeals:new"), form)
        return response.status_code, response.get("Location")

    results = _at_once(post, post)
    # then one appeal is raised; the first is shown its "received" page, the second
    # the appeal itself
    assert [status for status, _ in results] == [302, 302], results
    appeal = Appeal.objects.get()
    assert sorted(location for _, location in results) == [
        reverse("appeals:mine_detail", args=[appeal.public_id]),
        reverse("appeals:received", args=[appeal.public_id]),
    ]
