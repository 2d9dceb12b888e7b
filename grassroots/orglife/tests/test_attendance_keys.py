"""The attendance form carries a one-time key: sent again (a retry, a double tap, the
offline queue, a second tab) it changes nothing, so it cannot undo a correction made in
between."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.core.testing.races import at_once
from grassroots.orglife import rules, services
from grassroots.orglife.models import Attendance, AttendanceMark

BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def plan(world, topic="学习党的二十届四中全会精神"):
    day = timezone.localdate() - datetime.timedelta(days=1)
    return services.meeting_plan(
        actor=world.officer_a,
        unit=world.branch_a,
        kind=rules.ASSEMBLY,
        topic=topic,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(14))),
        place="三楼会议室",
    )


def status_of(meeting, member):
    return Attendance.objects.get(meeting=meeting, member=member).status


def mark(world, meeting, status, key):
    return services.attendance_record(
        actor=world.officer_a,
        meeting=meeting,
        statuses={world.member_a.pk: (status, "")},
        idempotency_key=key,
    )


@pytest.mark.django_db
def test_the_same_form_sent_again_does_not_undo_a_correction(world):
    meeting = plan(world)
    mark(world, meeting, "absent", "form-1")
    mark(world, meeting, "present", "form-2")  # corrected on another page
    mark(world, meeting, "absent", "form-1")  # the first form, replayed by a queue
    assert status_of(meeting, world.member_a) == "present"
    assert AttendanceMark.objects.filter(meeting=meeting).count() == 2
    assert AuditEntry.objects.filter(action="meeting.attendance").count() == 2


@pytest.mark.django_db
def test_a_key_used_for_another_meeting_is_refused(world):
    meeting, other = plan(world), plan(world, topic="党课")
    mark(world, meeting, "present", "form-1")
    with pytest.raises(ValidationError, match="已经提交过"):
        mark(world, other, "absent", "form-1")
    assert status_of(other, world.member_a) == "expected"


@pytest.mark.django_db
def test_a_refused_form_uses_up_no_key(world):
    meeting = plan(world)
    with pytest.raises(ValidationError):
        services.attendance_record(
            actor=world.officer_a,
            meeting=meeting,
            statuses={world.member_b.pk: ("present", "")},  # not expected here
            idempotency_key="form-1",
        )
    assert not AttendanceMark.objects.exists()
    mark(world, meeting, "present", "form-1")
    assert status_of(meeting, world.member_a) == "present"


@pytest.mark.django_db
def test_the_page_carries_a_key_and_records_a_replayed_post_once(world):
    meeting = plan(world)
    client = Client()
    client.force_login(world.officer_a, backend=BACKEND)
    url = reverse("orglife:meeting", args=[meeting.pk])
    page = client.get(url)
    html = page.content.decode()
    assert 'name="att-key"' in html and 'data-offline="attendance"' in html
    key = page.context["attendance_form"]["key"].value()
    field = f"att-m{world.member_a.pk}"
    assert (
        client.post(url, {"action": "attendance", field: "absent", "att-key": key}).status_code
        == 302
    )
    client.post(url, {"action": "attendance", field: "present", "att-key": "another"})
    client.post(url, {"action": "attendance", field: "absent", "att-key": key})
    assert status_of(meeting, world.member_a) == "present"


@pytest.mark.django_db
def test_a_member_cannot_send_the_attendance_form(world):
    meeting = plan(world)
    client = Client()
    client.force_login(world.member_a.user, backend=BACKEND)
    response = client.post(
        reverse("orglife:meeting", args=[meeting.pk]),
        {"action": "attendance", f"att-m{world.member_a.pk}": "present", "att-key": "k"},
    )
    assert response.status_code == 404
    assert not AttendanceMark.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_threads_with_the_same_key_record_once(world):
    meeting = plan(world)
    _marked, failed = at_once(lambda: mark(world, meeting, "present", "same-key"), times=4)
    assert failed == []
    assert AttendanceMark.objects.filter(meeting=meeting).count() == 1
    assert (
        AuditEntry.objects.filter(action="meeting.attendance", target_id=str(meeting.pk)).count()
        == 1
    )


def _kept_form(client, url):
    """The form as the page shows it: every row's checked status and what it showed."""
    html = client.get(url).content.decode()
    data = {"action": "attendance"}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="(att-m\d+(?:_was)?)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and value and ("_was" in name.group(1) or " checked" in tag):
            data[name.group(1)] = value.group(1)
    return data


@pytest.mark.django_db
def test_a_form_kept_from_before_a_correction_leaves_the_correction_alone(world):
    meeting = plan(world)
    mark(world, meeting, "absent", "form-1")
    client = Client()
    client.force_login(world.officer_a, backend=BACKEND)
    url = reverse("orglife:meeting", args=[meeting.pk])
    kept = _kept_form(client, url)  # the page kept on the device: shown absent
    field = f"att-m{world.member_a.pk}"
    assert kept[field] == "absent" and kept[f"{field}_was"] == "absent"
    mark(world, meeting, "present", "form-2")  # corrected on another page

    # The kept form sent later, its row untouched: the correction stays.
    response = client.post(url, {**kept, "att-key": "kept-1"}, follow=True)
    assert status_of(meeting, world.member_a) == "present"
    assert response.status_code == 200
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]

    # The row changed on the kept form too: not overwritten, and the page says whose.
    response = client.post(url, {**kept, field: "leave", "att-key": "kept-2"}, follow=True)
    assert status_of(meeting, world.member_a) == "present"
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and world.member_a.user.name in warnings[0]


@pytest.mark.django_db
def test_a_form_changes_the_rows_the_person_changed(world):
    meeting = plan(world)
    client = Client()
    client.force_login(world.officer_a, backend=BACKEND)
    url = reverse("orglife:meeting", args=[meeting.pk])
    kept = _kept_form(client, url)
    field = f"att-m{world.member_a.pk}"
    assert kept[f"{field}_was"] == "expected"
    client.post(url, {**kept, field: "leave", f"{field}_reason": "出差", "att-key": "k-1"})
    assert status_of(meeting, world.member_a) == "leave"
