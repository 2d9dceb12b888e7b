"""A NUL character in a parameter gets a clear 400 page, never a database error."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.accounts.tests.clients import client_as

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


# The three addresses of issue 12 that answered 500 (psycopg.DataError) on PostgreSQL,
# for a visitor and for a signed-in employee.
ISSUE_12_ADDRESSES = [
    "/appeals/anonymous/?department=%00",
    "/appeals/new/?department=%00",
    "/appeals/poster/%00/",
]


@pytest.mark.parametrize("address", ISSUE_12_ADDRESSES)
@pytest.mark.parametrize("who", [None, "employee"])
def test_a_null_character_in_the_address_is_refused_before_the_database(world, who, address):
    # given
    client = client_as(getattr(world, who) if who else None)
    client.raise_request_exception = False
    # when
    response = client.get(address)
    # then
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_a_null_character_in_the_session_cookie_is_refused_before_the_session_is_read(
    world, django_assert_num_queries
):
    # given: Django reads a quoted cookie's octal escapes, so this cookie holds a NUL
    client = Client(raise_request_exception=False)
    # when
    with django_assert_num_queries(0):
        response = client.get("/appeals/anonymous/", HTTP_COOKIE='sessionid="abcdefghij\\000kl"')
    # then
    assert response.status_code == 400


def test_a_null_character_in_a_json_body_is_refused(world, client_for):
    # given
    from grassroots.appeals.models import Appeal, Category

    client = client_for(world.employee)
    client.raise_request_exception = False
    payload = {
        "category_id": Category.objects.first().pk,
        "title": "食堂",
        "description": "排队\x00太长",
        "department_code": "\x00",
    }
    # when
    response = client.post("/api/v1/appeals", json.dumps(payload), content_type="application/json")
    # then
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_the_refusal_needs_no_database_even_for_a_signed_in_person(
    world, django_assert_num_queries
):
    # given
    client = client_as(world.employee)
    # when
    with django_assert_num_queries(0):
        response = client.get("/appeals/anonymous/?department=%00")
    # then
    assert response.status_code == 400


def test_the_refusal_is_in_the_language_the_visitor_chose(world, settings):
    # given
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # when
    page = client.get("/appeals/anonymous/?department=%00").content.decode()
    # then
    assert '<html lang="en"' in page
    assert "null character" in page


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/plain", "application/octet-stream"]
)
def test_a_null_character_in_any_body_is_refused_as_json_for_the_api(
    world, client_for, content_type
):
    """The API parses a body as JSON whatever its declared type: a NUL escaped in JSON
    reaches nothing, and the API's refusal is JSON, as its schema says."""
    from grassroots.appeals.models import Appeal, Category

    client = client_for(world.employee)
    client.raise_request_exception = False
    body = json.dumps({"category_id": Category.objects.first().pk, "title": "食堂\x00"})
    assert "\\u0000" in body
    response = client.post("/api/v1/appeals", body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not Appeal.objects.exists()


def test_a_deeply_nested_body_is_not_a_server_error(world, client):
    client.raise_request_exception = False
    response = client.post("/api/v1/appeals", "[" * 100_000, content_type="application/json")
    assert response.status_code in (400, 401, 422)


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul():
    from grassroots.core.middleware import _body_has_nul

    assert _body_has_nul(b'{"t": "\\u0000"}')
    assert _body_has_nul(b'{"t": "\\\\\\u0000"}')  # an escaped backslash, then a NUL
    assert not _body_has_nul(b'{"t": "\\\\u0000"}')  # a backslash, then the text u0000
    assert not _body_has_nul(b'{"t": "ordinary"}')
