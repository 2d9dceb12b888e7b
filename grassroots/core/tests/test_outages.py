"""The scheduler's loop rides out a database outage; back-off is capped."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import InterfaceError, OperationalError

from grassroots.core.management.commands import run_scheduler


def test_back_off_doubles_up_to_its_cap_and_starts_again_after_a_reset():
    from grassroots.core.outages import Backoff

    backoff = Backoff(first=1, cap=30)
    assert [backoff.next_delay() for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    backoff.reset()
    assert backoff.next_delay() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_scheduler_waits_out_a_database_outage_and_carries_on(monkeypatch, caplog):
    # given: the database is unreachable for the first three ticks
    failures = [
        OperationalError("connection refused"),
        InterfaceError("connection already closed"),
        OperationalError("the database system is starting up"),
    ]
    ticks = []

    def tick(*, holder, reap=True):
        ticks.append(holder)
        if failures:
            raise failures.pop(0)
        return ["core.sweep_deadlines"]

    waits: list[float] = []
    monkeypatch.setattr(run_scheduler, "scheduler_tick", tick)
    monkeypatch.setattr(
        run_scheduler.Command, "_wait", lambda self, s: waits.append(s), raising=False
    )
    # when: the scheduler runs one pass
    with caplog.at_level("WARNING"):
        call_command("run_scheduler", "--once")
    # then: it retried with growing back-off, said so each time, and then did its pass
    assert len(ticks) == 4
    assert waits == [1, 2, 4]
    for seconds in (1, 2, 4):
        assert f"database unavailable, retrying in {seconds} s" in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_an_outage_the_scheduler_reaps_only_once_workers_could_beat_again(monkeypatch):
    from grassroots.core.workers import STALE_AFTER

    # given: the database is down for the scheduler's first two ticks; ticks are 10 s apart
    clock = [1000.0]
    failures = [OperationalError("connection refused"), OperationalError("connection refused")]
    reaps: list[tuple[float, bool]] = []
    command = run_scheduler.Command()

    def tick(*, holder, reap=True):
        if failures:
            raise failures.pop(0)
        reaps.append((clock[0], reap))
        return []

    def wait(self, seconds):
        clock[0] += 10
        if len(reaps) >= 6 or clock[0] > 2000:
            self.running = False

    monkeypatch.setattr(run_scheduler, "scheduler_tick", tick)
    monkeypatch.setattr(run_scheduler.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(run_scheduler.Command, "_wait", wait, raising=False)
    # when: the scheduler runs until the database has been back for a while
    command.run_from_argv(["manage.py", "run_scheduler"])
    # then: no reaping until the database has been up for the stale interval, then reaping
    back_at = reaps[0][0] - 10  # the last failure
    for at, reap in reaps:
        assert reap == (at - back_at >= STALE_AFTER.total_seconds()), reaps
    assert reaps[0][1] is False
    assert reaps[-1][1] is True
