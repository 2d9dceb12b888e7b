"""Two officers adopting topics of two runs of the committee's month at the same
moment: the committee's row is locked before the check, so the second waits for the
first and is refused (one theme a month). Meaningful on PostgreSQL, where the lock is
real; on SQLite the writers are one at a time anyway."""

from __future__ import annotations

import datetime
import threading
import time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from grassroots.insights.tests.topic_factories import month_appeals
from grassroots.insights.topics import services
from grassroots.insights.topics.models import HotTopic, TopicRun
from grassroots.service.models import Deed

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
OCTOBER = datetime.date(2026, 10, 1)


def test_two_adoptions_of_one_month_at_once_make_one_theme(world: Any, monkeypatch: Any) -> None:
    # given two finished runs of the committee's October, a topic of each
    month_appeals(world, OCTOBER, categories=("canteen", "bus"))
    topics = []
    for _ in range(2):
        run = TopicRun.objects.create(unit=world.committee, month=OCTOBER)
        services.run_perform(run=run)
        topics.append(HotTopic.objects.filter(run=run).first())
    # the first adoption, once past its check, waits a second before it writes
    checked = threading.Event()
    refuse = services._refuse_if_adopted

    def slow_check(unit: Any, month: datetime.date) -> None:
        refuse(unit, month)
        if not checked.is_set():
            checked.set()
            time.sleep(1)

    monkeypatch.setattr(services, "_refuse_if_adopted", slow_check)
    refused: list[BaseException] = []
    due = timezone.localdate() + datetime.timedelta(days=30)

    def adopt(topic: HotTopic, wait: bool) -> None:
        try:
            if wait:
                assert checked.wait(10)
            services.topic_adopt_as_deed(
                actor=world.committee_officer,
                topic=topic,
                title="",
                services=["masses"],
                due_on=due,
            )
        except BaseException as error:
            refused.append(error)
        finally:
            connection.close()

    # when both officers adopt at once
    threads = [threading.Thread(target=adopt, args=(t, i == 1)) for i, t in enumerate(topics)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one deed, one topic adopted, the other refused
    assert Deed.objects.count() == 1
    assert HotTopic.objects.exclude(adopted_as="").count() == 1
    assert len(refused) == 1 and isinstance(refused[0], ValidationError)
