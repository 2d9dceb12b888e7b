from __future__ import annotations

import pytest
from django.utils import timezone

from grassroots.accounts.roles import Role
from grassroots.accounts.scope import ANONYMOUS, scope_for
from grassroots.accounts.services import role_assign, role_end
from grassroots.core import option_lists
from grassroots.orgs.models import Member, OrgUnit

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


def _next_request(user):
    """The same person as the next request loads them: a fresh object, nothing on it."""
    return type(user).objects.get(pk=user.pk)


def test_the_next_request_reads_no_roles_or_membership_again(world, django_assert_num_queries):
    officer = _next_request(world.officer_a)
    scope_for(officer)
    again = _next_request(world.officer_a)
    with django_assert_num_queries(0):
        assert scope_for(again).oversees(world.group_a.path)


def test_a_role_given_or_ended_counts_at_the_next_request(world):
    # given: an employee whose scope was worked out (and kept) before
    employee = _next_request(world.employee)
    assert not scope_for(employee).oversees(world.branch_b.path)
    # when: they are made officer of branch B
    given = role_assign(
        actor=world.admin, user=world.employee, role=Role.BRANCH_OFFICER, org_unit=world.branch_b
    )
    # then: their next request sees it
    assert scope_for(_next_request(world.employee)).oversees(world.branch_b.path)
    # and when the role ends today, their next request no longer does
    role_end(actor=world.admin, assignment=given, ends_on=timezone.localdate())
    assert not scope_for(_next_request(world.employee)).oversees(world.branch_b.path)


def test_a_member_record_left_counts_at_the_next_request(world):
    member = _next_request(world.member_a.user)
    assert scope_for(member).is_member
    world.member_a.status = Member.Status.LEFT
    world.member_a.save()
    assert not scope_for(_next_request(world.member_a.user)).is_member


def test_a_write_without_signals_counts_once_it_is_said(world):
    # given: an officer's scope kept, then their branch moved under another by one UPDATE
    scope_for(_next_request(world.officer_a))
    OrgUnit.tree_move(world.branch_a, world.branch_b)
    moved = OrgUnit.objects.get(pk=world.group_a.pk).path
    # then: the move said so (core.option_lists.rows_changed): the next request follows
    assert scope_for(_next_request(world.officer_a)).oversees(moved)
    # and a raw update that says nothing is seen once it is said
    assert scope_for(_next_request(world.member_a.user)).is_member
    Member.objects.filter(pk=world.member_a.pk).update(status=Member.Status.LEFT)
    assert scope_for(_next_request(world.member_a.user)).is_member  # kept, 30 s at most
    option_lists.rows_changed(Member)
    assert not scope_for(_next_request(world.member_a.user)).is_member


def test_being_an_administrator_is_never_kept(world):
    scope_for(_next_request(world.employee))
    type(world.employee).objects.filter(pk=world.employee.pk).update(is_superuser=True)
    assert scope_for(_next_request(world.employee)).is_admin


def test_visitors_have_no_scope():
    assert scope_for(None) is ANONYMOUS
    assert not ANONYMOUS.oversees("000001")
