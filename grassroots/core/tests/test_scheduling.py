from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.core import scheduling
from grassroots.core.models import PeriodicRun
from grassroots.core.scheduling import PeriodicJob, is_due, lease_acquire, scheduler_tick

ZONE = ZoneInfo("Asia/Shanghai")
MINUTELY = PeriodicJob("m", lambda now: None, every=datetime.timedelta(minutes=1))
DAILY_8 = PeriodicJob("d", lambda now: None, daily_at=datetime.time(8, 0))
moments = st.datetimes(
    min_value=datetime.datetime(2025, 1, 1),
    max_value=datetime.datetime(2027, 1, 1),
    timezones=st.just(ZONE),
)


def test_a_job_that_never_ran_is_due():
    assert is_due(
        MINUTELY, last_run=None, now=datetime.datetime(2026, 1, 1, tzinfo=ZONE), zone=ZONE
    )


@given(last=moments, gap=st.integers(min_value=0, max_value=600))
def test_minutely_jobs_are_due_once_a_minute_has_passed(last, gap):
    now = last + datetime.timedelta(seconds=gap)
    assert is_due(MINUTELY, last_run=last, now=now, zone=ZONE) is (gap >= 60)


def test_daily_job_runs_after_its_time_once_per_day():
    day = datetime.datetime(2026, 5, 1, tzinfo=ZONE)
    ran_yesterday = day - datetime.timedelta(hours=12)  # 12:00 on 30 April
    assert not is_due(
        DAILY_8, last_run=ran_yesterday, now=day.replace(hour=7, minute=59), zone=ZONE
    )
    assert is_due(DAILY_8, last_run=ran_yesterday, now=day.replace(hour=8), zone=ZONE)
    ran_today = day.replace(hour=8, minute=0, second=5)
    assert not is_due(DAILY_8, last_run=ran_today, now=day.replace(hour=23), zone=ZONE)


def test_a_daily_job_missed_for_days_runs_once_when_the_scheduler_returns():
    last = datetime.datetime(2026, 5, 1, 8, 0, 1, tzinfo=ZONE)
    back = datetime.datetime(2026, 5, 5, 3, 0, tzinfo=ZONE)  # before 08:00
    assert is_due(DAILY_8, last_run=last, now=back, zone=ZONE)


@pytest.mark.django_db
def test_only_one_scheduler_holds_the_lease():
    now = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    assert lease_acquire(holder="a", now=now)
    assert not lease_acquire(holder="b", now=now + datetime.timedelta(seconds=30))
    assert lease_acquire(holder="a", now=now + datetime.timedelta(seconds=30))  # renewal
    # a holder that stopped renewing loses the lease when it expires
    assert lease_acquire(holder="b", now=now + datetime.timedelta(seconds=200))
    assert not lease_acquire(holder="a", now=now + datetime.timedelta(seconds=201))


@pytest.mark.django_db
def test_a_tick_runs_due_jobs_and_catches_up_after_downtime(monkeypatch):
    runs: list[datetime.datetime] = []
    monkeypatch.setattr(
        scheduling,
        "JOBS",
        {"test.job": PeriodicJob("test.job", runs.append, every=datetime.timedelta(minutes=1))},
    )
    from grassroots.core import tasks

    monkeypatch.setattr(tasks, "JOBS", scheduling.JOBS)
    start = datetime.datetime(2026, 5, 1, 8, 0, tzinfo=datetime.UTC)
    assert scheduler_tick(holder="s", now=start) == ["test.job"]
    assert scheduler_tick(holder="s", now=start + datetime.timedelta(seconds=20)) == []
    # everything was down for three hours: one run when it comes back, not 180
    assert scheduler_tick(holder="s", now=start + datetime.timedelta(hours=3)) == ["test.job"]
    assert len(runs) == 2
    assert PeriodicRun.objects.get(name="test.job").last_finished_at is not None
    # a second scheduler started meanwhile waits while the first one's lease runs
    assert scheduler_tick(holder="other", now=start + datetime.timedelta(hours=3, seconds=30)) == []
    assert not lease_acquire(holder="other", now=start + datetime.timedelta(hours=3, seconds=30))


def test_every_registered_job_has_one_schedule():
    assert scheduling.JOBS
    for job in scheduling.JOBS.values():
        assert (job.every is None) != (job.daily_at is None)
