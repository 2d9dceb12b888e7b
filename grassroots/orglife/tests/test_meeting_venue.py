"""A meeting books its venue in the form it is planned in: the booking is made, moved and
cancelled with the meeting in one transaction, and a refused booking saves nothing — on
SQLite (the service's lock) and PostgreSQL (the exclusion constraint) alike."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from grassroots.orglife import services
from grassroots.orglife.models import Attendance, Meeting
from grassroots.resources import services as bookings
from grassroots.resources.models import Booking
from grassroots.resources.tests.days import at, closed_weekday, open_day
from grassroots.resources.tests.factories import make_venue

BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def plan(
    world, venue, starts, until, *, actor=None, topic="支委会：研究季度工作", kind="committee"
):
    return services.meeting_plan(
        actor=actor or world.officer_a,
        unit=world.branch_a,
        kind=kind,
        topic=topic,
        starts_at=starts,
        place="",
        venue=venue,
        venue_until=until,
    )


def nothing_saved() -> None:
    assert not Meeting.objects.exists()
    assert not Attendance.objects.exists()
    assert not Booking.objects.exists()


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


# --- The service ------------------------------------------------------------------------


@pytest.mark.django_db
def test_planning_with_a_venue_books_it_for_the_meeting(world):
    # given a venue of branch A, open on weekdays
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    # when the branch's officer plans a meeting there
    meeting = plan(world, venue, at(day, 9), datetime.time(11))
    # then the meeting holds a booking of the venue for its time, named after it
    booking = Booking.objects.get()
    assert meeting.booking_id == booking.pk
    assert (booking.venue, booking.starts_at, booking.ends_at) == (venue, at(day, 9), at(day, 11))
    assert "支委会：研究季度工作" in booking.purpose
    assert booking.for_url == reverse("orglife:meeting", args=[meeting.pk])
    assert meeting.place == venue.name  # the place left empty is the venue's


@pytest.mark.django_db
@pytest.mark.parametrize("problem", ["taken", "closed_day", "before_opening", "after_closing"])
def test_a_refused_booking_saves_neither_meeting_nor_booking(world, problem):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    starts, until = at(day, 9), datetime.time(11)
    if problem == "taken":
        bookings.booking_make(
            actor=world.member_a.user,
            venue=venue,
            starts_at=at(day, 10),
            ends_at=at(day, 12),
            purpose="支部学习",
        )
    elif problem == "closed_day":
        starts = at(closed_weekday(venue), 9)
    elif problem == "before_opening":
        starts = at(day, 7)
    else:
        until = datetime.time(19)
    before = Booking.objects.count()
    with pytest.raises(ValidationError) as caught:
        plan(world, venue, starts, until)
    assert set(caught.value.message_dict) == {"venue"}
    assert not Meeting.objects.exists() and not Attendance.objects.exists()
    assert Booking.objects.count() == before


@pytest.mark.django_db
def test_a_booking_must_end_after_the_meeting_starts(world):
    venue = make_venue(world.branch_a)
    with pytest.raises(ValidationError) as caught:
        plan(world, venue, at(open_day(venue), 10), datetime.time(9))
    assert "venue_until" in caught.value.message_dict
    nothing_saved()


@pytest.mark.django_db
def test_a_venue_the_planner_may_not_book_is_refused(world):
    # branch B's venue is not for branch A's officer
    venue = make_venue(world.branch_b)
    with pytest.raises(ValidationError) as caught:
        plan(world, venue, at(open_day(venue), 9), datetime.time(10))
    assert "venue" in caught.value.message_dict
    nothing_saved()


@pytest.mark.django_db
def test_changing_the_time_or_venue_moves_the_booking(world):
    venue, other = make_venue(world.branch_a), make_venue(world.branch_a, name="会议室")
    day = open_day(venue)
    meeting = plan(world, venue, at(day, 9), datetime.time(10))
    booking_id = meeting.booking_id
    # a new time: the same booking moves
    services.meeting_update(
        actor=world.officer_a,
        meeting=meeting,
        starts_at=at(day, 14),
        venue=venue,
        venue_until=datetime.time(16),
    )
    booking = Booking.objects.get(pk=booking_id)
    assert (booking.starts_at, booking.ends_at) == (at(day, 14), at(day, 16))
    # another venue: it moves there, and the old slot is free again
    services.meeting_update(
        actor=world.officer_a, meeting=meeting, venue=other, venue_until=datetime.time(16)
    )
    booking.refresh_from_db()
    assert booking.venue == other and Booking.objects.count() == 1
    meeting.refresh_from_db()
    assert meeting.place == "会议室"  # the place was the old venue's: it follows
    # a caller without the venue fields: the booking keeps its venue and length
    services.meeting_update(actor=world.officer_a, meeting=meeting, starts_at=at(day, 9))
    booking.refresh_from_db()
    assert (booking.venue, booking.starts_at, booking.ends_at) == (other, at(day, 9), at(day, 11))


@pytest.mark.django_db
def test_moving_onto_a_taken_time_is_refused_and_nothing_changes(world):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    meeting = plan(world, venue, at(day, 9), datetime.time(10))
    bookings.booking_make(
        actor=world.member_a.user,
        venue=venue,
        starts_at=at(day, 14),
        ends_at=at(day, 15),
        purpose="支部学习",
    )
    with pytest.raises(ValidationError) as caught:
        services.meeting_update(
            actor=world.officer_a,
            meeting=meeting,
            starts_at=at(day, 14),
            topic="改期",
            venue=venue,
            venue_until=datetime.time(15),
        )
    assert "venue" in caught.value.message_dict
    meeting.refresh_from_db()
    booking = Booking.objects.get(pk=meeting.booking_id)
    assert (meeting.starts_at, meeting.topic) == (at(day, 9), "支委会：研究季度工作")
    assert (booking.starts_at, booking.ends_at) == (at(day, 9), at(day, 10))


@pytest.mark.django_db
def test_dropping_the_venue_or_cancelling_the_meeting_cancels_the_booking(world):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    first = plan(world, venue, at(day, 9), datetime.time(10))
    services.meeting_update(
        actor=world.officer_a, meeting=first, place="厂区会议室", venue=None, venue_until=None
    )
    first.refresh_from_db()
    assert first.booking_id is None
    assert Booking.objects.get().cancelled
    second = plan(world, venue, at(day, 9), datetime.time(10), topic="第二次")  # slot free again
    services.meeting_cancel(actor=world.officer_a, meeting=second, reason="改期")
    assert Booking.objects.get(pk=second.booking_id).cancelled


@pytest.mark.django_db
def test_a_renamed_meeting_renames_its_booking(world):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    meeting = plan(world, venue, at(day, 9), datetime.time(10))
    services.meeting_update(
        actor=world.officer_a,
        meeting=meeting,
        topic="新主题",
        venue=venue,
        venue_until=datetime.time(10),
    )
    assert "新主题" in Booking.objects.get().purpose


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_meetings_in_one_slot_exactly_one_is_planned(world):
    """Both databases: SQLite serialises the writers, PostgreSQL row-locks the venue and
    its exclusion constraint backs the check; either way one meeting wins and the others
    leave nothing behind."""
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    officers = [world.officer_a, world.committee_officer, world.admin] * 2
    barrier = threading.Barrier(len(officers))
    won: list[Meeting] = []
    refused: list[ValidationError] = []
    failed: list[BaseException] = []

    def press_plan(officer, n) -> None:
        try:
            barrier.wait()
            won.append(plan(world, venue, at(day, 9), datetime.time(11), actor=officer, topic=n))
        except ValidationError as error:
            refused.append(error)
        except BaseException as error:
            failed.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=press_plan, args=(officer, f"会议{n}"))
        for n, officer in enumerate(officers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failed == []
    assert len(won) == 1 and len(refused) == len(officers) - 1
    assert all("venue" in error.message_dict for error in refused)
    assert Meeting.objects.count() == 1
    assert Booking.objects.filter(cancelled=False).count() == 1
    assert Meeting.objects.get().booking_id == Booking.objects.get().pk


# --- The pages --------------------------------------------------------------------------


def _form(venue, day, **extra):
    return {
        "kind": "committee",
        "topic": "支委会：研究季度工作",
        "starts_at": f"{day.isoformat()}T09:00",
        "place": "",
        "venue": venue.pk,
        "venue_until": "11:00",
    } | extra


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("officer_a", 302), ("committee_officer", 302), ("officer_b", 404), ("member_a", 404)],
)
def test_planning_form_books_the_venue_for_those_in_scope(world, who, status):
    venue = make_venue(world.branch_a)
    user = getattr(world, who)
    user = getattr(user, "user", user)
    url = reverse("orglife:meeting_new", args=[world.branch_a.pk])
    response = client_as(user).post(url, _form(venue, open_day(venue)))
    assert response.status_code == status
    assert Booking.objects.filter(cancelled=False).count() == (1 if status == 302 else 0)
    assert Meeting.objects.count() == (1 if status == 302 else 0)


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(world):
    venue = make_venue(world.branch_a)
    url = reverse("orglife:meeting_new", args=[world.branch_a.pk])
    response = Client().post(url, _form(venue, open_day(venue)))
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    nothing_saved()


@pytest.mark.django_db
def test_the_form_offers_only_venues_the_planner_may_book(world):
    mine, theirs = make_venue(world.branch_a), make_venue(world.branch_b, name="乙活动室")
    url = reverse("orglife:meeting_new", args=[world.branch_a.pk])
    response = client_as(world.officer_a).get(url)
    offered = list(response.context["form"].fields["venue"].queryset)
    assert mine in offered and theirs not in offered
    # an id typed in by hand is refused by the form, and nothing is saved
    response = client_as(world.officer_a).post(url, _form(theirs, open_day(theirs)))
    assert response.status_code == 200 and "venue" in response.context["form"].errors
    nothing_saved()


@pytest.mark.django_db
def test_a_taken_slot_shows_on_the_form_and_saves_nothing(world):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    taken = bookings.booking_make(
        actor=world.member_a.user,
        venue=venue,
        starts_at=at(day, 10),
        ends_at=at(day, 12),
        purpose="支部学习",
    )
    url = reverse("orglife:meeting_new", args=[world.branch_a.pk])
    response = client_as(world.officer_a).post(url, _form(venue, day))
    assert response.status_code == 200
    assert "venue" in response.context["form"].errors
    assert 'href="#id_venue"' in response.content.decode()  # the error summary links it
    assert not Meeting.objects.exists()
    assert list(Booking.objects.all()) == [taken]


@pytest.mark.django_db
def test_without_a_venue_the_place_is_needed(world):
    url = reverse("orglife:meeting_new", args=[world.branch_a.pk])
    day = datetime.date.today() + datetime.timedelta(days=3)
    response = client_as(world.officer_a).post(
        url, {"kind": "committee", "topic": "x", "starts_at": f"{day}T09:00", "place": ""}
    )
    assert response.status_code == 200 and "place" in response.context["form"].errors
    nothing_saved()


@pytest.mark.django_db
def test_the_meeting_page_shows_the_venue_and_its_access(world):
    venue = make_venue(world.branch_a, hearing_loop=True, accessibility_notes="正门有坡道")
    meeting = plan(world, venue, at(open_day(venue), 9), datetime.time(10), kind="assembly")
    page = client_as(world.member_a.user).get(reverse("orglife:meeting", args=[meeting.pk]))
    assert page.status_code == 200
    assert page.context["booked"].name == venue.name
    html = page.content.decode()
    assert "正门有坡道" in html and reverse("resources:venue", args=[venue.pk]) in html


@pytest.mark.django_db
def test_editing_through_the_form_moves_the_booking(world):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    meeting = plan(world, venue, at(day, 9), datetime.time(10))
    url = reverse("orglife:meeting_edit", args=[meeting.pk])
    client = client_as(world.officer_a)
    form = client.get(url).context["form"]
    assert form.initial["venue"] == venue.pk and form.initial["venue_until"] == "10:00"
    data = _form(venue, day, starts_at=f"{day.isoformat()}T15:00", venue_until="16:30")
    assert client.post(url, data).status_code == 302
    booking = Booking.objects.get()
    assert (booking.starts_at, booking.ends_at) == (at(day, 15), at(day, 16, 30))
    # out of scope: 404, and the booking stays
    assert client_as(world.officer_b).post(url, _form(venue, day)).status_code == 404
    booking.refresh_from_db()
    assert booking.starts_at == at(day, 15)


@pytest.mark.django_db
def test_the_booker_cancels_a_meetings_booking_only_through_the_meeting(world):
    # the committee's venue: branch A's officer books it, the committee's officers manage it
    venue = make_venue(world.committee)
    meeting = plan(world, venue, at(open_day(venue), 9), datetime.time(10))
    url = reverse("resources:booking_cancel", args=[meeting.booking_id])
    # the booker changes it through the meeting; the venue's managers may still cancel it
    assert client_as(world.officer_a).post(url).status_code == 404
    assert client_as(world.member_a.user).post(url).status_code == 404
    mine = client_as(world.officer_a).get(reverse("resources:my_bookings")).content.decode()
    assert reverse("orglife:meeting", args=[meeting.pk]) in mine
    assert client_as(world.committee_officer).post(url).status_code == 302
    page = client_as(world.officer_a).get(reverse("orglife:meeting", args=[meeting.pk]))
    assert page.context["booked"].cancelled
