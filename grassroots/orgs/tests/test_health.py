from __future__ import annotations

import datetime

import pytest

from grassroots.core.services import parameter_set
from grassroots.orgs import health
from grassroots.orgs.models import Member
from grassroots.orgs.rules import HealthCode
from grassroots.orgs.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 5, 1)


def codes(world, unit):
    return {w.code for w in health.units_health([unit], today=TODAY)[unit.pk]}


def test_a_branch_with_two_full_members_is_flagged(world):
    # branch B has its secretary and one member: two full members
    assert HealthCode.TOO_FEW_FULL_MEMBERS in codes(world, world.branch_b)
    MemberFactory(branch=world.branch_b)
    assert HealthCode.TOO_FEW_FULL_MEMBERS not in codes(world, world.branch_b)


def test_probationary_members_do_not_count_as_full(world):
    MemberFactory(branch=world.branch_b, stage=Member.Stage.PROBATIONARY, full_on=None)
    assert HealthCode.TOO_FEW_FULL_MEMBERS in codes(world, world.branch_b)


def test_the_limits_follow_the_rule_parameters(world):
    parameter_set(actor=None, key="orgs.branch_min_full_members", value=2)
    health.parameters.forget_cached_values()
    assert HealthCode.TOO_FEW_FULL_MEMBERS not in codes(world, world.branch_b)


def test_a_group_without_leader_and_an_expiring_term(world):
    world.branch_a.term_ends_on = TODAY + datetime.timedelta(days=30)
    world.branch_a.save()
    result = health.units_health([world.branch_a, world.group_a], today=TODAY)
    assert HealthCode.TERM_EXPIRING in {w.code for w in result[world.branch_a.pk]}
    assert [w.code for w in result[world.group_a.pk]] == [HealthCode.GROUP_WITHOUT_LEADER]


def test_health_of_many_units_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    units = [world.committee, world.branch_a, world.branch_b, world.group_a]
    health.units_health(units, today=TODAY)  # warm the parameter cache
    with django_assert_num_queries(3):
        health.units_health(units, today=TODAY)


def test_every_warning_reads_as_a_sentence(world):
    world.branch_b.term_ends_on = TODAY - datetime.timedelta(days=3)
    world.branch_b.save()
    texts = [
        health.describe(w)
        for w in health.units_health([world.branch_b], today=TODAY)[world.branch_b.pk]
    ]
    assert any("3" in text for text in texts)
    assert all(text and "%(" not in text for text in texts)


def test_subtree_health_agrees_with_the_health_of_each_unit(world):
    # given: an expiring term on A, and branch B with two full members
    world.branch_a.term_ends_on = TODAY + datetime.timedelta(days=30)
    world.branch_a.save()
    units = [world.committee, world.branch_a, world.group_a, world.branch_b]  # tree order
    # when
    facts, warnings = health.subtree_health(world.committee.path, today=TODAY)
    # then
    assert [unit.pk for unit in facts] == [unit.pk for unit in units]
    assert warnings == health.units_health(units, today=TODAY)
    assert HealthCode.TOO_FEW_FULL_MEMBERS in {w.code for w in warnings[world.branch_b.pk]}


def test_subtree_health_leaves_out_inactive_units_and_other_subtrees(world):
    world.group_a.is_active = False
    world.group_a.save()
    facts, warnings = health.subtree_health(world.branch_a.path, today=TODAY)
    assert [unit.pk for unit in facts] == [world.branch_a.pk]
    assert set(warnings) == {world.branch_a.pk}


def test_subtree_health_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    health.subtree_health(world.committee.path, today=TODAY)  # warm the parameter cache
    with django_assert_num_queries(4):
        health.subtree_health(world.committee.path, today=TODAY)
    MemberFactory.create_batch(3, branch=world.branch_b)
    with django_assert_num_queries(4):
        health.subtree_health(world.committee.path, today=TODAY)
