"""Hostile query parameters on the organisation's list pages and API: never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOSTILE = ["²", "-1", "0", "1" * 10_000, "%00", "99999999999", "1e9"]


@pytest.mark.parametrize("raw", HOSTILE)
@pytest.mark.parametrize("name", ["unit", "cohort", "cursor", "page", "stage"])
def test_the_member_list_falls_back_on_a_hostile_parameter(world, client_for, raw, name):
    response = client_for(world.officer_a).get(reverse("orgs:member_list"), {name: raw})
    assert response.status_code == 200


@pytest.mark.parametrize("raw", HOSTILE)
def test_the_member_api_answers_a_hostile_unit_without_crashing(world, client_for, raw):
    response = client_for(world.officer_a).get("/api/v1/members", {"unit": raw})
    assert response.status_code in (404, 422)


def test_the_member_api_still_filters_by_a_unit_in_scope(world, client_for):
    response = client_for(world.committee_officer).get(
        "/api/v1/members", {"unit": world.branch_b.pk}
    )
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["items"]}
    assert world.member_b.pk in ids and world.member_a.pk not in ids
