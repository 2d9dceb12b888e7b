"""Deeds as a rectification plan links to them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.service.selectors import deeds_of_unit
from grassroots.service.tests.deeds_factories import backdate, make_deed

pytestmark = pytest.mark.django_db


def test_deeds_of_a_unit_and_those_below_since_a_day(world, django_assert_num_queries):
    deed = make_deed(world)
    old = backdate(make_deed(world, title="旧事"), due_on=datetime.date(2020, 1, 1))
    make_deed(world, unit=world.branch_b, actor=world.officer_b, owner=world.officer_b)
    since = timezone.localdate() - datetime.timedelta(days=365)
    with django_assert_num_queries(1):
        lines = deeds_of_unit(world.branch_a, since=since)
    assert [line.pk for line in lines] == [deed.pk]
    assert old.pk not in [line.pk for line in deeds_of_unit(world.committee, since=since)]
    assert deed.pk in [line.pk for line in deeds_of_unit(world.committee, since=since)]
