"""The appeals read contract: the figures evaluation reads for a unit and a period, the
rates page's breakdown, and who is told about or may handle an appeal."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from grassroots.accounts.models import Role, RoleAssignment
from grassroots.accounts.tests.factories import UserFactory
from grassroots.appeals import rate_months, rates, selectors, services
from grassroots.appeals.models import Appeal
from grassroots.appeals.tests.factories import category, raise_appeal
from grassroots.core.periods import MONTH, Period
from grassroots.core.satisfaction import Satisfaction

pytestmark = pytest.mark.django_db


def _rated(world: Any, at: datetime.datetime, satisfaction: str, **overrides: Any) -> Any:
    appeal = raise_appeal(world, at=at, **overrides)
    services.appeal_accept(
        appeal=appeal, actor=world.officer_a, at=at + datetime.timedelta(hours=1)
    )
    services.appeal_answer(
        appeal=appeal, actor=world.officer_a, text="已处理。", at=at + datetime.timedelta(days=1)
    )
    services.appeal_rate(
        appeal=appeal,
        resolved=satisfaction != Satisfaction.NOT,
        satisfaction=satisfaction,
        rater=appeal.submitter,
        at=at + datetime.timedelta(days=2),
    )
    return appeal


# --- Figures for a unit and a period ------------------------------------------------------


def test_a_period_without_appeals_has_zero_counts_and_no_rates(world):
    # given no appeals at all
    period = Period.year(2031)
    # when the committee's figures are read
    figures = selectors.appeal_figures(world.committee, period)
    # then every count is zero and no rate is given (nothing to divide by)
    assert (figures.received, figures.accepted, figures.answered, figures.overdue) == (0, 0, 0, 0)
    assert (figures.rates.response, figures.rates.resolution, figures.rates.satisfaction) == (
        None,
        None,
        None,
    )
    assert figures.period == period and figures.unit_id == world.committee.pk


def test_figures_count_the_subtree_and_use_the_one_rate_definition(world):
    # given appeals handled last month in branch A, one in branch B left unaccepted
    now = timezone.now()
    last_month = Period.of(timezone.localdate(now), MONTH).previous()
    at = datetime.datetime.combine(
        last_month.first + datetime.timedelta(days=2),
        datetime.time(10),
        timezone.get_current_timezone(),
    )
    _rated(world, at, Satisfaction.SATISFIED)
    _rated(world, at, Satisfaction.NOT)
    raise_appeal(world, at=at, department=world.department_b)  # never accepted
    # when branch A's and the committee's figures for that month are read
    branch = selectors.appeal_figures(world.branch_a, last_month, now=now)
    committee = selectors.appeal_figures(world.committee, last_month, now=now)
    # then the branch counts its own, the committee its whole subtree
    assert (branch.received, branch.accepted, branch.declined) == (2, 2, 0)
    assert committee.received == 3 and committee.overdue == 1
    # and the rates are those the rates page counts for the same unit and period
    expected = rates.rate_counts(
        Appeal.objects.all(), period=last_month, now=now, unit_path=world.committee.path
    )[None]
    assert committee.counts == expected
    assert committee.rates == rates.rates_for(expected)


def test_figures_read_from_the_rollup_equal_those_counted_live(world):
    # given appeals of last month, counted live
    now = timezone.now()
    last_month = Period.of(timezone.localdate(now), MONTH).previous()
    at = datetime.datetime.combine(
        last_month.first + datetime.timedelta(days=1),
        datetime.time(9),
        timezone.get_current_timezone(),
    )
    _rated(world, at, Satisfaction.FAIRLY)
    live = selectors.appeal_figures(world.committee, last_month, now=now)
    # when the rollup is built
    rate_months.rate_months_refresh(now=now)
    # then the figures do not change
    assert selectors.appeal_figures(world.committee, last_month, now=now) == live


def test_the_breakdown_by_unit_adds_up_to_the_whole(world):
    now = timezone.now()
    _rated(world, now - datetime.timedelta(days=40), Satisfaction.SATISFIED)
    _rated(
        world, now - datetime.timedelta(days=40), Satisfaction.FAIRLY, department=world.department_b
    )
    period = Period.year(timezone.localdate(now).year)
    for dimension in ("unit", "category"):
        breakdown = selectors.rate_breakdown(world.committee, period, dimension=dimension, now=now)
        assert breakdown.whole.answered == sum(c.answered for c in breakdown.groups.values())


# --- Who is told, who may be assigned -------------------------------------------------------


def test_handlers_are_the_receiving_officers_and_the_assignee(world):
    appeal = raise_appeal(world)
    assert world.officer_a in selectors.handlers_of(appeal)
    assert world.officer_b not in selectors.handlers_of(appeal)
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    services.appeal_assign(appeal=appeal, actor=world.officer_a, assignee=world.member_a.user)
    appeal.refresh_from_db()
    assert world.member_a.user in selectors.handlers_of(appeal)


def test_conduct_complaints_go_to_discipline_officers_only(world):
    discipline = UserFactory()
    RoleAssignment.objects.create(
        user=discipline, role=Role.DISCIPLINE_OFFICER, org_unit=world.committee
    )
    appeal = raise_appeal(world, category=category("conduct"))
    assert appeal.unit == world.committee
    handlers = selectors.handlers_of(appeal)
    assert discipline in handlers and world.committee_officer not in handlers
    assert selectors.officers_above(appeal) == [discipline]


def test_officers_above_supervise_a_branch_appeal(world):
    appeal = raise_appeal(world)
    assert selectors.officers_above(appeal) == [world.committee_officer]


def test_liaisons_of_a_department_and_above_are_asked(world):
    here, above, elsewhere = UserFactory(), UserFactory(), UserFactory()
    company = world.department_a.parent
    RoleAssignment.objects.create(
        user=here, role=Role.DEPARTMENT_LIAISON, department=world.department_a
    )
    RoleAssignment.objects.create(user=above, role=Role.DEPARTMENT_LIAISON, department=company)
    RoleAssignment.objects.create(
        user=elsewhere, role=Role.DEPARTMENT_LIAISON, department=world.department_b
    )
    assert set(selectors.department_liaisons(world.department_a)) == {here, above}


def test_assignable_members_are_party_members_of_the_handling_subtree(world):
    appeal = raise_appeal(world)
    people = list(selectors.assignable_members(appeal))
    assert world.officer_a in people and world.member_a.user in people
    assert world.member_b.user not in people and world.employee not in people


def test_wall_within_reads_the_subtree_s_published_appeals_newest_first_from_a_key(world):
    # given appeals on the wall in branch A's group and in branch B, and one not published
    at = timezone.now().replace(microsecond=0)
    rows = []
    for unit, hours in ((world.group_a, 1), (world.branch_b, 2), (world.branch_a, 3)):
        appeal = raise_appeal(world)
        Appeal.objects.filter(pk=appeal.pk).update(
            unit=unit, public_summary="已解决", published_at=at - datetime.timedelta(hours=hours)
        )
        rows.append(appeal)
    raise_appeal(world)
    # when branch A's wall is read, whole and past its first row
    whole = list(selectors.wall_within(world.branch_a.path))
    first = whole[0]
    rest = list(
        selectors.wall_within(world.branch_a.path, older_than=(first.published_at, first.pk))
    )
    # then its own two, newest first, and the second alone after the first
    assert [a.pk for a in whole] == [rows[0].pk, rows[2].pk]
    assert [a.pk for a in rest] == [rows[2].pk]
    assert len(selectors.wall_within(world.committee.path)) == 3
    # and read along the index instead (a committee's page), the same rows
    broad = selectors.wall_within(world.branch_a.path, broad=True)
    assert [a.pk for a in broad] == [a.pk for a in whole]
