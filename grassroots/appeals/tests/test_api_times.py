"""The JSON API gives every time in one form: local time with its offset."""

from __future__ import annotations

import re

import pytest

from grassroots.appeals.tests.factories import category

pytestmark = pytest.mark.django_db

LOCAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?\+08:00")


def test_a_new_appeal_and_the_list_give_its_times_in_the_same_form(world, client_for):
    # given: an employee raising an appeal through the API
    client = client_for(world.employee)
    created = client.post(
        "/api/v1/appeals",
        {
            "category_id": category().pk,
            "title": "食堂排队太久",
            "description": "午饭时间排队二十分钟",
            "department_code": world.department_a.code,
        },
        content_type="application/json",
    ).json()
    # when: they read it back in their list
    listed = client.get("/api/v1/appeals/mine").json()["items"][0]
    # then: each time is local with its offset, the same in both answers
    times = {key: value for key, value in created.items() if key.endswith("_at") and value}
    assert times, created
    for key, value in times.items():
        assert LOCAL.fullmatch(value), (key, value)
        assert listed[key] == value
