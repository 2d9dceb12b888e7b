"""Sign-up, the waitlist and volunteer hours; the last place under contention."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from grassroots.accounts.tests.factories import UserFactory
from grassroots.notifications.models import Notification
from grassroots.service.activities import rules, selectors, services
from grassroots.service.models import Activity, SignUp


def make_activity(world, **extra):
    start = timezone.now() + datetime.timedelta(days=3)
    values = {
        "title": "义务理发进车间",
        "type": Activity.Type.VOLUNTEER,
        "services": ["masses"],
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=3),
        "place": "职工之家",
        "audience": Activity.Audience.EVERYONE,
        "capacity": 2,
    }
    return services.activity_create(actor=world.officer_a, unit=world.branch_a, **(values | extra))


@given(st.one_of(st.none(), st.integers(0, 50)), st.integers(0, 60), st.integers(0, 60))
def test_promotions_never_overfill(capacity, confirmed, waiting):
    if capacity is not None:
        confirmed = min(confirmed, capacity)
    moved = rules.promotions(capacity=capacity, confirmed=confirmed, waiting=waiting)
    assert 0 <= moved <= waiting
    if capacity is not None:
        assert confirmed + moved <= capacity


@pytest.mark.django_db
def test_a_full_activity_puts_people_on_the_waitlist_and_a_cancellation_moves_one_up(world):
    activity = make_activity(world)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    assert services.signup(user=first, activity=activity).status == "confirmed"
    assert services.signup(user=second, activity=activity).status == "confirmed"
    assert services.signup(user=third, activity=activity).status == "waiting"
    assert services.signup(user=third, activity=activity).status == "waiting"  # a double click
    assert SignUp.objects.filter(user=third).count() == 1
    services.signup_cancel(user=first, activity=activity)
    assert SignUp.objects.get(user=third, activity=activity).status == "confirmed"
    assert Notification.objects.filter(recipient=third, kind="service.place").exists()


@pytest.mark.django_db
def test_who_may_join(world):
    members_only = make_activity(world, audience=Activity.Audience.MEMBERS)
    with pytest.raises(ValidationError):
        services.signup(user=world.employee, activity=members_only)
    services.signup(user=world.member_a.user, activity=members_only)
    department = make_activity(
        world, audience=Activity.Audience.DEPARTMENT, department=world.department_b
    )
    with pytest.raises(ValidationError):
        services.signup(user=world.employee, activity=department)  # employee is in A
    services.signup(user=world.member_b.user, activity=department)


@pytest.mark.django_db
def test_bad_activities_are_refused_with_reasons(world):
    start = timezone.now()
    with pytest.raises(ValidationError) as error:
        make_activity(
            world,
            starts_at=start,
            ends_at=start - datetime.timedelta(hours=1),
            type=Activity.Type.JOINT,
            services=[],
            audience=Activity.Audience.DEPARTMENT,
        )
    assert set(error.value.message_dict) == {"ends_at", "partner", "services", "department"}
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_hours_are_recorded_after_the_activity_and_add_up_for_the_person(world):
    activity = make_activity(
        world,
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.PLANNED)
    mine = SignUp.objects.create(activity=activity, user=world.employee, status="confirmed")
    with pytest.raises(ValidationError):
        services.activity_record(
            actor=world.officer_a,
            activity=activity,
            attendance={mine.pk: (True, Decimal("25"))},
            summary="",
            beneficiaries=None,
        )
    services.activity_record(
        actor=world.officer_a,
        activity=activity,
        attendance={mine.pk: (True, Decimal("2.5"))},
        summary="为 30 名职工理发",
        beneficiaries=30,
    )
    assert selectors.hours_total(world.employee) == Decimal("2.5")


# serialized_rollback: the worker tests before this one flush the database without the
# content types; restoring the migrated data keeps the audit entries' references valid.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_never_take_the_last_place(world):
    """Twelve people press "sign up" at the same moment for three places."""
    activity = make_activity(world, capacity=3)
    people = [UserFactory() for _ in range(12)]
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def press(user):
        try:
            barrier.wait()
            services.signup(user=user, activity=activity)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    statuses = list(SignUp.objects.filter(activity=activity).values_list("status", flat=True))
    assert statuses.count("confirmed") == 3
    assert statuses.count("waiting") == 9
