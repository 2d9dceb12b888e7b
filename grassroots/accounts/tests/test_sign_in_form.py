"""The sign-in form checks the length of the name before anything looks it up.

A name longer than the longest employee number reached django-axes, which records
every failed attempt in a varchar(255): PostgreSQL refused the row and sign-in
answered 500.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_name_longer_than_any_login_is_refused_with_the_forms_message(world):
    # given
    client = Client(raise_request_exception=False)
    # when
    response = client.post(
        reverse("accounts:login"), {"username": "9" * 300, "password": "wrong-password"}
    )
    # then
    assert response.status_code == 200
    assert "工号或手机号最多 32 个字符" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_a_name_of_the_longest_allowed_length_is_still_checked_as_a_login(world):
    # given
    client = Client()
    # when
    response = client.post(
        reverse("accounts:login"), {"username": "9" * 32, "password": "wrong-password"}
    )
    # then: the ordinary wrong-login message, and the attempt counts towards the lockout
    assert response.status_code == 200
    assert "工号或手机号最多" not in response.content.decode()
    assert AccessAttempt.objects.count() == 1
