"""Hostile query parameters on the structure analysis and the audit log: never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOSTILE = ["²", "-1", "0", "1" * 10_000, "%00", "99999999999", "1e9"]


@pytest.mark.parametrize("raw", HOSTILE)
def test_the_structure_page_answers_404_to_a_hostile_unit(world, client_for, raw):
    response = client_for(world.committee_officer).get(reverse("insights:structure"), {"unit": raw})
    assert response.status_code == 404


def test_the_structure_page_opens_a_unit_named_by_id(world, client_for):
    client = client_for(world.committee_officer)
    response = client.get(reverse("insights:structure"), {"unit": str(world.branch_a.pk)})
    assert response.status_code == 200


@pytest.mark.parametrize("raw", HOSTILE)
def test_the_audit_log_falls_back_on_a_hostile_page(world, client_for, raw):
    response = client_for(world.admin).get(reverse("insights:audit_log"), {"page": raw})
    assert response.status_code == 200
