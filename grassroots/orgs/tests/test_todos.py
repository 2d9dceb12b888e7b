"""Transfers waiting on the receiving branch's officers, for their home page (issue 14.1):
counted for them only, linking to the list where they answer exactly these."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.accounts.scope import forget_scope, scope_for
from grassroots.core.todo import Urgency
from grassroots.orgs import services
from grassroots.orgs.models import Transfer
from grassroots.orgs.tests.factories import MemberFactory
from grassroots.orgs.todos import todos_for

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
KEY = "orgs.transfers_to_answer"


def client_as(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def todos(user: Any) -> dict[str, Any]:
    forget_scope(user)
    return {t.key: t for t in todos_for(scope_for(user), today=timezone.localdate())}


def ask(world: Any, member: Any = None, actor: Any = None) -> Transfer:
    return services.transfer_request(
        actor=actor or world.officer_a,
        member=member or world.member_a,
        to_branch=world.branch_b,
        to_group=None,
        effective_on=timezone.localdate(),
        reason="调往二车间工作",
    )


def waiting_section(html: str) -> str:
    return html[html.index('id="waiting-title"') : html.index("</section>")]


def test_the_receiving_officer_sees_the_transfer_and_answers_it_on_the_list(world):
    # given branch A asks to move member A to branch B
    ask(world)
    # when branch B's officer reads their to-dos
    todo = todos(world.officer_b)[KEY]
    # then one transfer waits, and the list's waiting section has it
    assert todo.count == 1 and todo.urgency == Urgency.WAITING and "1" in todo.text
    page = client_as(world.officer_b).get(todo.url)
    assert page.status_code == 200
    assert world.member_a.user.name in waiting_section(page.content.decode())


def test_the_sending_branch_and_bystanders_have_nothing_to_answer(world):
    # given branch A asks to move member A to branch B
    ask(world)
    # then neither the asking officer, nor members, nor the employee have a to-do
    for user in (world.officer_a, world.member_b.user, world.employee, world.admin):
        assert KEY not in todos(user)


def test_the_person_who_asked_is_not_asked_to_answer(world):
    # given the committee officer (over both branches) asks for the move
    ask(world, actor=world.committee_officer)
    # then it waits on branch B's officer, not on the one who asked
    assert KEY not in todos(world.committee_officer)
    assert todos(world.officer_b)[KEY].count == 1
    page = client_as(world.committee_officer).get("/orgs/transfers/")
    assert world.member_a.user.name not in waiting_section(page.content.decode())


def test_a_transfer_past_its_effective_day_is_past_due_and_answered_ones_drop(world):
    # given two transfers into branch B, one meant to take effect yesterday
    late = ask(world)
    Transfer.objects.filter(pk=late.pk).update(
        effective_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    other = ask(world, member=MemberFactory(branch=world.branch_a))
    # then both wait, past due
    todo = todos(world.officer_b)[KEY]
    assert todo.count == 2 and todo.urgency == Urgency.PAST_DUE
    # and once one is confirmed, one is left
    services.transfer_decide(actor=world.officer_b, transfer=other, confirm=True)
    assert todos(world.officer_b)[KEY].count == 1


def test_the_waiting_list_is_not_cut_by_the_recent_history(world):
    # given more than a hundred transfers decided after the one still waiting
    waiting = ask(world)
    Transfer.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    for _ in range(101):
        done = ask(world, member=MemberFactory(branch=world.branch_a))
        Transfer.objects.filter(pk=done.pk).update(status=Transfer.Status.REFUSED)
    # then the list still shows it waiting
    page = client_as(world.officer_b).get(todos(world.officer_b)[KEY].url)
    assert world.member_a.user.name in waiting_section(page.content.decode())


@pytest.mark.parametrize(("who", "queries"), [("officer_b", 1), ("member_a", 0)])
def test_the_same_queries_for_none_and_for_many(world, django_assert_num_queries, who, queries):
    user = getattr(world, who) if who != "member_a" else world.member_a.user
    scope = scope_for(user)
    today = timezone.localdate()
    with django_assert_num_queries(queries):
        assert todos_for(scope, today=today) == []
    for _ in range(5):
        ask(world, member=MemberFactory(branch=world.branch_a))
    with django_assert_num_queries(queries):
        todos_for(scope, today=today)
