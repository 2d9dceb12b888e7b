"""Service post pages for each kind of person: every page and every POST action."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grassroots.appeals.models import Appeal
from grassroots.appeals.tests.factories import category
from grassroots.orgs.tests.factories import MemberFactory
from grassroots.service.models import PostVisit, ServicePost
from grassroots.service.posts import services

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def _today():
    """Today in the product's time zone, read when a test runs (the suite may cross
    midnight in Asia/Shanghai)."""
    return timezone.localdate()


PEOPLE = [
    "employee",
    "member_a",  # holds the post
    "member_b",  # a Party member of the other branch
    "officer_a",  # runs the post's branch
    "officer_b",  # runs the other branch: out of scope
    "committee_officer",
    "admin",
    None,  # anonymous
]


def client_as(world, who):
    client = Client()
    if who is not None:
        user = getattr(world, who)
        client.force_login(getattr(user, "user", user), backend=BACKEND)
    return client


def make_post(world, **extra):
    values = {
        "actor": world.officer_a,
        "unit": world.branch_a,
        "kind": ServicePost.Kind.MOBILE,
        "name": "科室上门服务岗",
        "holders": [world.member_a.user],
        "promise": "每周二到科室上门服务。",
        "services": ["masses"],
        "department": world.department_a,
    }
    return services.post_create(**(values | extra))


def held_visit(world, post):
    return services.post_visit_add(
        actor=world.member_a.user,
        post=post,
        date=_today(),
        department=world.department_a,
        members=[world.member_a.user],
        heard="职工反映车间通风不好。",
        done="当场联系了设备科。",
    )


def expect(who, allowed, *, anonymous=302):
    if who is None:
        return anonymous
    return 200 if who in allowed else 404


MANAGERS = {"officer_a", "committee_officer", "admin"}
HOLDERS_AND_MANAGERS = MANAGERS | {"member_a"}


# --- Public pages ---------------------------------------------------------------------


@pytest.mark.parametrize("who", PEOPLE)
def test_everyone_sees_the_list_and_an_active_post_without_private_details(world, who):
    post = make_post(world)
    visit = held_visit(world, post)
    client = client_as(world, who)
    listing = client.get(reverse("service:posts"))
    page = client.get(reverse("service:post", args=[post.pk]))
    assert listing.status_code == 200 and page.status_code == 200
    html = page.content.decode()
    assert world.member_a.user.name in html
    assert world.member_a.user.phone not in html
    assert visit.done in html  # what was done is public
    if who in HOLDERS_AND_MANAGERS:
        assert reverse("service:post_visit", args=[visit.pk]) in html
    else:
        assert visit.heard not in html  # what was heard is not
        assert reverse("service:post_visit", args=[visit.pk]) not in html
    assert (reverse("service:post_card", args=[post.pk]) in html) == (who in MANAGERS)
    assert reverse("service:post_appeal", args=[post.pk]) in html
    assert f"{reverse('appeals:anonymous')}?department={world.department_a.code}" in html


@pytest.mark.parametrize("who", PEOPLE)
def test_a_deactivated_post_is_hidden_from_all_but_its_officers_and_holders(world, who):
    post = make_post(world)
    services.post_deactivate(actor=world.officer_a, post=post)
    response = client_as(world, who).get(reverse("service:post", args=[post.pk]))
    assert response.status_code == expect(who, HOLDERS_AND_MANAGERS, anonymous=404)
    listing = client_as(world, who).get(reverse("service:posts")).content.decode()
    assert post.name not in listing


def test_a_missing_post_is_404(world, client):
    assert client.get(reverse("service:post", args=[999999])).status_code == 404


def test_the_list_filters_by_kind_branch_and_mine(world):
    make_post(world, name="甲支部流动岗")
    services.post_create(
        actor=world.officer_b,
        unit=world.branch_b,
        kind=ServicePost.Kind.DEMONSTRATION,
        name="乙支部示范岗",
        holders=[world.member_b.user],
        promise="质量零缺陷。",
        services=["development"],
    )
    client = client_as(world, "member_a")

    def names(**query):
        page = client.get(reverse("service:posts"), query).context["page_obj"]
        return [post.name for post in page.object_list]

    assert names() == ["甲支部流动岗", "乙支部示范岗"]
    assert names(kind="demonstration") == ["乙支部示范岗"]
    assert names(unit=world.branch_a.pk) == ["甲支部流动岗"]
    assert names(mine="1") == ["甲支部流动岗"]
    assert names(kind="nonsense", unit="x") == ["甲支部流动岗", "乙支部示范岗"]


def test_officers_see_a_new_post_link_and_their_deactivated_posts(world):
    post = make_post(world)
    services.post_deactivate(actor=world.officer_a, post=post)
    officer = client_as(world, "officer_a").get(reverse("service:posts"), {"inactive": "1"})
    assert reverse("service:post_new") in officer.content.decode()
    assert [p.pk for p in officer.context["page_obj"].object_list] == [post.pk]
    other = client_as(world, "officer_b").get(reverse("service:posts"), {"inactive": "1"})
    assert list(other.context["page_obj"].object_list) == []
    employee = client_as(world, "employee").get(reverse("service:posts"), {"inactive": "1"})
    assert reverse("service:post_new") not in employee.content.decode()
    assert list(employee.context["page_obj"].object_list) == []


def _count_list_queries(client):
    client.get(reverse("service:posts"))  # warm: new records build the kept scopes anew
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("service:posts")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", [None, "employee", "officer_a"])
def test_the_list_takes_a_fixed_number_of_queries(world, who):
    make_post(world, name="第1岗")
    client = client_as(world, who)
    client.get(reverse("service:posts"))  # warm the per-process caches first
    one = _count_list_queries(client)
    more = [MemberFactory(branch=world.branch_a).user for _ in range(3)]
    for number in range(2, 26):  # more than a page
        make_post(world, name=f"第{number}岗", holders=more)
    many = _count_list_queries(client)
    assert one == many
    assert many == (4 if who is None else 6)  # signed in: session, roles, membership kept


# --- Creating and running a post ------------------------------------------------------


def post_values(world, **extra):
    values = {
        "kind": "demonstration",
        "name": "装配线党员示范岗",
        "holders": [world.member_a.user.pk],
        "department": world.department_a.pk,
        "place": "装配线东头",
        "promise": "设备故障十分钟内到场。",
        "services": ["masses", "development"],
    }
    return values | extra


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_open_the_new_post_form(world, who):
    response = client_as(world, who).get(reverse("service:post_new"))
    assert response.status_code == expect(
        who, {"officer_a", "officer_b", "committee_officer", "admin"}
    )


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_create_a_post_for_branch_a(world, who):
    url = reverse("service:post_new") + f"?unit={world.branch_a.pk}"
    client = client_as(world, who)
    assert client.get(url).status_code == expect(who, MANAGERS)
    response = client.post(url, post_values(world))
    if who in MANAGERS:
        post = ServicePost.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("service:post", args=[post.pk])
        assert post.unit == world.branch_a and list(post.holders.all()) == [world.member_a.user]
    else:
        assert response.status_code == expect(who, set())
        assert not ServicePost.objects.exists()


def test_an_officer_of_one_branch_goes_straight_to_the_form(world):
    response = client_as(world, "officer_a").get(reverse("service:post_new"))
    assert response.context["unit"] == world.branch_a
    chooser = client_as(world, "committee_officer").get(reverse("service:post_new"))
    assert "unit" not in chooser.context or chooser.context.get("unit") is None


def test_a_double_submitted_new_post_form_creates_one_post(world):
    url = reverse("service:post_new") + f"?unit={world.branch_a.pk}"
    client = client_as(world, "officer_a")
    assert client.post(url, post_values(world)).status_code == 302
    second = client.post(url, post_values(world))
    assert second.status_code == 200 and "name" in second.context["form"].errors
    assert ServicePost.objects.count() == 1


def test_creating_with_bad_input_keeps_nothing(world):
    url = reverse("service:post_new") + f"?unit={world.branch_a.pk}"
    response = client_as(world, "officer_a").post(
        url, post_values(world, name="", services=[], holders=[world.member_b.user.pk])
    )
    assert response.status_code == 200
    assert {"name", "services", "holders"} <= set(response.context["form"].errors)
    assert not ServicePost.objects.exists()


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_edit_a_post(world, who):
    post = make_post(world)
    url = reverse("service:post_edit", args=[post.pk])
    client = client_as(world, who)
    assert client.get(url).status_code == expect(who, MANAGERS)
    response = client.post(url, post_values(world, name="改名的岗位"))
    post.refresh_from_db()
    if who in MANAGERS:
        assert response.status_code == 302 and post.name == "改名的岗位"
    else:
        assert response.status_code == expect(who, set()) and post.name == "科室上门服务岗"


@pytest.mark.parametrize("who", PEOPLE)
def test_who_may_deactivate_a_post(world, who):
    post = make_post(world)
    client = client_as(world, who)
    response = client.post(reverse("service:post_deactivate", args=[post.pk]))
    post.refresh_from_db()
    assert response.status_code == (302 if who in MANAGERS or who is None else 404)
    assert post.is_active is (who not in MANAGERS)
    assert client.get(reverse("service:post_deactivate", args=[post.pk])).status_code in (
        302 if who is None else 405,
    )


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_posts_officers_print_its_card(world, who):
    post = make_post(world)
    response = client_as(world, who).get(reverse("service:post_card", args=[post.pk]))
    assert response.status_code == expect(who, MANAGERS)
    if response.status_code == 200:
        html = response.content.decode()
        assert html.count("<svg") == 2
        assert reverse("service:post", args=[post.pk]) in html
        assert reverse("service:post_appeal", args=[post.pk]) + "?qr=1" in html


# --- An appeal addressed to the post --------------------------------------------------


def appeal_values(world, **extra):
    values = {
        "category": category("living").pk,
        "title": "车间饮水机坏了",
        "description": "一车间的饮水机不出热水已经三天了。",
        "department": world.department_a.pk,
        "urgency": "normal",
        "idempotency_key": "form-key-1",
    }
    return values | extra


@pytest.mark.parametrize("who", PEOPLE)
def test_any_signed_in_person_raises_an_appeal_to_a_post(world, who):
    post = make_post(world)
    url = reverse("service:post_appeal", args=[post.pk])
    client = client_as(world, who)
    response = client.get(url)
    if who is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert "next=" in response["Location"]
        assert client.post(url, appeal_values(world)).status_code == 302
        assert not Appeal.objects.exists()
        return
    assert response.status_code == 200
    assert response.context["form"]["department"].value() == world.department_a.pk
    assert response.context["form"]["title"].value() in (None, "")
    response = client.post(url, appeal_values(world))
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appeals:mine_detail", args=[appeal.public_id])
    assert list(post.appeals.all()) == [appeal]


def test_a_double_submitted_appeal_form_gives_one_appeal(world):
    post = make_post(world)
    url = reverse("service:post_appeal", args=[post.pk])
    client = client_as(world, "employee")
    first = client.post(url, appeal_values(world))
    second = client.post(url, appeal_values(world))
    assert first["Location"] == second["Location"]
    assert Appeal.objects.count() == 1 and post.appeals.count() == 1


def test_an_appeal_from_the_card_counts_as_qr(world):
    post = make_post(world)
    url = reverse("service:post_appeal", args=[post.pk])
    client = client_as(world, "employee")
    assert 'name="from_qr"' in client.get(url + "?qr=1").content.decode()
    client.post(url, appeal_values(world, from_qr="1"))
    assert Appeal.objects.get().channel == Appeal.Channel.QR


def test_a_bad_appeal_to_a_post_keeps_nothing(world):
    post = make_post(world)
    response = client_as(world, "employee").post(
        reverse("service:post_appeal", args=[post.pk]), appeal_values(world, title="")
    )
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert not Appeal.objects.exists() and post.appeals.count() == 0


def test_no_appeal_to_a_deactivated_or_missing_post(world):
    post = make_post(world)
    services.post_deactivate(actor=world.officer_a, post=post)
    client = client_as(world, "employee")
    assert client.get(reverse("service:post_appeal", args=[post.pk])).status_code == 404
    assert client.get(reverse("service:post_appeal", args=[999999])).status_code == 404
    # even its officers (who may still open the post) cannot address an appeal to it
    officer = client_as(world, "officer_a")
    assert (
        officer.post(
            reverse("service:post_appeal", args=[post.pk]), appeal_values(world)
        ).status_code
        == 404
    )
    assert not Appeal.objects.exists()


def test_the_holders_see_the_appeals_raised_to_their_post(world):
    post = make_post(world)
    client_as(world, "employee").post(
        reverse("service:post_appeal", args=[post.pk]), appeal_values(world)
    )
    number = Appeal.objects.get().number
    assert (
        number
        in client_as(world, "member_a")
        .get(reverse("service:post", args=[post.pk]))
        .content.decode()
    )
    assert (
        number
        not in client_as(world, "member_b")
        .get(reverse("service:post", args=[post.pk]))
        .content.decode()
    )


# --- The rota and visits --------------------------------------------------------------


@pytest.mark.parametrize("who", PEOPLE)
def test_who_plans_a_visit(world, who):
    post = make_post(world)
    url = reverse("service:post_visit_new", args=[post.pk])
    client = client_as(world, who)
    assert client.get(url).status_code == expect(who, MANAGERS)
    response = client.post(
        url,
        {
            "date": (_today() + datetime.timedelta(days=2)).isoformat(),
            "department": world.department_b.pk,
            "members": [world.member_a.user.pk],
        },
    )
    if who in MANAGERS:
        assert response.status_code == 302
        assert PostVisit.objects.get().status == PostVisit.Status.PLANNED
    else:
        assert response.status_code == expect(who, set())
        assert not PostVisit.objects.exists()


@pytest.mark.parametrize("who", PEOPLE)
def test_who_records_a_visit_not_on_the_rota(world, who):
    post = make_post(world)
    url = reverse("service:post_visit_new", args=[post.pk]) + "?held=1"
    client = client_as(world, who)
    assert client.get(url).status_code == expect(who, HOLDERS_AND_MANAGERS)
    response = client.post(
        url,
        {
            "date": _today().isoformat(),
            "department": world.department_b.pk,
            "members": [world.member_a.user.pk],
            "heard": "食堂窗口太少",
            "done": "",
        },
    )
    if who in HOLDERS_AND_MANAGERS:
        visit = PostVisit.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("service:post_visit", args=[visit.pk])
        assert visit.status == PostVisit.Status.HELD
    else:
        assert response.status_code == expect(who, set())
        assert not PostVisit.objects.exists()


def test_planning_with_bad_input_keeps_nothing(world):
    post = make_post(world)
    response = client_as(world, "officer_a").post(
        reverse("service:post_visit_new", args=[post.pk]),
        {
            "date": (_today() - datetime.timedelta(days=2)).isoformat(),
            "department": world.department_b.pk,
            "members": [world.member_b.user.pk],  # not offered: another branch
        },
    )
    assert response.status_code == 200
    assert {"members"} <= set(response.context["form"].errors)
    assert not PostVisit.objects.exists()


def test_a_demonstration_post_has_no_rota(world):
    post = make_post(world, kind=ServicePost.Kind.DEMONSTRATION)
    client = client_as(world, "officer_a")
    assert client.get(reverse("service:post_visit_new", args=[post.pk])).status_code == 404
    url = reverse("service:post_visit_new", args=[post.pk]) + "?held=1"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", PEOPLE)
def test_who_sees_and_records_a_visit(world, who):
    post = make_post(world)
    visit = services.post_visit_plan(
        actor=world.officer_a,
        post=post,
        date=_today(),
        department=world.department_b,
        members=[world.member_a.user],
    )
    url = reverse("service:post_visit", args=[visit.pk])
    client = client_as(world, who)
    assert client.get(url).status_code == expect(who, HOLDERS_AND_MANAGERS)
    response = client.post(
        url, {"members": [world.member_a.user.pk], "heard": "更衣柜不够", "done": "已登记"}
    )
    visit.refresh_from_db()
    if who in HOLDERS_AND_MANAGERS:
        assert response.status_code == 302
        assert visit.status == PostVisit.Status.HELD and visit.heard == "更衣柜不够"
    else:
        assert response.status_code == expect(who, set())
        assert visit.status == PostVisit.Status.PLANNED


def test_recording_with_nothing_written_keeps_the_visit_planned(world):
    post = make_post(world)
    visit = services.post_visit_plan(
        actor=world.officer_a,
        post=post,
        date=_today(),
        department=world.department_b,
        members=[world.member_a.user],
    )
    response = client_as(world, "member_a").post(
        reverse("service:post_visit", args=[visit.pk]),
        {"members": [world.member_a.user.pk], "heard": "", "done": ""},
    )
    assert response.status_code == 200 and "done" in response.context["form"].errors
    visit.refresh_from_db()
    assert visit.status == PostVisit.Status.PLANNED


@pytest.mark.parametrize("who", PEOPLE)
def test_who_cancels_a_planned_visit(world, who):
    post = make_post(world)
    visit = services.post_visit_plan(
        actor=world.officer_a,
        post=post,
        date=_today() + datetime.timedelta(days=1),
        department=world.department_b,
        members=[world.member_a.user],
    )
    response = client_as(world, who).post(reverse("service:post_visit_cancel", args=[visit.pk]))
    visit.refresh_from_db()
    assert response.status_code == (302 if who in MANAGERS or who is None else 404)
    assert (visit.status == PostVisit.Status.CANCELLED) is (who in MANAGERS)


@pytest.mark.parametrize("who", PEOPLE)
def test_who_turns_what_was_heard_into_an_appeal(world, who):
    post = make_post(world)
    visit = held_visit(world, post)
    url = reverse("service:post_visit_appeal", args=[visit.pk])
    client = client_as(world, who)
    response = client.get(url)
    assert response.status_code == expect(who, HOLDERS_AND_MANAGERS)
    if response.status_code == 200:
        assert response.context["form"]["description"].value() == visit.heard
    response = client.post(
        url,
        {
            "category": category("conditions").pk,
            "title": "车间通风不好",
            "description": visit.heard,
            "urgency": "normal",
            "employee_number": world.employee.employee_number.lower(),
            "idempotency_key": "visit-form",
        },
    )
    if who in HOLDERS_AND_MANAGERS:
        appeal = Appeal.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("service:post_visit", args=[visit.pk])
        assert appeal.submitter == world.employee and appeal.channel == "visit"
        assert list(visit.appeals.all()) == [appeal]
        page = client.get(response["Location"]).content.decode()
        assert appeal.number in page
    else:
        assert response.status_code == expect(who, set())
        assert not Appeal.objects.exists()


def test_an_unknown_worker_number_is_a_clear_error_and_nothing_is_raised(world):
    post = make_post(world)
    visit = held_visit(world, post)
    response = client_as(world, "member_a").post(
        reverse("service:post_visit_appeal", args=[visit.pk]),
        {
            "category": category("conditions").pk,
            "title": "车间通风不好",
            "description": visit.heard,
            "urgency": "normal",
            "employee_number": "NOSUCH1",
        },
    )
    assert response.status_code == 200
    assert "employee_number" in response.context["form"].errors
    assert not Appeal.objects.exists()


def test_a_planned_visit_cannot_be_turned_into_an_appeal_yet(world):
    post = make_post(world)
    visit = services.post_visit_plan(
        actor=world.officer_a,
        post=post,
        date=_today(),
        department=world.department_b,
        members=[world.member_a.user],
    )
    url = reverse("service:post_visit_appeal", args=[visit.pk])
    assert client_as(world, "member_a").get(url).status_code == 404
