"""booking_sync, the one door through which a meeting or an activity keeps its booking."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from grassroots.resources import services
from grassroots.resources.models import Booking
from grassroots.resources.tests.days import at, open_day
from grassroots.resources.tests.factories import make_venue

pytestmark = pytest.mark.django_db


def sync(world, current, venue, day, start, end, purpose="党课：学习党章", actor=None):
    return services.booking_sync(
        actor=actor or world.officer_a,
        current=current,
        venue=venue,
        starts_at=at(day, start),
        ends_at=at(day, end),
        purpose=purpose,
        for_url="/orglife/meetings/1/",
    )


def test_a_record_is_named_once_with_its_kind():
    named = services.record_purpose("党课", "学习党章")
    assert named.startswith("党课") and named.endswith("学习党章") and named != "学习党章"
    assert services.record_purpose("主题党日", "主题党日：安全生产") == "主题党日：安全生产"
    assert len(services.record_purpose("党课", "学" * 300)) == services.PURPOSE_MAX


def test_sync_makes_keeps_moves_and_cancels(world):
    venue = make_venue(world.branch_a)
    day = open_day(venue)
    made = sync(world, None, venue, day, 9, 10)
    assert made.for_url == "/orglife/meetings/1/"
    # nothing changed: the same row, untouched
    assert sync(world, made, venue, day, 9, 10) == made
    moved = sync(world, made, venue, day, 11, 12)
    assert moved.pk == made.pk and Booking.objects.count() == 1
    assert sync(world, moved, None, day, 11, 12) is None
    assert Booking.objects.get().cancelled
    # a cancelled booking is not moved: a new one is made
    again = sync(world, Booking.objects.get(), venue, day, 11, 12)
    assert again.pk != made.pk and not again.cancelled


def test_sync_refuses_a_venue_the_person_may_not_book(world):
    venue = make_venue(world.branch_b)
    with pytest.raises(ValidationError):
        sync(world, None, venue, open_day(venue), 9, 10)
    assert not Booking.objects.exists()
