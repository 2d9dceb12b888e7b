"""The pairings list narrowed to one organisation the officer oversees and to the
pairings without a visit for at least N days: in scope it filters, out of scope (or
not an id) it is ignored without naming the unit, visitors are sent to sign in, bad
day counts are ignored, and the query count stays fixed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.orgs.tests.factories import MemberFactory, OrgUnitFactory
from grassroots.service.models import Pairing
from grassroots.service.tests.test_pairings_views import client_as, make, visit_of

pytestmark = pytest.mark.django_db
URL = reverse("service:pairings")


def of_branch_b(world, *, member=None, days_ago=30):
    return Pairing.objects.create(
        unit=world.branch_b,
        member=member or world.member_b.user,
        employee=UserFactory(department=world.department_b),
        reason=Pairing.Reason.ILLNESS,
        reason_detail="长期病休",
        started_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        created_by=world.officer_b,
    )


def overseen(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return {row.pairing.pk for row in response.context["overseen"]}


def test_the_committee_officer_narrows_the_list_to_one_branch(world):
    a = make(world)
    b = of_branch_b(world)
    client = client_as(world.committee_officer)
    assert overseen(client) == {a.pk, b.pk}
    assert overseen(client, unit=world.branch_a.pk) == {a.pk}
    assert overseen(client, unit=world.branch_b.pk) == {b.pk}
    assert overseen(client, unit=world.committee.pk) == {a.pk, b.pk}
    html = client.get(URL, {"unit": world.branch_b.pk}).content.decode()
    assert '<label class="form-label" for="pairing-unit">' in html
    assert f'<option value="{world.branch_b.pk}" selected>{world.branch_b.name}</option>' in html


def test_the_unit_filter_narrows_the_ended_pairings_too(world):
    ended_a = make(world, employee=UserFactory())
    ended_b = of_branch_b(world)
    Pairing.objects.filter(pk__in=[ended_a.pk, ended_b.pk]).update(
        ended_on=timezone.localdate(), end_reason="好转"
    )
    response = client_as(world.admin).get(URL, {"unit": world.branch_b.pk})
    assert [row.pairing.pk for row in response.context["ended"]] == [ended_b.pk]


def test_a_branch_officer_cannot_filter_by_another_branch(world):
    a = make(world)
    of_branch_b(world)
    response = client_as(world.officer_a).get(URL, {"unit": world.branch_b.pk})
    # the filter is ignored: their own branch only, branch B neither listed nor named
    assert {row.pairing.pk for row in response.context["overseen"]} == {a.pk}
    assert response.context["unit"] is None
    html = response.content.decode()
    assert world.branch_b.name not in html
    assert f'value="{world.branch_b.pk}"' not in html


def test_a_group_or_a_unit_elsewhere_is_ignored(world):
    a = make(world)
    b = of_branch_b(world)
    elsewhere = OrgUnitFactory(name="外单位党委", code="X")
    client = client_as(world.committee_officer)
    assert overseen(client, unit=world.group_a.pk) == {a.pk, b.pk}
    response = client.get(URL, {"unit": elsewhere.pk})
    assert {row.pairing.pk for row in response.context["overseen"]} == {a.pk, b.pk}
    assert elsewhere.name not in response.content.decode()


@pytest.mark.parametrize("raw", ["x", "²", "-1", "0", "1" * 40, "%00", "", " "])
def test_a_unit_that_is_not_an_id_is_ignored(world, raw):
    a = make(world)
    b = of_branch_b(world)
    assert overseen(client_as(world.committee_officer), unit=raw) == {a.pk, b.pk}


def test_the_days_filter_keeps_the_pairings_without_a_visit_for_that_long(world):
    # given pairings visited 10 and 100 days ago, and one never visited in 200 days
    recent = make(world, employee=UserFactory(), last_visit_days_ago=10)
    hundred = make(world, employee=UserFactory(), last_visit_days_ago=100)
    never = make(world, employee=UserFactory(), days_ago=200)
    client = client_as(world.officer_a)
    # then N days keeps those with N days or more (the days the list shows)
    assert overseen(client) == {recent.pk, hundred.pk, never.pk}
    assert overseen(client, unvisited=10) == {recent.pk, hundred.pk, never.pk}
    assert overseen(client, unvisited=11) == {hundred.pk, never.pk}
    assert overseen(client, unvisited=100) == {hundred.pk, never.pk}
    assert overseen(client, unvisited=101) == {never.pk}
    response = client.get(URL, {"unvisited": 90})
    assert [row.days for row in response.context["overseen"]] == [200, 100]
    assert 'id="pairing-unvisited" name="unvisited" value="90"' in response.content.decode()


def test_the_days_filter_goes_with_the_unit_and_leaves_out_the_ended(world):
    never_a = make(world, employee=UserFactory(), days_ago=200)
    make(world, employee=UserFactory(), last_visit_days_ago=5)
    of_branch_b(world, days_ago=300)
    ended = make(world, employee=UserFactory(), days_ago=400)
    Pairing.objects.filter(pk=ended.pk).update(ended_on=timezone.localdate(), end_reason="调离")
    client = client_as(world.committee_officer)
    response = client.get(URL, {"unit": world.branch_a.pk, "unvisited": 90})
    assert {row.pairing.pk for row in response.context["overseen"]} == {never_a.pk}
    assert response.context["ended"] == []


@pytest.mark.parametrize("raw", ["abc", "²", "0", "-5", "3661", "1" * 40, "9.5", ""])
def test_a_day_count_that_is_not_one_is_ignored(world, raw):
    recent = make(world, employee=UserFactory(), last_visit_days_ago=1)
    never = make(world, employee=UserFactory(), days_ago=200)
    response = client_as(world.officer_a).get(URL, {"unvisited": raw})
    assert response.status_code == 200
    assert {row.pairing.pk for row in response.context["overseen"]} == {recent.pk, never.pk}
    assert response.context["unvisited"] is None


def test_a_paired_member_filters_their_own_by_days_but_not_by_unit(world):
    visited = make(world, employee=UserFactory(), last_visit_days_ago=3)
    never = make(world, employee=UserFactory(), days_ago=200)
    client = client_as(world.member_a.user)
    response = client.get(URL, {"unvisited": 90, "unit": world.branch_b.pk})
    assert response.status_code == 200
    assert {row.pairing.pk for row in response.context["mine"]} == {never.pk}
    assert response.context["unit"] is None and response.context["units"] == []
    assert 'name="unit"' not in response.content.decode()
    assert {row.pairing.pk for row in client.get(URL).context["mine"]} == {visited.pk, never.pk}


def test_an_employee_with_no_pairing_still_gets_404_with_filters(world):
    response = client_as(world.employee).get(URL, {"unit": world.branch_a.pk, "unvisited": 90})
    assert response.status_code == 404


def test_a_visitor_is_sent_to_sign_in_with_the_filters_kept(world):
    response = client_as(None).get(URL, {"unit": world.branch_a.pk, "unvisited": 90})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert "unvisited%3D90" in response["Location"]


@pytest.mark.parametrize("who", ["officer_a", "committee_officer", "admin"])
def test_the_filtered_list_takes_a_fixed_number_of_queries(
    world, who, django_assert_max_num_queries
):
    client = client_as(getattr(world, who))
    params = {"unit": world.branch_a.pk, "unvisited": 30}
    make(world, last_visit_days_ago=100)

    def count():
        client.get(URL, params)
        with django_assert_max_num_queries(40) as captured:
            client.get(URL, params)
        return len(captured.captured_queries)

    few = count()
    for n in range(10):
        visit_of(make(world, employee=UserFactory(), last_visit_days_ago=40 + n))
        of_branch_b(world, member=MemberFactory(branch=world.branch_b).user, days_ago=100)
    assert count() == few
    assert len(client.get(URL, params).context["overseen"]) == 11
