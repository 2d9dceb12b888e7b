"""How activities, deeds, posts and appeals spread over the five services."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.appeals.tests.factories import raise_appeal
from grassroots.core.periods import Period
from grassroots.service.activities import services as activity_services
from grassroots.service.coverage import selectors
from grassroots.service.deeds import services as deed_services
from grassroots.service.models import Activity, Deed, ServicePost
from grassroots.service.tests.deeds_factories import make_deed

pytestmark = pytest.mark.django_db


def activity(world, *, unit=None, services=("masses",), days=3, status=None):
    start = timezone.now() + datetime.timedelta(days=days)
    made = activity_services.activity_create(
        actor=world.officer_a,
        unit=unit or world.branch_a,
        title="志愿服务",
        type=Activity.Type.VOLUNTEER,
        services=list(services),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="厂区",
        audience=Activity.Audience.EVERYONE,
    )
    if status:
        Activity.objects.filter(pk=made.pk).update(status=status)
    return made


def post(world, *, unit=None, services=("development",), active=True):
    return ServicePost.objects.create(
        unit=unit or world.branch_a,
        kind=ServicePost.Kind.DEMONSTRATION,
        name="党员示范岗",
        promise="质量零缺陷",
        services=list(services),
        is_active=active,
    )


def row(result, code):
    return next(r for r in result.rows if r.service == code)


def this_year():
    return Period.year(timezone.localdate().year)


def test_coverage_periods_are_the_shared_quarters_and_years():
    assert (Period.year(2026).first, Period.year(2026).after) == (
        datetime.date(2026, 1, 1),
        datetime.date(2027, 1, 1),
    )
    assert (Period.quarter(2026, 2).first, Period.quarter(2026, 2).after) == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 7, 1),
    )
    assert Period.quarter(2026, 4).after == datetime.date(2027, 1, 1)
    assert Period.quarter(2026, 3).key == "2026-Q3"


def test_each_source_counts_under_each_of_its_services(world):
    # given
    activity(world, services=("masses", "society"), days=1)
    activity(world, status=Activity.Status.CANCELLED, days=1)  # not counted
    make_deed(world, services=["reform", "masses"], due_on=timezone.localdate())
    dropped = make_deed(world, services=["reform"], due_on=timezone.localdate())
    deed_services.deed_drop(actor=world.officer_a, deed=dropped, reason="并入")
    post(world, services=("development", "members"))
    post(world, active=False)
    raise_appeal(world)
    raise_appeal(world, title="宿舍热水不稳定")
    # a sibling branch's work is not counted
    make_deed(
        world,
        actor=world.officer_b,
        unit=world.branch_b,
        owner=world.officer_b,
        services=["reform"],
        due_on=timezone.localdate(),
    )
    # when
    result = selectors.coverage(world.branch_a, Period.year(timezone.localdate().year))
    # then
    assert (row(result, "masses").activities, row(result, "society").activities) == (1, 1)
    assert (row(result, "reform").deeds, row(result, "masses").deeds) == (1, 1)
    assert (row(result, "development").posts, row(result, "members").posts) == (1, 1)
    assert row(result, "masses").appeals == 2
    assert sum(r.appeals for r in result.rows) == 2  # appeals only under the masses
    assert result.items == {"activities": 1, "deeds": 1, "posts": 1, "appeals": 2}
    assert row(result, "masses").total == 1 + 1 + 0 + 2


def test_a_committee_sees_its_whole_subtree(world):
    make_deed(world, due_on=timezone.localdate())
    make_deed(
        world,
        actor=world.officer_b,
        unit=world.branch_b,
        owner=world.officer_b,
        due_on=timezone.localdate(),
    )
    result = selectors.coverage(world.committee, this_year())
    assert result.items["deeds"] == 2


def test_a_quarter_counts_only_its_months(world):
    today = timezone.localdate()
    deed = make_deed(world, due_on=today)
    quarter = (today.month - 1) // 3 + 1
    other = quarter % 4 + 1
    assert (
        selectors.coverage(world.branch_a, Period.quarter(today.year, quarter)).items["deeds"] == 1
    )
    if Period.quarter(today.year, other).first.year == today.year:
        assert (
            selectors.coverage(world.branch_a, Period.quarter(today.year, other)).items["deeds"]
            == 0
        )
    Deed.objects.filter(pk=deed.pk).update(due_on=datetime.date(today.year - 1, 6, 1))
    assert selectors.coverage(world.branch_a, this_year()).items["deeds"] == 0


def test_chart_has_the_table_figures(world):
    make_deed(world, services=["society"], due_on=timezone.localdate())
    chart = selectors.coverage(world.branch_a, this_year()).chart()
    assert len(chart["labels"]) == 5
    deeds = next(s for s in chart["series"] if s["key"] == "deeds")
    assert deeds["values"] == [0, 0, 0, 0, 1]


def test_coverage_reads_four_queries_however_much_there_is(world, django_assert_num_queries):
    for _ in range(3):
        make_deed(world, due_on=timezone.localdate())
        activity(world)
        post(world)
    with django_assert_num_queries(4):
        selectors.coverage(world.committee, this_year())
