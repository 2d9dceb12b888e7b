"""The read others make of venues: which venues in use serve an organisation (its own
and those of the organisations above it), for the six haves' place."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.orgs.models import OrgUnit
from grassroots.orgs.tests.factories import OrgUnitFactory
from grassroots.resources import selectors
from grassroots.resources.models import Venue
from grassroots.resources.tests.factories import make_venue

pytestmark = pytest.mark.django_db


def _later() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=1)


def test_a_branch_is_served_by_its_own_venues_then_those_above_it(world):
    # given a venue of branch A, one of the committee, one of branch B, one of A's
    # group, and one of the committee no longer in use
    own = make_venue(world.branch_a, name="甲支部活动室", hearing_loop=True)
    above = make_venue(world.committee, name="党群服务中心")
    make_venue(world.branch_b, name="乙支部活动室")
    make_venue(world.group_a, name="小组角")
    make_venue(world.committee, name="旧会议室", is_active=False)
    # when the venues serving branch A and branch B are read
    found = selectors.venues_serving(
        [world.branch_a.path, world.branch_b.path], recorded_before=_later()
    )
    # then A has its own first, then the committee's; B the committee's after its own
    assert [venue.pk for venue in found[world.branch_a.path]] == [own.pk, above.pk]
    assert [venue.name for venue in found[world.branch_b.path]] == ["乙支部活动室", "党群服务中心"]
    first = found[world.branch_a.path][0]
    assert (first.step_free, first.accessible_toilet, first.hearing_loop) == (True, False, True)
    assert first.hours[0] == (datetime.time(8, 30), datetime.time(17, 30))
    assert first.hours[6] is None
    assert first.unit_name == world.branch_a.name


def test_a_venue_recorded_later_does_not_serve_an_earlier_year(world):
    venue = make_venue(world.branch_a)
    Venue.objects.filter(pk=venue.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 2, 1, 10))
    )
    end_of_2025 = timezone.make_aware(datetime.datetime(2026, 1, 1))
    assert selectors.venues_serving([world.branch_a.path], recorded_before=end_of_2025) == {
        world.branch_a.path: []
    }


def test_many_units_are_read_in_one_query(world, django_assert_num_queries):
    make_venue(world.committee, name="党群服务中心")
    branches = [
        OrgUnitFactory(kind=OrgUnit.Kind.BRANCH, parent=world.committee, code=f"V{n}")
        for n in range(6)
    ]
    for branch in branches:
        make_venue(branch, name=f"{branch.code}活动室")
    with django_assert_num_queries(1):
        found = selectors.venues_serving([b.path for b in branches], recorded_before=_later())
    assert all(len(found[branch.path]) == 2 for branch in branches)
    with django_assert_num_queries(0):
        assert selectors.venues_serving([], recorded_before=_later()) == {}
