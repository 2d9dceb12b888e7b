"""What every step of the appeal loop does around its change: check the state machine,
set the status, record the timeline event, write the audit entry."""

from __future__ import annotations

import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.appeals import rules, similar_index
from grassroots.appeals.models import OPEN_STATUSES, Appeal, AppealEvent
from grassroots.core.audit import audit_record
from grassroots.core.locking import locked

if TYPE_CHECKING:
    from grassroots.accounts.models import User


def moment(at: datetime.datetime | None) -> datetime.datetime:
    """`at` when the demo replays history, now otherwise."""
    return at or timezone.now()


def appeal_locked(appeal: Appeal) -> Appeal:
    """The appeal re-read under a row lock, with what every step reads of it."""
    return locked(appeal, related=("category", "unit", "department"))


def next_status(action: str, appeal: Appeal) -> str:
    """The status after `action`, or a refusal a person can read."""
    try:
        return rules.next_status(action, appeal.status)
    except ValueError:
        raise ValidationError(
            _("This cannot be done now: the appeal is “%(status)s”.")
            % {"status": appeal.get_status_display()}
        ) from None


def status_set(appeal: Appeal, status: str) -> None:
    """Every service sets an appeal's status here: a move into or out of the open
    statuses changes the similar check's candidates."""
    if (appeal.status in OPEN_STATUSES) != (status in OPEN_STATUSES):
        similar_changed(appeal.category_id)
    appeal.status = status


def similar_changed(category_id: int) -> None:
    """The similar check's candidates in the category changed: an appeal opened or
    closed, moved into or out of it, or its tokens rewritten (a new one:
    `similar_added`). Every process
    rebuilds the category's index: this one at once (it reads this transaction's rows),
    the others once the change is committed (bumped again then, so that no process
    keeps an index read before the commit)."""
    similar_index.stamp_bump(category_id)
    transaction.on_commit(partial(similar_index.stamp_bump, category_id), robust=True)


def similar_added(appeal: Appeal) -> None:
    """A new open appeal: once committed, offered at once by this process's similar
    check (appended to its warm index) and by the others within a few seconds
    (similar_index.appeal_added says why that is safe); no process reads the category's
    candidates again for it straight away."""
    transaction.on_commit(
        partial(
            similar_index.appeal_added,
            appeal.category_id,
            appeal.pk,
            appeal.tokens,
            appeal.created_at,
        ),
        robust=True,
    )


def event_add(
    appeal: Appeal,
    kind: str,
    *,
    actor: User | None,
    at: datetime.datetime,
    text: str = "",
    public: bool = True,
    data: dict[str, Any] | None = None,
) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        actor=actor,
        actor_label=actor.name if actor is not None else "",
        is_public=public,
        text=text,
        data=data or {},
        created_at=at,
    )


def audit(
    actor: User | None,
    action: str,
    appeal: Appeal,
    *,
    at: datetime.datetime | None = None,
    **extra: Any,
) -> None:
    audit_record(
        actor=actor,
        action=f"appeal.{action}",
        target=appeal,
        org_path=appeal.unit.path,
        extra=extra or None,
        at=at,
    )


def sender_moment(appeal: Appeal, at: datetime.datetime) -> datetime.datetime:
    """The time recorded for a step the submitter takes: for an anonymous appeal, the
    hour (rules.anonymous_shown_at), yet never before the step it answers, so that the
    timeline keeps its order."""
    if not appeal.is_anonymous:
        return at
    latest = appeal.events.order_by("-created_at").values_list("created_at", flat=True).first()
    shown = rules.anonymous_shown_at(at)
    return max(shown, latest) if latest is not None else shown
