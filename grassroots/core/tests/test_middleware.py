"""A NUL character in a parameter gets a clear 400 page, never a database error."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("appeals:new", {"department": "\x00"}),
        ("insights:audit_log", {"action": "a\x00b"}),
        ("service:deeds", {"q\x00": "1"}),
    ],
)
def test_a_null_character_in_a_query_parameter_is_refused_with_a_message(
    world, client_for, name, params
):
    response = client_for(world.admin).get(reverse(name), params)
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_a_null_character_in_a_posted_form_is_refused_and_nothing_is_saved(world, client_for):
    from grassroots.appeals.models import Appeal

    client = client_for(world.employee)
    response = client.post(
        reverse("appeals:new"), {"title": "食堂\x00", "description": "排队太长", "category": "1"}
    )
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_ordinary_requests_pass(world, client_for):
    assert (
        client_for(world.admin).get(reverse("insights:audit_log"), {"action": "a"}).status_code
        == 200
    )
