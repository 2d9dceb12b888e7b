"""The evaluation hub: open to everyone signed in, asks a visitor to sign in."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_employee_opens_the_hub(world, client_for):
    response = client_for(world.employee).get(reverse("evaluation:home"))
    assert response.status_code == 200
    assert "<h1" in response.content.decode()


def test_an_anonymous_visitor_is_asked_to_sign_in(client_for):
    response = client_for(None).get(reverse("evaluation:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
