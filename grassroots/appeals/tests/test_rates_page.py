"""The rates page's parameters: a unit that is not a valid id is 404 (never 500), a
missing one falls back to the top of what the person oversees; periods use the one
period type."""

from __future__ import annotations

import pytest
from django.utils import timezone

from grassroots.core.periods import MONTH, Period

pytestmark = pytest.mark.django_db

URL = "/appeals/rates/"


@pytest.mark.parametrize("raw", ["²", "-1", "0", "1" * 10_000, "%00", "12abc", "999999"])
def test_a_unit_that_is_not_a_valid_id_is_not_found(world, client_for, raw):
    response = client_for(world.committee_officer).get(URL, {"unit": raw})
    assert response.status_code == 404


def test_without_a_unit_the_top_of_the_oversight_is_shown(world, client_for):
    response = client_for(world.committee_officer).get(URL)
    assert response.status_code == 200
    assert response.context["unit"] == world.committee


def test_another_branch_is_not_found(world, client_for):
    response = client_for(world.officer_a).get(URL, {"unit": world.branch_b.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("raw", ["2026-13", "Q3", "2026-Q5", "１２", "x" * 500])
def test_a_period_that_is_not_one_is_not_found(world, client_for, raw):
    response = client_for(world.committee_officer).get(URL, {"period": raw})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("raw", "key"), [("2026-3", "2026-03"), ("2026-q1", "2026-Q1"), ("2025", "2025")]
)
def test_periods_are_read_as_the_core_period_type(world, client_for, raw, key):
    response = client_for(world.committee_officer).get(URL, {"period": raw})
    assert response.status_code == 200
    assert response.context["period"].key == key


def test_without_a_period_this_month_is_shown_and_offered_first(world, client_for):
    response = client_for(world.committee_officer).get(URL)
    this_month = Period.of(timezone.localdate(), MONTH)
    assert response.context["period"] == this_month
    assert response.context["periods"][0] == (this_month.key, this_month.label)
