"""The monthly rate rollup: the rates read from it are the rates counted from the
appeals; months it does not hold yet are counted live; a refresh of recent months
keeps the older ones."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from grassroots.appeals import rate_months, rates, services
from grassroots.appeals.models import Appeal, RateMonth
from grassroots.appeals.tests.factories import raise_appeal
from grassroots.core.periods import Period

pytestmark = pytest.mark.django_db


def _handled(world: Any, at: datetime.datetime, satisfaction: str, **overrides: Any) -> Appeal:
    """An appeal raised at `at`, accepted, answered and rated a few days later."""
    appeal = raise_appeal(world, at=at, **overrides)
    services.appeal_accept(
        appeal=appeal, actor=world.officer_a, at=at + datetime.timedelta(hours=1)
    )
    services.appeal_answer(
        appeal=appeal, actor=world.officer_a, text="已处理。", at=at + datetime.timedelta(days=2)
    )
    services.appeal_rate(
        appeal=appeal,
        resolved=satisfaction != "not",
        satisfaction=satisfaction,
        rater=appeal.submitter,
        at=at + datetime.timedelta(days=3),
    )
    return appeal


def _year(now: datetime.datetime) -> Period:
    return Period.year(timezone.localdate(now).year)


def _past_appeals(world: Any, now: datetime.datetime) -> None:
    for days, satisfaction, department in (
        (200, "satisfied", world.department_a),
        (150, "fairly", world.department_b),
        (120, "not", world.department_a),
        (90, "satisfied", world.department_b),
        (130, "fairly", None),  # no department: the committee receives it itself
    ):
        _handled(world, now - datetime.timedelta(days=days), satisfaction, department=department)
    late = raise_appeal(world, at=now - datetime.timedelta(days=100))  # never accepted
    assert late.status == Appeal.Status.SUBMITTED


def test_rates_from_the_rollup_equal_the_rates_counted_live(world: Any) -> None:
    # given appeals handled over the past months, counted live (no rollup yet)
    now = timezone.now()
    _past_appeals(world, now)
    # the thirteen whole months before this one, and this month up to today
    first = rate_months.month_start(now - datetime.timedelta(days=400)).date()
    period = Period.custom(first, timezone.localdate(now))
    path = world.committee.path
    live = {
        dimension: rates.rate_counts(
            Appeal.objects.all(), period=period, now=now, unit_path=path, dimension=dimension
        )
        for dimension in (None, "unit")
    }
    # when the rollup is built and the same counts are read again
    assert rate_months.rate_months_refresh(now=now) > 0
    rolled = {
        dimension: rates.rate_counts(
            Appeal.objects.all(), period=period, now=now, unit_path=path, dimension=dimension
        )
        for dimension in (None, "unit")
    }
    # then they are the same, as a whole and per organisation below
    assert rolled == live
    assert live[None][None].answered == 5
    assert live[None][None].due == 6
    assert set(live["unit"]) == {world.committee.path, world.branch_a.path, world.branch_b.path}


def test_a_month_the_rollup_does_not_hold_is_counted_live(world: Any) -> None:
    # given a rollup built before this month's appeals arrived
    now = timezone.now()
    _past_appeals(world, now)
    rate_months.rate_months_refresh(now=now)
    before = rates.rate_counts(
        Appeal.objects.all(), period=_year(now), now=now, unit_path=world.committee.path
    )[None]
    # when an appeal is raised and accepted this month
    fresh = raise_appeal(world, at=now - datetime.timedelta(minutes=30))
    services.appeal_accept(
        appeal=fresh, actor=world.officer_a, at=now - datetime.timedelta(minutes=20)
    )
    later = now + datetime.timedelta(days=40)  # after its acceptance deadline
    # then the year's counts include it at once, without a refresh
    after = rates.rate_counts(
        Appeal.objects.all(), period=_year(now), now=later, unit_path=world.committee.path
    )[None]
    if fresh.accept_due_at.year == now.year:
        assert after.due == before.due + 1
        assert after.responded_in_time == before.responded_in_time + 1


def test_refreshing_recent_months_keeps_the_older_ones(world: Any) -> None:
    # given a full rollup
    now = timezone.now()
    _past_appeals(world, now)
    rate_months.rate_months_refresh(now=now)
    old = set(RateMonth.objects.values_list("month", "unit_id", "due", "answered"))
    # when only the last three ended months are rebuilt
    rate_months.rate_months_refresh(now=now, since=rate_months.months_back(now, 3))
    # then the older rows are still there, and nothing is counted twice
    assert set(RateMonth.objects.values_list("month", "unit_id", "due", "answered")) == old


def test_the_recent_job_on_an_empty_rollup_builds_every_month(world: Any) -> None:
    # given appeals over the past months and no rollup yet (a new installation)
    from grassroots.appeals.jobs import rate_months_recent

    now = timezone.now()
    _past_appeals(world, now)
    path = world.committee.path
    live = rates.rate_counts(Appeal.objects.all(), period=_year(now), now=now, unit_path=path)
    # when the ten-minute job runs before the nightly one ever did
    rate_months_recent(now)
    # then the year's rates read from the rollup are the ones counted live, old months too
    assert RateMonth.objects.filter(month__lt=rate_months.months_back(now, 3)).exists()
    rolled = rates.rate_counts(Appeal.objects.all(), period=_year(now), now=now, unit_path=path)
    assert rolled == live


def test_a_filtered_set_of_appeals_is_always_counted_live(world: Any) -> None:
    # given a rollup, and then a change the rollup does not know about yet
    now = timezone.now()
    _past_appeals(world, now)
    rate_months.rate_months_refresh(now=now)
    Appeal.objects.filter(satisfaction="not").update(satisfaction="satisfied")
    period = Period.custom(rate_months.months_back(now, 13), timezone.localdate(now))
    # when the counts are asked for a filtered set (not the whole table)
    counts = rates.rate_counts(
        Appeal.objects.filter(pk__gt=0), period=period, now=now, unit_path=world.committee.path
    )[None]
    # then they come from the appeals as they are now
    assert counts.satisfied == 3


def test_the_whole_is_the_sum_of_the_organisations_below(world: Any) -> None:
    # given appeals of both branches, partly in the rollup
    now = timezone.now()
    _past_appeals(world, now)
    rate_months.rate_months_refresh(now=now)
    _handled(world, now - datetime.timedelta(hours=80), "fairly")
    period = _year(now)
    # when the page's two readings are made with the same moment
    whole = rates.rate_counts(
        Appeal.objects.all(), period=period, now=now, unit_path=world.committee.path
    )[None]
    below = rates.rate_counts(
        Appeal.objects.all(),
        period=period,
        now=now,
        unit_path=world.committee.path,
        dimension="unit",
    )
    # then the whole adds up the organisations below
    assert set(below) == {world.committee.path, world.branch_a.path, world.branch_b.path}
    assert whole == sum(below.values(), rates.RateCounts())


def test_the_rates_page_takes_the_same_queries_for_few_appeals_or_many(
    world: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    # given the committee officer's rates page over a year with one appeal
    now = timezone.now()
    _handled(world, now - datetime.timedelta(days=120), "satisfied")
    rate_months.rate_months_refresh(now=now)
    client.force_login(
        world.committee_officer, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
    )
    url = f"/appeals/rates/?unit={world.committee.pk}&period={now.year}"
    client.get(url)
    with django_assert_max_num_queries(100) as few:
        assert client.get(url).status_code == 200
    # when there are many more, in both branches, before and after the rollup was built
    _past_appeals(world, now)
    rate_months.rate_months_refresh(now=now)
    _handled(world, now - datetime.timedelta(hours=80), "fairly", department=world.department_b)
    # then the page takes the same number of queries
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
