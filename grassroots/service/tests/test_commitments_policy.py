"""The commitment policy on its own: who sees, decides, rates and reads the counts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.accounts.scope import forget_scope, scope_for
from grassroots.accounts.tests.factories import UserFactory
from grassroots.orgs.tests.factories import DepartmentFactory
from grassroots.service.commitments import policy
from grassroots.service.models import Commitment

pytestmark = pytest.mark.django_db


def published(world, year):
    return Commitment.objects.create(
        member=world.member_a.user,
        unit=world.branch_a,
        department=world.department_a,
        year=year,
        text="带头",
        services=["masses"],
        status=Commitment.Status.PUBLISHED,
    )


def scope(user):
    forget_scope(user)
    return scope_for(user)


def test_admins_read_but_only_the_branch_decides(world):
    commitment = published(world, timezone.localdate().year)
    commitment.status = Commitment.Status.SUBMITTED
    assert policy.can_view(scope(world.admin), world.admin, commitment)
    assert not policy.can_decide(scope(world.admin), commitment)
    assert policy.can_decide(scope(world.officer_a), commitment)
    assert policy.can_decide(scope(world.committee_officer), commitment)
    assert not policy.can_decide(scope(world.officer_b), commitment)


def test_a_team_below_the_department_may_rate_and_the_member_may_not(world):
    last_year = timezone.localdate().year - 1
    commitment = published(world, last_year)
    team_worker = UserFactory(department=DepartmentFactory(parent=world.department_a))
    today = timezone.localdate()
    assert policy.can_rate(scope(team_worker), team_worker, commitment, today=today)
    member = world.member_a.user
    assert not policy.can_rate(scope(member), member, commitment, today=today)
    outsider = world.member_b.user
    assert not policy.can_rate(scope(outsider), outsider, commitment, today=today)


def test_rating_opens_on_december_first_of_the_year(world):
    commitment = published(world, 2026)
    employee = world.employee
    assert not policy.can_rate(
        scope(employee), employee, commitment, today=datetime.date(2026, 11, 30)
    )
    assert policy.can_rate(scope(employee), employee, commitment, today=datetime.date(2026, 12, 1))
    member = world.member_a.user
    assert policy.can_assess(scope(member), commitment, today=datetime.date(2026, 12, 1))
    assert not policy.can_assess(scope(member), commitment, today=datetime.date(2026, 11, 30))


def test_the_counts_are_for_the_member_and_the_officers(world):
    commitment = published(world, 2025)
    assert policy.can_see_ratings(scope(world.member_a.user), commitment)
    assert policy.can_see_ratings(scope(world.officer_a), commitment)
    assert policy.can_see_ratings(scope(world.committee_officer), commitment)
    assert not policy.can_see_ratings(scope(world.employee), commitment)
    assert not policy.can_see_ratings(scope(world.officer_b), commitment)


def test_a_draft_is_the_members_own(world):
    commitment = published(world, 2026)
    commitment.status = Commitment.Status.DRAFT
    commitment.department = None
    for user in (world.officer_a, world.committee_officer, world.admin, world.employee):
        assert not policy.can_view(scope(user), user, commitment)
    assert policy.can_view(scope(world.member_a.user), world.member_a.user, commitment)
