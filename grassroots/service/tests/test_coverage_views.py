"""The five-services coverage page for each kind of person."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.core.periods import Period
from grassroots.service.tests.deeds_factories import make_deed

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
URL = "service:coverage"


def person(world, who):
    if who is None:
        return None
    value = getattr(world, who)
    return getattr(value, "user", value)


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


@pytest.mark.parametrize(
    ("who", "status", "unit"),
    [
        ("officer_a", 200, "branch_a"),
        ("officer_b", 200, "branch_b"),
        ("committee_officer", 200, "committee"),
        ("admin", 200, "committee"),
        ("member_a", 404, None),
        ("employee", 404, None),
        (None, 302, None),
    ],
)
def test_who_may_see_coverage_and_which_unit_by_default(world, who, status, unit):
    response = client_as(person(world, who)).get(reverse(URL))
    assert response.status_code == status
    if unit:
        assert response.context["coverage"].unit == getattr(world, unit)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 200),
        ("committee_officer", 200),
        ("admin", 200),
        ("officer_b", 404),
        ("member_a", 404),
        ("employee", 404),
    ],
)
def test_who_may_see_branch_a(world, who, status):
    response = client_as(person(world, who)).get(reverse(URL), {"unit": world.branch_a.pk})
    assert response.status_code == status


def test_branch_officer_cannot_pick_the_committee_or_a_group(world):
    client = client_as(world.officer_a)
    assert client.get(reverse(URL), {"unit": world.committee.pk}).status_code == 404
    assert client.get(reverse(URL), {"unit": world.group_a.pk}).status_code == 404
    assert client.get(reverse(URL), {"unit": "abc"}).status_code == 404
    units = client.get(reverse(URL)).context["units"]
    assert units == [world.branch_a]


def test_page_shows_table_chart_data_and_the_appeals_note(world):
    make_deed(world, services=["reform"], due_on=timezone.localdate())
    response = client_as(world.officer_a).get(reverse(URL), {"year": timezone.localdate().year})
    html = response.content.decode()
    assert 'id="coverage-chart"' in html  # the JSON the chart is drawn from
    assert 'data-stacked-chart="coverage-chart"' in html
    assert html.count('<th scope="row"') == 5
    rows = {row.service: row for row in response.context["coverage"].rows}
    assert rows["reform"].deeds == 1
    assert "<script>" not in html  # no inline script under the CSP


def test_bad_period_falls_back_to_this_year(world):
    response = client_as(world.officer_a).get(reverse(URL), {"year": "1066", "quarter": "9"})
    period = response.context["coverage"].period
    assert period == Period.year(timezone.localdate().year)


@pytest.mark.parametrize(
    "query",
    [
        {"period": "2026-Q2x"},
        {"period": "2026-03"},
        {"period": "²"},
        {"year": "²"},
        {"year": "-1", "quarter": "1"},
        {"year": "9" * 10_000},
        {"quarter": "%00"},
    ],
)
def test_hostile_period_parameters_fall_back_to_this_year(world, query):
    response = client_as(world.officer_a).get(reverse(URL), query)
    assert response.status_code == 200
    assert response.context["coverage"].period == Period.year(timezone.localdate().year)


def test_period_parameter_names_a_quarter(world):
    year = timezone.localdate().year
    response = client_as(world.officer_a).get(reverse(URL), {"period": f"{year}-Q3"})
    assert response.context["coverage"].period == Period.quarter(year, 3)


@pytest.mark.parametrize("unit", ["²", "-1", "9" * 10_000, "%00", "0", "2147483647"])
def test_hostile_unit_parameter_is_not_found(world, unit):
    response = client_as(world.officer_a).get(reverse(URL), {"unit": unit})
    assert response.status_code == 404


def test_quarter_is_applied(world):
    year = timezone.localdate().year
    response = client_as(world.officer_a).get(reverse(URL), {"year": year, "quarter": "2"})
    assert response.context["coverage"].period.key == f"{year}-Q2"


def test_coverage_page_has_a_fixed_query_count(world, django_assert_max_num_queries):
    client = client_as(world.committee_officer)
    client.get(reverse(URL))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse(URL))
    for _ in range(5):
        make_deed(world, due_on=timezone.localdate())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(URL))
