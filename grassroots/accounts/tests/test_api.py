from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_me_describes_the_caller(world, client_for):
    body = client_for(world.officer_a).get("/api/v1/me").json()
    assert body["employee_number"] == world.officer_a.employee_number
    assert body["political_status"] == "full"
    assert {role["role"] for role in body["roles"]} == {"branch_officer"}


def test_me_needs_sign_in(client):
    assert client.get("/api/v1/me").status_code == 401
