from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_for_every_role(world, client_for):
    for user in (
        world.employee,
        world.member_a.user,
        world.officer_a,
        world.committee_officer,
        world.admin,
    ):
        assert client_for(user).get(reverse("home")).status_code == 200
    assert client_for(None).get(reverse("home")).status_code == 302


def test_committee_home_shows_what_needs_attention(world, client_for):
    response = client_for(world.committee_officer).get(reverse("home"))
    panel = response.context["panels"][0]
    assert panel.unit == world.committee
    assert any(unit == world.branch_b for unit, _severity, _text in panel.warnings)


def test_branch_officer_home_is_about_their_branch(world, client_for):
    response = client_for(world.officer_a).get(reverse("home"))
    assert [panel.unit for panel in response.context["panels"]] == [world.branch_a]


def test_employee_home_has_no_oversight_panels(world, client_for):
    response = client_for(world.employee).get(reverse("home"))
    assert response.context["panels"] == []


def test_structure_page_for_a_unit_in_scope(world, client_for):
    url = reverse("insights:structure")
    assert client_for(world.officer_a).get(url, {"unit": world.branch_a.pk}).status_code == 200
    assert client_for(world.officer_a).get(url, {"unit": world.branch_b.pk}).status_code == 404
    assert client_for(world.officer_a).get(url, {"unit": "x"}).status_code == 404
    page = client_for(world.officer_a).get(url).content.decode()
    assert 'data-chart="chart-data-cohort"' in page and 'id="chart-data-cohort"' in page


def test_home_query_count_is_fixed(world, client_for, django_assert_max_num_queries):
    client = client_for(world.committee_officer)
    client.get(reverse("home"))
    # 28, and openness: the reach (2), new notices, consultations to comment on, the
    # catalogue (the units held, its items, the notices covering them); and learning:
    # the member record, their posts, the courses left to study (3)
    with django_assert_max_num_queries(36):
        client.get(reverse("home"))


def test_committee_home_shows_the_dangers_first_and_counts_the_rest(world, client_for, monkeypatch):
    # given: group A has no leader (a warning, earlier in tree order) and branch B two
    # full members (a danger); the page shows one warning
    from grassroots.insights import home

    monkeypatch.setattr(home, "WARNINGS_SHOWN", 1)
    # when
    response = client_for(world.committee_officer).get(reverse("home"))
    # then
    panel = response.context["panels"][0]
    assert [(unit, severity) for unit, severity, _text in panel.warnings] == [
        (world.branch_b, "danger")
    ]
    assert panel.more_warnings == 1  # the group without a leader
    assert panel.unit_count == 4
