"""Work plans' pages for each kind of person: officers over the unit, members of it
(a published plan only), people out of scope (404, as a missing page) and anonymous
visitors (sent to sign in). Bad input and fixed query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from grassroots.openness.models import Notice
from grassroots.plans import services
from grassroots.plans.models import PlanItem, PlanLink, WorkPlan
from grassroots.plans.tests.test_services import YEAR, add_item, make_meeting, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world: Any) -> WorkPlan:
    plan = make_plan(world)
    item = add_item(world, plan)
    meeting = make_meeting(world.branch_a)
    services.link_add(actor=world.officer_a, item=item, kind="meeting", object_id=meeting.pk)
    return plan


def _urls(plan: WorkPlan) -> list[str]:
    item = PlanItem.objects.filter(plan=plan).first()
    assert item is not None
    return [
        reverse("plans:plan", args=[plan.pk]),
        reverse("plans:check", args=[plan.pk]),
        reverse("plans:item_new", args=[plan.pk]),
        reverse("plans:item_edit", args=[item.pk]),
        reverse("plans:item_link", args=[item.pk]),
        reverse("plans:summary", args=[plan.pk]),
    ]


def test_officers_in_scope_open_every_page(world: Any, client_for: Any, plan: Any) -> None:
    for user in (world.officer_a, world.committee_officer, world.admin):
        client = client_for(user)
        for url in _urls(plan):
            assert client.get(url).status_code == 200, (user, url)
        assert client.get(reverse("plans:unit", args=[world.branch_a.pk])).status_code == 200
        assert client.get(reverse("plans:index")).status_code == 200


def test_out_of_scope_is_404_and_anonymous_signs_in(world: Any, client_for: Any, plan: Any) -> None:
    for url in _urls(plan):
        assert client_for(world.officer_b).get(url).status_code == 404, url
        assert client_for(world.employee).get(url).status_code == 404, url
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/" in response["Location"]
    link = PlanLink.objects.get()
    for url in (
        reverse("plans:publish", args=[plan.pk]),
        reverse("plans:item_remove", args=[link.item_id]),
        reverse("plans:link_remove", args=[link.pk]),
    ):
        assert client_for(world.officer_b).post(url).status_code == 404
        assert client_for(world.member_a.user).post(url).status_code == 404
    assert PlanLink.objects.count() == 1 and PlanItem.objects.count() == 1
    assert WorkPlan.objects.get().status == "draft"
    listed = client_for(world.officer_b).get(reverse("plans:index")).content.decode()
    assert reverse("plans:plan", args=[plan.pk]) not in listed


def test_members_read_a_published_plan_only(world: Any, client_for: Any, plan: Any) -> None:
    url = reverse("plans:plan", args=[plan.pk])
    member = client_for(world.member_a.user)
    assert member.get(url).status_code == 404
    services.plan_publish(actor=world.officer_a, plan=plan)
    page = member.get(url)
    assert page.status_code == 200
    assert reverse("plans:item_new", args=[plan.pk]) not in page.content.decode()
    assert member.get(reverse("plans:check", args=[plan.pk])).status_code == 200
    assert member.get(reverse("plans:item_new", args=[plan.pk])).status_code == 404
    assert member.get(reverse("plans:summary", args=[plan.pk])).status_code == 404
    assert client_for(world.member_b.user).get(url).status_code == 404


def test_item_form_bad_input_and_script(world: Any, client_for: Any, plan: Any) -> None:
    client = client_for(world.officer_a)
    url = reverse("plans:item_new", args=[plan.pk])
    base = {
        "what": "<script>alert(1)</script>",
        "due_on": f"{YEAR}-05-01",
        "owner": world.officer_a.employee_number,
        "goal": "",
        "details": "",
        "idempotency_key": "a" * 32,
    }
    for bad in (
        {"what": "x" * 201},
        {"due_on": f"{YEAR + 1}-01-01"},
        {"owner": "nobody"},
        {"what": ""},
    ):
        response = client.post(url, base | bad)
        assert response.status_code == 200 and response.context["form"].errors
    assert PlanItem.objects.count() == 1
    assert client.post(url, base).status_code == 302
    assert client.post(url, base).status_code == 302  # the same form twice: one item
    assert PlanItem.objects.count() == 2
    page = client.get(reverse("plans:plan", args=[plan.pk])).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_link_form_links_once_and_refuses_others(world: Any, client_for: Any, plan: Any) -> None:
    client = client_for(world.officer_a)
    item = PlanItem.objects.get()
    url = reverse("plans:item_link", args=[item.pk])
    theirs = make_meeting(world.branch_b)
    response = client.post(url, {"record": f"meeting:{theirs.pk}"})
    assert response.status_code == 200 and response.context["form"].errors
    linked = PlanLink.objects.get()
    response = client.post(url, {"record": f"meeting:{linked.object_id}"})
    assert response.status_code == 200 and response.context["form"].errors
    ours = make_meeting(world.branch_a, topic="第二次")
    assert client.post(url, {"record": f"meeting:{ours.pk}"}).status_code == 302
    assert PlanLink.objects.count() == 2


def test_plan_page_queries_do_not_grow(
    world: Any, client_for: Any, plan: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.officer_a)
    url = reverse("plans:plan", args=[plan.pk])
    for n in range(6):
        item = add_item(world, plan, what=f"事项{n}")
        meeting = make_meeting(world.branch_a, topic=f"会{n}")
        services.link_add(actor=world.officer_a, item=item, kind="meeting", object_id=meeting.pk)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_check_lists_items_behind(world: Any, client_for: Any, plan: Any) -> None:
    add_item(world, plan, what="四季度的事", due_on=datetime.date(YEAR, 12, 1))
    client = client_for(world.officer_a)
    response = client.get(reverse("plans:check", args=[plan.pk]) + "?quarter=2")
    assert [each.item.what for each in response.context["behind"]] == ["开展主题党日"]
    response = client.get(reverse("plans:check", args=[plan.pk]) + "?quarter=4")
    assert len(response.context["behind"]) == 2


def test_summary_is_drafted_and_published_as_a_notice(
    world: Any, client_for: Any, plan: Any
) -> None:
    client = client_for(world.officer_a)
    url = reverse("plans:summary", args=[plan.pk])
    body = client.get(url).context["form"].initial["body"]
    assert "开展主题党日" in body
    response = client.post(url, {"title": "总结", "body": body, "idempotency_key": "s" * 32})
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.kind == "work_summary" and notice.period_key == str(YEAR)
    assert notice.audience == "enterprise" and notice.unit_id == world.branch_a.pk
    client.post(url, {"title": "总结", "body": body, "idempotency_key": "s" * 32})
    assert Notice.objects.count() == 1


def test_catalogue_links_to_the_plans(world: Any, client_for: Any) -> None:
    page = client_for(world.officer_a).get(
        reverse("openness:catalogue") + f"?unit={world.branch_a.pk}"
    )
    assert reverse("plans:unit", args=[world.branch_a.pk]) in page.content.decode()
