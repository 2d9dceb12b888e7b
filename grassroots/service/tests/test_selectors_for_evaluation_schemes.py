"""What indicator schemes read of the service carriers for many organisations at once:
the same counts as the per-organisation figures, from a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest

from grassroots.core.periods import Period
from grassroots.service import selectors
from grassroots.service.tests.deeds_factories import backdate, done_deed, make_deed

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 6)


def test_deed_counts_within_equal_each_branchs_figures(world, django_assert_num_queries):
    # given a delivered deed with answers and an overdue one in branch A, one in B
    backdate(done_deed(world, ratings=(3, 1, 1)), due_on=datetime.date(2026, 6, 30))
    backdate(make_deed(world), due_on=datetime.date(2026, 7, 31))
    backdate(
        make_deed(world, unit=world.branch_b, actor=world.officer_b, owner=world.officer_b),
        due_on=datetime.date(2026, 8, 31),
    )
    period = Period.year(2026)
    with django_assert_num_queries(1):
        counts = selectors.deed_counts_within(world.committee, period, today=TODAY)
    for branch in (world.branch_a, world.branch_b):
        own = selectors.deed_figures(branch, period, today=TODAY)
        row = counts[branch.path]
        assert (row["promised"], row["done"], row["overdue"]) == (
            own.promised,
            own.done,
            own.overdue,
        )
        assert (row["satisfied"], row["fairly"], row["not_satisfied"]) == (
            own.answers.satisfied,
            own.answers.fairly,
            own.answers.not_satisfied,
        )


def test_commitment_counts_within_read_two_queries(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        counts = selectors.commitment_counts_within(world.committee, Period.year(2026))
    assert counts == {}
    assert selectors.commitment_figures(world.branch_a, Period.year(2026)).published == 0


def test_unvisited_pairings_list_reads_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = selectors.unvisited_pairings(world.branch_a, Period.year(2026), days=30, today=TODAY)
    assert rows == []
    assert (
        selectors.pairing_figures(
            world.branch_a, Period.year(2026), days=30, today=TODAY
        ).without_visit
        == 0
    )
