"""What waits on a person in openness's consultations, for the home page (see core.todo):
for those asked, the open consultations they have not commented on; for the consulting
officers, the comments still without an answer (past due once the last day has gone).
Each count is what its link lists. A fixed number of queries."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext_lazy

from grassroots.accounts.scope import Scope
from grassroots.core.todo import Todo, Urgency, counted, todo
from grassroots.openness.consultations import selectors
from grassroots.openness.models import Comment
from grassroots.openness.selectors import reach_of


def _list(view: str) -> str:
    return f"{reverse('openness:consultations')}?{urlencode({'view': view})}"


def todos_for(scope: Scope, user: Any, *, today: datetime.date) -> list[Todo]:
    if not scope.is_authenticated:
        return []
    reach = reach_of(scope, user)
    found = [
        todo(
            "openness.to_comment",
            ngettext_lazy(
                "%(count)s consultation asks for your opinion",
                "%(count)s consultations ask for your opinion",
                "count",
            ),
            selectors.to_comment(reach, scope, user.pk, today=today).count(),
            _list(selectors.TO_COMMENT),
        )
    ]
    if scope.officer_paths:
        waiting = Comment.objects.filter(
            selectors.handled_condition(scope, prefix="consultation__"),
            consultation__status="open",
            answer__isnull=True,
        ).aggregate(
            overdue=Count("pk", filter=Q(consultation__closes_on__lt=today)),
            running=Count("pk", filter=Q(consultation__closes_on__gte=today)),
        )
        found += [
            todo(
                "openness.comments_overdue",
                ngettext_lazy(
                    "%(count)s comment past its consultation's last day has no answer",
                    "%(count)s comments past their consultation's last day have no answer",
                    "count",
                ),
                waiting["overdue"],
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
                waiting["running"],
                _list(selectors.TO_ANSWER),
            ),
        ]
    return counted(found)
