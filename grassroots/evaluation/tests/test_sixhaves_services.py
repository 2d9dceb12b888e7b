"""Recording the place: what is refused, and two officers recording at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.evaluation.sixhaves import services
from grassroots.evaluation.sixhaves.models import SixHavesPlace


def _record(world, unit, **changes):
    values = {"year": timezone.localdate().year, "has_place": True, "note": "党员活动室"}
    return services.place_record(actor=world.officer_a, branch=unit, **(values | changes))


@pytest.mark.django_db
def test_a_place_is_recorded_for_an_active_branch_only(world):
    for unit in (world.group_a, world.committee):
        with pytest.raises(ValidationError) as refused:
            _record(world, unit)
        assert "__all__" in refused.value.message_dict
    world.branch_b.is_active = False
    world.branch_b.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        _record(world, world.branch_b)
    assert not SixHavesPlace.objects.exists()


@pytest.mark.django_db
def test_a_year_to_come_an_answer_missing_and_a_long_note_are_refused(world):
    year = timezone.localdate().year
    for changes, field in (
        ({"year": year + 1}, "year"),
        ({"year": 1999}, "year"),
        ({"has_place": None}, "has_place"),
        ({"note": "\n \t"}, "note"),
        ({"note": "字" * 1001}, "note"),
    ):
        with pytest.raises(ValidationError) as refused:
            _record(world, world.branch_a, **changes)
        assert field in refused.value.message_dict, changes
    assert not SixHavesPlace.objects.exists()
    assert not AuditEntry.objects.filter(action="sixhaves.place_record").exists()


@pytest.mark.django_db
def test_the_note_is_kept_without_surrounding_space(world):
    record = _record(world, world.branch_a, note="  三楼活动室  ")
    assert record.note == "三楼活动室" and record.recorded_by == world.officer_a


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_officers_recording_at_the_same_moment_leave_one_record(world):
    # given four officers pressing "save" at once, with two different notes
    notes = ["有活动室", "有活动室", "活动室在装修", "有活动室"]
    barrier = threading.Barrier(len(notes))
    failures: list[BaseException] = []

    def press(note):
        try:
            barrier.wait()
            _record(world, world.branch_a, note=note)
        except BaseException as error:  # any failure is the test's failure
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(note,)) for note in notes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then nobody saw an error, one record stands, with one of the notes sent
    assert failures == []
    record = SixHavesPlace.objects.get()
    assert record.note in set(notes)
    entries = AuditEntry.objects.filter(action="sixhaves.place_record").count()
    assert 1 <= entries <= len(notes)
