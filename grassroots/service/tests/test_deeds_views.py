"""Practical-deed pages for each kind of person: the public list and page, the
officers' writes, the rating, query counts and the anonymity of linked appeals."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.appeals.tests.factories import raise_appeal
from grassroots.orgs.tests.factories import MemberFactory
from grassroots.service.deeds import services
from grassroots.service.models import Deed, DeedFollow, DeedRating, DeedUpdate
from grassroots.service.tests.deeds_factories import backdate, done_deed, make_deed

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
EVERYONE = ["employee", "member_a", "officer_a", "officer_b", "committee_officer", "admin", None]


def person(world, who):
    if who is None:
        return None
    value = getattr(world, who)
    return getattr(value, "user", value)


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def deed_url(deed):
    return reverse("service:deed", args=[deed.pk])


# --- The public list ----------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_everyone_reads_the_list_without_signing_in(world, who):
    deed = make_deed(world)
    response = client_as(person(world, who)).get(reverse("service:deeds"))
    assert response.status_code == 200
    assert response.context["rows"] == [deed]


def test_list_shows_progress_owner_branch_and_rating_summary(world):
    # given
    deed = done_deed(world, ratings=(3, 1, 0))
    # when
    response = Client().get(reverse("service:deeds"), {"status": "done"})
    # then
    html = response.content.decode()
    assert world.officer_a.name in html
    assert world.branch_a.name in html
    assert 'value="100"' in html and "100%" in html
    row = response.context["rows"][0]
    assert (row.pk, row.rated_satisfied, row.rated_fairly, row.answers) == (deed.pk, 3, 1, 4)
    assert row.delivered_percent == 75


def test_list_marks_overdue_deeds(world):
    late = backdate(make_deed(world), due_on=timezone.localdate() - datetime.timedelta(days=3))
    make_deed(world, title="按期")
    rows = Client().get(reverse("service:deeds")).context["rows"]
    assert [(row.pk, row.is_overdue) for row in rows] == [(late.pk, True), (rows[1].pk, False)]


def test_list_filters_by_branch_status_and_service(world):
    a = make_deed(world, services=["masses"])
    b = make_deed(
        world,
        actor=world.officer_b,
        unit=world.branch_b,
        owner=world.officer_b,
        services=["reform"],
    )
    done = done_deed(world, services=["reform", "members"])
    dropped = services.deed_drop(actor=world.officer_a, deed=make_deed(world), reason="并入新项目")
    client = Client()

    def listed(**params):
        return {row.pk for row in client.get(reverse("service:deeds"), params).context["rows"]}

    assert listed() == {a.pk, b.pk}  # under way, by default
    assert listed(status="") == {a.pk, b.pk, done.pk, dropped.pk}
    assert listed(status="done") == {done.pk}
    assert listed(status="dropped") == {dropped.pk}
    assert listed(unit=world.branch_b.pk) == {b.pk}
    assert listed(unit=world.committee.pk, status="") == {a.pk, b.pk, done.pk, dropped.pk}
    assert listed(service="reform", status="") == {b.pk, done.pk}
    assert listed(service="reform") == {b.pk}
    # nonsense filters are ignored, not errors
    assert listed(unit="x", service="weather", status="bogus") == {a.pk, b.pk, done.pk, dropped.pk}


def test_flag_filter_is_for_officers_and_limited_to_their_scope(world):
    late_a = backdate(make_deed(world), due_on=timezone.localdate() - datetime.timedelta(days=3))
    late_b = backdate(
        make_deed(world, actor=world.officer_b, unit=world.branch_b, owner=world.officer_b),
        due_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    poor = done_deed(world, ratings=(1, 0, 5))

    def listed(who, flag):
        response = client_as(person(world, who)).get(reverse("service:deeds"), {"flagged": flag})
        return {row.pk for row in response.context["rows"]}

    assert listed("officer_a", "overdue") == {late_a.pk}
    assert listed("officer_b", "overdue") == {late_b.pk}
    assert listed("committee_officer", "overdue") == {late_a.pk, late_b.pk}
    assert listed("admin", "overdue") == {late_a.pk, late_b.pk}
    assert listed("officer_a", "poor") == {poor.pk}
    assert listed("officer_b", "poor") == set()
    # employees and visitors get the plain list: the flag is ignored
    assert listed("employee", "overdue") == {late_a.pk, late_b.pk}
    assert listed(None, "poor") == {late_a.pk, late_b.pk}


def _list_queries(world, django_assert_num_queries, count):
    for index in range(count):
        make_deed(world, title=f"项目{index}")
    client = Client()
    client.get(reverse("service:deeds"))  # warm the rule-parameter cache
    with django_assert_num_queries(3) as captured:
        response = client.get(reverse("service:deeds"), {"status": ""})
    assert len(response.context["rows"]) == min(count, 20)
    return captured


@pytest.mark.parametrize("count", [1, 25])
def test_list_reads_a_fixed_number_of_queries(world, django_assert_num_queries, count):
    # count, page of rows (with branch and owner), organisations for the filter
    _list_queries(world, django_assert_num_queries, count)


def test_list_query_count_for_a_signed_in_officer_is_fixed(world, django_assert_max_num_queries):
    for index in range(25):
        make_deed(world, title=f"项目{index}")
    client = client_as(world.officer_a)
    client.get(reverse("service:deeds"))
    with django_assert_max_num_queries(8):
        client.get(reverse("service:deeds"), {"flagged": "overdue"})


def test_list_pages(world):
    for index in range(25):
        make_deed(world, title=f"项目{index}")
    response = Client().get(reverse("service:deeds"), {"page": 2})
    assert len(response.context["rows"]) == 5


# --- A deed's page ------------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_everyone_reads_a_deed_page(world, who):
    deed = make_deed(world, milestones=[("采购", timezone.localdate())])
    services.deed_report_progress(actor=world.officer_a, deed=deed, progress=30, text="已下单。")
    response = client_as(person(world, who)).get(deed_url(deed))
    assert response.status_code == 200
    assert "已下单。" in response.content.decode()
    assert response.context["manages"] is (who in ("officer_a", "committee_officer", "admin"))


def test_missing_deed_is_404(world):
    assert Client().get(reverse("service:deed", args=[999999])).status_code == 404


def test_anonymous_appeal_linked_to_a_deed_reveals_nobody(world):
    # given an anonymous appeal and a named one, both linked to the deed
    anonymous = raise_appeal(world, submitter=None, anonymous=True, channel="anonymous")
    named = raise_appeal(world, title="更衣室太挤")
    deed = make_deed(world, appeals=[anonymous, named])
    # when anyone opens the deed
    for who in (None, "member_b", "officer_b"):
        html = client_as(person(world, who)).get(deed_url(deed)).content.decode()
        # then the numbers are shown, and nothing about the people or their words
        assert anonymous.number in html and named.number in html
        assert world.employee.name not in html
        assert world.employee.employee_number not in html
        assert "更衣室太挤" not in html
        assert anonymous.description not in html
        assert anonymous.tracking_code not in html


def test_deed_page_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    appeals = [raise_appeal(world, title=f"诉求{i}") for i in range(3)]
    deed = make_deed(
        world,
        milestones=[(f"节点{i}", timezone.localdate()) for i in range(5)],
        appeals=appeals,
    )
    for i in range(5):
        services.deed_report_progress(actor=world.officer_a, deed=deed, progress=i * 10, text="x")
    client = client_as(world.employee)
    client.get(deed_url(deed))
    with django_assert_max_num_queries(14):
        client.get(deed_url(deed))


# --- Following and rating -----------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in_to_follow_or_rate(world):
    deed = done_deed(world)
    for action in ("follow", "rate"):
        response = Client().post(deed_url(deed), {"action": action, "rate-delivered": "satisfied"})
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    assert not DeedFollow.objects.exists()
    assert not DeedRating.objects.exists()


def test_employee_follows_and_unfollows(world):
    deed = make_deed(world)
    client = client_as(world.employee)
    assert client.post(deed_url(deed), {"action": "follow"}).status_code == 302
    assert client.post(deed_url(deed), {"action": "follow"}).status_code == 302  # double click
    deed.refresh_from_db()
    assert deed.followers == 1
    client.post(deed_url(deed), {"action": "unfollow"})
    deed.refresh_from_db()
    assert deed.followers == 0


def test_employee_rates_a_done_deed_once(world):
    deed = done_deed(world)
    client = client_as(world.employee)
    response = client.post(deed_url(deed), {"action": "rate", "rate-delivered": "fairly"})
    assert response.status_code == 302
    again = client.post(deed_url(deed), {"action": "rate", "rate-delivered": "not"})
    assert again.status_code == 200  # shown again with the reason
    deed.refresh_from_db()
    assert (deed.rated_satisfied, deed.rated_fairly, deed.rated_not) == (0, 1, 0)
    assert DeedRating.objects.get().delivered == "fairly"
    assert again.context["may_rate"] is False


def test_rating_without_an_answer_saves_nothing(world):
    deed = done_deed(world)
    response = client_as(world.employee).post(deed_url(deed), {"action": "rate"})
    assert response.status_code == 200
    assert response.context["rating_form"].errors
    assert not DeedRating.objects.exists()


@pytest.mark.parametrize("who", ["officer_a", "committee_officer", "admin"])
def test_those_who_answer_for_the_deed_cannot_rate_it(world, who):
    deed = done_deed(world)
    response = client_as(person(world, who)).post(
        deed_url(deed), {"action": "rate", "rate-delivered": "satisfied"}
    )
    assert response.status_code == 404
    assert not DeedRating.objects.exists()


def test_rating_an_open_deed_is_404(world):
    deed = make_deed(world)
    response = client_as(world.employee).post(
        deed_url(deed), {"action": "rate", "rate-delivered": "satisfied"}
    )
    assert response.status_code == 404


# --- The officers' writes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 302),
        ("committee_officer", 302),
        ("admin", 302),
        ("officer_b", 404),
        ("member_a", 404),
        ("employee", 404),
        (None, 302),
    ],
)
def test_who_may_report_progress(world, who, status):
    deed = make_deed(world)
    response = client_as(person(world, who)).post(
        deed_url(deed), {"action": "progress", "progress-progress": "50", "progress-text": "过半"}
    )
    assert response.status_code == status
    deed.refresh_from_db()
    assert deed.progress == (50 if who in ("officer_a", "committee_officer", "admin") else 0)


def test_progress_over_100_is_refused_with_the_form(world):
    deed = make_deed(world)
    response = client_as(world.officer_a).post(
        deed_url(deed), {"action": "progress", "progress-progress": "150", "progress-text": "x"}
    )
    assert response.status_code == 200
    assert "progress" in response.context["progress_form"].errors
    assert not DeedUpdate.objects.exists()


def test_officer_declares_done_then_nothing_more_can_change(world):
    deed = make_deed(world)
    client = client_as(world.officer_a)
    response = client.post(deed_url(deed), {"action": "done", "done-outcome": "已完成"})
    assert response.status_code == 302
    deed.refresh_from_db()
    assert (deed.status, deed.progress) == ("done", 100)
    again = client.post(deed_url(deed), {"action": "done", "done-outcome": "又完成"})
    assert again.status_code == 200
    deed.refresh_from_db()
    assert deed.outcome == "已完成"
    assert client.get(reverse("service:deed_edit", args=[deed.pk])).status_code == 404


def test_declaring_done_without_an_outcome_saves_nothing(world):
    deed = make_deed(world)
    response = client_as(world.officer_a).post(deed_url(deed), {"action": "done"})
    assert response.status_code == 200
    assert response.context["done_form"].errors
    deed.refresh_from_db()
    assert deed.status == Deed.Status.OPEN


def test_officer_drops_a_deed_with_a_reason(world):
    deed = make_deed(world)
    client = client_as(world.officer_a)
    client.post(deed_url(deed), {"action": "drop"})
    deed.refresh_from_db()
    assert deed.status == Deed.Status.OPEN
    client.post(deed_url(deed), {"action": "drop", "drop-drop_reason": "已由公司统一实施"})
    deed.refresh_from_db()
    assert (deed.status, deed.drop_reason) == ("dropped", "已由公司统一实施")


def test_officer_ticks_a_milestone_and_others_cannot(world):
    deed = make_deed(world, milestones=[("采购", timezone.localdate())])
    milestone = deed.milestones.get()
    data = {"action": "milestone", "milestone": milestone.pk, "done": "1"}
    assert client_as(world.officer_b).post(deed_url(deed), data).status_code == 404
    assert client_as(world.employee).post(deed_url(deed), data).status_code == 404
    assert client_as(world.officer_a).post(deed_url(deed), data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    other = make_deed(world, milestones=[("别的", timezone.localdate())])
    foreign = {"action": "milestone", "milestone": other.milestones.get().pk, "done": "1"}
    assert client_as(world.officer_a).post(deed_url(deed), foreign).status_code == 404


def test_unknown_action_is_404(world):
    deed = make_deed(world)
    assert client_as(world.officer_a).post(deed_url(deed), {"action": "x"}).status_code == 404


# --- Creating and editing -----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 200),
        ("officer_b", 200),
        ("committee_officer", 200),
        ("admin", 200),
        ("member_a", 404),
        ("employee", 404),
        (None, 302),
    ],
)
def test_who_may_open_the_new_deed_form(world, who, status):
    assert client_as(person(world, who)).get(reverse("service:deed_new")).status_code == status


def new_deed_data(world, **extra):
    return {
        "unit": world.branch_a.pk,
        "title": "食堂增加两个窗口",
        "description": "午餐高峰排队超过二十分钟。",
        "owner": world.member_a.user.employee_number,
        "services": ["masses", "members"],
        "due_on": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "milestones": f"{timezone.localdate().isoformat()} 与后勤部商定方案\n\n",
        "appeals": "",
    } | extra


def test_officer_creates_a_deed_with_milestones_and_a_linked_appeal(world):
    appeal = raise_appeal(world)
    response = client_as(world.officer_a).post(
        reverse("service:deed_new"), new_deed_data(world, appeals=f" {appeal.number}, ")
    )
    assert response.status_code == 302
    deed = Deed.objects.get()
    assert response["Location"] == deed_url(deed)
    assert (deed.unit, deed.owner, deed.services) == (
        world.branch_a,
        world.member_a.user,
        ["masses", "members"],
    )
    assert deed.milestones.get().title == "与后勤部商定方案"
    assert list(deed.appeals.all()) == [appeal]


def test_officer_cannot_create_for_another_branch(world):
    response = client_as(world.officer_b).post(reverse("service:deed_new"), new_deed_data(world))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Deed.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("owner", "NOBODY"),
        ("services", []),
        ("due_on", "2000-01-01"),
        ("milestones", "明天 采购"),
        ("appeals", "A-NOT-THERE"),
    ],
)
def test_bad_input_is_shown_and_nothing_saved(world, field, value):
    response = client_as(world.officer_a).post(
        reverse("service:deed_new"), new_deed_data(world, **{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Deed.objects.exists()


def test_owner_outside_the_branch_is_refused_by_the_service(world):
    response = client_as(world.officer_a).post(
        reverse("service:deed_new"), new_deed_data(world, owner=world.member_b.user.employee_number)
    )
    assert "owner" in response.context["form"].errors
    assert not Deed.objects.exists()


def test_appeal_of_another_branch_cannot_be_linked(world):
    other = raise_appeal(world, submitter=world.member_b.user, department=world.department_b)
    response = client_as(world.officer_a).post(
        reverse("service:deed_new"), new_deed_data(world, appeals=other.number)
    )
    assert "appeals" in response.context["form"].errors


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 200),
        ("committee_officer", 200),
        ("admin", 200),
        ("officer_b", 404),
        ("member_a", 404),
        ("employee", 404),
        (None, 302),
    ],
)
def test_who_may_edit(world, who, status):
    deed = make_deed(world)
    url = reverse("service:deed_edit", args=[deed.pk])
    assert client_as(person(world, who)).get(url).status_code == status


def test_edit_saves_and_refuses_bad_input(world):
    deed = make_deed(world)
    url = reverse("service:deed_edit", args=[deed.pk])
    client = client_as(world.officer_a)
    data = {
        "title": "更换饮水机（三台）",
        "description": "",
        "owner": world.officer_a.employee_number,
        "services": ["masses"],
        "due_on": deed.due_on.isoformat(),
    }
    assert client.post(url, data | {"services": []}).status_code == 200
    deed.refresh_from_db()
    assert deed.title == "更换车间饮水机"  # unchanged
    assert client.post(url, data).status_code == 302
    deed.refresh_from_db()
    assert deed.title == "更换饮水机（三台）"


def test_a_member_of_a_branch_may_be_named_from_a_group(world):
    in_group = MemberFactory(branch=world.branch_a, group=world.group_a)
    response = client_as(world.officer_a).post(
        reverse("service:deed_new"), new_deed_data(world, owner=in_group.user.employee_number)
    )
    assert response.status_code == 302


def test_filter_offers_committees_only_past_the_limit(world):
    from grassroots.service.deeds import selectors

    assert len(selectors.filter_units()) == 3  # the committee and two branches
    assert selectors.filter_units(limit=2) == [(world.committee.pk, world.committee.name)]


def test_a_branch_not_offered_in_the_filter_stays_selected(world, monkeypatch):
    from grassroots.service.deeds import selectors

    make_deed(world)
    monkeypatch.setattr(selectors, "filter_units", lambda: [])
    html = Client().get(reverse("service:deeds"), {"unit": world.branch_a.pk}).content.decode()
    assert f'<option value="{world.branch_a.pk}" selected>' in html
