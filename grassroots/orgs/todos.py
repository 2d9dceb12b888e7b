"""What waits on a person in `orgs` (the read contract of `core.todo`): transfers of
members into a branch they oversee, to confirm or refuse."""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import Count, Min, QuerySet
from django.urls import reverse
from django.utils.translation import ngettext_lazy

from grassroots.accounts.scope import Scope
from grassroots.core.todo import Todo, Urgency, counted, todo
from grassroots.core.tree import within_any
from grassroots.orgs.models import Transfer


def transfers_to_answer(scope: Scope) -> QuerySet[Transfer]:
    """Pending transfers the person may answer: into a branch they oversee (or any, for
    an administrator), asked by someone else — the services refuse an answer from the
    person who asked. One indexed prefix filter, however many branches are below."""
    pending = Transfer.objects.filter(status=Transfer.Status.PENDING)
    if not scope.is_admin:
        if not scope.officer_paths:
            return pending.none()
        pending = pending.filter(within_any(scope.officer_paths, field="to_branch__path"))
    return pending.exclude(requested_by_id=scope.user_id)


def todos_for(scope: Scope, *, today: datetime.date) -> list[Todo]:
    """Transfers waiting for this officer's answer. Counted by the officer roles only (an
    administrator's technical power over every branch is not a to-do): one query for an
    officer, none for anyone else. Past due once a transfer's effective day has passed."""
    if not scope.officer_paths:
        return []
    mine = transfers_to_answer(dataclasses.replace(scope, is_admin=False))
    found = mine.aggregate(count=Count("pk"), earliest=Min("effective_on"))
    count = found["count"] or 0
    earliest = found["earliest"]
    return counted(
        [
            todo(
                "orgs.transfers_to_answer",
                ngettext_lazy(
                    "%(count)d member transfer waits for your answer",
                    "%(count)d member transfers wait for your answer",
                    "count",
                ),
                count,
                reverse("orgs:transfer_list") + "#waiting-title",
                Urgency.PAST_DUE if earliest is not None and earliest < today else Urgency.WAITING,
            )
        ]
    )
