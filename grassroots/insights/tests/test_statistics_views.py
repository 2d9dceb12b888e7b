from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.orgs.models import Member
from grassroots.orgs.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("insights:statistics")
EXPORT = reverse("insights:statistics_export")


def test_committee_officer_sees_the_committees_tables_and_checks(world, client_for):
    # when
    response = client_for(world.committee_officer).get(PAGE, {"year": "2024"})
    # then
    assert response.status_code == 200
    statistics = response.context["statistics"]
    assert statistics.unit == world.committee
    assert statistics.party_members == 5
    assert response.context["comparison"]
    page = response.content.decode()
    assert 'id="statistics-checks"' in page and "check-failed" not in page
    assert '<th scope="col">' in page and "<caption>" in page


def test_a_failing_check_is_marked_on_the_page(world, client_for):
    Member.objects.filter(pk=world.member_b.pk).update(gender="x")
    page = client_for(world.committee_officer).get(PAGE, {"year": "2024"}).content.decode()
    assert page.count("check-failed") == 1
    assert 'role="alert"' in page


def test_branch_officer_sees_their_branch_only(world, client_for):
    client = client_for(world.officer_a)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response.context["statistics"].unit == world.branch_a
    assert [unit.pk for unit in response.context["units"]] == [world.branch_a.pk]
    assert client.get(PAGE, {"unit": world.branch_a.pk}).status_code == 200


def test_out_of_scope_units_are_not_found(world, client_for):
    client = client_for(world.officer_a)
    for unit in (world.branch_b, world.committee):
        assert client.get(PAGE, {"unit": unit.pk}).status_code == 404
        assert client.get(EXPORT, {"unit": unit.pk}).status_code == 404
    assert client.get(PAGE, {"unit": "999999"}).status_code == 404
    assert client.get(PAGE, {"unit": "x"}).status_code == 404


def test_people_who_oversee_nothing_are_not_found(world, client_for):
    for user in (world.employee, world.member_a.user):
        assert client_for(user).get(PAGE).status_code == 404
        assert client_for(user).get(EXPORT).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world, client_for):
    for url in (PAGE, EXPORT):
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_a_year_without_tables_is_refused_with_an_error(world, client_for):
    client = client_for(world.committee_officer)
    response = client.get(PAGE, {"year": "3000"})
    assert response.status_code == 400
    assert response.context["year_error"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert client.get(EXPORT, {"year": "abc"}).status_code == 404


def test_the_export_is_a_workbook_laid_out_like_the_tables(world, client_for):
    # given: a unit name that starts like a formula
    world.committee.name = "=HYPERLINK(1)"
    world.committee.save(update_fields=["name"])
    # when
    response = client_for(world.committee_officer).get(
        EXPORT, {"unit": world.committee.pk, "year": "2024"}
    )
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 7  # five sections, the checks, the comparison
    members = book.worksheets[0]
    heading = members.cell(row=1, column=1)
    assert heading.value.startswith("=HYPERLINK") and heading.data_type == "s"
    numbers = [row for row in members.iter_rows(values_only=True) if row and row[2] == 5]
    assert numbers  # the members' shares are of the five members
    checks = book.worksheets[5]
    check_rows = list(checks.iter_rows(min_row=3, values_only=True))
    assert len(check_rows) >= 2  # the breakdowns' checks and the balance
    assert all(row[1] == row[2] for row in check_rows)


def test_the_page_makes_a_fixed_number_of_queries(world, client_for):
    client = client_for(world.committee_officer)
    client.get(PAGE, {"year": "2024"})
    with CaptureQueriesContext(connection) as small:
        client.get(PAGE, {"year": "2024"})
    for day in range(1, 15):
        MemberFactory(branch=world.branch_b, admitted_on=datetime.date(2024, 2, day))
    client.get(
        PAGE, {"year": "2024"}
    )  # again: new records built the kept scopes anew (accounts.scope)
    with CaptureQueriesContext(connection) as large:
        client.get(PAGE, {"year": "2024"})
    assert len(large.captured_queries) == len(small.captured_queries)
    # the two years' sets (8 each) and the person, the session, the scope, the units
    assert len(small.captured_queries) <= 24
