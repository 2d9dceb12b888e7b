"""An anonymous comment's author appears nowhere: not on any page (as the consulting
officers or as those asked), not in the inbox rows it causes, not in the audit log
(no actor, the day only), not in the adoption report."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.notifications.models import Notification
from grassroots.openness.consultations import services
from grassroots.openness.models import Comment
from grassroots.openness.tests.factories import make_consultation
from grassroots.openness.vocabulary import Audience, Outcome

pytestmark = pytest.mark.django_db

SECRET = "夜班后食堂没有热饭，建议留一个窗口到二十三点"


def test_an_anonymous_comment_names_nobody_anywhere(world: Any, client_for: Any) -> None:
    author = world.member_a.user
    consultation = make_consultation(
        world.committee, audience=Audience.ENTERPRISE, comments_shown=True
    )
    client = client_for(author)
    response = client.post(
        reverse("openness:consultation", args=[consultation.public_id]),
        {"comment-text": SECRET, "comment-anonymous": "on", "comment-idempotency_key": "a1"},
    )
    assert response.status_code == 302
    made = Comment.objects.get()
    assert made.is_anonymous and made.author_id is None
    # the author's own page does not list it as theirs (nothing links it to them)
    mine = client.get(reverse("openness:consultation", args=[consultation.public_id]))
    assert 'id="my-comments"' not in mine.content.decode()

    officer = client_for(world.committee_officer)
    handle = reverse("openness:consultation_handle", args=[consultation.public_id])
    services.comment_hide(world.committee_officer, made, "含个人信息，暂不公开")
    officer.post(
        handle,
        {
            "action": "answer",
            "comments": [made.public_id],
            "answer-outcome": Outcome.ADOPTED,
            "answer-reason": "夜班窗口延长到二十三点。",
        },
    )
    officer.post(handle, {"action": "close", "close-changes": "夜班窗口延长。"})
    consultation.refresh_from_db()
    assert consultation.status == "closed"

    marks = {author.name, author.employee_number, str(author.pk)}
    if author.phone:
        marks.add(author.phone)
    pages = [
        officer.get(handle),
        officer.get(reverse("openness:consultation", args=[consultation.public_id])),
        officer.get(reverse("openness:consultations")),
        client_for(world.employee).get(
            reverse("openness:consultation", args=[consultation.public_id])
        ),
        client_for(world.officer_b).get(reverse("openness:consultations")),
    ]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        for mark in (author.name, author.employee_number):
            assert mark not in text

    report = consultation.report
    assert report is not None
    for mark in (author.name, author.employee_number):
        assert mark not in report.body and mark not in report.title

    for note in Notification.objects.all():
        row = json.dumps(model_to_dict(note), default=str, ensure_ascii=False)
        assert note.recipient_id != author.pk if hasattr(note, "recipient_id") else True
        for mark in (author.name, author.employee_number):
            assert mark not in row

    entries = list(AuditEntry.objects.all())
    assert entries
    for entry in entries:
        assert entry.actor_id != author.pk
        row = json.dumps(model_to_dict(entry), default=str, ensure_ascii=False)
        for mark in (author.name, author.employee_number):
            assert mark not in row
    submitted = AuditEntry.objects.get(action="consultation.comment")
    assert submitted.actor_id is None
    local = timezone.localtime(submitted.at)
    assert local.time() == datetime.time.min
