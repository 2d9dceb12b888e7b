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


def test_departments_are_listed_for_anyone_signed_in_with_the_codes_appeals_take(
    world, client_for, django_assert_max_num_queries
):
    # given: an employee with an API client, and an inactive department
    from grassroots.orgs.models import Department

    gone = Department.objects.create(code="OLD-1", name="已撤销车间", is_active=False)
    for number in range(30):
        Department.objects.create(
            code=f"X-{number}", name=f"班组{number}", parent=world.department_a
        )
    client = client_for(world.employee)
    # when: they list the departments (session, user, count, one page, the session's
    # refresh: whatever the number of departments), and search one by name
    with django_assert_max_num_queries(7):
        body = client.get("/api/v1/departments?limit=500").json()
    found = client.get(f"/api/v1/departments?q={world.department_b.name}").json()
    # then: every active department, with its code and its parent's, none inactive
    codes = {item["code"] for item in body["items"]}
    assert world.department_a.code in codes and world.department_b.code in codes
    assert gone.code not in codes
    assert body["count"] == Department.objects.filter(is_active=True).count()
    item = next(i for i in body["items"] if i["code"] == world.department_b.code)
    parent = world.department_b.parent
    assert item["parent_code"] == (parent.code if parent else None)
    assert [i["code"] for i in found["items"]] == [world.department_b.code]
    # and the codes are the ones an appeal takes
    response = client.post(
        "/api/v1/appeals",
        {
            "category_id": __import__("grassroots.appeals.tests.factories", fromlist=["x"])
            .category()
            .pk,
            "title": "食堂排队太久",
            "description": "午饭时间排队二十分钟",
            "department_code": item["code"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201


def test_departments_are_not_listed_to_visitors(client_for):
    assert client_for(None).get("/api/v1/departments").status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/departments", "/api/v1/members", "/api/v1/appeals/mine"])
@pytest.mark.parametrize(
    "query",
    [{"limit": "99999999999999999999"}, {"offset": "99999999999999999999"}, {"limit": "١٠"}],
)
def test_paging_past_the_databases_integers_is_a_422_not_a_500(world, client_for, path, query):
    response = client_for(world.committee_officer).get(path, query)
    assert response.status_code == 422
    assert response.json()["detail"]
