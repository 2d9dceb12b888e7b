"""The end of the loop: the answer (答复), the submitter's call-back rating (回访) that
closes or reopens it, closing unrated, withdrawing."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.appeals import rules, selectors
from grassroots.appeals.models import Appeal, AppealEvent, Rating
from grassroots.appeals.services.clock import deadline_minutes, warnings_cancel, warnings_set
from grassroots.appeals.services.steps import (
    appeal_locked,
    audit,
    event_add,
    moment,
    next_status,
    sender_moment,
    status_set,
)
from grassroots.appeals.services.telling import (
    APPEAL_ESCALATED,
    APPEAL_REOPENED,
    APPEAL_UPDATE,
    tell_handlers,
    tell_submitter,
)
from grassroots.appeals.services.uploads import attachments_add
from grassroots.core import parameters, workcalendar
from grassroots.core.deadlines import deadline_set, deadlines_cancel
from grassroots.core.satisfaction import Satisfaction

if TYPE_CHECKING:
    from collections.abc import Sequence

    from grassroots.accounts.models import User
    from grassroots.appeals.uploads import CheckedFile


@transaction.atomic
def appeal_answer(
    *,
    appeal: Appeal,
    actor: User,
    text: str,
    files: Sequence[CheckedFile] = (),
    at: datetime.datetime | None = None,
) -> Appeal:
    """答复: the handler's answer; the submitter is asked to rate it (回访)."""
    at = moment(at)
    if not text.strip():
        raise ValidationError({"text": _("Write the answer to the submitter.")})
    appeal = appeal_locked(appeal)
    status_set(appeal, next_status("answer", appeal))
    appeal.answered_at = appeal.answered_at or at
    appeal.current_due_at = None
    appeal.save(update_fields=["status", "answered_at", "current_due_at"])
    warnings_cancel(appeal, "answer")
    deadline_set(
        kind="appeals.callback",
        subject=appeal,
        due_at=at + datetime.timedelta(days=parameters.value("appeals.callback_days")),
    )
    event = event_add(
        appeal, AppealEvent.Kind.ANSWERED, actor=actor, at=at, text=text.strip()[:5000]
    )
    attachments_add(appeal, event, files, at)
    audit(actor, "answer", appeal)
    tell_submitter(
        appeal,
        _("Your appeal %(number)s has been answered: please say if it was resolved")
        % {"number": appeal.number},
        at,
        f"answered:{appeal.reopened}",
        text.strip()[:200],
    )
    return appeal


@transaction.atomic
def appeal_rate(
    *,
    appeal: Appeal,
    resolved: bool,
    satisfaction: str,
    comment: str = "",
    rater: User | None = None,
    at: datetime.datetime | None = None,
) -> Appeal:
    """The submitter's call-back answer. Not satisfied reopens once and escalates."""
    at = moment(at)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose how satisfied you are.")})
    appeal = appeal_locked(appeal)
    next_status("rate", appeal)
    # An anonymous sender's rating is recorded at its hour, and a reopened appeal's new
    # deadline counts from the end of it, as at intake (rules.anonymous_shown_at).
    clock = rules.anonymous_clock_start(at) if appeal.is_anonymous else at
    held = clock if appeal.is_anonymous else None  # mails about it wait as long
    at = sender_moment(appeal, at)
    round_number = appeal.ratings.count() + 1
    Rating.objects.create(
        appeal=appeal,
        round=round_number,
        resolved=resolved,
        satisfaction=satisfaction,
        comment=comment.strip()[:1000],
        created_at=at,
    )
    appeal.resolved = resolved
    appeal.satisfaction = satisfaction
    status_set(
        appeal,
        rules.after_rating(
            satisfaction=satisfaction,
            times_reopened=appeal.reopened,
            max_reopen=parameters.value("appeals.max_reopen"),
        ),
    )
    deadlines_cancel(subject=appeal, kinds=["appeals.callback"])
    fields = ["resolved", "satisfaction", "status"]
    actor = None if appeal.is_anonymous else rater
    event_add(
        appeal,
        AppealEvent.Kind.RATED,
        actor=actor,
        at=at,
        text=comment.strip()[:1000],
        data={"resolved": resolved, "satisfaction": satisfaction},
    )
    if appeal.status == rules.REOPENED:
        appeal.reopened += 1
        answer_minutes = deadline_minutes(appeal.category, appeal.urgency)[1]
        appeal.current_due_at = workcalendar.add_working(clock, answer_minutes)
        appeal.escalated_at = at
        fields += ["reopened", "current_due_at", "escalated_at"]
        warnings_set(appeal, "answer", clock, answer_minutes)
        event_add(
            appeal,
            AppealEvent.Kind.REOPENED,
            actor=None,
            at=at,
            text=_("Not satisfied: the appeal is reopened and the level above supervises it."),
        )
        tell_handlers(
            appeal,
            APPEAL_REOPENED.key,
            _("Appeal %(number)s reopened: the submitter is not satisfied")
            % {"number": appeal.number},
            at,
            f"reopened:{appeal.reopened}",
            not_before=held,
        )
        tell_handlers(
            appeal,
            APPEAL_ESCALATED.key,
            _("Supervise appeal %(number)s: reopened after a not-satisfied rating")
            % {"number": appeal.number},
            at,
            f"escalated:reopen:{appeal.reopened}",
            selectors.officers_above(appeal),
            not_before=held,
        )
    else:
        appeal.closed_at = at
        fields.append("closed_at")
    appeal.save(update_fields=fields)
    audit(actor, "rate", appeal, at=at, satisfaction=satisfaction)
    return appeal


@transaction.atomic
def appeal_close_unrated(*, appeal: Appeal, at: datetime.datetime | None = None) -> Appeal:
    """No call-back answer in time: closed, unrated (not counted as satisfied)."""
    at = moment(at)
    appeal = appeal_locked(appeal)
    status_set(appeal, next_status("close_unrated", appeal))
    appeal.closed_at = at
    appeal.save(update_fields=["status", "closed_at"])
    event_add(
        appeal, AppealEvent.Kind.CLOSED, actor=None, at=at, text=_("Closed without a rating.")
    )
    audit(None, "close_unrated", appeal)
    return appeal


@transaction.atomic
def appeal_withdraw(
    *, appeal: Appeal, by: User | None, reason: str = "", at: datetime.datetime | None = None
) -> Appeal:
    """The submitter takes the appeal back (anonymous: `by` is None, and the time
    recorded is the hour)."""
    appeal = appeal_locked(appeal)
    sent_at = moment(at)
    at = sender_moment(appeal, sent_at)
    status_set(appeal, next_status("withdraw", appeal))
    appeal.closed_at = at
    appeal.current_due_at = None
    appeal.save(update_fields=["status", "closed_at", "current_due_at"])
    deadlines_cancel(subject=appeal)
    actor = None if appeal.is_anonymous else by
    event_add(appeal, AppealEvent.Kind.WITHDRAWN, actor=actor, at=at, text=reason.strip()[:1000])
    audit(actor, "withdraw", appeal, at=at)
    tell_handlers(
        appeal,
        APPEAL_UPDATE.key,
        _("Appeal %(number)s was withdrawn") % {"number": appeal.number},
        at,
        "withdrawn",
        not_before=rules.anonymous_clock_start(sent_at) if appeal.is_anonymous else None,
    )
    return appeal
