"""What waits on a person in openness's notices, for the home page (see core.todo)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext_lazy

from grassroots.accounts.scope import Scope
from grassroots.core.todo import Todo, Urgency, counted, todo
from grassroots.openness.notices import selectors
from grassroots.openness.selectors import reach_of


def todos_for(
    scope: Scope, user: Any, *, today: datetime.date, now: datetime.datetime | None = None
) -> list[Todo]:
    """Notices new for this person: the rows the list's "new for me" shows (one query,
    after the person's reach)."""
    if not scope.is_authenticated:
        return []
    reach = reach_of(scope, user)
    count = selectors.new_notices(reach, user, now=now or timezone.now()).count()
    return counted(
        [
            todo(
                "openness.new_notices",
                ngettext_lazy(
                    "%(count)d new notice for you", "%(count)d new notices for you", "count"
                ),
                count,
                f"{reverse('openness:notices')}?unread=1",
                Urgency.WAITING,
            )
        ]
    )
