"""The service carriers' reads for the six haves: deeds and carriers of many units at
once (equal to the one-unit figures), and who among some people serves through a post
or a commitment — each in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.accounts.tests.factories import UserFactory
from grassroots.orgs.models import OrgUnit
from grassroots.orgs.tests.factories import OrgUnitFactory
from grassroots.service import selectors
from grassroots.service.models import Activity, Commitment, Deed, ServicePost
from grassroots.service.tests.test_read_contract import PERIOD, TODAY, YEAR, activity, deed

pytestmark = pytest.mark.django_db


def post(world, *, unit=None, holders=(), active=True, created=datetime.date(YEAR, 1, 10)):
    made = ServicePost.objects.create(
        created_at=datetime.datetime.combine(created, datetime.time(9), datetime.UTC),
        unit=unit or world.branch_a,
        kind=ServicePost.Kind.DEMONSTRATION,
        name="党员示范岗",
        promise="质量零缺陷",
        services=["development"],
        is_active=active,
    )
    made.holders.add(*holders)
    return made


def commitment(world, *, member, year=YEAR, status=Commitment.Status.PUBLISHED):
    return Commitment.objects.create(
        member=member,
        unit=world.branch_a,
        department=world.department_a,
        year=year,
        text="每周巡查安全隐患。",
        services=["masses"],
        status=status,
    )


def test_deed_figures_of_many_units_equal_those_of_each_unit(world):
    # given deeds of both branches, of a group and of the committee in the year
    deed(world, due_on=datetime.date(YEAR, 3, 1), status=Deed.Status.DONE, ratings=(4, 1, 1))
    deed(world, unit=world.group_a, due_on=datetime.date(YEAR, 5, 1))
    deed(world, unit=world.branch_b, due_on=datetime.date(YEAR, 6, 1), status=Deed.Status.DROPPED)
    deed(world, unit=world.committee, due_on=datetime.date(YEAR, 7, 1))
    deed(world, due_on=datetime.date(YEAR + 1, 1, 5))  # another year
    units = [world.branch_a, world.branch_b, world.committee]
    # when read at once
    found = selectors.deed_figures_of(units, PERIOD, within=world.committee, today=TODAY)
    # then each unit has what deed_figures gives it alone (its group's deeds included)
    for unit in units:
        alone = selectors.deed_figures(unit, PERIOD, today=TODAY)
        assert found[unit.pk] == alone, unit.name
    assert found[world.branch_a.pk].promised == 2
    assert found[world.branch_a.pk].answers.total == 6


def test_carriers_count_active_posts_and_activities_held_in_the_year(world):
    # given posts (one stood down, one set up after the year) and activities
    post(world)
    post(world, unit=world.group_a)
    post(world, active=False)
    post(world, created=datetime.date(YEAR + 1, 2, 1))
    activity(world, on=datetime.date(YEAR, 4, 1))
    activity(world, on=datetime.date(YEAR, 5, 1), status=Activity.Status.CANCELLED)
    activity(world, unit=world.branch_b, on=datetime.date(YEAR, 6, 1))
    activity(world, on=datetime.date(YEAR - 1, 6, 1))
    # when
    found = selectors.carrier_figures_of(
        [world.branch_a, world.branch_b], PERIOD, within=world.committee
    )
    # then
    assert (found[world.branch_a.pk].posts, found[world.branch_a.pk].activities) == (2, 1)
    assert (found[world.branch_b.pk].posts, found[world.branch_b.pk].activities) == (0, 1)


def test_serving_users_hold_an_active_post_or_an_approved_commitment(world):
    # given a post holder, a member with a published commitment, one whose commitment
    # waits for the branch, one holding a stood-down post, and a holder outside `among`
    holder, committed, waiting, former, outsider = (UserFactory() for _ in range(5))
    post(world, holders=[holder, outsider])
    post(world, holders=[former], active=False)
    commitment(world, member=committed)
    commitment(world, member=waiting, status=Commitment.Status.SUBMITTED)
    commitment(world, member=former, year=YEAR - 1)
    among = [holder.pk, committed.pk, waiting.pk, former.pk]
    # when
    found = selectors.serving_users(among, PERIOD)
    # then
    assert found.post_holders == {holder.pk}
    assert found.committed == {committed.pk}
    assert found.serving == {holder.pk, committed.pk}


def test_the_number_of_queries_does_not_grow_with_the_units(world):
    def queries(units) -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.deed_figures_of(units, PERIOD, within=world.committee, today=TODAY)
            selectors.carrier_figures_of(units, PERIOD, within=world.committee)
            selectors.serving_users([world.member_a.user_id], PERIOD)
        return len(captured)

    few = queries([world.branch_a])
    more = [
        OrgUnitFactory(kind=OrgUnit.Kind.BRANCH, parent=world.committee, code=f"X{n}")
        for n in range(5)
    ]
    for unit in more:
        deed(world, unit=unit, due_on=datetime.date(YEAR, 3, 1))
        post(world, unit=unit)
    assert queries([world.branch_a, *more]) == few == 5
