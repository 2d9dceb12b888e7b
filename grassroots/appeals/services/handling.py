"""The handlers' steps on an open appeal: accept (受理) or decline, transfer (转办),
assign, record progress, merge a duplicate."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.appeals import routing, selectors
from grassroots.appeals.models import OPEN_STATUSES, Appeal, AppealEvent, MeToo
from grassroots.appeals.services.clock import (
    deadline_minutes,
    warnings_cancel,
    warnings_set_until,
)
from grassroots.appeals.services.steps import (
    appeal_locked,
    audit,
    event_add,
    moment,
    next_status,
    status_set,
)
from grassroots.appeals.services.telling import (
    APPEAL_ASSIGNED,
    NEW_APPEAL,
    tell_handlers,
    tell_submitter,
)
from grassroots.appeals.services.uploads import attachments_add
from grassroots.core import workcalendar
from grassroots.core.deadlines import deadlines_cancel
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from collections.abc import Sequence

    from grassroots.accounts.models import User
    from grassroots.appeals.uploads import CheckedFile
    from grassroots.orgs.models import OrgUnit


@transaction.atomic
def appeal_accept(
    *,
    appeal: Appeal,
    actor: User,
    note: str = "",
    urgency: str | None = None,
    at: datetime.datetime | None = None,
) -> Appeal:
    """受理. The handler may set the urgency, which fixes the answer deadline."""
    at = moment(at)
    appeal = appeal_locked(appeal)
    status_set(appeal, next_status("accept", appeal))
    if urgency and urgency != appeal.urgency:
        appeal.urgency = urgency
        _accept, answer = deadline_minutes(appeal.category, urgency)
        appeal.answer_due_at = workcalendar.add_working(appeal.created_at, answer)
    appeal.responded_at = appeal.responded_at or at
    appeal.current_due_at = appeal.answer_due_at
    appeal.save(
        update_fields=["status", "urgency", "answer_due_at", "responded_at", "current_due_at"]
    )
    warnings_cancel(appeal, "accept")
    answer_minutes = deadline_minutes(appeal.category, appeal.urgency)[1]
    remaining = max(1, round(workcalendar.working_between(at, appeal.answer_due_at)))
    warnings_set_until(appeal, "answer", at, remaining, answer_minutes)
    event_add(appeal, AppealEvent.Kind.ACCEPTED, actor=actor, at=at, text=note.strip()[:2000])
    audit(actor, "accept", appeal)
    tell_submitter(
        appeal,
        _("Your appeal %(number)s has been accepted") % {"number": appeal.number},
        at,
        "accepted",
    )
    return appeal


@transaction.atomic
def appeal_decline(
    *,
    appeal: Appeal,
    actor: User,
    reason: str,
    go_to: str = "",
    at: datetime.datetime | None = None,
) -> Appeal:
    """不予受理, always with a reason and, where there is one, where to go instead."""
    at = moment(at)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the appeal is declined.")})
    appeal = appeal_locked(appeal)
    status_set(appeal, next_status("decline", appeal))
    appeal.responded_at = appeal.responded_at or at
    appeal.closed_at = at
    appeal.current_due_at = None
    appeal.save(update_fields=["status", "responded_at", "closed_at", "current_due_at"])
    deadlines_cancel(subject=appeal)
    text = reason.strip()[:2000] + (
        ("\n" + _("Where to go instead: %(place)s") % {"place": go_to.strip()[:200]})
        if go_to.strip()
        else ""
    )
    event_add(appeal, AppealEvent.Kind.DECLINED, actor=actor, at=at, text=text)
    audit(actor, "decline", appeal)
    tell_submitter(
        appeal,
        _("Your appeal %(number)s was declined") % {"number": appeal.number},
        at,
        "declined",
        text,
    )
    return appeal


@transaction.atomic
def appeal_transfer(
    *,
    appeal: Appeal,
    actor: User,
    to_unit: OrgUnit,
    reason: str,
    at: datetime.datetime | None = None,
) -> Appeal:
    """转办 to another organisation, with a reason; counted, and the clock runs on."""
    at = moment(at)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the appeal goes to another organisation.")})
    appeal = appeal_locked(appeal)
    next_status("transfer", appeal)
    if to_unit.pk == appeal.unit_id:
        raise ValidationError({"to_unit": _("The appeal is already with this organisation.")})
    if to_unit.kind == UnitKind.GROUP:
        raise ValidationError(
            {"to_unit": _("Transfer to a branch or a committee, not a Party group.")}
        )
    appeal.unit = to_unit
    appeal.transfers += 1
    appeal.assignee = routing.discipline_officer(to_unit) if appeal.category.to_discipline else None
    appeal.save(update_fields=["unit", "transfers", "assignee"])
    event_add(
        appeal,
        AppealEvent.Kind.TRANSFERRED,
        actor=actor,
        at=at,
        text=reason.strip()[:2000],
        data={"to": to_unit.name},
    )
    audit(actor, "transfer", appeal, to=to_unit.pk)
    tell_handlers(
        appeal,
        NEW_APPEAL.key,
        _("Appeal %(number)s transferred to you: %(title)s")
        % {"number": appeal.number, "title": appeal.title},
        at,
        f"transfer:{appeal.transfers}",
    )
    return appeal


@transaction.atomic
def appeal_assign(
    *, appeal: Appeal, actor: User, assignee: User, at: datetime.datetime | None = None
) -> Appeal:
    at = moment(at)
    appeal = appeal_locked(appeal)
    status_set(appeal, next_status("assign", appeal))
    if not selectors.assignable_members(appeal).filter(pk=assignee.pk).exists():
        raise ValidationError(
            {"assignee": _("Assign to a Party member of the organisation handling the appeal.")}
        )
    appeal.assignee = assignee
    appeal.save(update_fields=["status", "assignee"])
    event_add(
        appeal,
        AppealEvent.Kind.ASSIGNED,
        actor=actor,
        at=at,
        data={"assignee": assignee.name},
        text=_("Handled by %(name)s") % {"name": assignee.name},
    )
    audit(actor, "assign", appeal, assignee=assignee.pk)
    tell_handlers(
        appeal,
        APPEAL_ASSIGNED.key,
        _("Appeal %(number)s is assigned to you") % {"number": appeal.number},
        at,
        f"assigned:{assignee.pk}",
        [assignee],
    )
    return appeal


@transaction.atomic
def followup_add(
    *,
    appeal: Appeal,
    actor: User,
    text: str,
    public: bool,
    files: Sequence[CheckedFile] = (),
    at: datetime.datetime | None = None,
) -> AppealEvent:
    at = moment(at)
    if not text.strip():
        raise ValidationError({"text": _("Write what happened.")})
    appeal = appeal_locked(appeal)
    new_status = next_status("follow_up", appeal)
    if appeal.status != new_status:
        status_set(appeal, new_status)
        appeal.save(update_fields=["status"])
    event = event_add(
        appeal,
        AppealEvent.Kind.FOLLOW_UP,
        actor=actor,
        at=at,
        text=text.strip()[:5000],
        public=public,
    )
    attachments_add(appeal, event, files, at)
    if public:
        tell_submitter(
            appeal,
            _("News on your appeal %(number)s") % {"number": appeal.number},
            at,
            f"follow:{event.pk}",
            text.strip()[:200],
        )
    return event


@transaction.atomic
def appeal_merge(
    *, appeal: Appeal, actor: User, into: Appeal, at: datetime.datetime | None = None
) -> Appeal:
    """A duplicate joins the appeal it repeats; its submitter follows that one instead."""
    at = moment(at)
    appeal = appeal_locked(appeal)
    status_set(appeal, next_status("merge", appeal))
    target = appeal_locked(into)
    if target.pk == appeal.pk or target.status not in OPEN_STATUSES:
        raise ValidationError({"into": _("Merge into another appeal that is still open.")})
    appeal.merged_into = target
    appeal.closed_at = at
    appeal.current_due_at = None
    appeal.save(update_fields=["status", "merged_into", "closed_at", "current_due_at"])
    deadlines_cancel(subject=appeal)
    if appeal.submitter_id and appeal.submitter_id != target.submitter_id:
        MeToo.objects.get_or_create(
            appeal=target, user_id=appeal.submitter_id, defaults={"created_at": at}
        )
    event_add(
        appeal,
        AppealEvent.Kind.MERGED,
        actor=actor,
        at=at,
        text=_("Handled together with appeal %(number)s") % {"number": target.number},
        data={"into": target.number},
    )
    audit(actor, "merge", appeal, into=target.public_id)
    tell_submitter(
        appeal,
        _("Your appeal %(number)s is handled together with %(other)s")
        % {"number": appeal.number, "other": target.number},
        at,
        "merged",
    )
    return appeal
