"""`locked` reads the row again inside the transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from grassroots.core.locking import locked
from grassroots.core.models import CalendarDay

pytestmark = pytest.mark.django_db


def test_locked_reads_the_current_row_not_the_stale_instance():
    # given: an instance whose row another request changed
    day = CalendarDay.objects.create(date="2026-10-01", is_workday=False, note="国庆")
    CalendarDay.objects.filter(pk=day.pk).update(note="National Day")
    # when
    with transaction.atomic():
        fresh = locked(day)
    # then
    assert fresh.pk == day.pk
    assert fresh.note == "National Day"
    assert day.note == "国庆"


def test_a_lazy_proxy_is_locked_as_its_model():
    from django.utils.functional import SimpleLazyObject

    # given: what request.user is
    day = CalendarDay.objects.create(date="2026-10-02", is_workday=False)
    lazy = SimpleLazyObject(lambda: day)
    # when
    with transaction.atomic():
        fresh = locked(lazy)
    # then
    assert type(fresh) is CalendarDay and fresh.pk == day.pk
