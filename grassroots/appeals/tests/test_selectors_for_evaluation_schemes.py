"""What indicator schemes read of appeals: the rates of every organisation below a
committee at once, and the appeals whose acceptance deadline was missed."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.appeals import selectors, services
from grassroots.appeals.tests.factories import raise_appeal
from grassroots.core.periods import MONTH, Period

pytestmark = pytest.mark.django_db


def _last_month_at(hour: int) -> tuple[Period, datetime.datetime]:
    last_month = Period.of(timezone.localdate(), MONTH).previous()
    at = datetime.datetime.combine(
        last_month.first + datetime.timedelta(days=2),
        datetime.time(hour),
        timezone.get_current_timezone(),
    )
    return last_month, at


def test_counts_below_a_committee_equal_each_branchs_own_figures(
    world, django_assert_max_num_queries
):
    # given one appeal accepted in time in branch A and one never accepted in branch B
    now = timezone.now()
    period, at = _last_month_at(10)
    accepted = raise_appeal(world, at=at)
    services.appeal_accept(
        appeal=accepted, actor=world.officer_a, at=at + datetime.timedelta(hours=1)
    )
    raise_appeal(world, at=at, department=world.department_b)
    # when the committee's organisations below are read at once
    with django_assert_max_num_queries(6):
        below = selectors.appeal_counts_below(world.committee, period, now=now)
    # then each branch has what its own figures say
    for branch in (world.branch_a, world.branch_b):
        own = selectors.appeal_figures(branch, period, now=now)
        assert below[branch.path].counts == own.counts
        assert below[branch.path].rates == own.rates
    assert selectors.AppealRates.empty().rates.response is None


def test_late_appeals_are_those_counted_overdue(world):
    now = timezone.now()
    period, at = _last_month_at(9)
    raise_appeal(world, at=at)  # never accepted: its deadline has passed
    on_time = raise_appeal(world, at=at)
    services.appeal_accept(
        appeal=on_time, actor=world.officer_a, at=at + datetime.timedelta(hours=1)
    )
    late = selectors.late_appeals(world.branch_a, period, now=now)
    assert len(late) == selectors.appeal_figures(world.branch_a, period, now=now).overdue == 1
    assert late[0].responded_at is None
    assert selectors.late_appeals(world.branch_b, period, now=now) == []
