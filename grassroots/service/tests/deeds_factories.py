"""Practical deeds for tests, made through the services (and moved in time directly)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from grassroots.service.deeds import services
from grassroots.service.models import Deed


def make_deed(world: Any, **overrides: Any) -> Deed:
    values: dict[str, Any] = {
        "actor": world.officer_a,
        "unit": world.branch_a,
        "title": "更换车间饮水机",
        "description": "一车间饮水机老化，更换为净水直饮机。",
        "owner": world.officer_a,
        "services": ["masses"],
        "due_on": timezone.localdate() + datetime.timedelta(days=30),
    }
    return services.deed_create(**(values | overrides))


def backdate(deed: Deed, *, due_on: datetime.date) -> Deed:
    """A deed promised long ago (the service refuses a past due date at creation)."""
    Deed.objects.filter(pk=deed.pk).update(due_on=due_on)
    deed.refresh_from_db()
    return deed


def done_deed(world: Any, *, ratings: tuple[int, int, int] = (0, 0, 0), **overrides: Any) -> Deed:
    """A deed declared done, with (satisfied, fairly, not) counters set directly."""
    deed = make_deed(world, **overrides)
    deed = services.deed_declare_done(actor=world.officer_a, deed=deed, outcome="已完成更换。")
    satisfied, fairly, unhappy = ratings
    Deed.objects.filter(pk=deed.pk).update(
        rated_satisfied=satisfied, rated_fairly=fairly, rated_not=unhappy
    )
    deed.refresh_from_db()
    return deed
