"""Reminders a person schedules for themselves or an organisation's people; they fire
from the scheduler, whether or not anyone is online."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audit_record, snapshot
from grassroots.core.deadlines import deadline_handler, deadline_set, deadlines_cancel
from grassroots.notifications import kinds
from grassroots.notifications.models import Reminder
from grassroots.notifications.selectors import reminder_recipients
from grassroots.notifications.services.inbox import Event, notify_many

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.core.models import Deadline
    from grassroots.orgs.models import OrgUnit

REMINDER_DEADLINE = "notifications.reminder"


@transaction.atomic
def reminder_create(
    *,
    actor: User,
    title: str,
    remind_at: datetime.datetime,
    audience: str,
    org_unit: OrgUnit | None = None,
    body: str = "",
    urgent: bool = False,
) -> Reminder:
    """Schedule a reminder; it fires from the scheduler, whether or not anyone is online."""
    if remind_at <= timezone.now():
        raise ValidationError({"remind_at": _("Choose a time in the future.")})
    if audience != Reminder.Audience.ME and org_unit is None:
        raise ValidationError({"org_unit": _("Choose the organisation to remind.")})
    reminder = Reminder.objects.create(
        created_by=actor,
        org_unit=org_unit if audience != Reminder.Audience.ME else None,
        audience=audience,
        title=title.strip(),
        body=body.strip(),
        remind_at=remind_at,
        urgent=urgent,
    )
    deadline_set(kind=REMINDER_DEADLINE, subject=reminder, due_at=remind_at)
    audit_record(
        actor=actor,
        action="reminder.create",
        target=reminder,
        after=snapshot(reminder, ("title", "remind_at", "audience", "org_unit")),
        org_path=org_unit.path if org_unit else "",
    )
    return reminder


@transaction.atomic
def reminder_cancel(*, actor: User, reminder: Reminder) -> None:
    if reminder.sent_at is not None:
        raise ValidationError(_("This reminder has been sent already."))
    deadlines_cancel(subject=reminder)
    audit_record(actor=actor, action="reminder.cancel", target=reminder)
    reminder.delete()


@deadline_handler(REMINDER_DEADLINE)
def _reminders_due(deadlines: Sequence[Deadline], now: datetime.datetime) -> None:
    reminders = list(
        Reminder.objects.filter(
            pk__in=[int(d.subject_id) for d in deadlines], sent_at__isnull=True
        ).select_related("created_by", "org_unit")
    )
    notify_many(
        [
            Event(
                recipients=reminder_recipients(reminder),
                kind=kinds.REMINDER.key,
                title=reminder.title,
                body=reminder.body,
                url="/notifications/",
                event_key=f"reminder:{reminder.pk}",
                urgent=reminder.urgent,
                org_unit=reminder.org_unit,
            )
            for reminder in reminders
        ],
        now=now,
    )
    Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(sent_at=now)
