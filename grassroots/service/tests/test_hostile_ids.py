"""Every id or number a service page reads from its parameters: text a stranger typed
(`²`, `-1`, ten thousand digits, `%00`, an id nobody has) is never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.service.tests.deeds_factories import make_deed

# A real NUL character never reaches a view: core.middleware answers 400 for it
# (core/tests/test_middleware.py); "%00" here is the three characters, as typed.
HOSTILE = ["²", "-1", "9" * 10_000, "%00", "0", "2147483647", "99999999999999999999"]
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
pytestmark = pytest.mark.django_db


def client_as(user):
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


@pytest.mark.parametrize("raw", HOSTILE)
def test_deed_list_ignores_a_unit_that_is_not_an_id(world, raw):
    # given a deed on the public list
    make_deed(world)
    # when the list is asked for a unit that is no id of an organisation
    response = Client().get(reverse("service:deeds"), {"unit": raw, "page": raw})
    # then every organisation is listed, as for no filter
    assert response.status_code == 200
    assert response.context["filters"].unit is None


@pytest.mark.parametrize("raw", HOSTILE)
def test_new_deed_form_ignores_a_unit_that_is_not_an_id(world, raw):
    response = client_as(world.officer_a).get(reverse("service:deed_new"), {"unit": raw})
    assert response.status_code == 200


@pytest.mark.parametrize("raw", HOSTILE)
def test_a_milestone_that_is_not_an_id_is_not_found(world, raw):
    # given an open deed its officer runs
    deed = make_deed(world)
    # when a milestone is ticked by a hostile id
    response = client_as(world.officer_a).post(
        reverse("service:deed", args=[deed.pk]), {"action": "milestone", "milestone": raw}
    )
    # then it is not found, as a missing milestone is
    assert response.status_code == 404


@pytest.mark.parametrize("raw", HOSTILE)
def test_commitment_list_reads_this_year_for_a_year_that_is_not_a_number(world, raw):
    response = client_as(world.member_a.user).get(reverse("service:commitments"), {"year": raw})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year
