"""The service carriers' read contract (grassroots.service.selectors): per organisation
subtree and shared period, typed figures in a fixed number of queries."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.periods import Period
from grassroots.service import selectors
from grassroots.service.models import (
    Activity,
    Commitment,
    CommitmentRating,
    Deed,
    Pairing,
    ServicePost,
    SignUp,
    Visit,
)

pytestmark = pytest.mark.django_db

YEAR = 2025
PERIOD = Period.year(YEAR)
EMPTY = Period.quarter(YEAR - 3, 2)  # nothing happened then
TODAY = datetime.date(YEAR + 1, 3, 1)
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


def commitment(world, *, unit=None, year=YEAR, status=Commitment.Status.PUBLISHED, **extra):
    return Commitment.objects.create(
        member=world.member_a.user,
        unit=unit or world.branch_a,
        department=world.department_a,
        year=year,
        text="每周巡查安全隐患。",
        services=["masses"],
        status=status,
        **extra,
    )


def rate(target, *scores):
    for score in scores:
        CommitmentRating.objects.create(commitment=target, user=UserFactory(), score=score)


def deed(world, *, unit=None, due_on, status=Deed.Status.OPEN, ratings=(0, 0, 0)):
    satisfied, fairly, unhappy = ratings
    return Deed.objects.create(
        unit=unit or world.branch_a,
        title="更换饮水机",
        owner=world.officer_a,
        services=["masses"],
        due_on=due_on,
        status=status,
        done_on=due_on if status == Deed.Status.DONE else None,
        progress=100 if status == Deed.Status.DONE else 10,
        rated_satisfied=satisfied,
        rated_fairly=fairly,
        rated_not=unhappy,
    )


def pairing(world, *, unit=None, started_on, ended_on=None, visits=()):
    made = Pairing.objects.create(
        unit=unit or world.branch_a,
        member=world.member_a.user,
        employee=UserFactory(),
        reason=Pairing.Reason.ILLNESS,
        started_on=started_on,
        ended_on=ended_on,
        end_reason="困难已解决" if ended_on else "",
    )
    for day in visits:
        Visit.objects.create(pairing=made, date=day, help_given="送去慰问品")
    return made


def activity(world, *, unit=None, on, status=Activity.Status.HELD, helped=None):
    starts = datetime.datetime.combine(on, datetime.time(9), ZONE)
    return Activity.objects.create(
        unit=unit or world.branch_a,
        title="志愿服务",
        type=Activity.Type.VOLUNTEER,
        services=["masses", "society"],
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        place="社区",
        audience=Activity.Audience.EVERYONE,
        status=status,
        beneficiaries=helped,
    )


def took_part(made, user, *, hours, attended=True):
    return SignUp.objects.create(
        activity=made,
        user=user,
        status=SignUp.Status.CONFIRMED,
        attended=attended,
        hours=Decimal(hours),
    )


# --- Commitments ------------------------------------------------------------------------


def test_commitment_figures_count_the_years_commitments_and_their_ratings(world):
    # given published, self-assessed and submitted commitments of the branch in the year,
    # a draft, one of another year and one of another branch
    published = commitment(world, self_assessment="基本完成")
    rate(published, "satisfied", "satisfied", "fairly", "not")
    commitment(world, status=Commitment.Status.SUBMITTED)
    commitment(world, status=Commitment.Status.DRAFT)
    rate(commitment(world, year=YEAR - 1), "not")
    rate(commitment(world, unit=world.branch_b), "not")
    # when the committee's figures for the year are read
    figures = selectors.commitment_figures(world.committee, PERIOD)
    # then the committee's subtree is counted, drafts and other years left out
    assert (figures.made, figures.published, figures.self_assessed) == (3, 2, 1)
    assert figures.ratings == selectors.SatisfactionCounts(2, 1, 2)
    # and the branch alone has its own
    branch = selectors.commitment_figures(world.branch_a, PERIOD)
    assert (branch.made, branch.ratings.total) == (2, 4)


def test_commitment_figures_of_a_quarter_are_those_of_its_year(world):
    rate(commitment(world), "fairly")
    figures = selectors.commitment_figures(world.branch_a, Period.quarter(YEAR, 4))
    assert figures.ratings.fairly == 1


def test_commitment_figures_of_an_empty_period_are_zero(world, django_assert_num_queries):
    rate(commitment(world), "fairly")
    with django_assert_num_queries(2):
        figures = selectors.commitment_figures(world.committee, EMPTY)
    assert (figures.made, figures.ratings) == (0, selectors.SatisfactionCounts())


# --- Deeds ------------------------------------------------------------------------------


def test_deed_figures_count_deeds_due_in_the_period(world, django_assert_num_queries):
    # given deeds due in the year: done and rated, open and late, dropped; and others
    deed(world, due_on=datetime.date(YEAR, 3, 1), status=Deed.Status.DONE, ratings=(5, 2, 1))
    deed(world, due_on=datetime.date(YEAR, 6, 1), status=Deed.Status.DONE, ratings=(1, 0, 3))
    deed(world, due_on=datetime.date(YEAR, 9, 1))
    deed(world, due_on=datetime.date(YEAR, 10, 1), status=Deed.Status.DROPPED)
    deed(world, due_on=datetime.date(YEAR + 1, 1, 5))
    deed(world, unit=world.branch_b, due_on=datetime.date(YEAR, 5, 1))
    # when the branch's figures are read
    with django_assert_num_queries(1):
        figures = selectors.deed_figures(world.branch_a, PERIOD, today=TODAY)
    # then
    assert (figures.promised, figures.done, figures.overdue, figures.dropped) == (3, 2, 1, 1)
    assert figures.answers == selectors.SatisfactionCounts(6, 2, 4)


def test_deed_figures_of_an_empty_period_are_zero(world):
    deed(world, due_on=datetime.date(YEAR, 3, 1), status=Deed.Status.DONE, ratings=(1, 1, 1))
    figures = selectors.deed_figures(world.committee, EMPTY, today=TODAY)
    assert (figures.promised, figures.done, figures.answers.total) == (0, 0, 0)


# --- Pairings ---------------------------------------------------------------------------


def test_pairing_figures_count_live_pairings_visits_and_those_left_unvisited(
    world, django_assert_num_queries
):
    # given a pairing visited lately, one not visited for months, one ended before the
    # year and one of another branch
    pairing(world, started_on=datetime.date(YEAR - 1, 5, 1), visits=[datetime.date(YEAR, 12, 20)])
    pairing(world, started_on=datetime.date(YEAR, 2, 1), visits=[datetime.date(YEAR, 3, 1)])
    pairing(world, started_on=datetime.date(YEAR - 2, 1, 1), ended_on=datetime.date(YEAR - 1, 6, 1))
    pairing(world, unit=world.branch_b, started_on=datetime.date(YEAR, 1, 1))
    # when the branch's figures for the year are read, with a 60-day rule
    with django_assert_num_queries(3):
        figures = selectors.pairing_figures(world.branch_a, PERIOD, days=60, today=TODAY)
    # then
    assert (figures.active, figures.visits, figures.without_visit) == (2, 2, 1)
    assert figures.as_of == datetime.date(YEAR, 12, 31)


def test_a_visit_after_the_period_does_not_count_for_it(world):
    pairing(world, started_on=datetime.date(YEAR, 1, 1), visits=[datetime.date(YEAR + 1, 1, 10)])
    figures = selectors.pairing_figures(world.branch_a, PERIOD, days=60, today=TODAY)
    assert (figures.visits, figures.without_visit) == (0, 1)


def test_pairing_figures_of_an_empty_period_are_zero(world):
    pairing(world, started_on=datetime.date(YEAR, 1, 1), visits=[datetime.date(YEAR, 2, 1)])
    figures = selectors.pairing_figures(world.committee, EMPTY, days=60, today=TODAY)
    assert (figures.active, figures.visits, figures.without_visit) == (0, 0, 0)


# --- Activities -------------------------------------------------------------------------


def test_activity_figures_count_held_activities_people_and_hours(world, django_assert_num_queries):
    # given two activities held in the year (one person at both), one cancelled and one
    # of another branch
    first = activity(world, on=datetime.date(YEAR, 4, 1), helped=30)
    second = activity(world, on=datetime.date(YEAR, 8, 1), helped=12)
    regular = UserFactory()
    took_part(first, regular, hours="2.5")
    took_part(second, regular, hours="3")
    took_part(second, UserFactory(), hours="1")
    took_part(second, UserFactory(), hours="0", attended=False)
    activity(world, on=datetime.date(YEAR, 5, 1), status=Activity.Status.CANCELLED)
    took_part(
        activity(world, unit=world.branch_b, on=datetime.date(YEAR, 5, 1)), regular, hours="4"
    )
    # when the branch's figures are read
    with django_assert_num_queries(2):
        figures = selectors.activity_figures(world.branch_a, PERIOD)
    # then
    assert (figures.held, figures.participants, figures.people) == (2, 3, 2)
    assert (figures.hours, figures.beneficiaries) == (Decimal("6.5"), 42)


def test_activity_figures_of_an_empty_period_are_zero(world):
    took_part(activity(world, on=datetime.date(YEAR, 4, 1)), UserFactory(), hours="2")
    figures = selectors.activity_figures(world.committee, EMPTY)
    assert (figures.held, figures.participants, figures.hours) == (0, 0, Decimal(0))


# --- Coverage ---------------------------------------------------------------------------


def test_coverage_figures_give_the_five_services(world, django_assert_num_queries):
    # given an activity tagged with two services, a deed and an active post
    activity(world, on=datetime.date(YEAR, 4, 1))
    deed(world, due_on=datetime.date(YEAR, 3, 1))
    ServicePost.objects.create(
        unit=world.branch_a,
        kind=ServicePost.Kind.DEMONSTRATION,
        name="党员示范岗",
        promise="质量零缺陷",
        services=["development"],
    )
    # when
    with django_assert_num_queries(4):
        figures = selectors.coverage_figures(world.committee, PERIOD)
    # then
    assert [row.service for row in figures.services] == [
        "masses",
        "reform",
        "development",
        "members",
        "society",
    ]
    assert (figures.of("masses").activities, figures.of("masses").deeds) == (1, 1)
    assert figures.of("development").posts == 1
    assert figures.covered == 3


def test_coverage_figures_of_an_empty_period_have_only_the_posts(world):
    activity(world, on=datetime.date(YEAR, 4, 1))
    figures = selectors.coverage_figures(world.committee, EMPTY)
    assert sum(row.activities + row.deeds for row in figures.services) == 0


def test_delivered_within_reads_the_subtree_s_done_deeds_latest_first_from_a_key(world):
    # given deeds done in branch A on two days, one in branch B, one under way
    from grassroots.service.deeds.selectors import delivered_within

    earlier = deed(world, due_on=datetime.date(YEAR, 3, 1), status=Deed.Status.DONE)
    later = deed(world, due_on=datetime.date(YEAR, 5, 1), status=Deed.Status.DONE)
    deed(world, unit=world.branch_b, due_on=datetime.date(YEAR, 6, 1), status=Deed.Status.DONE)
    deed(world, due_on=datetime.date(YEAR, 7, 1))
    # when branch A's are read, whole and past the first
    whole = list(delivered_within(world.branch_a.path))
    rest = list(delivered_within(world.branch_a.path, older_than=(later.done_on, later.pk)))
    # then the latest done first, and the earlier one alone after it
    assert [d.pk for d in whole] == [later.pk, earlier.pk]
    assert [d.pk for d in rest] == [earlier.pk]
    assert [d.pk for d in delivered_within(world.branch_a.path, broad=True)] == [
        later.pk,
        earlier.pk,
    ]
