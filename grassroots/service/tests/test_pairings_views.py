"""Pairing pages for each kind of person (the authorisation matrix), bad input, double
submits and the query counts of the lists."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.appeals.models import Appeal, Category
from grassroots.orgs.tests.factories import MemberFactory
from grassroots.service.models import Deed, Pairing, Visit

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
PEOPLE = (
    "employee",  # the colleague helped
    "member",
    "officer_a",
    "officer_b",
    "committee_officer",
    "admin",
    None,
)


def person(world, who):
    if who is None:
        return None
    if who == "member":
        return world.member_a.user
    return getattr(world, who)


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def make(world, *, member=None, employee=None, days_ago=30, last_visit_days_ago=None):
    today = timezone.localdate()
    return Pairing.objects.create(
        unit=world.branch_a,
        member=member or world.member_a.user,
        employee=employee or world.employee,
        reason=Pairing.Reason.FAMILY,
        reason_detail="父亲瘫痪在床，独自照顾",
        started_on=today - datetime.timedelta(days=days_ago),
        last_visit_on=None
        if last_visit_days_ago is None
        else today - datetime.timedelta(days=last_visit_days_ago),
        created_by=world.officer_a,
    )


def visit_of(pairing, needs="希望帮忙申请困难补助"):
    return Visit.objects.create(
        pairing=pairing,
        date=timezone.localdate(),
        help_given="送去米面油",
        needs_heard=needs,
        recorded_by=pairing.member,
    )


def is_login_redirect(response):
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Pages ----------------------------------------------------------------------------------

LIST = {
    "employee": 404,
    "member": 200,
    "officer_a": 200,
    "officer_b": 200,
    "committee_officer": 200,
    "admin": 200,
    None: 302,
}
NEW = {
    "employee": 404,
    "member": 404,
    "officer_a": 200,
    "officer_b": 200,  # for their own branch
    "committee_officer": 404,  # pairings are made by the branch itself
    "admin": 404,
    None: 302,
}
DETAIL = {
    "employee": 404,  # the colleague helped has no page about it
    "member": 200,
    "officer_a": 200,
    "officer_b": 404,
    "committee_officer": 200,  # sees it exists, not why
    "admin": 200,
    None: 302,
}
VISIT_APPEAL = {
    "employee": 404,
    "member": 200,
    "officer_a": 200,
    "officer_b": 404,
    "committee_officer": 404,  # may not read the visit's notes
    "admin": 404,
    None: 302,
}
VISIT_DEED = VISIT_APPEAL | {"member": 404}  # a deed is the branch's promise


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_open_the_pairings_list(world, who):
    make(world)
    response = client_as(person(world, who)).get(reverse("service:pairings"))
    assert response.status_code == LIST[who]


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_open_the_new_pairing_form(world, who):
    response = client_as(person(world, who)).get(reverse("service:pairing_new"))
    assert response.status_code == NEW[who]


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_open_a_pairing(world, who):
    pairing = make(world)
    response = client_as(person(world, who)).get(reverse("service:pairing", args=[pairing.pk]))
    assert response.status_code == DETAIL[who]


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_open_the_appeal_from_a_visit(world, who):
    visit = visit_of(make(world))
    url = reverse("service:pairing_visit_appeal", args=[visit.pk])
    assert client_as(person(world, who)).get(url).status_code == VISIT_APPEAL[who]


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_open_the_deed_from_a_visit(world, who):
    visit = visit_of(make(world))
    url = reverse("service:pairing_visit_deed", args=[visit.pk])
    assert client_as(person(world, who)).get(url).status_code == VISIT_DEED[who]


def test_missing_pairings_and_visits_are_404(world):
    client = client_as(world.officer_a)
    assert client.get(reverse("service:pairing", args=[9999])).status_code == 404
    assert client.get(reverse("service:pairing_visit_appeal", args=[9999])).status_code == 404
    assert client.get(reverse("service:pairing_visit_deed", args=[9999])).status_code == 404


def test_a_member_of_the_party_without_pairings_sees_an_empty_list(world):
    response = client_as(world.member_b.user).get(reverse("service:pairings"))
    assert response.status_code == 200
    assert response.context["mine"] == []


def test_the_list_shows_days_without_a_visit_and_flags_those_past_the_limit(world):
    late = make(world, last_visit_days_ago=120)
    fresh = make(world, member=world.officer_a, last_visit_days_ago=3)
    response = client_as(world.officer_a).get(reverse("service:pairings"))
    rows = {
        row.pairing.pk: row for row in [*response.context["mine"], *response.context["overseen"]]
    }
    assert (rows[late.pk].days, rows[late.pk].overdue) == (120, True)
    assert (rows[fresh.pk].days, rows[fresh.pk].overdue) == (3, False)
    # the longest without a visit comes first
    assert response.context["overseen"][0].pairing.pk == late.pk
    # a member sees their own pairing under "mine"
    mine = client_as(world.member_a.user).get(reverse("service:pairings")).context["mine"]
    assert [row.pairing.pk for row in mine] == [late.pk]


def test_officers_of_another_branch_do_not_see_the_pairing_in_their_list(world):
    make(world)
    response = client_as(world.officer_b).get(reverse("service:pairings"))
    assert response.context["overseen"] == [] and response.context["mine"] == []


# --- Actions --------------------------------------------------------------------------------

VISIT = {
    "employee": 404,
    "member": 302,
    "officer_a": 302,
    "officer_b": 404,
    "committee_officer": 404,
    "admin": 404,
}
END = {
    "employee": 404,
    "member": 404,
    "officer_a": 302,
    "officer_b": 404,
    "committee_officer": 404,
    "admin": 404,
}


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_record_a_visit(world, who):
    pairing = make(world)
    response = client_as(person(world, who)).post(
        reverse("service:pairing", args=[pairing.pk]),
        {
            "action": "visit",
            "visit-date": timezone.localdate().isoformat(),
            "visit-help_given": "送去慰问金",
            "visit-needs_heard": "",
        },
    )
    if who is None:
        assert is_login_redirect(response)
        return
    assert response.status_code == VISIT[who]
    pairing.refresh_from_db()
    assert (pairing.last_visit_on == timezone.localdate()) == (VISIT[who] == 302)


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_end_a_pairing(world, who):
    pairing = make(world)
    response = client_as(person(world, who)).post(
        reverse("service:pairing", args=[pairing.pk]),
        {
            "action": "end",
            "end-ended_on": timezone.localdate().isoformat(),
            "end-end_reason": "已脱困",
        },
    )
    if who is None:
        assert is_login_redirect(response)
        return
    assert response.status_code == END[who]
    pairing.refresh_from_db()
    assert (pairing.ended_on is not None) == (END[who] == 302)


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_make_a_pairing(world, who):
    response = client_as(person(world, who)).post(
        reverse("service:pairing_new"),
        {
            "unit": world.branch_a.pk,
            "member": world.member_a.user.pk,
            "employee_number": world.employee.employee_number,
            "reason": "illness",
            "reason_detail": "腰椎手术后康复中",
            "started_on": timezone.localdate().isoformat(),
        },
    )
    made = Pairing.objects.exists()
    if who is None:
        assert is_login_redirect(response) and not made
    elif who == "officer_a":
        assert response.status_code == 302 and made
    elif who == "officer_b":
        # the form offers only their own branch: branch A is refused
        assert response.status_code == 200 and "unit" in response.context["form"].errors
        assert not made
    else:
        assert response.status_code == 404 and not made


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_turn_a_need_into_an_appeal(world, who):
    visit = visit_of(make(world))
    response = client_as(person(world, who)).post(
        reverse("service:pairing_visit_appeal", args=[visit.pk]),
        {
            "category": Category.objects.get(code="hardship").pk,
            "title": "申请困难补助",
            "description": visit.needs_heard,
            "key": f"k-{who}",
        },
    )
    made = Appeal.objects.exists()
    if who is None:
        assert is_login_redirect(response) and not made
        return
    expected = 302 if VISIT_APPEAL[who] == 200 else 404
    assert response.status_code == expected
    assert made == (expected == 302)
    if made:
        appeal = Appeal.objects.get()
        assert appeal.submitter == world.employee and appeal.channel == "visit"
        assert list(visit.appeals.all()) == [appeal]


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_turn_a_need_into_a_deed(world, who):
    visit = visit_of(make(world))
    response = client_as(person(world, who)).post(
        reverse("service:pairing_visit_deed", args=[visit.pk]),
        {
            "title": "设立困难职工帮扶基金",
            "description": "支部牵头设立帮扶基金。",
            "owner": world.member_a.user.pk,
            "services": ["masses"],
            "due_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        },
    )
    made = Deed.objects.exists()
    if who is None:
        assert is_login_redirect(response) and not made
        return
    expected = 302 if VISIT_DEED[who] == 200 else 404
    assert response.status_code == expected
    assert made == (expected == 302)
    if made:
        assert list(Deed.objects.get().visits.all()) == [visit]


def test_an_ended_pairing_takes_no_visit_through_the_page(world):
    pairing = make(world)
    Pairing.objects.filter(pk=pairing.pk).update(ended_on=timezone.localdate(), end_reason="调离")
    response = client_as(world.member_a.user).post(
        reverse("service:pairing", args=[pairing.pk]),
        {
            "action": "visit",
            "visit-date": timezone.localdate().isoformat(),
            "visit-help_given": "x",
        },
    )
    assert response.status_code == 404
    assert not Visit.objects.exists()


# --- Bad input and double submits -----------------------------------------------------------


def test_ending_without_a_reason_says_so_and_ends_nothing(world):
    pairing = make(world)
    response = client_as(world.officer_a).post(
        reverse("service:pairing", args=[pairing.pk]),
        {"action": "end", "end-ended_on": timezone.localdate().isoformat(), "end-end_reason": ""},
    )
    assert response.status_code == 200
    assert "end_reason" in response.context["end_form"].errors
    pairing.refresh_from_db()
    assert pairing.ended_on is None


def test_an_empty_visit_says_what_to_write(world):
    pairing = make(world)
    response = client_as(world.member_a.user).post(
        reverse("service:pairing", args=[pairing.pk]),
        {"action": "visit", "visit-date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert "help_given" in response.context["visit_form"].errors
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"employee_number": "NOBODY"}, "employee_number"),
        ({"employee_number": ""}, "employee_number"),
        ({"reason": ""}, "reason"),
        ({"started_on": "2999-01-01"}, "started_on"),
        ({"member": "member_b"}, "member"),  # not offered: another branch
    ],
)
def test_a_bad_pairing_form_shows_the_problem_and_saves_nothing(world, change, field):
    data = {
        "unit": world.branch_a.pk,
        "member": world.member_a.user.pk,
        "employee_number": world.employee.employee_number,
        "reason": "illness",
        "reason_detail": "",
        "started_on": timezone.localdate().isoformat(),
    } | change
    if data["member"] == "member_b":
        data["member"] = world.member_b.user.pk
    response = client_as(world.officer_a).post(reverse("service:pairing_new"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Pairing.objects.exists()


def test_pairing_the_same_two_twice_is_refused_with_a_clear_error(world):
    make(world)
    response = client_as(world.officer_a).post(
        reverse("service:pairing_new"),
        {
            "unit": world.branch_a.pk,
            "member": world.member_a.user.pk,
            "employee_number": world.employee.employee_number,
            "reason": "illness",
            "started_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "employee_number" in response.context["form"].errors
    assert Pairing.objects.count() == 1


def test_an_appeal_form_sent_twice_raises_one_appeal(world):
    visit = visit_of(make(world))
    client = client_as(world.member_a.user)
    url = reverse("service:pairing_visit_appeal", args=[visit.pk])
    key = client.get(url).context["form"].initial["key"]
    data = {
        "category": Category.objects.get(code="hardship").pk,
        "title": "申请困难补助",
        "description": visit.needs_heard,
        "key": key,
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Appeal.objects.count() == 1 and visit.appeals.count() == 1


def test_the_appeal_form_is_pre_filled_with_the_needs_heard(world):
    visit = visit_of(make(world), needs="孩子上学需要助学金")
    form = (
        client_as(world.member_a.user)
        .get(reverse("service:pairing_visit_appeal", args=[visit.pk]))
        .context["form"]
    )
    assert form.initial["description"] == "孩子上学需要助学金"


def test_a_bad_appeal_from_a_visit_shows_the_problem(world):
    visit = visit_of(make(world))
    response = client_as(world.member_a.user).post(
        reverse("service:pairing_visit_appeal", args=[visit.pk]),
        {"category": "", "title": "", "description": ""},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Appeal.objects.exists()


def test_a_deed_in_the_past_is_refused(world):
    visit = visit_of(make(world))
    response = client_as(world.officer_a).post(
        reverse("service:pairing_visit_deed", args=[visit.pk]),
        {
            "title": "帮扶基金",
            "owner": world.member_a.user.pk,
            "services": ["masses"],
            "due_on": "2000-01-01",
        },
    )
    assert response.status_code == 200 and "due_on" in response.context["form"].errors
    assert not Deed.objects.exists()


# --- Query counts ---------------------------------------------------------------------------


def _count(client, url, django_assert_max_num_queries):
    client.get(url)
    with django_assert_max_num_queries(40) as captured:
        client.get(url)
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["member", "officer_a", "committee_officer", "admin"])
def test_the_list_takes_a_fixed_number_of_queries(world, who, django_assert_max_num_queries):
    client = client_as(person(world, who))
    url = reverse("service:pairings")
    make(world, last_visit_days_ago=100)
    few = _count(client, url, django_assert_max_num_queries)
    for n in range(10):
        pairing = make(world, employee=UserFactory(), last_visit_days_ago=n)
        visit_of(pairing)
        ended = make(
            world, member=MemberFactory(branch=world.branch_a).user, employee=UserFactory()
        )
        Pairing.objects.filter(pk=ended.pk).update(ended_on=timezone.localdate(), end_reason="x")
    assert _count(client, url, django_assert_max_num_queries) == few


def test_the_pairing_page_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    pairing = make(world)
    client = client_as(world.officer_a)
    url = reverse("service:pairing", args=[pairing.pk])
    visit_of(pairing)
    few = _count(client, url, django_assert_max_num_queries)
    for _ in range(8):
        visit = visit_of(pairing)
        from grassroots.appeals.tests.factories import raise_appeal

        visit.appeals.add(raise_appeal(world))
    assert _count(client, url, django_assert_max_num_queries) == few
