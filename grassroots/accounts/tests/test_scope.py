from __future__ import annotations

import pytest

from grassroots.accounts.scope import ANONYMOUS, scope_for

pytestmark = pytest.mark.django_db


def test_committee_officer_oversees_every_branch_below(world):
    scope = scope_for(world.committee_officer)
    assert scope.oversees(world.branch_a.path) and scope.oversees(world.group_a.path)
    assert scope.oversees(world.branch_b.path)
    assert scope.oversees_a_root


def test_branch_officer_oversees_their_branch_only(world):
    scope = scope_for(world.officer_a)
    assert scope.oversees(world.group_a.path)
    assert not scope.oversees(world.branch_b.path)
    assert not scope.oversees(world.committee.path)
    assert not scope.is_committee_officer


def test_scope_is_two_queries_and_then_cached(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        scope_for(world.officer_a)
    with django_assert_num_queries(0):
        scope_for(world.officer_a)


def test_visitors_have_no_scope():
    assert scope_for(None) is ANONYMOUS
    assert not ANONYMOUS.oversees("000001")
