"""Equipment: reminders to the keeper once per due date, faults become appeals."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.appeals.models import Appeal
from grassroots.notifications.models import Notification
from grassroots.resources import jobs, services
from grassroots.resources.models import Equipment
from grassroots.resources.tests.factories import make_venue

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def make_equipment(world, venue=None, **extra):
    values = {
        "venue": venue or make_venue(world.branch_a),
        "name": "投影仪",
        "keeper": world.member_a.user,
        "maintain_every_days": 30,
        "last_maintained_on": timezone.localdate() - datetime.timedelta(days=31),
    }
    return Equipment.objects.create(**(values | extra))


def test_the_keeper_is_reminded_once_per_due_date(world):
    equipment = make_equipment(world)
    now = timezone.now()
    jobs.maintenance_reminders(now)
    jobs.maintenance_reminders(now + datetime.timedelta(days=1))
    assert Notification.objects.filter(recipient=world.member_a.user).count() == 1
    # maintenance recorded: nothing due; then due again later is a new reminder
    services.equipment_maintained(
        actor=world.officer_a, equipment=equipment, on=timezone.localdate()
    )
    assert jobs.maintenance_reminders(now) == 0
    Equipment.objects.filter(pk=equipment.pk).update(
        last_maintained_on=timezone.localdate() - datetime.timedelta(days=40)
    )
    jobs.maintenance_reminders(now)
    assert Notification.objects.filter(recipient=world.member_a.user).count() == 2


def test_equipment_not_due_is_not_reminded(world):
    first = make_equipment(world, last_maintained_on=timezone.localdate())
    make_equipment(world, venue=first.venue, name="音响", maintain_every_days=None)
    assert jobs.maintenance_reminders(timezone.now()) == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [("member_a", 302), ("officer_a", 302), ("member_b", 404), ("employee", 404), (None, 302)],
)
def test_a_fault_becomes_a_working_conditions_appeal(world, who, status):
    equipment = make_equipment(world)
    user = None if who is None else getattr(getattr(world, who), "user", getattr(world, who))
    url = reverse("resources:fault_new", args=[equipment.pk])
    response = client_as(user).post(url, {"text": "投影仪不亮了", "idempotency_key": "f1"})
    assert response.status_code == status
    if who in ("member_a", "officer_a"):
        client_as(user).post(url, {"text": "投影仪不亮了", "idempotency_key": "f1"})
        appeal = Appeal.objects.get()
        assert appeal.category.code == "conditions" and appeal.submitter == user
    else:
        assert not Appeal.objects.exists()


def test_an_empty_fault_is_refused(world):
    equipment = make_equipment(world)
    response = client_as(world.member_a.user).post(
        reverse("resources:fault_new", args=[equipment.pk]), {"text": "  "}
    )
    assert response.status_code == 200 and not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"), [("officer_a", 302), ("member_a", 404), ("officer_b", 404)]
)
def test_adding_equipment(world, who, status):
    venue = make_venue(world.branch_a)
    keeper = world.member_a.user
    response = client_as(getattr(world, who) if who != "member_a" else keeper).post(
        reverse("resources:equipment_new", args=[venue.pk]),
        {"name": "音响", "keeper": keeper.employee_number, "maintain_every_days": "90"},
    )
    assert response.status_code == status
    assert Equipment.objects.exists() == (status == 302)


def test_the_keeper_and_the_officer_record_maintenance_others_may_not(world):
    equipment = make_equipment(world)
    url = reverse("resources:equipment_maintained", args=[equipment.pk])
    assert client_as(world.member_b.user).post(url).status_code == 404
    assert client_as(world.committee_officer).post(url).status_code == 302
    assert client_as(world.member_a.user).post(url).status_code == 302
    equipment.refresh_from_db()
    assert equipment.last_maintained_on == timezone.localdate()
    page = client_as(world.member_a.user).get(reverse("resources:venue", args=[equipment.venue.pk]))
    assert page.status_code == 200 and "投影仪" in page.content.decode()
