"""An activity books its venue in the form it is organised in: one transaction, a refused
booking saves nothing, cancelling the activity cancels the booking."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from grassroots.resources import services as bookings
from grassroots.resources.models import Booking
from grassroots.resources.tests.days import at, closed_weekday, open_day
from grassroots.resources.tests.factories import make_venue
from grassroots.service.activities import services
from grassroots.service.models import Activity

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def organise(world, venue, starts, ends, *, actor=None):
    return services.activity_create(
        actor=actor or world.officer_a,
        unit=world.branch_a,
        title="党员志愿服务",
        type=Activity.Type.VOLUNTEER,
        services=["masses"],
        starts_at=starts,
        ends_at=ends,
        place="",
        audience=Activity.Audience.MEMBERS,
        venue=venue,
    )


def test_organising_with_a_venue_books_it(world):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    activity = organise(world, venue, at(day, 9), at(day, 11))
    booking = Booking.objects.get()
    assert activity.booking_id == booking.pk and activity.place == venue.name
    assert "党员志愿服务" in booking.purpose
    assert booking.for_url == reverse("service:activity", args=[activity.pk])


@pytest.mark.parametrize("problem", ["taken", "closed_day", "outside_hours"])
def test_a_refused_booking_saves_no_activity(world, problem):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    starts, ends = at(day, 9), at(day, 11)
    if problem == "taken":
        bookings.booking_make(
            actor=world.member_a.user,
            venue=venue,
            starts_at=at(day, 8, 30),
            ends_at=at(day, 9, 30),
            purpose="支部学习",
        )
    elif problem == "closed_day":
        day = closed_weekday(venue)
        starts, ends = at(day, 9), at(day, 11)
    else:
        ends = at(day, 18)
    before = Booking.objects.count()
    with pytest.raises(ValidationError) as caught:
        organise(world, venue, starts, ends)
    assert set(caught.value.message_dict) == {"venue"}
    assert not Activity.objects.exists() and Booking.objects.count() == before


def test_cancelling_the_activity_cancels_its_booking(world):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    activity = organise(world, venue, at(day, 9), at(day, 11))
    services.activity_cancel(actor=world.officer_a, activity=activity, reason="下雨")
    assert Booking.objects.get().cancelled
    assert organise(world, venue, at(day, 9), at(day, 11)).booking_id  # the slot is free


def _form(venue, day, **extra):
    return {
        "unit": venue.unit.pk,
        "title": "党员志愿服务",
        "type": "volunteer",
        "services": ["masses"],
        "starts_at": f"{day.isoformat()}T09:00",
        "ends_at": f"{day.isoformat()}T11:00",
        "place": "",
        "venue": venue.pk,
        "audience": "members",
    } | extra


@pytest.mark.parametrize(
    ("who", "status"), [("officer_a", 302), ("committee_officer", 302), ("officer_b", 200)]
)
def test_the_form_books_venues_in_scope_only(world, who, status):
    # officer B may organise (for branch B) but branch A's venue is not offered to them
    venue = make_venue(world.branch_a)
    user = getattr(world, who)
    data = _form(venue, open_day(venue))
    if who == "officer_b":
        data["unit"] = world.branch_b.pk
    response = client_as(user).post(reverse("service:activity_new"), data)
    assert response.status_code == status
    saved = status == 302
    assert Activity.objects.exists() == saved and Booking.objects.exists() == saved
    if not saved:
        assert "venue" in response.context["form"].errors


def test_employees_and_anonymous_visitors_cannot_organise(world):
    venue = make_venue(world.branch_a)
    data = _form(venue, open_day(venue))
    assert client_as(world.employee).post(reverse("service:activity_new"), data).status_code == 404
    response = Client().post(reverse("service:activity_new"), data)
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert not Activity.objects.exists() and not Booking.objects.exists()


def test_a_taken_slot_shows_on_the_form(world):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    bookings.booking_make(
        actor=world.member_a.user,
        venue=venue,
        starts_at=at(day, 10),
        ends_at=at(day, 12),
        purpose="支部学习",
    )
    response = client_as(world.officer_a).post(reverse("service:activity_new"), _form(venue, day))
    assert response.status_code == 200 and "venue" in response.context["form"].errors
    assert not Activity.objects.exists() and Booking.objects.count() == 1


def test_the_activity_page_shows_the_venue_and_its_access(world):
    venue = make_venue(world.branch_a, accessible_toilet=True, accessibility_notes="电梯直达")
    day = open_day(venue)
    activity = organise(world, venue, at(day, 9), at(day, 11))
    page = client_as(world.member_b.user).get(reverse("service:activity", args=[activity.pk]))
    assert page.status_code == 200 and "电梯直达" in page.content.decode()
