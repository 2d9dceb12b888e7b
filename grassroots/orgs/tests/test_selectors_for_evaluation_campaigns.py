"""Reads that evaluation campaigns draw their roll from."""

from __future__ import annotations

import pytest

from grassroots.orgs.models import Member
from grassroots.orgs.selectors import active_member_stages, covered_department_paths
from grassroots.orgs.tests.factories import DepartmentFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_active_member_stages_of_branches(world, django_assert_num_queries):
    activist = MemberFactory(branch=world.branch_a, stage=Member.Stage.ACTIVIST)
    MemberFactory(branch=world.branch_a, status=Member.Status.LEFT)
    with django_assert_num_queries(1):
        stages = active_member_stages([world.branch_a.pk])
    assert stages[activist.user_id] == "activist"
    assert stages[world.member_a.user_id] == "full"
    assert world.member_b.user_id not in stages
    assert len(stages) == 4  # the committee officer, officer A, member A, the activist


def test_covered_department_paths(world, django_assert_num_queries):
    closed = DepartmentFactory(name="撤销车间", code="DX", is_active=False)
    world.branch_b.departments.add(closed)
    with django_assert_num_queries(1):
        paths = covered_department_paths([world.branch_a.pk, world.branch_b.pk])
    assert paths == sorted([world.department_a.path, world.department_b.path])
