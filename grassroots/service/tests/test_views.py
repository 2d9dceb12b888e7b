"""Activity pages for each kind of person, and the sign-up loop through the pages."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.service.activities import services
from grassroots.service.models import Activity, SignUp

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def make(world, **extra):
    start = timezone.now() + datetime.timedelta(days=2)
    values = {
        "title": "党员志愿服务",
        "type": Activity.Type.VOLUNTEER,
        "services": ["masses", "members"],
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "place": "厂区",
        "audience": Activity.Audience.MEMBERS,
        "capacity": 1,
    }
    return services.activity_create(actor=world.officer_a, unit=world.branch_a, **(values | extra))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member_a", 200),
        ("member_b", 200),  # a Party member of another branch may join a members' activity
        ("employee", 404),  # not a Party member: not open to them
        ("officer_a", 200),
        ("officer_b", 200),
        ("committee_officer", 200),
        (None, 302),
    ],
)
def test_who_may_open_a_members_activity(world, who, status):
    activity = make(world)
    user = None if who is None else getattr(world, who)
    user = getattr(user, "user", user)
    assert (
        client_as(user).get(reverse("service:activity", args=[activity.pk])).status_code == status
    )


def test_a_department_activity_is_hidden_from_other_departments(world):
    activity = make(world, audience=Activity.Audience.DEPARTMENT, department=world.department_b)
    url = reverse("service:activity", args=[activity.pk])
    assert client_as(world.employee).get(url).status_code == 404  # department A
    assert client_as(world.member_b.user).get(url).status_code == 200
    listing = client_as(world.employee).get(reverse("service:activities")).content.decode()
    assert activity.title not in listing
    assert (
        client_as(world.employee).get(reverse("service:activity", args=[99999])).status_code == 404
    )


def test_only_officers_organise_and_only_the_organiser_records(world):
    assert client_as(world.employee).get(reverse("service:activity_new")).status_code == 404
    assert client_as(world.officer_a).get(reverse("service:activity_new")).status_code == 200
    activity = make(world)
    url = reverse("service:activity", args=[activity.pk])
    response = client_as(world.officer_b).post(url, {"action": "record", "summary": "x"})
    assert response.status_code == 404
    assert client_as(None).get(reverse("service:mine")).status_code == 302


def test_sign_up_waitlist_and_cancel_through_the_page(world):
    activity = make(world)
    url = reverse("service:activity", args=[activity.pk])
    first, second = client_as(world.member_a.user), client_as(world.member_b.user)
    assert first.post(url, {"action": "signup"}).status_code == 302
    assert second.post(url, {"action": "signup"}).status_code == 302
    assert SignUp.objects.get(user=world.member_b.user).status == "waiting"
    assert first.post(url, {"action": "cancel"}).status_code == 302
    assert SignUp.objects.get(user=world.member_b.user).status == "confirmed"
    page = client_as(world.officer_a).get(url).content.decode()
    assert world.member_b.user.name in page


def test_organising_with_bad_input_keeps_nothing(world):
    response = client_as(world.officer_a).post(
        reverse("service:activity_new"),
        {
            "unit": world.branch_a.pk,
            "title": "<script>x</script>",
            "type": "joint",
            "starts_at": "2026-12-01T09:00",
            "ends_at": "2026-12-01T08:00",
            "place": "会议室",
            "audience": "everyone",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"services"} <= set(errors)
    assert not Activity.objects.exists()
    assert "<script>x</script>" not in response.content.decode()
