"""The time allowed for each stage and the warnings as it runs out (deadlines that
the scheduler fires: see jobs.appeal_deadlines)."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType

from grassroots.appeals import rules
from grassroots.appeals.models import Appeal, Category, CategoryDeadline, Urgency
from grassroots.core import parameters, workcalendar
from grassroots.core.deadlines import deadlines_cancel
from grassroots.core.models import Deadline
from grassroots.core.option_lists import OptionList

DEFAULT_MINUTES = {  # RULES.md: accept within / answer within, in working minutes
    Urgency.URGENT: (120, 450),
    Urgency.NORMAL: (450, 5 * 450),
    Urgency.COMPLEX: (450, 15 * 450),
}
CO_HANDLING_MINUTES = 3 * 450


def _category_deadlines(_key: None) -> dict[tuple[int, str], tuple[int, int]]:
    return {
        (row.category_id, row.urgency): (row.accept_minutes, row.answer_minutes)
        for row in CategoryDeadline.objects.all()
    }


# A few dozen rows, changed in the administration a few times a year; read on every
# submission, acceptance and reopening: kept per process (core.option_lists: a new stamp
# when a row is saved or deleted, a minute at most otherwise).
_deadlines = OptionList(
    "appeals.category-deadlines", _category_deadlines, models=[CategoryDeadline]
)


def deadline_minutes(category: Category, urgency: str) -> tuple[int, int]:
    """Working minutes to accept and to answer: the category's own, or RULES.md's."""
    own = _deadlines(None).get((category.pk, urgency))
    if own is not None:
        return own
    return DEFAULT_MINUTES[Urgency(urgency)]


def _shares() -> tuple[float, ...]:
    try:
        return rules.warning_shares(parameters.value("appeals.warning_percentages"))
    except ValueError:
        return (0.5, 0.8, 1.0)


def warnings_set(
    appeal: Appeal, stage: str, start: datetime.datetime, minutes: int, *, first: bool = False
) -> None:
    """Deadlines at each warning share of the time allowed; 100 % escalates. `first`:
    the appeal was created in this transaction, so it has no warnings to cancel."""
    minutes_by_share = {share: max(1, round(minutes * share)) for share in _shares()}
    _replace(appeal, stage, minutes_by_share, start, cancel=not first)


def warnings_set_until(
    appeal: Appeal, stage: str, at: datetime.datetime, remaining: int, total: int
) -> None:
    """Warnings for the rest of a window that started earlier (shares of the total)."""
    used = max(0, total - remaining)
    _replace(appeal, stage, {share: max(1, round(total * share) - used) for share in _shares()}, at)


def _replace(
    appeal: Appeal,
    stage: str,
    minutes_by_share: dict[float, int],
    start: datetime.datetime,
    *,
    cancel: bool = True,
) -> None:
    """The stage's warning deadlines, replaced in two statements (one for a new appeal)."""
    if cancel:
        warnings_cancel(appeal, stage)
    subject_type = ContentType.objects.get_for_model(Appeal)
    Deadline.objects.bulk_create(
        [
            Deadline(
                kind=f"appeals.{stage}.{round(share * 100)}",
                subject_type=subject_type,
                subject_id=str(appeal.pk),
                due_at=workcalendar.add_working(start, minutes),
                payload={"share": share, "stage": stage},
            )
            for share, minutes in minutes_by_share.items()
        ]
    )


def warnings_cancel(appeal: Appeal, stage: str) -> None:
    deadlines_cancel(subject=appeal, kinds=[f"appeals.{stage}.{round(s * 100)}" for s in _shares()])
