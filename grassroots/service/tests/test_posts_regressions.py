"""Regressions found in review of the service-post code: each test names the hole it
keeps shut."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.appeals.models import Appeal
from grassroots.appeals.tests.factories import category, raise_appeal
from grassroots.service.models import Commitment, ServicePost
from grassroots.service.posts import services

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def _today():
    """Today in the product's time zone, read when a test runs (the suite may cross
    midnight in Asia/Shanghai)."""
    return timezone.localdate()


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
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


# --- Bad input in GET parameters -------------------------------------------------------


@pytest.mark.parametrize("raw", ["²", "١٢", "99999999999999999999999", "-1", "abc"])
def test_a_strange_unit_in_the_new_post_address_is_404_not_500(world, raw):
    # given a committee officer, who chooses among several branches
    client = client_as(world.committee_officer)
    # when the address carries a unit that is no number of theirs
    response = client.get(reverse("service:post_new"), {"unit": raw})
    # then it is "not found", not a server error ("²".isdigit() is True, int("²") fails)
    assert response.status_code == 404


# --- Commitments on the public post page -----------------------------------------------


def _published_commitment(world, post):
    return Commitment.objects.create(
        member=world.member_a.user,
        post=post,
        unit=world.branch_a,
        department=world.department_a,
        year=_today().year,
        text="每月到科室走访两次。",
        services=["masses"],
        status=Commitment.Status.PUBLISHED,
        approved_by=world.officer_a,
        published_at=timezone.now(),
    )


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        (None, False),  # anonymous: commitments are published to a department, not the web
        ("other_department", False),
        ("employee", True),  # department A, where it was published
        ("member", True),  # the member's own
        ("officer_a", True),
        ("officer_b", False),
    ],
)
def test_the_post_page_shows_its_commitments_only_to_whom_they_are_published(world, who, sees):
    # given a post with a commitment published to department A
    post = make_post(world)
    commitment = _published_commitment(world, post)
    user = {
        None: None,
        "other_department": UserFactory(department=world.department_b),
        "employee": world.employee,
        "member": world.member_a.user,
        "officer_a": world.officer_a,
        "officer_b": world.officer_b,
    }[who]
    # when they open the post's public page
    response = client_as(user).get(reverse("service:post", args=[post.pk]))
    # then the commitment is there only for those the commitments policy lets see it
    assert response.status_code == 200
    assert (commitment in response.context["commitments"]) is sees
    assert (commitment.text in response.content.decode()) is sees


# --- A form key reused to pull an earlier appeal onto a post or visit ------------------


def test_a_reused_form_key_cannot_link_an_earlier_appeal_to_a_post(world):
    # given an appeal the employee raised elsewhere with a form key
    earlier = raise_appeal(world, idempotency_key="key-of-another-form")
    post = make_post(world)
    # when the same key is sent with the post's appeal form
    response = client_as(world.employee).post(
        reverse("service:post_appeal", args=[post.pk]),
        {
            "category": category("living").pk,
            "title": "车间饮水机坏了",
            "description": "一车间的饮水机不出热水已经三天了。",
            "department": world.department_a.pk,
            "urgency": "normal",
            "idempotency_key": "key-of-another-form",
        },
    )
    # then the earlier appeal is not shown to the post's holders as raised to the post
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not post.appeals.exists()
    assert Appeal.objects.get() == earlier


def test_a_reused_form_key_cannot_link_a_workers_earlier_appeal_to_a_visit(world):
    # given a worker's own appeal, raised with a form key
    earlier = raise_appeal(world, idempotency_key="workers-own-form")
    post = make_post(world)
    visit = held_visit(world, post)
    # when a holder sends that key with the worker's number from a visit
    with pytest.raises(ValidationError):
        services.post_visit_appeal_submit(
            actor=world.member_a.user,
            visit=visit,
            category=category("conditions"),
            title="车间通风不好",
            description=visit.heard,
            worker=world.employee,
            idempotency_key="workers-own-form",
        )
    # then the worker's appeal (and its title) does not land on the visit's page
    assert not visit.appeals.exists()
    assert Appeal.objects.get() == earlier


def test_the_same_visit_appeal_form_sent_twice_still_gives_back_the_first(world):
    post = make_post(world)
    visit = held_visit(world, post)
    values = {
        "actor": world.member_a.user,
        "visit": visit,
        "category": category("conditions"),
        "title": "车间通风不好",
        "description": visit.heard,
        "worker": world.employee,
        "idempotency_key": "one-form",
    }
    first = services.post_visit_appeal_submit(**values)
    second = services.post_visit_appeal_submit(**values)
    assert second.repeated and second.appeal == first.appeal
    assert list(visit.appeals.all()) == [first.appeal]


# --- Query counts of the post's page ---------------------------------------------------


def _count_page_queries(client, url, django_assert_max_num_queries):
    client.get(url)  # warm the per-process caches first
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", [None, "employee", "holder", "officer_a"])
def test_the_post_page_takes_a_fixed_number_of_queries(world, who, django_assert_max_num_queries):
    # given a mobile post with one of each: visit, commitment, appeal
    post = make_post(world)
    user = {
        None: None,
        "employee": world.employee,
        "holder": world.member_a.user,
        "officer_a": world.officer_a,
    }[who]
    client = client_as(user)
    url = reverse("service:post", args=[post.pk])
    held_visit(world, post)
    _published_commitment(world, post)
    post.appeals.add(raise_appeal(world))
    few = _count_page_queries(client, url, django_assert_max_num_queries)
    # when it has many of each
    for day in range(1, 8):
        visit = services.post_visit_plan(
            actor=world.officer_a,
            post=post,
            date=_today() + datetime.timedelta(days=day),
            department=world.department_a,
            members=[world.member_a.user, world.officer_a],
        )
        services.post_visit_record(
            actor=world.member_a.user,
            visit=visit,
            heard=f"第{day}次",
            done=f"第{day}次",
            today=visit.date,
        )
        _published_commitment(world, post)
        post.appeals.add(raise_appeal(world, title=f"第{day}件"))
    # then the page reads as many rows in the same number of queries
    assert _count_page_queries(client, url, django_assert_max_num_queries) == few


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"page": "-3"},
        {"unit": "xyz"},
        {"unit": "99999999999999999999"},
        {"kind": "nonsense"},
        {"mine": "yes", "inactive": "[]"},
    ],
)
@pytest.mark.parametrize("who", [None, "employee", "officer_a", "admin"])
def test_strange_list_filters_show_the_list_not_an_error(world, who, query):
    make_post(world)
    user = {None: None, "employee": world.employee, "officer_a": world.officer_a}.get(
        who, world.admin
    )
    response = client_as(user).get(reverse("service:posts"), query)
    assert response.status_code == 200


# --- A double click whose two requests arrive together -----------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sendings_of_one_new_post_at_the_same_moment_make_one_post(world):
    """The branch's row is locked while a post is made: the second finds it by its name."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def press():
        try:
            barrier.wait()
            make_post(world)
            outcomes.append("made")
        except ValidationError:
            outcomes.append("refused")
        except BaseException as error:
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["made", "refused"]
    assert ServicePost.objects.count() == 1
