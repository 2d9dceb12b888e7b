"""Compliance by month (the dashboards' heat map) agrees with the read contract's
compliance over the same period, organisation by organisation below."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.utils import timezone

from grassroots.core.periods import Period
from grassroots.orglife import rules, selectors
from grassroots.orglife.tests.test_read_contract import held, yesterday_at_two

pytestmark = pytest.mark.django_db


def _by_child(world, period, today):
    """meeting_compliance's held and held + missing, added up per organisation below."""
    sums = defaultdict(lambda: [0, 0])
    width = len(world.committee.path) + 6
    for each in selectors.meeting_compliance(world.committee, period, today=today):
        key = each.unit_path[:width]
        sums[key][0] += each.held
        sums[key][1] += each.held + each.missing
    return {key: tuple(value) for key, value in sums.items()}


def _months_added(world, period, today):
    found = selectors.compliance_by_month_below(world.committee, period, today=today)
    sums = defaultdict(lambda: [0, 0])
    for (_month, path), figures in found.items():
        sums[path][0] += figures.held
        sums[path][1] += figures.due
    return {key: tuple(value) for key, value in sums.items()}


def test_a_past_year_by_month_adds_up_to_the_years_compliance(world):
    today = timezone.localdate()
    last_year = Period.year(today.year - 1)
    by_month = _months_added(world, last_year, today)
    assert by_month == _by_child(world, last_year, today)
    assert by_month[world.branch_a.path][0] == 0
    assert by_month[world.branch_a.path][1] > 12  # monthly kinds and the rest, all due


def test_this_years_meetings_held_count_in_their_month(world):
    # given a themed day and a lecture held yesterday in branch A
    today = timezone.localdate()
    held(world, rules.THEMED_DAY, when=yesterday_at_two())
    held(world, rules.LECTURE, when=yesterday_at_two())
    year = Period.year(today.year)
    # when the months are added up, they agree with the year's compliance
    assert _months_added(world, year, today) == _by_child(world, year, today)
    # and the themed day is held in yesterday's month
    month = yesterday_at_two().date().replace(day=1)
    found = selectors.compliance_by_month_below(world.committee, year, today=today)
    assert found[(month, world.branch_a.path)].held >= 1


def test_compliance_by_month_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    today = timezone.localdate()
    with django_assert_max_num_queries(4):  # three, and the rule parameters
        selectors.compliance_by_month_below(world.committee, Period.year(today.year), today=today)
