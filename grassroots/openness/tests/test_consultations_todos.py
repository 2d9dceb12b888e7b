"""The home page's to-dos of consultations: each count is what its link lists, in a
fixed number of queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.scope import scope_for
from grassroots.core.todo import Urgency
from grassroots.openness.consultations import todos
from grassroots.openness.tests.consultation_helpers import comment
from grassroots.openness.tests.factories import make_consultation
from grassroots.openness.vocabulary import Audience

pytestmark = pytest.mark.django_db


def _todos(user: Any) -> dict[str, Any]:
    return {t.key: t for t in todos.todos_for(scope_for(user), user, today=timezone.localdate())}


def _listed(client_for: Any, user: Any, url: str) -> tuple[int, int]:
    page = client_for(user).get(url)
    assert page.status_code == 200
    rows = page.context["rows"]
    return len(rows), sum(row.waiting for row in rows)


def test_those_asked_see_what_they_have_not_commented_on(world: Any, client_for: Any) -> None:
    first = make_consultation(world.committee, title="一")
    make_consultation(world.committee, title="二")
    make_consultation(world.branch_b, audience=Audience.MEMBERS, title="乙支部")  # not asked
    make_consultation(world.committee, days_ago=10, days_left=-1, title="已截止")
    found = _todos(world.employee)["openness.to_comment"]
    assert found.count == 2
    assert _listed(client_for, world.employee, found.url)[0] == 2
    comment(world.employee, first, "意见")
    found = _todos(world.employee)["openness.to_comment"]
    assert found.count == 1 == _listed(client_for, world.employee, found.url)[0]


def test_officers_see_comments_waiting_and_past_due(world: Any, client_for: Any) -> None:
    running = make_consultation(world.branch_a)
    ended = make_consultation(world.branch_a, days_ago=10, days_left=-2)
    other = make_consultation(world.branch_b)
    for text in ("一", "二", "三"):
        comment(world.employee, running, text)
    comment(world.officer_b, other, "乙")
    # a comment made while it ran (written straight: the service takes none after)
    comment(world.employee, make_consultation(world.branch_a, title="x"), "x")
    from grassroots.openness.models import Comment

    Comment.objects.filter(text="x").update(consultation=ended)
    found = _todos(world.officer_a)
    waiting, overdue = found["openness.comments_to_answer"], found["openness.comments_overdue"]
    assert waiting.count == 3 and overdue.count == 1
    assert overdue.urgency == Urgency.PAST_DUE
    assert _listed(client_for, world.officer_a, waiting.url)[1] == waiting.count
    assert _listed(client_for, world.officer_a, overdue.url)[1] == overdue.count
    assert "openness.comments_to_answer" not in _todos(world.employee)


def test_todos_keep_their_queries(world: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(5):
        c = make_consultation(world.branch_a, title=f"{i}")
        comment(world.employee, c, "意见")
    user = world.officer_a
    with django_assert_max_num_queries(8):
        todos.todos_for(
            scope_for(user), user, today=timezone.localdate() + datetime.timedelta(days=0)
        )
    assert reverse("openness:consultations")
