from __future__ import annotations

import pytest

from grassroots.orgs.models import Member

pytestmark = pytest.mark.django_db


def test_api_member_detail_in_scope_out_of_scope_and_anonymous(world, client_for):
    url = f"/api/v1/members/{world.member_a.pk}"
    response = client_for(world.officer_a).get(url)
    assert response.status_code == 200
    assert response.json()["employee_number"] == world.member_a.user.employee_number
    assert client_for(world.officer_b).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 401


def test_branch_secretary_cannot_list_another_branchs_members_by_api(world, client_for):
    body = client_for(world.officer_b).get("/api/v1/members").json()
    numbers = {item["employee_number"] for item in body["items"]}
    assert world.member_b.user.employee_number in numbers
    assert world.member_a.user.employee_number not in numbers
    assert (
        client_for(world.officer_b).get(f"/api/v1/members?unit={world.branch_a.pk}").status_code
        == 404
    )


def test_plain_members_cannot_list_members(world, client_for):
    assert client_for(world.member_a.user).get("/api/v1/members").status_code == 404


def test_api_masks_id_numbers_like_the_pages(world, client_for):
    Member.objects.filter(pk=world.member_a.pk).update(id_card_number="11010519491231002X")
    url = f"/api/v1/members/{world.member_a.pk}"
    assert client_for(world.officer_a).get(url).json()["id_card_number"] == "110***********002X"
    assert (
        client_for(world.committee_officer).get(url).json()["id_card_number"]
        == "11010519491231002X"
    )


def test_api_filters_are_validated(world, client_for):
    client = client_for(world.committee_officer)
    assert client.get("/api/v1/members?stage=nonsense").status_code == 422
    assert client.get("/api/v1/members?unit=abc").status_code == 422
    assert client.get("/api/v1/members?stage=full&limit=2").json()["count"] >= 3


def test_api_units_are_scoped(world, client_for):
    ids = {unit["id"] for unit in client_for(world.officer_a).get("/api/v1/units").json()}
    assert world.branch_a.pk in ids and world.branch_b.pk not in ids
    assert client_for(world.officer_a).get(f"/api/v1/units/{world.branch_b.pk}").status_code == 404
    assert client_for(None).get("/api/v1/units").status_code == 401


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/members" in schema["paths"]
