"""What waits on a person in the appeal loop, for the home page (see core.todo)."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import ngettext_lazy

from grassroots.accounts.scope import Scope
from grassroots.appeals import policy
from grassroots.appeals.models import OPEN_STATUSES, Appeal
from grassroots.core.todo import Todo, Urgency, counted, todo

# The queue's "due within a day" view uses the same window.
SOON = datetime.timedelta(days=1)


def todos_for(scope: Scope, user: Any, *, now: datetime.datetime) -> list[Todo]:
    """For handlers: appeals to accept, past or near their deadline, escalated, assigned
    to them; for the person who raised appeals: answers waiting for their rating.
    Two queries (one when the person handles nothing and raised nothing)."""
    if not scope.is_authenticated:
        return []
    return _handling(scope, now) + _raised(user)


def _handling(scope: Scope, now: datetime.datetime) -> list[Todo]:
    # Open appeals only, read along the open-queue index: a committee handles every
    # appeal below it, most of them long closed.
    # An administrator's power over every appeal is not work waiting on them: only the
    # roles they hold count (as in orgs.todos and evaluation.todos).
    counts = (
        policy.handled_appeals(dataclasses.replace(scope, is_admin=False))
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            to_accept=Count("pk", filter=Q(status=Appeal.Status.SUBMITTED)),
            overdue=Count("pk", filter=Q(current_due_at__lt=now)),
            soon=Count("pk", filter=Q(current_due_at__gte=now, current_due_at__lt=now + SOON)),
            escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
            mine=Count("pk", filter=Q(assignee_id=scope.user_id)),
        )
    )
    queue = reverse("appeals:queue")
    return counted(
        [
            todo(
                "appeals.overdue",
                ngettext_lazy(
                    "%(count)d appeal is past its deadline",
                    "%(count)d appeals are past their deadline",
                    "count",
                ),
                counts["overdue"],
                f"{queue}?view=overdue",
                Urgency.PAST_DUE,
            ),
            todo(
                "appeals.escalated",
                ngettext_lazy(
                    "%(count)d appeal escalated for supervision",
                    "%(count)d appeals escalated for supervision",
                    "count",
                ),
                counts["escalated"],
                f"{queue}?view=escalated",
                Urgency.PAST_DUE,
            ),
            todo(
                "appeals.due_soon",
                ngettext_lazy(
                    "%(count)d appeal is due within a day",
                    "%(count)d appeals are due within a day",
                    "count",
                ),
                counts["soon"],
                f"{queue}?view=at_risk",
                Urgency.DUE_SOON,
            ),
            todo(
                "appeals.to_accept",
                ngettext_lazy(
                    "%(count)d appeal waiting to be accepted",
                    "%(count)d appeals waiting to be accepted",
                    "count",
                ),
                counts["to_accept"],
                f"{queue}?view=to_accept",
            ),
            todo(
                "appeals.assigned",
                ngettext_lazy(
                    "%(count)d open appeal assigned to you",
                    "%(count)d open appeals assigned to you",
                    "count",
                ),
                counts["mine"],
                f"{queue}?view=mine",
            ),
        ]
    )


def _raised(user: Any) -> list[Todo]:
    # Anonymous appeals are rated from their follow page, never linked to the sender.
    waiting = Appeal.objects.filter(
        submitter=user, is_anonymous=False, status=Appeal.Status.ANSWERED
    ).count()
    return counted(
        [
            todo(
                "appeals.to_rate",
                ngettext_lazy(
                    "%(count)d answer to your appeals waits for your rating",
                    "%(count)d answers to your appeals wait for your rating",
                    "count",
                ),
                waiting,
                reverse("appeals:mine") + "?view=to_rate",
            )
        ]
    )
