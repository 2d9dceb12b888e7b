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


def test_an_officer_holds_an_office_and_a_plain_member_or_employee_does_not(world):
    # given the world's secretaries, a plain member and an employee
    # then
    assert scope_for(world.officer_a).holds_office
    assert scope_for(world.committee_officer).holds_office
    assert not scope_for(world.member_a.user).holds_office
    assert not scope_for(world.employee).holds_office
    assert not ANONYMOUS.holds_office


def test_a_department_liaison_holds_an_office(world):
    from grassroots.accounts.roles import Role
    from grassroots.accounts.services import role_assign

    # given an employee made liaison of their department
    role_assign(
        actor=None, user=world.employee, role=Role.DEPARTMENT_LIAISON, department=world.department_a
    )
    # then
    assert scope_for(world.employee).holds_office
