"""Booking a venue: bad input refused with nothing saved, and no double booking on either
database, even when several people press "book" at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from grassroots.resources import services
from grassroots.resources.models import Booking
from grassroots.resources.tests.factories import HOLIDAY, MONDAY, NOW, at, make_venue


def book(world, venue, starts, ends, purpose="支部学习", actor=None, **extra):
    return services.booking_make(
        actor=actor or world.member_a.user,
        venue=venue,
        starts_at=starts,
        ends_at=ends,
        purpose=purpose,
        now=NOW,
        **extra,
    )


def refused(world, venue, starts, ends, field, **extra):
    with pytest.raises(ValidationError) as caught:
        book(world, venue, starts, ends, **extra)
    assert field in caught.value.message_dict
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_a_booking_within_opening_hours_is_made(world):
    venue = make_venue(world.committee)
    booking = book(world, venue, at(MONDAY, 9), at(MONDAY, 11))
    assert booking.venue == venue and not booking.cancelled


@pytest.mark.django_db
def test_a_form_sent_twice_books_once(world):
    venue = make_venue(world.committee)
    first = book(world, venue, at(MONDAY, 9), at(MONDAY, 11), idempotency_key="k1")
    second = book(world, venue, at(MONDAY, 9), at(MONDAY, 11), idempotency_key="k1")
    assert first == second and Booking.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("starts", "ends", "field", "extra"),
    [
        (at(MONDAY, 11), at(MONDAY, 9), "ends_at", {}),  # ends before it starts
        (at(MONDAY, 9), at(MONDAY, 9), "ends_at", {}),  # ends as it starts
        (at(MONDAY, 7), at(MONDAY, 9), "ends_at", {}),  # before opening
        (at(MONDAY, 17), at(MONDAY, 18), "ends_at", {}),  # after closing
        (at(MONDAY, 16), at(MONDAY + MONDAY.resolution, 9), "ends_at", {}),  # overnight
        (at(HOLIDAY, 9), at(HOLIDAY, 10), "starts_at", {}),  # a public holiday
        (at(MONDAY.replace(day=12), 9), at(MONDAY.replace(day=12), 10), "starts_at", {}),  # Sat
        (at(NOW.date(), 8), at(NOW.date(), 8, 45), "starts_at", {}),  # already passed
        (at(MONDAY, 9), at(MONDAY, 10), "purpose", {"purpose": "  "}),
        (at(MONDAY, 9), at(MONDAY, 10), "purpose", {"purpose": "学" * 201}),
    ],
)
def test_bad_bookings_are_refused_with_nothing_saved(world, starts, ends, field, extra):
    venue = make_venue(world.committee)
    refused(world, venue, starts, ends, field, **extra)


@pytest.mark.django_db
def test_an_overlapping_booking_is_refused_and_a_touching_one_is_not(world):
    venue = make_venue(world.committee)
    book(world, venue, at(MONDAY, 9), at(MONDAY, 11))
    with pytest.raises(ValidationError) as caught:
        book(world, venue, at(MONDAY, 10), at(MONDAY, 12), actor=world.officer_a)
    assert "starts_at" in caught.value.message_dict
    assert book(world, venue, at(MONDAY, 11), at(MONDAY, 12)).pk  # touching ends are fine
    # a cancelled booking frees its time
    first = Booking.objects.get(starts_at=at(MONDAY, 9))
    services.booking_cancel(actor=world.member_a.user, booking=first)
    assert book(world, venue, at(MONDAY, 9), at(MONDAY, 10)).pk
    with pytest.raises(ValidationError):
        services.booking_cancel(actor=world.member_a.user, booking=first)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's exclusion constraint")
def test_postgresql_refuses_an_overlap_that_bypasses_the_service(world):
    venue = make_venue(world.committee)
    book(world, venue, at(MONDAY, 9), at(MONDAY, 11))
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            venue=venue,
            starts_at=at(MONDAY, 10),
            ends_at=at(MONDAY, 12),
            booked_by=world.officer_a,
            purpose="x",
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_bookings_of_one_slot_exactly_one_wins(world):
    venue = make_venue(world.committee)
    people = [world.member_a.user, world.officer_a, world.committee_officer, world.admin] * 2
    barrier = threading.Barrier(len(people))
    won: list[Booking] = []
    refusals: list[ValidationError] = []
    failed: list[BaseException] = []

    def press_book(person) -> None:
        try:
            barrier.wait()
            won.append(book(world, venue, at(MONDAY, 9), at(MONDAY, 11), actor=person))
        except ValidationError as error:
            refusals.append(error)
        except BaseException as error:
            failed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press_book, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failed == []
    assert len(won) == 1
    assert len(refusals) == len(people) - 1
    assert all("starts_at" in error.message_dict for error in refusals)
    assert Booking.objects.filter(venue=venue, cancelled=False).count() == 1
