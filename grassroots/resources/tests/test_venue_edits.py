"""Editing a venue never strands bookings to come (the refusal lists them for the officer
to move or cancel first); editing equipment keeps its keeper within the venue's people."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.resources import services
from grassroots.resources.models import Booking, Equipment, Venue
from grassroots.resources.tests.days import at, open_day
from grassroots.resources.tests.factories import WEEKDAY_HOURS, make_venue

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def values_of(venue, **changes):
    return {
        "name": venue.name,
        "kind": venue.kind,
        "capacity": venue.capacity,
        "hours": venue.hours,
        "step_free": venue.step_free,
    } | changes


def booked(world, venue, day, start, end, **extra):
    return services.booking_make(
        actor=world.member_a.user,
        venue=venue,
        starts_at=at(day, *start),
        ends_at=at(day, *end),
        purpose="支部学习",
        **extra,
    )


# --- Opening hours and taking a venue out of use ------------------------------------------


def test_shorter_hours_that_strand_a_booking_are_refused_with_the_booking_listed(world):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    late = booked(world, venue, day, (16,), (17,))
    booked(world, venue, day, (9,), (10,))  # still inside the new hours
    shorter = {str(d): ["08:30", "12:00"] for d in range(5)}
    with pytest.raises(services.BookingsInTheWayError) as caught:
        services.venue_update(actor=world.officer_a, venue=venue, **values_of(venue, hours=shorter))
    assert caught.value.bookings == [late]
    assert "__all__" in caught.value.message_dict
    venue.refresh_from_db()
    assert venue.hours == WEEKDAY_HOURS  # nothing saved


def test_a_closed_weekday_strands_its_bookings(world):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    booking = booked(world, venue, day, (9,), (10,))
    without_that_day = {k: v for k, v in WEEKDAY_HOURS.items() if k != str(day.weekday())}
    with pytest.raises(services.BookingsInTheWayError) as caught:
        services.venue_update(
            actor=world.officer_a, venue=venue, **values_of(venue, hours=without_that_day)
        )
    assert caught.value.bookings == [booking]


def test_hours_that_keep_every_booking_are_saved(world):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    booked(world, venue, day, (9,), (10,))
    cancelled = booked(world, venue, day, (16,), (17,))
    services.booking_cancel(actor=world.member_a.user, booking=cancelled)
    longer = {str(d): ["08:00", "16:00"] for d in range(6)}
    services.venue_update(actor=world.officer_a, venue=venue, **values_of(venue, hours=longer))
    venue.refresh_from_db()
    assert venue.hours == longer


def test_a_past_booking_does_not_stop_an_edit(world):
    venue = make_venue(world.branch_a)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    Booking.objects.create(
        venue=venue,
        starts_at=yesterday,
        ends_at=yesterday + datetime.timedelta(hours=1),
        booked_by=world.member_a.user,
        purpose="已过去",
    )
    services.venue_update(
        actor=world.officer_a, venue=venue, is_active=False, **values_of(venue, hours={})
    )
    venue.refresh_from_db()
    assert not venue.is_active and venue.hours == {}


def test_taking_a_venue_out_of_use_with_bookings_to_come_is_refused(world):
    venue = make_venue(world.branch_a)
    booking = booked(world, venue, open_day(venue), (9,), (10,))
    with pytest.raises(services.BookingsInTheWayError) as caught:
        services.venue_update(
            actor=world.officer_a, venue=venue, is_active=False, **values_of(venue)
        )
    assert caught.value.bookings == [booking]
    assert Venue.objects.get(pk=venue.pk).is_active
    # once it is cancelled, the venue may close
    services.booking_cancel(actor=world.officer_a, booking=booking)
    services.venue_update(actor=world.officer_a, venue=venue, is_active=False, **values_of(venue))
    assert not Venue.objects.get(pk=venue.pk).is_active


def _venue_form(venue, **changes):
    data = {
        "name": venue.name,
        "kind": venue.kind,
        "capacity": venue.capacity,
        "is_active": "1",
    }
    for day in range(5):
        data[f"opens_{day}"], data[f"closes_{day}"] = "08:30", "17:30"
    return data | changes


def test_the_edit_page_lists_the_bookings_in_the_way_with_links(world):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    own = booked(world, venue, day, (16,), (17,))
    other_day = open_day(venue, after_days=(day - timezone.localdate()).days + 1)
    for_a_meeting = booked(
        world, venue, other_day, (16,), (17,), for_url="/orglife/meetings/12345/"
    )
    data = _venue_form(venue)
    for weekday in range(5):
        data[f"closes_{weekday}"] = "12:00"
    response = client_as(world.officer_a).post(
        reverse("resources:venue_edit", args=[venue.pk]), data
    )
    assert response.status_code == 200
    assert response.context["in_the_way"] == [own, for_a_meeting]
    html = response.content.decode()
    assert "/orglife/meetings/12345/" in html  # the meeting's page, to move it there
    assert f"?week={day.isoformat()}" in html  # the venue's week, to cancel it there
    assert "error-summary" in html
    venue.refresh_from_db()
    assert venue.hours == WEEKDAY_HOURS


def test_unticking_in_use_with_bookings_to_come_keeps_the_box_unticked_on_the_error(world):
    venue = make_venue(world.branch_a)
    booked(world, venue, open_day(venue), (9,), (10,))
    data = _venue_form(venue)
    del data["is_active"]
    response = client_as(world.officer_a).post(
        reverse("resources:venue_edit", args=[venue.pk]), data
    )
    assert response.status_code == 200 and len(response.context["in_the_way"]) == 1
    assert response.context["is_active"] is False
    assert Venue.objects.get(pk=venue.pk).is_active


# --- Equipment ----------------------------------------------------------------------------


def make_equipment(venue, keeper):
    return Equipment.objects.create(
        venue=venue, name="投影仪", keeper=keeper, maintain_every_days=90, last_maintained_on=None
    )


def _equipment_form(equipment, **changes):
    return {
        "name": equipment.name,
        "venue": equipment.venue_id,
        "keeper": equipment.keeper.employee_number,
        "maintain_every_days": "90",
        "last_maintained_on": "",
    } | changes


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 200),
        ("committee_officer", 200),
        ("admin", 200),
        ("member_a", 404),  # the venue is for them, but they do not manage it
        ("officer_b", 404),
        ("employee", 404),
    ],
)
def test_the_equipment_edit_page_is_for_the_venues_managers(world, who, status):
    equipment = make_equipment(make_venue(world.branch_a), world.member_a.user)
    user = getattr(world, who)
    user = getattr(user, "user", user)
    url = reverse("resources:equipment_edit", args=[equipment.pk])
    assert client_as(user).get(url).status_code == status
    response = client_as(user).post(url, _equipment_form(equipment, name="新投影仪"))
    assert response.status_code == (302 if status == 200 else 404)
    equipment.refresh_from_db()
    assert (equipment.name == "新投影仪") == (status == 200)


def test_anonymous_visitors_are_sent_to_sign_in_from_the_equipment_edit(world):
    equipment = make_equipment(make_venue(world.branch_a), world.member_a.user)
    response = Client().get(reverse("resources:equipment_edit", args=[equipment.pk]))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_editing_equipment_changes_its_schedule_keeper_and_venue(world):
    venue, other = make_venue(world.branch_a), make_venue(world.branch_a, name="会议室")
    equipment = make_equipment(venue, world.member_a.user)
    last = timezone.localdate() - datetime.timedelta(days=10)
    response = client_as(world.officer_a).post(
        reverse("resources:equipment_edit", args=[equipment.pk]),
        _equipment_form(
            equipment,
            venue=other.pk,
            keeper=world.officer_a.employee_number,
            maintain_every_days="30",
            last_maintained_on=last.isoformat(),
        ),
    )
    assert response.status_code == 302
    equipment.refresh_from_db()
    assert (equipment.venue, equipment.keeper) == (other, world.officer_a)
    assert equipment.due_on == last + datetime.timedelta(days=30)


def test_a_venue_the_officer_does_not_manage_is_not_offered(world):
    equipment = make_equipment(make_venue(world.branch_a), world.member_a.user)
    elsewhere = make_venue(world.branch_b, name="乙活动室")
    response = client_as(world.officer_a).post(
        reverse("resources:equipment_edit", args=[equipment.pk]),
        _equipment_form(equipment, venue=elsewhere.pk),
    )
    assert response.status_code == 200 and "venue" in response.context["form"].errors
    equipment.refresh_from_db()
    assert equipment.venue_id != elsewhere.pk


@pytest.mark.parametrize("keeper", ["member_b", "officer_b", "employee"])
def test_a_keeper_outside_the_venues_people_is_refused_on_add_and_edit(world, keeper):
    venue = make_venue(world.branch_a)
    person = getattr(world, keeper)
    person = getattr(person, "user", person)
    # adding
    with pytest.raises(ValidationError) as caught:
        services.equipment_add(
            actor=world.officer_a,
            venue=venue,
            name="音响",
            keeper=person,
            maintain_every_days=None,
            last_maintained_on=None,
        )
    assert "keeper" in caught.value.message_dict
    assert not Equipment.objects.exists()
    response = client_as(world.officer_a).post(
        reverse("resources:equipment_new", args=[venue.pk]),
        {"name": "音响", "keeper": person.employee_number},
    )
    assert response.status_code == 200 and "keeper" in response.context["form"].errors
    assert not Equipment.objects.exists()
    # editing
    equipment = make_equipment(venue, world.member_a.user)
    response = client_as(world.officer_a).post(
        reverse("resources:equipment_edit", args=[equipment.pk]),
        _equipment_form(equipment, keeper=person.employee_number),
    )
    assert response.status_code == 200 and "keeper" in response.context["form"].errors
    equipment.refresh_from_db()
    assert equipment.keeper == world.member_a.user


def test_the_venues_managers_and_its_people_may_keep_equipment(world):
    venue = make_venue(world.branch_a)
    for keeper in (world.member_a.user, world.officer_a, world.committee_officer):
        services.equipment_add(
            actor=world.officer_a,
            venue=venue,
            name=f"设备{keeper.pk}",
            keeper=keeper,
            maintain_every_days=None,
            last_maintained_on=None,
        )
    assert Equipment.objects.count() == 3
