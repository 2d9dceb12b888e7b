"""协同办理: an administrative department is asked to handle a part of an appeal, with
its own deadline, and replies."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.appeals import selectors
from grassroots.appeals.models import AppealEvent, CoHandling
from grassroots.appeals.services.clock import CO_HANDLING_MINUTES
from grassroots.appeals.services.steps import (
    appeal_locked,
    audit,
    event_add,
    moment,
    next_status,
    status_set,
)
from grassroots.appeals.services.telling import APPEAL_UPDATE, CO_HANDLING, tell_handlers
from grassroots.core import workcalendar
from grassroots.core.locking import locked
from grassroots.notifications.services import notify

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.appeals.models import Appeal
    from grassroots.orgs.models import Department


@transaction.atomic
def cohandling_open(
    *,
    appeal: Appeal,
    actor: User,
    department: Department,
    request: str,
    at: datetime.datetime | None = None,
) -> CoHandling:
    """Ask a department to handle a part; its liaisons (and those above) are told."""
    at = moment(at)
    if not request.strip():
        raise ValidationError({"request": _("Say what the department is asked to do.")})
    appeal = appeal_locked(appeal)
    new_status = next_status("co_handle", appeal)
    task = CoHandling.objects.create(
        appeal=appeal,
        department=department,
        request=request.strip()[:2000],
        due_at=workcalendar.add_working(at, CO_HANDLING_MINUTES),
        created_at=at,
    )
    if appeal.status != new_status:
        status_set(appeal, new_status)
        appeal.save(update_fields=["status"])
    event_add(
        appeal,
        AppealEvent.Kind.CO_HANDLING,
        actor=actor,
        at=at,
        data={"department": department.name},
        text=_("%(department)s is asked to help") % {"department": department.name},
    )
    audit(actor, "co_handle", appeal, department=department.pk)
    notify(
        recipients=selectors.department_liaisons(department),
        kind=CO_HANDLING.key,
        title=_("Your department is asked to help with appeal %(number)s")
        % {"number": appeal.number},
        url=reverse("appeals:handle_detail", args=[appeal.public_id]),
        event_key=f"appeal:{appeal.public_id}:co:{task.public_id}",
        now=at,
    )
    return task


@transaction.atomic
def cohandling_reply(
    *, task: CoHandling, actor: User, reply: str, at: datetime.datetime | None = None
) -> CoHandling:
    at = moment(at)
    if not reply.strip():
        raise ValidationError({"reply": _("Write the department's reply.")})
    task = locked(task, related=("appeal__unit", "appeal__category", "department"))
    if task.replied_at is not None:
        raise ValidationError(_("This request has been answered already."))
    task.reply = reply.strip()[:2000]
    task.replied_at = at
    task.replied_by = actor
    task.save(update_fields=["reply", "replied_at", "replied_by"])
    appeal = task.appeal
    event_add(
        appeal,
        AppealEvent.Kind.CO_HANDLING_REPLY,
        actor=actor,
        at=at,
        public=False,
        text=task.reply,
        data={"department": task.department.name},
    )
    audit(actor, "co_handling_reply", appeal, department=task.department_id)
    tell_handlers(
        appeal,
        APPEAL_UPDATE.key,
        _("%(department)s replied on appeal %(number)s")
        % {"department": task.department.name, "number": appeal.number},
        at,
        f"co-reply:{task.pk}",
    )
    return task
