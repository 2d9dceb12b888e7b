"""Hostile query parameters on organisational-life pages: a 404 for a unit that cannot
be, the default for the rest; never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOSTILE = ["²", "-1", "0", "1" * 10_000, "%00", "99999999999", "1e9"]


@pytest.mark.parametrize("raw", HOSTILE)
def test_the_overview_answers_404_to_a_hostile_unit(world, client_for, raw):
    response = client_for(world.committee_officer).get(reverse("orglife:overview"), {"unit": raw})
    assert response.status_code == 404


def test_the_overview_opens_a_unit_named_by_id(world, client_for):
    client = client_for(world.committee_officer)
    response = client.get(reverse("orglife:overview"), {"unit": str(world.committee.pk)})
    assert response.status_code == 200
    assert response.context["root"] == world.committee


@pytest.mark.parametrize("raw", HOSTILE)
@pytest.mark.parametrize("name", ["year", "page", "gaps"])
def test_the_overview_falls_back_on_other_hostile_parameters(world, client_for, raw, name):
    response = client_for(world.committee_officer).get(reverse("orglife:overview"), {name: raw})
    assert response.status_code == 200


@pytest.mark.parametrize("raw", HOSTILE)
@pytest.mark.parametrize("name", ["year", "page"])
def test_the_unit_calendar_falls_back_on_hostile_parameters(world, client_for, raw, name):
    url = reverse("orglife:unit", args=[world.branch_a.pk])
    assert client_for(world.officer_a).get(url, {name: raw}).status_code == 200
