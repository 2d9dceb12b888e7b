"""Reads that evaluation campaigns draw their roll from."""

from __future__ import annotations

import pytest

from grassroots.accounts.selectors import active_user_ids_in_departments
from grassroots.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_active_users_of_departments_and_those_under_them(world, django_assert_num_queries):
    gone = UserFactory(department=world.department_a, is_active=False)
    with django_assert_num_queries(1):
        ids = set(active_user_ids_in_departments([world.department_a.path]))
    assert world.employee.pk in ids and world.member_a.user_id in ids
    assert gone.pk not in ids and world.member_b.user_id not in ids
    company = world.department_a.parent
    everyone = set(active_user_ids_in_departments([company.path]))
    assert world.member_b.user_id in everyone
    assert active_user_ids_in_departments([]) == []
