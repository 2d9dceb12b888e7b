from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from grassroots.core import deadlines
from grassroots.core.deadlines import deadline_set, deadlines_cancel, deadlines_sweep
from grassroots.core.models import Deadline

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 5, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def fired(monkeypatch):
    seen: list[str] = []
    monkeypatch.setitem(
        deadlines.HANDLERS,
        "test.kind",
        lambda rows, now: seen.extend(row.subject_id for row in rows),
    )
    return seen


def test_sweep_fires_due_deadlines_once_in_batches(world, fired):
    for minute, unit in enumerate([world.branch_a, world.branch_b, world.committee]):
        deadline_set(kind="test.kind", subject=unit, due_at=T0 + datetime.timedelta(minutes=minute))
    assert deadlines_sweep(now=T0 + datetime.timedelta(seconds=61), batch_size=1) == 2
    assert deadlines_sweep(now=T0 + datetime.timedelta(seconds=61)) == 0
    assert deadlines_sweep(now=T0 + datetime.timedelta(hours=1)) == 1
    assert fired == [str(world.branch_a.pk), str(world.branch_b.pk), str(world.committee.pk)]


def test_moving_a_deadline_keeps_one_open_per_kind_and_subject(world, fired):
    deadline_set(kind="test.kind", subject=world.branch_a, due_at=T0)
    deadline_set(kind="test.kind", subject=world.branch_a, due_at=T0 + datetime.timedelta(hours=2))
    assert Deadline.objects.filter(fired_at__isnull=True).count() == 1
    assert deadlines_sweep(now=T0 + datetime.timedelta(hours=1)) == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        Deadline.objects.create(
            kind="test.kind",
            subject_type=Deadline.objects.get().subject_type,
            subject_id=str(world.branch_a.pk),
            due_at=T0,
        )


def test_a_handler_that_fails_leaves_the_batch_due(world, monkeypatch):
    def broken(rows, now):
        raise RuntimeError("crash in the middle")

    monkeypatch.setitem(deadlines.HANDLERS, "test.kind", broken)
    deadline_set(kind="test.kind", subject=world.branch_a, due_at=T0)
    with pytest.raises(RuntimeError):
        deadlines_sweep(now=T0)
    assert Deadline.objects.get().fired_at is None


def test_cancelled_deadlines_do_not_fire(world, fired):
    deadline_set(kind="test.kind", subject=world.branch_a, due_at=T0)
    assert deadlines_cancel(subject=world.branch_a) == 1
    assert deadlines_sweep(now=T0 + datetime.timedelta(days=1)) == 0
    assert fired == []
