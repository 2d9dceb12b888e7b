"""What waits on a person in openness's consultations, for the home page (see core.todo):
for those asked, the open consultations they have not commented on; for the consulting
officers, the comments still without an answer (past due once the last day has gone).
Each count is what its link lists. A fixed number of queries."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext_lazy

from grassroots.accounts.scope import Scope
from grassroots.core.todo import Todo, Urgency, counted, todo
from grassroots.openness.consultations import selectors
from grassroots.openness.models import Comment, Consultation
from grassroots.openness.selectors import reach_of


def _list(view: str) -> str:
    return f"{reverse('openness:consultations')}?{urlencode({'view': view})}"


def todos_for(scope: Scope, user: Any, *, today: datetime.date) -> list[Todo]:
    """One query (and the person's reach, which the page may already know)."""
    if not scope.is_authenticated:
        return []
    reach = reach_of(scope, user)
    asked = selectors.asked_condition(reach, scope) & selectors.open_now(today)
    mine = Comment.objects.filter(consultation=OuterRef("pk"), author_id=user.pk)
    rows = Consultation.objects.annotate(commented=Exists(mine))
    counted_here: dict[str, Any] = {
        "to_comment": Count("pk", filter=asked & Q(commented=False), distinct=True)
    }
    if scope.officer_paths:
        handled = selectors.handled_condition(scope) & Q(status="open")
        waiting = handled & Q(comments__answer__isnull=True, comments__isnull=False)
        counted_here["overdue"] = Count("comments", filter=waiting & Q(closes_on__lt=today))
        counted_here["running"] = Count("comments", filter=waiting & Q(closes_on__gte=today))
        rows = rows.filter(asked | handled)
    else:
        rows = rows.filter(asked)
    counts = rows.aggregate(**counted_here)
    found = [
        todo(
            "openness.to_comment",
            ngettext_lazy(
                "%(count)s consultation asks for your opinion",
                "%(count)s consultations ask for your opinion",
                "count",
            ),
            counts["to_comment"],
            _list(selectors.TO_COMMENT),
        )
    ]
    if scope.officer_paths:
        found += [
            todo(
                "openness.comments_overdue",
                ngettext_lazy(
                    "%(count)s comment past its consultation's last day has no answer",
                    "%(count)s comments past their consultation's last day have no answer",
                    "count",
                ),
                counts["overdue"],
                _list(selectors.OVERDUE),
                Urgency.PAST_DUE,
            ),
            todo(
                "openness.comments_to_answer",
                ngettext_lazy(
                    "%(count)s comment on a consultation waits for an answer",
                    "%(count)s comments on consultations wait for an answer",
                    "count",
                ),
                counts["running"],
                _list(selectors.TO_ANSWER),
            ),
        ]
    return counted(found)
