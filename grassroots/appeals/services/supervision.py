"""督办: warnings as the time allowed runs out, and escalation to the level above when
it has (fired by the scheduler: jobs.appeal_deadlines)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.appeals import rules, selectors
from grassroots.appeals.models import Appeal, AppealEvent
from grassroots.appeals.services.steps import appeal_locked, audit, event_add, moment
from grassroots.appeals.services.telling import APPEAL_ESCALATED, APPEAL_WARNING, tell_handlers
from grassroots.notifications.rules import next_daily_run


@transaction.atomic
def appeal_escalate(*, appeal: Appeal, stage: str, at: datetime.datetime | None = None) -> Appeal:
    """督办: an overdue appeal goes to the officers of the level above."""
    at = moment(at)
    appeal = appeal_locked(appeal)
    if not rules.can("escalate", appeal.status):
        return appeal
    appeal.escalated_at = at
    appeal.save(update_fields=["escalated_at"])
    what = _("acceptance") if stage == "accept" else _("the answer")
    event_add(
        appeal,
        AppealEvent.Kind.ESCALATED,
        actor=None,
        at=at,
        text=_("Overdue (%(what)s): the level above supervises it.") % {"what": what},
    )
    audit(None, "escalate", appeal, stage=stage)
    tell_handlers(
        appeal,
        APPEAL_ESCALATED.key,
        _("Supervise appeal %(number)s: %(what)s is overdue")
        % {"number": appeal.number, "what": what},
        at,
        f"escalated:{stage}:{appeal.reopened}",
        selectors.officers_above(appeal),
    )
    return appeal


def appeal_warn(*, appeal: Appeal, stage: str, share: float, at: datetime.datetime) -> None:
    """Tell the handlers that a share of the time allowed is used."""
    if not rules.can("escalate", appeal.status):
        return
    what = _("acceptance") if stage == "accept" else _("the answer")
    event_add(
        appeal,
        AppealEvent.Kind.WARNING,
        actor=None,
        at=at,
        public=False,
        text=_("%(percent)s%% of the time for %(what)s is used.")
        % {"percent": round(share * 100), "what": what},
    )
    tell_handlers(
        appeal,
        APPEAL_WARNING.key,
        _("Appeal %(number)s: %(percent)s%% of the time for %(what)s is used")
        % {"number": appeal.number, "percent": round(share * 100), "what": what},
        at,
        f"warn:{stage}:{round(share * 100)}:{appeal.reopened}",
        # Held for the morning's daily notice only while the morning comes first: a
        # warning about a deadline before then would arrive after it.
        urgent=appeal.current_due_at is not None
        and appeal.current_due_at <= next_daily_run(at, ZoneInfo(settings.TIME_ZONE)),
    )
