"""The commitments list narrowed to one organisation the officer oversees: in scope it
filters, out of scope (or not an id) it is ignored without naming the unit, visitors
are sent to sign in, bad years fall back, and the query count stays fixed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.orgs.tests.factories import MemberFactory, OrgUnitFactory
from grassroots.service.models import Commitment, CommitmentRating
from grassroots.service.tests.test_commitments_views import client_as, make

pytestmark = pytest.mark.django_db
URL = reverse("service:commitments")


def of_branch_b(world, *, year=None, member=None):
    member = member or world.member_b.user
    return Commitment.objects.create(
        member=member,
        unit=world.branch_b,
        department=member.department,
        year=year or timezone.localdate().year,
        text="带头做好设备点检。",
        services=["development"],
        status=Commitment.Status.SUBMITTED,
    )


def overseen(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return {c.pk for c in response.context["overseen"]}


def test_the_committee_officer_narrows_the_table_to_one_branch(world):
    # given a commitment in each branch under the committee
    a = make(world, Commitment.Status.SUBMITTED)
    b = of_branch_b(world)
    client = client_as(world.committee_officer)
    # then every one is listed without a filter, each branch's with one
    assert overseen(client) == {a.pk, b.pk}
    assert overseen(client, unit=world.branch_a.pk) == {a.pk}
    assert overseen(client, unit=world.branch_b.pk) == {b.pk}
    assert overseen(client, unit=world.committee.pk) == {a.pk, b.pk}
    # and the form offers the organisations overseen, the chosen one marked
    html = client.get(URL, {"unit": world.branch_b.pk}).content.decode()
    assert '<label class="form-label" for="commitment-unit">' in html
    assert f'<option value="{world.branch_b.pk}" selected>{world.branch_b.name}</option>' in html
    assert f'<option value="{world.branch_a.pk}">{world.branch_a.name}</option>' in html


def test_the_filter_goes_with_the_year(world):
    this_year = timezone.localdate().year
    a_now = make(world, Commitment.Status.SUBMITTED)
    make(world, Commitment.Status.SUBMITTED, year=this_year - 1)
    of_branch_b(world)
    params = {"unit": world.branch_a.pk, "year": this_year}
    assert overseen(client_as(world.admin), **params) == {a_now.pk}


def test_a_branch_officer_cannot_filter_by_another_branch(world):
    # given a commitment in each branch
    a = make(world, Commitment.Status.SUBMITTED)
    of_branch_b(world)
    # when branch A's officer asks for branch B
    response = client_as(world.officer_a).get(URL, {"unit": world.branch_b.pk})
    # then the filter is ignored: their own branch only, branch B neither listed nor named
    assert {c.pk for c in response.context["overseen"]} == {a.pk}
    assert response.context["unit"] is None
    html = response.content.decode()
    assert world.branch_b.name not in html
    assert f'value="{world.branch_b.pk}"' not in html


def test_a_group_or_a_unit_elsewhere_is_ignored(world):
    a = make(world, Commitment.Status.SUBMITTED)
    b = of_branch_b(world)
    elsewhere = OrgUnitFactory(name="外单位党委", code="X")
    client = client_as(world.committee_officer)
    assert overseen(client, unit=world.group_a.pk) == {a.pk, b.pk}  # groups approve nothing
    response = client.get(URL, {"unit": elsewhere.pk})
    assert {c.pk for c in response.context["overseen"]} == {a.pk, b.pk}
    assert elsewhere.name not in response.content.decode()


@pytest.mark.parametrize("raw", ["x", "²", "-1", "0", "1" * 40, "%00", "", " "])
def test_a_unit_that_is_not_an_id_is_ignored(world, raw):
    a = make(world, Commitment.Status.SUBMITTED)
    b = of_branch_b(world)
    assert overseen(client_as(world.committee_officer), unit=raw) == {a.pk, b.pk}


@pytest.mark.parametrize("raw", ["1999", "abc", "²", "99999", "-1"])
def test_a_year_out_of_range_falls_back_to_this_year(world, raw):
    a = make(world, Commitment.Status.SUBMITTED)
    response = client_as(world.officer_a).get(URL, {"year": raw, "unit": world.branch_a.pk})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year
    assert {c.pk for c in response.context["overseen"]} == {a.pk}


def test_an_older_year_linked_from_a_score_shows_as_chosen(world):
    old = timezone.localdate().year - 8
    a = make(world, Commitment.Status.SUBMITTED, year=old)
    response = client_as(world.officer_a).get(URL, {"year": old, "unit": world.branch_a.pk})
    assert {c.pk for c in response.context["overseen"]} == {a.pk}
    assert f'<option value="{old}" selected>' in response.content.decode()


def test_a_member_who_oversees_nothing_gets_no_unit_filter(world):
    response = client_as(world.member_a.user).get(URL, {"unit": world.branch_a.pk})
    assert response.status_code == 200
    assert response.context["unit"] is None and response.context["units"] == []
    assert 'name="unit"' not in response.content.decode()


def test_a_visitor_is_sent_to_sign_in_with_the_filters_kept(world):
    response = client_as(None).get(URL, {"unit": world.branch_a.pk, "year": 2026})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert "unit%3D" in response["Location"]  # back to the filtered list after signing in


@pytest.mark.parametrize("who", ["committee_officer", "admin"])
def test_the_filtered_list_takes_a_fixed_number_of_queries(
    world, who, django_assert_max_num_queries
):
    client = client_as(getattr(world, who))
    params = {"unit": world.branch_a.pk}
    make(world, Commitment.Status.SUBMITTED)

    def count():
        client.get(URL, params)  # warm caches
        with django_assert_max_num_queries(40) as captured:
            client.get(URL, params)
        return len(captured.captured_queries)

    few = count()
    for _ in range(8):
        other = MemberFactory(branch=world.branch_a, user__department=world.department_a)
        for state in (Commitment.Status.PUBLISHED, Commitment.Status.SUBMITTED):
            c = make(world, state, member=other.user)
            CommitmentRating.objects.create(commitment=c, user=UserFactory(), score="satisfied")
        of_branch_b(world, member=MemberFactory(branch=world.branch_b).user)
    assert count() == few
    assert len(client.get(URL, params).context["overseen"]) == 17
