"""What waits on a person in learning, for the home page (see core.todo): the courses
assigned to them that have materials not yet studied. No deadline, no reminder beyond
this line: studying is never forced (RULES)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import ngettext_lazy

from grassroots.accounts.scope import Scope
from grassroots.core.todo import Todo, Urgency, counted, todo
from grassroots.learning import selectors


def todos_for(scope: Scope, user: Any, *, today: datetime.date) -> list[Todo]:
    """Three queries for a member (their record, their posts, the count), none for
    anyone else."""
    if not scope.is_authenticated or scope.member_id is None:
        return []
    member = selectors.learner_of(user)
    if member is None:
        return []
    count = selectors.courses_to_study_count(member, today=today)
    return counted(
        [
            todo(
                "learning.courses_to_study",
                ngettext_lazy(
                    "%(count)d course with materials to study",
                    "%(count)d courses with materials to study",
                    "count",
                ),
                count,
                reverse("learning:mine") + "#courses-title",
                Urgency.WAITING,
            )
        ]
    )
