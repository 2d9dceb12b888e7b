"""The appeals API: token and session callers, scope, bad input."""

from __future__ import annotations

import json

import pytest

from grassroots.accounts.tokens import token_create, token_revoke
from grassroots.appeals import services
from grassroots.appeals.models import Appeal
from grassroots.appeals.tests.factories import category, raise_appeal

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, raw = token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_json(client, url, data, **headers):
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


def test_submit_list_timeline_and_rate_with_a_token(world, client):
    headers = bearer(world.employee)
    payload = {
        "category_id": category().pk,
        "title": "通勤班车",
        "description": "早班车太早",
        "department_code": "DA",
    }
    created = post_json(client, "/api/v1/appeals", payload, **headers)
    assert created.status_code == 201
    body = created.json()
    appeal = Appeal.objects.get(public_id=body["id"])
    assert (appeal.channel, appeal.submitter, appeal.unit) == (
        "api",
        world.employee,
        world.branch_a,
    )
    mine = client.get("/api/v1/appeals/mine", **headers).json()
    assert [item["number"] for item in mine["items"]] == [body["number"]]
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    services.followup_add(appeal=appeal, actor=world.officer_a, text="内部备注", public=False)
    services.appeal_answer(appeal=appeal, actor=world.officer_a, text="班车推迟十分钟")
    events = client.get(f"/api/v1/appeals/{appeal.public_id}/timeline", **headers).json()
    assert [e["kind"] for e in events] == [
        "submitted",
        "accepted",
        "answered",
    ]  # internal step hidden
    rated = post_json(
        client,
        f"/api/v1/appeals/{appeal.public_id}/rating",
        {"resolved": True, "satisfaction": "satisfied"},
        **headers,
    )
    assert rated.status_code == 200 and rated.json()["status"] == "closed"


def test_handlers_see_internal_steps_and_others_get_404(world, client):
    appeal = raise_appeal(world)
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    services.followup_add(appeal=appeal, actor=world.officer_a, text="内部备注", public=False)
    kinds = [
        e["kind"]
        for e in client.get(
            f"/api/v1/appeals/{appeal.public_id}/timeline", **bearer(world.officer_a)
        ).json()
    ]
    assert "follow_up" in kinds
    assert (
        client.get(
            f"/api/v1/appeals/{appeal.public_id}/timeline", **bearer(world.officer_b)
        ).status_code
        == 404
    )
    assert (
        client.get(
            f"/api/v1/appeals/{appeal.public_id}/timeline", **bearer(world.member_b.user)
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/appeals/{appeal.public_id}/timeline").status_code == 401
    assert (
        post_json(
            client,
            f"/api/v1/appeals/{appeal.public_id}/rating",
            {"resolved": True, "satisfaction": "satisfied"},
            **bearer(world.officer_a),
        ).status_code
        == 404
    )


def test_bad_tokens_and_revoked_tokens_are_refused(world, client):
    assert (
        client.get("/api/v1/appeals/mine", HTTP_AUTHORIZATION="Bearer gr_nothing_here").status_code
        == 401
    )
    token, raw = token_create(user=world.employee, name="x")
    assert client.get("/api/v1/appeals/mine", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    token_revoke(user=world.employee, token=token)
    assert client.get("/api/v1/appeals/mine", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.parametrize(
    "payload",
    [
        {"category_id": 99999, "title": "t", "description": "d"},
        {"category_id": "abc", "title": "t", "description": "d"},
        {"category_id": 1, "title": "", "description": "d"},
        {"category_id": 1, "title": "x" * 101, "description": "d"},
        {"category_id": 1, "title": "t", "description": "d", "urgency": "yesterday"},
        {"category_id": 1, "title": "t", "description": "d", "department_code": "NOPE"},
        {"title": "t"},
    ],
)
def test_bad_input_is_refused_and_nothing_saved(world, client, payload):
    payload = {**payload}
    if payload.get("category_id") == 1:
        payload["category_id"] = category().pk
    response = post_json(client, "/api/v1/appeals", payload, **bearer(world.employee))
    assert response.status_code == 422
    assert not Appeal.objects.exists()


def test_categories_are_listed(world, client):
    names = [
        c["name"] for c in client.get("/api/v1/appeals/categories", **bearer(world.employee)).json()
    ]
    assert "薪酬福利" in names


def test_token_pages_are_private(world, client_for):
    from django.urls import reverse

    client = client_for(world.employee)
    response = client.post(reverse("accounts:tokens"), {"name": "OA"})
    assert response.status_code == 200 and "gr_" in response.content.decode()
    token = world.employee.api_tokens.get()
    assert (
        client_for(world.officer_a)
        .post(reverse("accounts:token_revoke", args=[token.pk]))
        .status_code
        == 404
    )
    assert client_for(None).get(reverse("accounts:tokens")).status_code == 302
