"""The handlers' queue as a query: one row per appeal without DISTINCT, me-toos counted
per listed appeal, and a fixed number of queries however many appeals there are."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.accounts.models import Role, RoleAssignment
from grassroots.accounts.scope import scope_for
from grassroots.accounts.tests.factories import UserFactory
from grassroots.appeals import selectors, services
from grassroots.appeals.tests.factories import raise_appeal

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def test_a_liaison_asked_twice_about_one_appeal_sees_it_once(world: Any) -> None:
    # given an appeal with two co-handling requests to the same department
    appeal = raise_appeal(world)
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    for request in ("请核实", "请再核实一次"):
        services.cohandling_open(
            appeal=appeal, actor=world.officer_a, department=world.department_b, request=request
        )
    liaison = UserFactory(department=world.department_b)
    RoleAssignment.objects.create(
        user=liaison, role=Role.DEPARTMENT_LIAISON, department=world.department_b
    )
    # when the liaison's queue is read
    queue = selectors.handler_queue(scope_for(liaison), selectors.QueueFilters(view="all"))
    # then the appeal is in it once, and counted once
    assert [a.pk for a in queue] == [appeal.pk]
    assert queue.count() == 1


def test_the_queue_counts_each_appeals_me_toos(world: Any) -> None:
    # given two open appeals, one of them joined by two people
    joined = raise_appeal(world)
    alone = raise_appeal(world, title="宿舍热水不稳定")
    for person in (world.member_a.user, world.officer_b):
        services.metoo_add(appeal=joined, user=person)
    # when the branch officer reads the queue
    queue = selectors.handler_queue(scope_for(world.officer_a), selectors.QueueFilters())
    # then each row carries its own count
    counts = {a.pk: a.me_too_count for a in queue}
    assert counts == {joined.pk: 2, alone.pk: 0}


def test_the_committees_queue_page_takes_the_same_queries_for_one_appeal_or_many(
    world: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    # given a committee officer and one appeal in the queue
    raise_appeal(world)
    client.force_login(world.committee_officer, backend=BACKEND)
    client.get("/appeals/handle/")  # the session and caches settle
    with django_assert_max_num_queries(100) as one:
        assert client.get("/appeals/handle/").status_code == 200
    # when there are many more, in both branches, some joined by others
    for n in range(6):
        appeal = raise_appeal(world, department=world.department_b if n % 2 else world.department_a)
        services.metoo_add(appeal=appeal, user=world.member_a.user)
    # then the page takes the same number of queries
    with django_assert_max_num_queries(len(one.captured_queries)) as many:
        assert client.get("/appeals/handle/").status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries)
