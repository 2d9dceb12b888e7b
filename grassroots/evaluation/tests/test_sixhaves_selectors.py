"""The six haves' figures, read from each app's records for every branch of a subtree:
what counts, that a branch's groups count with it, and that a branch's page and the
committee's overview read the same figures."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.core.periods import Period
from grassroots.evaluation.sixhaves import haves, selectors
from grassroots.evaluation.sixhaves.models import SixHavesPlace
from grassroots.orglife import selectors as orglife
from grassroots.service.models import Commitment
from grassroots.service.tests.test_read_contract import activity
from grassroots.service.tests.test_selectors_for_evaluation_sixhaves import post

pytestmark = pytest.mark.django_db


def _states(figures):
    result = haves.branch_haves(figures, selectors.current_thresholds())
    return {have.key: have.state for have in result.haves}


def test_each_have_is_read_from_the_records_of_its_app(world):
    # given last year: in branch A a post holder and an approved commitment among its
    # three members, a post and four activities; branch B's officer recorded no place
    today = timezone.localdate()
    year = today.year - 1
    post(world, holders=[world.member_a.user], created=datetime.date(year, 1, 5))
    Commitment.objects.create(
        member=world.officer_a,
        unit=world.branch_a,
        year=year,
        text="带头安全生产",
        status=Commitment.Status.PUBLISHED,
    )
    for month in (3, 5, 7, 9):
        activity(world, unit=world.group_a, on=datetime.date(year, month, 10))
    SixHavesPlace.objects.create(
        unit=world.branch_b,
        year=year,
        has_place=False,
        note="没有活动室",
        recorded_by=world.officer_b,
    )
    # when the committee's branches are read
    a, b = selectors.branch_figures(
        world.committee, list(selectors.branches_within(world.committee)), year, today=today
    )
    # then branch A: two of three members serve, one post and four activities (its
    # group's count with it)
    assert a.unit == world.branch_a and b.unit == world.branch_b
    assert (a.members, a.post_holders, a.committed, a.serving) == (3, 1, 1, 2)
    assert (a.carriers.posts, a.carriers.activities) == (1, 4)
    assert a.on == datetime.date(year, 12, 31)
    # and its meetings are those of the branch and its group, all missed
    compliance = {
        row.unit_id: row
        for row in orglife.meeting_compliance(world.committee, Period.year(year), today=today)
    }
    assert a.meetings_held == 0
    assert a.meetings_missing == (
        compliance[world.branch_a.pk].missing + compliance[world.group_a.pk].missing
    )
    assert _states(a) == {
        "leadership": "unknown",  # no term on record
        "backbone": "met",
        "place": "unknown",
        "carriers": "met",
        "systems": "not_met",
        "results": "unknown",  # too few appeals and answers
    }
    assert b.place is not None and b.place.note == "没有活动室"
    assert _states(b)["place"] == "not_met"
    assert _states(b)["backbone"] == "not_met"  # nobody of two serves
    assert _states(b)["carriers"] == "not_met"


def test_the_branch_page_and_the_overview_read_the_same_figures(world):
    today = timezone.localdate()
    post(world, holders=[world.member_a.user], created=today)
    activity(world, on=today - datetime.timedelta(days=1))
    in_overview = selectors.branch_figures(
        world.committee, [world.branch_a, world.branch_b], today.year, today=today
    )[0]
    alone = selectors.branch_figures(world.branch_a, [world.branch_a], today.year, today=today)[0]
    assert in_overview == alone


def test_no_branches_read_nothing(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.branch_figures(world.committee, [], 2025, today=timezone.localdate()) == []
