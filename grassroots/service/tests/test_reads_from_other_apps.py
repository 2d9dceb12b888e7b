"""What the service carriers read from other apps' contracts, added for them: appeals
received and handled, an appeal status's words, officers over units, departments."""

from __future__ import annotations

import pytest
from django.utils import timezone

from grassroots.accounts.roles import Role
from grassroots.accounts.selectors import assignments_over_units
from grassroots.appeals import selectors as appeals
from grassroots.appeals.tests.factories import raise_appeal
from grassroots.core.periods import Period
from grassroots.orgs.selectors import active_departments, unit_ids_within_any

pytestmark = pytest.mark.django_db


def test_received_count_counts_appeals_first_received_in_the_period(world):
    # given an appeal raised today to branch A's department
    appeal = raise_appeal(world)
    this_year = Period.year(timezone.localdate().year)
    # then the subtree that received it counts it, this year only
    assert appeals.received_count(unit_ids_within_any([appeal.first_unit.path]), this_year) == 1
    assert (
        appeals.received_count(unit_ids_within_any([appeal.first_unit.path]), this_year.previous())
        == 0
    )


def test_appeals_handled_within_reads_the_handling_subtrees_only(world):
    appeal = raise_appeal(world)
    assert list(appeals.appeals_handled_within(None)) == [appeal]
    assert list(appeals.appeals_handled_within((appeal.unit.path,))) == [appeal]
    assert list(appeals.appeals_handled_within(())) == []


def test_status_label_words_a_status(world):
    assert appeals.status_label(raise_appeal(world).status)


def test_assignments_over_units_tell_each_unit_its_own_officers(world):
    # when the branch officers over both branches are asked for, by id and by path
    by_id = assignments_over_units(
        roles=[Role.BRANCH_OFFICER], unit_ids=[world.branch_a.pk, world.branch_b.pk]
    )
    by_path = assignments_over_units(
        roles=[Role.BRANCH_OFFICER], unit_paths=[world.branch_a.path], active_only=True
    )
    # then each branch has its secretary, and the committee's officer is not among them
    assert {(a.org_unit_id, a.user) for a in by_id} == {
        (world.branch_a.pk, world.officer_a),
        (world.branch_b.pk, world.officer_b),
    }
    assert [a.user for a in by_path] == [world.officer_a]


def test_active_departments_list_every_active_department_in_tree_order(world):
    world.department_b.is_active = False
    world.department_b.save(update_fields=["is_active"])
    departments = list(active_departments())
    assert world.department_a in departments and world.department_b not in departments
    assert departments == sorted(departments, key=lambda department: department.path)
