"""The public deeds list filtered by the year the deeds are due in (the period a deed
counts in for evaluation), alone and with the other filters, and its bad values."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.service.tests.deeds_factories import backdate, done_deed, make_deed
from grassroots.service.tests.test_deeds_views import client_as

pytestmark = pytest.mark.django_db


def due_in(world, year, **overrides):
    return backdate(make_deed(world, **overrides), due_on=datetime.date(year, 6, 30))


def listed(client, **params):
    response = client.get(reverse("service:deeds"), params)
    assert response.status_code == 200
    return {row.pk for row in response.context["rows"]}


def test_the_list_keeps_the_deeds_due_in_the_year(world):
    # given deeds due last year, this year and next year
    this_year = timezone.localdate().year
    last = due_in(world, this_year - 1)
    this = due_in(world, this_year)
    following = due_in(world, this_year + 1)
    client = Client()
    # then each year lists its own, and no year lists them all
    assert listed(client, year=this_year - 1) == {last.pk}
    assert listed(client, year=this_year) == {this.pk}
    assert listed(client, year=this_year + 1) == {following.pk}
    assert listed(client, year="") == {last.pk, this.pk, following.pk}
    assert listed(client) == {last.pk, this.pk, following.pk}


def test_the_year_reaches_the_first_and_last_day_and_no_further(world):
    this_year = timezone.localdate().year
    first = backdate(make_deed(world), due_on=datetime.date(this_year, 1, 1))
    last = backdate(make_deed(world), due_on=datetime.date(this_year, 12, 31))
    backdate(make_deed(world), due_on=datetime.date(this_year - 1, 12, 31))
    backdate(make_deed(world), due_on=datetime.date(this_year + 1, 1, 1))
    assert listed(Client(), year=this_year) == {first.pk, last.pk}


def test_the_year_goes_with_the_organisation_and_the_flags(world):
    # given overdue deeds of branch A this year and last year, and one of branch B
    this_year = timezone.localdate().year
    today = timezone.localdate()
    late_now = backdate(make_deed(world), due_on=today - datetime.timedelta(days=1))
    backdate(make_deed(world), due_on=datetime.date(this_year - 1, 3, 1))
    backdate(
        make_deed(world, actor=world.officer_b, unit=world.branch_b, owner=world.officer_b),
        due_on=today - datetime.timedelta(days=1),
    )
    # when the committee officer opens the link a score gives
    params = {
        "unit": world.branch_a.pk,
        "status": "open",
        "flagged": "overdue",
        "year": today.year,
    }
    # then only branch A's deed overdue this year is listed
    assert listed(client_as(world.committee_officer), **params) == {late_now.pk}


def test_the_year_filters_the_poorly_rated_too(world):
    this_year = timezone.localdate().year
    poor_now = backdate(done_deed(world, ratings=(0, 0, 5)), due_on=datetime.date(this_year, 2, 1))
    backdate(done_deed(world, ratings=(0, 0, 5)), due_on=datetime.date(this_year - 1, 2, 1))
    params = {"unit": world.branch_a.pk, "status": "done", "flagged": "poor", "year": this_year}
    assert listed(client_as(world.officer_a), **params) == {poor_now.pk}


def test_anyone_may_filter_the_public_list_by_year(world):
    this_year = timezone.localdate().year
    this = due_in(world, this_year)
    due_in(world, this_year - 1)
    assert listed(Client(), year=this_year) == {this.pk}
    assert listed(client_as(world.employee), year=this_year) == {this.pk}


@pytest.mark.parametrize(
    "raw", ["1999", "2101", "99999", "abc", "²", "-1", "0", "2026.5", "1" * 40]
)
def test_a_year_that_is_not_one_lists_every_year(world, raw):
    # given deeds due in two years
    this_year = timezone.localdate().year
    both = {due_in(world, this_year).pk, due_in(world, this_year - 1).pk}
    # when the year is nonsense
    response = Client().get(reverse("service:deeds"), {"year": raw})
    # then it is ignored, as the other filters' nonsense is, and the form says so
    assert response.status_code == 200
    assert {row.pk for row in response.context["rows"]} == both
    assert response.context["filters"].year is None
    assert '<option value="">' in response.content.decode()
    assert " selected>" + raw not in response.content.decode()


def test_the_form_offers_recent_years_and_keeps_an_older_one_chosen(world):
    this_year = timezone.localdate().year
    html = Client().get(reverse("service:deeds")).content.decode()
    assert 'for="deeds-year"' in html and 'id="deeds-year" name="year"' in html
    assert f'<option value="{this_year + 1}">' in html
    assert f'<option value="{this_year - 5}">' in html
    assert f'<option value="{this_year - 6}">' not in html
    # a link from a score of an old year shows that year as chosen
    response = Client().get(reverse("service:deeds"), {"year": this_year - 8})
    assert f'<option value="{this_year - 8}" selected>' in response.content.decode()


@pytest.mark.parametrize("count", [1, 25])
def test_the_list_by_year_reads_a_fixed_number_of_queries(world, django_assert_num_queries, count):
    this_year = timezone.localdate().year
    for _ in range(count):
        due_in(world, this_year)
    client = Client()
    client.get(reverse("service:deeds"))  # warm the rule-parameter cache
    # count, page of rows (with branch and owner), organisations for the filter
    with django_assert_num_queries(3):
        response = client.get(reverse("service:deeds"), {"status": "", "year": this_year})
    assert len(response.context["rows"]) == min(count, 20)
