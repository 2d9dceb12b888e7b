"""The service hub: each person sees the parts they have a use for."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_employee_sees_posts_commitments_and_deeds_but_no_pairings(world, client_for):
    # given an employee with no Party role
    # when they open the hub
    response = client_for(world.employee).get(reverse("service:home"))
    # then the public parts are linked, the private and officers' ones are not
    page = response.content.decode()
    assert response.status_code == 200
    for name in ("service:activities", "service:posts", "service:commitments", "service:deeds"):
        assert f'href="{reverse(name)}"' in page
    assert f'href="{reverse("service:pairings")}"' not in page
    assert f'href="{reverse("service:coverage")}"' not in page


def test_a_member_sees_pairings_and_an_officer_the_coverage(world, client_for):
    member_page = client_for(world.member_a.user).get(reverse("service:home")).content.decode()
    assert f'href="{reverse("service:pairings")}"' in member_page
    assert f'href="{reverse("service:coverage")}"' not in member_page
    officer_page = client_for(world.officer_a).get(reverse("service:home")).content.decode()
    assert f'href="{reverse("service:coverage")}"' in officer_page


def test_an_anonymous_visitor_is_asked_to_sign_in(client_for):
    response = client_for(None).get(reverse("service:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
