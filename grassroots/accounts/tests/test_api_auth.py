"""The API's session authentication: 401 for a visitor, CSRF kept for signed-in callers."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client

from grassroots.accounts.tests.clients import client_as
from grassroots.appeals.tests.factories import category

pytestmark = pytest.mark.django_db

CSRF_SECRET = "k" * 32


def _appeal() -> str:
    return json.dumps({"category_id": category().pk, "title": "班车", "description": "太早"})


def test_it_tells_an_anonymous_poster_to_sign_in(world):
    # given a visitor with no session and no token
    client = Client(enforce_csrf_checks=True)
    # when they post to the API
    response = client.post("/api/v1/appeals", _appeal(), content_type="application/json")
    # then they are told to sign in (401), not refused for a missing CSRF token (403)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_it_refuses_a_signed_in_session_post_without_the_csrf_token(world):
    # given a signed-in session that does not send the CSRF token
    client = client_as(world.employee)
    client.handler.enforce_csrf_checks = True
    # when it posts to the API
    response = client.post("/api/v1/appeals", _appeal(), content_type="application/json")
    # then the request is refused
    assert response.status_code == 403


def test_it_accepts_a_signed_in_session_post_with_the_csrf_token(world):
    # given a signed-in session with the CSRF cookie and the same token in the header
    client = client_as(world.employee)
    client.handler.enforce_csrf_checks = True
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    # when it posts to the API
    response = client.post(
        "/api/v1/appeals", _appeal(), content_type="application/json", HTTP_X_CSRFTOKEN=CSRF_SECRET
    )
    # then the appeal is raised in the caller's name
    assert response.status_code == 201
