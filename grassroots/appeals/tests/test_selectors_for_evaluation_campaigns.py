"""Appeals as evaluation's low-score analysis reads them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.appeals.selectors import appeals_of_units_in_period
from grassroots.appeals.tests.factories import category, raise_appeal
from grassroots.core.periods import Period

pytestmark = pytest.mark.django_db


def test_appeals_handled_by_units_in_a_period_and_categories(world, django_assert_num_queries):
    appeal = raise_appeal(world)
    today = timezone.localdate()
    period = Period(today - datetime.timedelta(days=30), today)
    living = category().pk
    with django_assert_num_queries(1):
        lines = appeals_of_units_in_period([appeal.unit_id], period, category_ids=[living])
    assert [(line.number, line.title) for line in lines] == [(appeal.number, "食堂排队太久")]
    assert lines[0].submitted_on == today
    assert appeals_of_units_in_period([appeal.unit_id], period, category_ids=[]) == []
    earlier = Period(today - datetime.timedelta(days=60), today - datetime.timedelta(days=31))
    assert appeals_of_units_in_period([appeal.unit_id], earlier) == []
    assert appeals_of_units_in_period([world.branch_b.pk + 1000], period) == []
