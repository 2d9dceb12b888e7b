"""The header navigation: each app's entries, shown when that app's policy says so."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _nav(client, user):
    page = client(user).get(reverse("home"))
    assert page.status_code == 200
    return [item["url"] for item in page.context["nav_items"]]


def test_an_employee_sees_only_what_everyone_may_use(world, client_for):
    urls = _nav(client_for, world.employee)
    assert urls == [
        reverse("home"),
        reverse("appeals:mine"),
        reverse("service:activities"),
        reverse("service:home"),
        reverse("evaluation:home"),
        reverse("openness:notices"),
        reverse("orgs:tree"),
        reverse("insights:dashboard"),  # their own dashboard (insights:my_dashboard)
        reverse("orgs:department_tree"),
    ]


def test_a_member_also_sees_organisational_life(world, client_for):
    urls = _nav(client_for, world.member_a.user)
    assert reverse("orglife:mine") in urls
    assert reverse("appeals:queue") not in urls
    assert reverse("orgs:member_list") not in urls


def test_a_branch_officer_sees_the_queue_members_and_transfers_in_order(world, client_for):
    urls = _nav(client_for, world.officer_a)
    expected_order = [
        reverse("home"),
        reverse("appeals:mine"),
        reverse("appeals:queue"),
        reverse("orglife:mine"),
        reverse("service:home"),
        reverse("orgs:tree"),
        reverse("orgs:member_list"),
        reverse("insights:structure"),
        reverse("orgs:transfer_list"),
        reverse("orgs:department_tree"),
    ]
    assert [url for url in urls if url in expected_order] == expected_order
    assert reverse("insights:audit_log") not in urls


def test_a_committee_officer_also_sees_the_audit_log(world, client_for):
    assert reverse("insights:audit_log") in _nav(client_for, world.committee_officer)


def test_an_administrator_sees_the_delivery_log_and_administration(world, client_for):
    urls = _nav(client_for, world.admin)
    assert reverse("notifications:delivery_log") in urls
    assert reverse("admin:index") == urls[-1]


def test_the_current_entry_is_the_longest_matching_address(world, client_for):
    page = client_for(world.officer_a).get(reverse("orgs:member_list"))
    current = [item["url"] for item in page.context["nav_items"] if item["current"]]
    assert current == [reverse("orgs:member_list")]


def _on_phone(client, user):
    page = client(user).get(reverse("home"))
    items = page.context["nav_items"]
    return [item["url"] for item in items if item["on_phone"]], page.context["nav_more"]


def test_a_branch_officer_phone_keeps_five_entries_and_puts_the_rest_under_more(world, client_for):
    # when a branch officer's navigation is built
    direct, more = _on_phone(client_for, world.officer_a)
    # then the phone bar keeps their five daily entries, in the desktop's order
    assert direct == [
        reverse("home"),
        reverse("appeals:queue"),
        reverse("orglife:mine"),
        reverse("service:home"),
        reverse("orgs:member_list"),
    ]
    # and everything else waits under "More", none of it twice
    more_urls = [item["url"] for item in more]
    assert reverse("appeals:mine") in more_urls
    assert reverse("orgs:transfer_list") in more_urls
    assert not set(direct) & set(more_urls)


def test_an_officer_reaches_activities_through_the_service_hub(world, client_for):
    assert reverse("service:activities") not in _nav(client_for, world.officer_a)


def test_an_employee_phone_shows_activities_in_the_bar(world, client_for):
    # when an employee's navigation is built
    direct, more = _on_phone(client_for, world.employee)
    # then activities is one of at most five entries in the bar
    assert reverse("service:activities") in direct
    assert len(direct) <= 5
    assert [item["url"] for item in more] == [
        reverse("openness:notices"),
        reverse("orgs:tree"),
        reverse("insights:dashboard"),
        reverse("orgs:department_tree"),
    ]


def test_more_is_marked_when_the_current_page_is_under_it(world, client_for):
    page = client_for(world.officer_a).get(reverse("orgs:transfer_list"))
    assert page.context["nav_more_current"] is True
    page = client_for(world.officer_a).get(reverse("appeals:queue"))
    assert page.context["nav_more_current"] is False


def test_an_anonymous_visitor_gets_no_navigation(client):
    page = client.get(reverse("service:home"))
    assert "nav_items" not in (page.context or {})
