"""An anonymous appeal, sent by an employee who was signed in at the time, followed through
its whole life: no page, API answer, export, notice, delivery, audit entry, database row
or log line written along the way may lead back to that employee."""

from __future__ import annotations

import datetime
import io
import logging
import re
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.appeals.models import Appeal
from grassroots.appeals.tests.factories import category
from grassroots.core.models import AuditEntry
from grassroots.notifications.models import Delivery, Notification
from grassroots.notifications.services import deliveries_send_due

pytestmark = pytest.mark.django_db

BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def signed_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return "".join(book.read(name).decode() for name in book.namelist())


def user_foreign_keys() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and field.related_model is User
    ]


def rows_pointing_at(user: User) -> dict[str, int]:
    counts: dict[str, int] = {}
    for model, name in user_foreign_keys():
        counts[f"{model._meta.label}.{name}"] = model._default_manager.filter(
            **{name: user}
        ).count()
    return counts


def test_nothing_leads_back_to_the_sender_of_an_anonymous_appeal(
    world, caplog, django_capture_on_commit_callbacks
):
    sender = world.employee
    sender.name = "欧阳匿测"
    sender.employee_number = "77123"
    sender.phone = "13912345678"
    sender.email = "hidden.sender@example.com"
    sender.save()
    traces = [sender.name, sender.employee_number, sender.phone, sender.email]
    for user in (world.officer_a, world.committee_officer):
        user.email = f"{user.employee_number}@example.com"
        user.save()
    before = rows_pointing_at(sender)
    caplog.set_level(logging.DEBUG)
    seen: list[tuple[str, str]] = []  # (where, text) of everything produced

    def collect(where: str, response, *, own: bool = False) -> str:
        assert response.status_code == 200, f"{where} answered {response.status_code}"
        if response["Content-Type"].startswith("application/vnd.openxml"):
            text = xlsx_text(response.content)
        else:
            text = response.content.decode()
        if own:  # the sender's own screen names them in its header (not printed)
            text = re.sub(r'<header class="site-header">.*?</header>', "", text, flags=re.S)
        seen.append((where, text))
        return text

    # The employee is signed in but chooses the anonymous form.
    sender_client = signed_in(sender)
    sender_client.defaults["REMOTE_ADDR"] = "10.20.30.40"
    with django_capture_on_commit_callbacks(execute=True):
        receipt = sender_client.post(
            reverse("appeals:anonymous"),
            {
                "category": category().pk,
                "title": "食堂饭菜分量不足",
                "description": "最近晚班的饭菜分量明显变少，希望核实。",
                "department": world.department_a.pk,
                "urgency": "normal",
                "consent_publish": "on",
                "idempotency_key": "anon-1",
            },
        )
    collect("receipt", receipt, own=True)
    result = receipt.context["result"]
    appeal = Appeal.objects.get()
    assert appeal.is_anonymous and appeal.submitter_id is None

    # The branch handles it on its pages.
    handler = signed_in(world.officer_a)

    def act(action: str) -> str:
        return reverse("appeals:act", args=[appeal.public_id, action])

    steps = [
        ("accept", {"accept-urgency": "normal"}),
        ("assign", {"assign-assignee": world.member_a.user.pk}),
        ("follow_up", {"follow-text": "已联系食堂核实", "follow-public": "on"}),
        ("follow_up", {"follow-text": "内部：与食堂主管沟通"}),
        ("answer", {"answer-text": "已要求食堂按标准打菜，并增加晚班窗口。"}),
    ]
    for action, data in steps:
        with django_capture_on_commit_callbacks(execute=True):
            response = handler.post(act(action), data)
        assert response.status_code == 302, (action, response.status_code)

    # The sender follows it with code and PIN (never in an address), signed in as they
    # were, from their own address, and rates it.
    follower = sender_client
    with django_capture_on_commit_callbacks(execute=True):
        followed = follower.post(
            reverse("appeals:follow"), {"tracking_code": result.tracking_code, "pin": result.pin}
        )
        assert followed.status_code == 302
        collect("followed page", follower.get(followed.url), own=True)
        rated = follower.post(
            followed.url,
            {
                "action": "rate",
                "rate-resolved": "yes",
                "rate-satisfaction": "satisfied",
                "rate-comment": "谢谢",
            },
        )
    assert rated.status_code == 302
    collect("followed page after rating", follower.get(followed.url), own=True)
    appeal.refresh_from_db()
    assert appeal.status == "closed"

    with django_capture_on_commit_callbacks(execute=True):
        published = handler.post(
            act("publish"), {"publish-summary": "食堂晚班饭菜分量问题已整改。"}
        )
    assert published.status_code == 302

    # Everything the people around the appeal can read now.
    for who, client in (
        ("branch officer", handler),
        ("committee officer", signed_in(world.committee_officer)),
        ("administrator", signed_in(world.admin)),
    ):
        for name, url in (
            ("queue", reverse("appeals:queue") + "?view=all"),
            ("export", reverse("appeals:queue_export") + "?view=all"),
            ("detail", reverse("appeals:handle_detail", args=[appeal.public_id])),
            ("rates", reverse("appeals:rates")),
            ("rates by member", reverse("appeals:rates") + "?by=assignee"),
            ("wall", reverse("appeals:wall")),
            ("inbox", reverse("notifications:inbox")),
            ("api timeline", f"/api/v1/appeals/{appeal.public_id}/timeline"),
        ):
            collect(f"{who}: {name}", client.get(url))
    admin = signed_in(world.admin)
    collect("delivery log", admin.get(reverse("notifications:delivery_log")))
    collect("audit list", admin.get(reverse("admin:core_auditentry_changelist")))
    for entry in AuditEntry.objects.all():
        collect(
            f"audit {entry.pk}", admin.get(reverse("admin:core_auditentry_change", args=[entry.pk]))
        )

    # The sender's own named lists do not show it either.
    collect("sender's list", sender_client.get(reverse("appeals:mine")), own=True)
    api_mine = sender_client.get("/api/v1/appeals/mine")
    collect("sender's API list", api_mine)
    assert api_mine.json()["count"] == 0
    assert sender_client.get(f"/api/v1/appeals/{appeal.public_id}/timeline").status_code == 404

    # Emails held for quiet hours (22:00-07:30 by default: the suite may run at night)
    # go out now, so that what they say is searched too.
    with django_capture_on_commit_callbacks(execute=True):
        deliveries_send_due(now=timezone.now() + datetime.timedelta(days=1))
    seen += [("notification", f"{n.title} {n.body} {n.url}") for n in Notification.objects.all()]
    seen += [("delivery", f"{d.body} {d.last_error}") for d in Delivery.objects.all()]
    seen += [("email", f"{m.subject} {m.body} {m.to}") for m in mail.outbox]
    seen += [("audit row", f"{e.target_label} {e.changes}") for e in AuditEntry.objects.all()]
    seen += [("log", record.getMessage()) for record in caplog.records]
    assert Notification.objects.exists() and mail.outbox  # the handlers were told

    for where, text in seen:
        for trace in traces:
            assert trace not in text, f"{where} shows {trace!r}"
        assert result.pin not in text or where.startswith("receipt"), f"{where} shows the PIN"

    # The server-side session of the signed-in sender holds nothing about the appeal.
    from django.contrib.sessions.models import Session

    for session in Session.objects.all():
        data = session.get_decoded()
        if str(data.get("_auth_user_id")) == str(sender.pk):
            assert appeal.pk not in data.values() and str(appeal.pk) not in data.values()
            assert not any("appeal" in key for key in data)

    # Nor does any audit entry, event or notice carry the sender's id or address.
    for entry in AuditEntry.objects.all():
        assert "10.20.30.40" not in str(entry.changes)
    assert not appeal.events.filter(actor=sender).exists()
    assert "10.20.30.40" not in " ".join(text for _where, text in seen)

    # No row written along the way points at the sender.
    assert rows_pointing_at(sender) == before
    assert not AuditEntry.objects.filter(actor=sender).exists()


def test_the_run_command_keeps_no_client_addresses_in_its_access_log():
    """Request logs kept by the product carry no client address that could be matched
    with the moment an anonymous appeal was sent."""
    script = (Path(settings.BASE_DIR) / "bin" / "run").read_text()
    formats = re.findall(r"--access-logformat \"?'([^']*)'", script)
    assert formats, "bin/run sets its access-log format"
    for fmt in formats:
        assert not re.search(r"%\((h|\{x-forwarded-for\}i|\{x-real-ip\}i)\)s", fmt, re.I)
