"""When an anonymous appeal came in, as its handlers can read it: the hour, never the
minute, and no number that places it between its sender's named appeals."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from grassroots.appeals import services
from grassroots.appeals.models import Appeal
from grassroots.appeals.tests.factories import raise_appeal
from grassroots.core import workcalendar
from grassroots.core.models import AuditEntry, Deadline
from grassroots.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Asia/Shanghai")
# A Tuesday, a working day: 10:37:21.456 in the morning.
SENT = datetime.datetime(2026, 3, 10, 10, 37, 21, 456000, tzinfo=ZONE)
HOUR = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=ZONE)
MINUTE_MARKS = ("10:37", "10:37:21", ".456", "37:21")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, format="PNG")
    return out.getvalue()


def _anonymous(world, at=SENT, **extra) -> Appeal:
    return raise_appeal(world, submitter=None, anonymous=True, at=at, **extra)


def _xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return "".join(book.read(name).decode() for name in book.namelist())


def test_an_anonymous_appeal_is_recorded_at_the_hour_it_came_in(world):
    # given an anonymous appeal sent at 10:37:21.456, with a file
    appeal = _anonymous(world, files=services.files_check([SimpleUploadedFile("a.png", _png())]))

    # then everything written about its arrival says 10:00
    submitted = appeal.events.get(kind="submitted")
    audit = AuditEntry.objects.get(action="appeal.submit", target_id=appeal.public_id)
    notices = Notification.objects.filter(dedupe_key=f"appeal:{appeal.public_id}:new")
    assert appeal.created_at == HOUR
    assert submitted.created_at == HOUR
    assert appeal.attachments.get().created_at == HOUR
    assert audit.at == HOUR
    assert notices.exists() and {n.created_at for n in notices} == {HOUR}


def test_an_anonymous_appeals_deadlines_count_from_the_end_of_its_hour(world):
    # given an anonymous appeal sent at 10:37 (normal urgency: 450 working minutes)
    appeal = _anonymous(world)
    # then its deadlines, which handlers read, start at 11:00, not at 10:37
    eleven = HOUR + datetime.timedelta(hours=1)
    assert appeal.accept_due_at == workcalendar.add_working(eleven, 450)
    assert appeal.answer_due_at == workcalendar.add_working(eleven, 5 * 450)
    warnings = Deadline.objects.filter(subject_id=str(appeal.pk), kind__startswith="appeals.")
    assert warnings.get(kind="appeals.accept.100").due_at == appeal.accept_due_at


def test_the_handlers_mail_about_an_anonymous_appeal_waits_for_the_end_of_its_hour(world):
    # given a handler who is told by mail
    world.officer_a.email = "officer.a@example.com"
    world.officer_a.save()
    # when an anonymous appeal comes in at 10:37
    appeal = _anonymous(world)
    # then the mail is recorded at 10:00 and is not sent before 11:00
    delivery = Delivery.objects.get(
        recipient=world.officer_a,
        dedupe_key=f"email:{world.officer_a.pk}:appeal:{appeal.public_id}:new",
    )
    assert delivery.created_at == HOUR
    assert delivery.next_attempt_at == HOUR + datetime.timedelta(hours=1)


def test_a_named_appeals_mail_goes_at_once(world):
    world.officer_a.email = "officer.a@example.com"
    world.officer_a.save()
    appeal = raise_appeal(world, at=SENT)
    delivery = Delivery.objects.get(
        recipient=world.officer_a,
        dedupe_key=f"email:{world.officer_a.pk}:appeal:{appeal.public_id}:new",
    )
    assert delivery.next_attempt_at == SENT


def test_a_named_appeal_keeps_its_exact_time(world):
    appeal = raise_appeal(world, at=SENT)
    assert appeal.created_at == SENT
    assert appeal.accept_due_at == workcalendar.add_working(SENT, 450)


def test_no_page_api_answer_or_export_shows_the_minute_of_an_anonymous_appeal(world, client_for):
    # given an anonymous appeal sent at 10:37:21.456
    appeal = _anonymous(world)
    handler = client_for(world.officer_a)

    # when its handlers read it everywhere they can
    texts = {
        "queue": handler.get(reverse("appeals:queue") + "?view=all").content.decode(),
        "detail": handler.get(
            reverse("appeals:handle_detail", args=[appeal.public_id])
        ).content.decode(),
        "inbox": handler.get(reverse("notifications:inbox")).content.decode(),
        "api": handler.get(f"/api/v1/appeals/{appeal.public_id}/timeline").content.decode(),
        "export": _xlsx_text(handler.get(reverse("appeals:queue_export") + "?view=all").content),
    }
    admin = client_for(world.admin)
    texts["audit list"] = admin.get(reverse("admin:core_auditentry_changelist")).content.decode()
    texts["delivery log"] = admin.get(reverse("notifications:delivery_log")).content.decode()

    # then they read the hour and not the minute
    assert "10:00" in texts["detail"]
    assert "T10:00:00+08:00" in texts["api"] or "T02:00:00Z" in texts["api"]
    for where, text in texts.items():
        for mark in MINUTE_MARKS:
            assert mark not in text, f"{where} shows {mark}"


def test_an_anonymous_appeal_is_not_numbered_or_logged_between_its_senders_named_ones(world):
    # given an employee's named appeal at 10:30, an anonymous one at 10:37 and another
    # named one at 10:44
    before = raise_appeal(world, at=SENT - datetime.timedelta(minutes=7))
    anonymous = _anonymous(world)
    after = raise_appeal(world, at=SENT + datetime.timedelta(minutes=7))

    # then the anonymous number is not in the named ones' sequence
    assert re.fullmatch(r"SQ2026\d{6}", before.number)
    assert re.fullmatch(r"SQ2026\d{6}", after.number)
    assert re.fullmatch(r"SQ2026-[2-9A-HJKMNP-Z]{8}", anonymous.number)
    # and leaves no gap in it: the sender's two named appeals are numbered one after
    # the other, as if nothing had been sent between them
    assert int(after.number[6:]) == int(before.number[6:]) + 1

    # and the audit log (newest first) does not list it between them
    submits = list(
        AuditEntry.objects.filter(action="appeal.submit").values_list("target_id", flat=True)
    )
    assert submits == [after.public_id, before.public_id, anonymous.public_id]


def test_an_anonymous_senders_later_information_shows_only_its_hour(world):
    # given an anonymous appeal, to which its sender adds something at 14:52:07
    appeal = _anonymous(world)
    added_at = datetime.datetime(2026, 3, 10, 14, 52, 7, tzinfo=ZONE)

    # when the information is added
    event = services.appeal_supplement(appeal=appeal, text="补充", actor=None, at=added_at)

    # then the step, and the handlers' notice of it, say 14:00
    assert event.created_at == datetime.datetime(2026, 3, 10, 14, 0, tzinfo=ZONE)
    notice = Notification.objects.get(dedupe_key=f"appeal:{appeal.public_id}:supplement:{event.pk}")
    assert notice.created_at == event.created_at


def test_an_anonymous_step_is_never_shown_before_the_step_it_follows(world):
    # given an anonymous appeal accepted at 14:20
    appeal = _anonymous(world)
    accepted_at = datetime.datetime(2026, 3, 10, 14, 20, tzinfo=ZONE)
    services.appeal_accept(appeal=appeal, actor=world.officer_a, at=accepted_at)

    # when its sender adds information at 14:52
    event = services.appeal_supplement(
        appeal=appeal,
        text="补充",
        actor=None,
        at=datetime.datetime(2026, 3, 10, 14, 52, tzinfo=ZONE),
    )
    # then it is shown after the acceptance, not at 14:00 before it
    assert event.created_at == accepted_at
    assert list(appeal.events.values_list("kind", flat=True))[-1] == "supplemented"


def _answered(world, at: datetime.datetime) -> Appeal:
    appeal = _anonymous(world)
    services.appeal_accept(appeal=appeal, actor=world.officer_a, at=at)
    services.appeal_answer(appeal=appeal, actor=world.officer_a, text="已处理", at=at)
    return appeal


def test_an_anonymous_senders_rating_shows_only_its_hour(world):
    # given an anonymous appeal answered at 11:05, rated by its sender at 16:42:09
    appeal = _answered(world, datetime.datetime(2026, 3, 10, 11, 5, tzinfo=ZONE))
    rated_at = datetime.datetime(2026, 3, 10, 16, 42, 9, tzinfo=ZONE)

    # when the sender says it was resolved
    services.appeal_rate(appeal=appeal, resolved=True, satisfaction="satisfied", at=rated_at)

    # then the rating, the step, the closing and the audit entry say 16:00
    sixteen = datetime.datetime(2026, 3, 10, 16, 0, tzinfo=ZONE)
    appeal.refresh_from_db()
    assert appeal.closed_at == sixteen
    assert appeal.ratings.get().created_at == sixteen
    assert appeal.events.get(kind="rated").created_at == sixteen
    assert AuditEntry.objects.get(action="appeal.rate").at == sixteen


def test_a_reopened_anonymous_appeals_new_deadline_counts_from_the_end_of_the_hour(world):
    # given an anonymous appeal answered at 11:05, rated "not satisfied" at 16:42
    appeal = _answered(world, datetime.datetime(2026, 3, 10, 11, 5, tzinfo=ZONE))
    services.appeal_rate(
        appeal=appeal,
        resolved=False,
        satisfaction="not",
        at=datetime.datetime(2026, 3, 10, 16, 42, tzinfo=ZONE),
    )
    # then it is reopened with its answer deadline counted from 17:00
    appeal.refresh_from_db()
    assert appeal.status == "reopened"
    seventeen = datetime.datetime(2026, 3, 10, 17, 0, tzinfo=ZONE)
    assert appeal.current_due_at == workcalendar.add_working(seventeen, 5 * 450)
    assert appeal.escalated_at == datetime.datetime(2026, 3, 10, 16, 0, tzinfo=ZONE)


def test_an_anonymous_senders_withdrawal_shows_only_its_hour(world):
    # given an anonymous appeal, withdrawn by its sender at 15:08:44
    appeal = _anonymous(world)
    services.appeal_withdraw(
        appeal=appeal, by=None, at=datetime.datetime(2026, 3, 10, 15, 8, 44, tzinfo=ZONE)
    )
    # then the withdrawal is recorded at 15:00
    fifteen = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=ZONE)
    appeal.refresh_from_db()
    assert appeal.closed_at == fifteen
    assert appeal.events.get(kind="withdrawn").created_at == fifteen
    assert AuditEntry.objects.get(action="appeal.withdraw").at == fifteen
