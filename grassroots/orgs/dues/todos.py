"""What waits on a dues officer (the read contract of `core.todo`): members of the
branches whose dues they keep who are six months or more in arrears, for the branch to
decide (RULES: never removed automatically — the 党章 procedure is the branch's)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import ngettext_lazy

from grassroots.accounts.roles import Role
from grassroots.accounts.scope import Scope
from grassroots.core.todo import Todo, Urgency, counted, todo
from grassroots.orgs.dues import arrears, rules, selectors


def todos_for(scope: Scope, *, today: datetime.date) -> list[Todo]:
    """None for anyone who is no branch officer; two queries to find the branches kept,
    three to count. A member whose dues officer recorded a proper reason is not
    counted."""
    if scope.member_id is None or not scope.paths_for(Role.BRANCH_OFFICER):
        return []  # a branch's dues officer holds one of its posts, so its officer role
    offices = selectors.dues_offices(scope, on=today)
    if not offices.branch_ids:
        return []
    flagged = arrears.flagged(today=today, branch_ids=offices.branch_ids)
    first = min((row.branch_id for row in flagged), default=None)
    return counted(
        [
            todo(
                "orgs.dues_arrears",
                ngettext_lazy(
                    "%(count)d member %(months)d months or more behind with the dues: "
                    "the branch decides",
                    "%(count)d members %(months)d months or more behind with the dues: "
                    "the branch decides",
                    "count",
                ),
                len(flagged),
                reverse("orgs:dues_branch", args=[first]) if first else "",  # lists them
                Urgency.PAST_DUE,
                months=rules.FLAG_MONTHS,
            )
        ]
    )
