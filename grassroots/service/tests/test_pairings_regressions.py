"""Regressions found in review of the pairing code: each test names the hole it keeps shut."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.models import Role, RoleAssignment
from grassroots.accounts.tests.factories import UserFactory
from grassroots.appeals.models import Appeal, Category
from grassroots.appeals.tests.factories import raise_appeal
from grassroots.service.models import Pairing, Visit
from grassroots.service.pairings import services

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
SECRET = "父亲瘫痪在床，独自照顾"


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def make(world):
    return services.pairing_create(
        actor=world.officer_a,
        unit=world.branch_a,
        member=world.member_a.user,
        employee=world.employee,
        reason=Pairing.Reason.FAMILY,
        reason_detail=SECRET,
        started_on=timezone.localdate() - datetime.timedelta(days=30),
    )


# --- Double submits -------------------------------------------------------------------


def test_a_visit_form_sent_twice_records_one_visit(world):
    # given a live pairing and its member
    pairing = make(world)
    client = client_as(world.member_a.user)
    data = {
        "action": "visit",
        "visit-date": timezone.localdate().isoformat(),
        "visit-help_given": "送去米面油",
        "visit-needs_heard": "希望帮忙申请困难补助",
    }
    url = reverse("service:pairing", args=[pairing.pk])
    # when the form goes twice (a double click, a resend after a slow answer)
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    # then one visit is on record
    assert Visit.objects.filter(pairing=pairing).count() == 1


def test_two_different_visits_on_one_day_are_both_kept(world):
    pairing = make(world)
    today = timezone.localdate()
    for text in ("上午送药", "下午陪同复查"):
        services.visit_record(
            actor=world.member_a.user, pairing=pairing, on=today, help_given=text, needs_heard=""
        )
    assert Visit.objects.filter(pairing=pairing).count() == 2


def test_ending_a_pairing_twice_answers_the_second_click_without_a_404(world):
    # given a live pairing and its branch officer
    pairing = make(world)
    client = client_as(world.officer_a)
    data = {
        "action": "end",
        "end-ended_on": timezone.localdate().isoformat(),
        "end-end_reason": "困难已解决",
    }
    url = reverse("service:pairing", args=[pairing.pk])
    # when "End it" is clicked twice
    first = client.post(url, data)
    second = client.post(url, data)
    # then both answers lead back to the pairing's page; it ended once
    assert first.status_code == 302 and second.status_code == 302
    assert second["Location"] == url
    pairing.refresh_from_db()
    assert pairing.ended_on == timezone.localdate() and pairing.end_reason == "困难已解决"


def test_ending_an_ended_pairing_stays_refused_by_the_service(world):
    pairing = make(world)
    today = timezone.localdate()
    services.pairing_end(actor=world.officer_a, pairing=pairing, on=today, reason="困难已解决")
    with pytest.raises(ValidationError):
        services.pairing_end(actor=world.officer_a, pairing=pairing, on=today, reason="另一个理由")
    pairing.refresh_from_db()
    assert pairing.end_reason == "困难已解决"


def test_a_stranger_still_gets_404_when_posting_end_to_an_ended_pairing(world):
    pairing = make(world)
    services.pairing_end(
        actor=world.officer_a, pairing=pairing, on=timezone.localdate(), reason="困难已解决"
    )
    for user in (world.officer_b, world.committee_officer, world.member_a.user):
        response = client_as(user).post(
            reverse("service:pairing", args=[pairing.pk]),
            {"action": "end", "end-ended_on": "", "end-end_reason": ""},
        )
        assert response.status_code == 404


# --- The reason is for the officers of the pairing's own branch only -----------------


def test_a_branch_officer_role_held_on_the_committee_does_not_open_the_reason(world):
    # given someone granted the branch-officer role on the committee (not on a branch)
    staffer = UserFactory()
    RoleAssignment.objects.create(user=staffer, role=Role.BRANCH_OFFICER, org_unit=world.committee)
    pairing = make(world)
    # when they open a pairing of a branch below the committee
    response = client_as(staffer).get(reverse("service:pairing", args=[pairing.pk]))
    # then they see it exists (they oversee the branch) but not the difficulty
    assert response.status_code == 200
    assert response.context["private"] is False
    assert SECRET not in response.content.decode()
    # and they may not pair people in the branches below
    assert client_as(staffer).get(reverse("service:pairing_new")).status_code == 404


# --- Bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["lower", "full-width", "spaces"])
def test_the_colleagues_number_is_found_however_it_is_typed(world, spelling):
    number = world.employee.employee_number
    typed = {
        "lower": number.lower(),
        "full-width": "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in number),
        "spaces": f"  {number} ",
    }[spelling]
    response = client_as(world.officer_a).post(
        reverse("service:pairing_new"),
        {
            "unit": world.branch_a.pk,
            "member": world.member_a.user.pk,
            "employee_number": typed,
            "reason": "illness",
            "reason_detail": "",
            "started_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert Pairing.objects.get().employee == world.employee


# --- A form key reused to pull the colleague's earlier appeal onto a visit ------------


def test_a_reused_form_key_cannot_link_the_colleagues_own_appeal_to_a_visit(world):
    # given an appeal the colleague raised themself, with a form key
    earlier = raise_appeal(world, submitter=world.employee, idempotency_key="their-own-form")
    pairing = make(world)
    visit = services.visit_record(
        actor=world.member_a.user,
        pairing=pairing,
        on=timezone.localdate(),
        help_given="",
        needs_heard="希望帮忙申请困难补助",
    )
    # when the visit's appeal form is sent with that key
    response = client_as(world.member_a.user).post(
        reverse("service:pairing_visit_appeal", args=[visit.pk]),
        {
            "category": Category.objects.get(code="hardship").pk,
            "title": "申请困难补助",
            "description": visit.needs_heard,
            "key": "their-own-form",
        },
    )
    # then the colleague's own appeal is not linked to the visit (nor shown on its page)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not visit.appeals.exists()
    assert Appeal.objects.get() == earlier
