"""Venue pages for each kind of person, and bad input through the forms."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from grassroots.resources.models import Booking, Venue, VenuePhoto
from grassroots.resources.tests.factories import make_venue

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def client_as(world, who):
    client = Client()
    if who is not None:
        user = getattr(world, who)
        client.force_login(getattr(user, "user", user), backend=BACKEND)
    return client


def next_workday_at(hour):
    day = timezone.localdate() + datetime.timedelta(days=1)
    from grassroots.core.workcalendar import is_workday
    from grassroots.resources.selectors import is_public_holiday

    while day.weekday() >= 5 or not is_workday(day) or is_public_holiday(day):
        day += datetime.timedelta(days=1)
    return day, f"{day.isoformat()}T{hour:02d}:00"


# Venue of branch A: for branch A's members and officers, the committee's officers, admins.
IN_SCOPE = ["member_a", "officer_a", "committee_officer", "admin"]
OUT_OF_SCOPE = ["member_b", "officer_b", "employee"]


@pytest.mark.parametrize("who", IN_SCOPE + OUT_OF_SCOPE)
def test_venue_page_and_booking_form(world, who):
    venue = make_venue(world.branch_a)
    client = client_as(world, who)
    for name in ("resources:venue", "resources:booking_new"):
        response = client.get(reverse(name, args=[venue.pk]))
        assert response.status_code == (200 if who in IN_SCOPE else 404)
    listed = client.get(reverse("resources:venues")).context["venues"]
    assert (venue in listed) == (who in IN_SCOPE)


def test_anonymous_visitors_are_sent_to_sign_in(world):
    venue = make_venue(world.branch_a)
    booking = Booking.objects.create(
        venue=venue,
        starts_at=timezone.now() + datetime.timedelta(days=1),
        ends_at=timezone.now() + datetime.timedelta(days=1, hours=1),
        booked_by=world.member_a.user,
        purpose="x",
    )
    for url, method in [
        (reverse("resources:venues"), "get"),
        (reverse("resources:venue", args=[venue.pk]), "get"),
        (reverse("resources:booking_new", args=[venue.pk]), "get"),
        (reverse("resources:my_bookings"), "get"),
        (reverse("resources:venue_new"), "get"),
        (reverse("resources:venue_edit", args=[venue.pk]), "get"),
        (reverse("resources:booking_cancel", args=[booking.pk]), "post"),
    ]:
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and "/accounts/" in response["Location"], url


def test_booking_through_the_form_and_cancelling(world):
    venue = make_venue(world.branch_a)
    day, starts = next_workday_at(9)
    client = client_as(world, "member_a")
    url = reverse("resources:booking_new", args=[venue.pk])
    data = {"starts_at": starts, "ends_at": f"{day.isoformat()}T10:00", "purpose": "学习<script>"}
    response = client.post(url, data | {"idempotency_key": "abc"})
    assert response.status_code == 302
    client.post(url, data | {"idempotency_key": "abc"})  # sent twice
    booking = Booking.objects.get()
    page = client.get(reverse("resources:venue", args=[venue.pk]) + f"?week={day.isoformat()}")
    assert b"&lt;script&gt;" in page.content and b"<script>" not in page.content.split(b"<main")[-1]
    # someone else in scope may not cancel it; the venue's officer may
    other = client_as(world, "committee_officer")
    assert (
        client_as(world, "member_b")
        .post(reverse("resources:booking_cancel", args=[booking.pk]))
        .status_code
        == 404
    )
    assert other.post(reverse("resources:booking_cancel", args=[booking.pk])).status_code == 302
    booking.refresh_from_db()
    assert booking.cancelled


@pytest.mark.parametrize(
    ("ends_hour", "starts_hour"), [(8, 10), (19, 17)]
)  # ends before it starts; outside opening hours
def test_bad_bookings_show_an_error_and_save_nothing(world, ends_hour, starts_hour):
    venue = make_venue(world.branch_a)
    day, starts = next_workday_at(starts_hour)
    response = client_as(world, "member_a").post(
        reverse("resources:booking_new", args=[venue.pk]),
        {"starts_at": starts, "ends_at": f"{day.isoformat()}T{ends_hour:02d}:00", "purpose": "x"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Booking.objects.exists()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _venue_data(**extra):
    data = {
        "name": "职工书屋",
        "kind": "reading_room",
        "capacity": "20",
        "step_free": "on",
        "opens_0": "08:30",
        "closes_0": "17:30",
    }
    return data | extra


@pytest.mark.parametrize(
    "who", ["officer_a", "committee_officer", "admin", "officer_b", "member_a"]
)
def test_creating_a_venue(world, who):
    client = client_as(world, who)
    url = reverse("resources:venue_new") + f"?unit={world.branch_a.pk}"
    photo = SimpleUploadedFile("room.png", _png(), content_type="image/png")
    response = client.post(url, _venue_data(photo=photo, photo_description="书架"))
    if who in ("officer_b", "member_a"):
        assert response.status_code == 404
        assert not Venue.objects.exists()
        return
    venue = Venue.objects.get()
    assert response.status_code == 302
    assert venue.hours == {"0": ["08:30", "17:30"]} and venue.step_free
    photo_row = VenuePhoto.objects.get()
    assert client.get(reverse("resources:venue_photo", args=[photo_row.pk])).status_code == 200
    assert (
        client_as(world, "member_b")
        .get(reverse("resources:venue_photo", args=[photo_row.pk]))
        .status_code
        == 404
    )


def test_a_disguised_photo_is_refused_and_nothing_saved(world):
    client = client_as(world, "officer_a")
    url = reverse("resources:venue_new") + f"?unit={world.branch_a.pk}"
    fake = SimpleUploadedFile("room.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    response = client.post(url, _venue_data(photo=fake))
    assert response.status_code == 200 and "photo" in response.context["form"].errors
    pdf = SimpleUploadedFile("room.png", b"%PDF-1.4\n%%EOF", content_type="image/png")
    response = client.post(url, _venue_data(photo=pdf))
    assert response.status_code == 200
    assert not Venue.objects.exists() and not VenuePhoto.objects.exists()


def test_bad_opening_hours_are_refused(world):
    client = client_as(world, "officer_a")
    url = reverse("resources:venue_new") + f"?unit={world.branch_a.pk}"
    response = client.post(url, _venue_data(opens_0="18:00", closes_0="09:00", name="x" * 101))
    assert response.status_code == 200
    assert {"closes_0", "name"} <= set(response.context["form"].errors)
    assert not Venue.objects.exists()


@pytest.mark.parametrize("who", ["officer_a", "committee_officer", "officer_b", "member_a"])
def test_editing_a_venue(world, who):
    venue = make_venue(world.branch_a)
    response = client_as(world, who).post(
        reverse("resources:venue_edit", args=[venue.pk]),
        _venue_data(name="新名字", is_active="1"),
    )
    venue.refresh_from_db()
    if who in ("officer_b", "member_a"):
        assert response.status_code == 404 and venue.name == "党员活动室"
    else:
        assert response.status_code == 302 and venue.name == "新名字"


def test_the_list_keeps_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(5):
        make_venue(world.branch_a, name=f"室{n}")
    client = client_as(world, "member_a")
    client.get(reverse("resources:venues"))
    with django_assert_max_num_queries(12):
        client.get(reverse("resources:venues"))
    with django_assert_max_num_queries(14):
        client.get(reverse("resources:my_bookings"))


def test_the_venue_pages_title_is_its_name_only(world):
    import re

    venue = make_venue(world.branch_a, name="一车间党员活动室")
    page = client_as(world, "officer_a").get(reverse("resources:venue", args=[venue.pk]))
    title = re.search(r"<title>(.*?)</title>", page.content.decode(), re.S).group(1)
    assert title.startswith("一车间党员活动室")
    assert "<" not in title and "csrf" not in title
