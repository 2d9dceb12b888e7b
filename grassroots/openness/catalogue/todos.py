"""What waits on an officer in the openness catalogue: the items of the organisations
where they hold office that are not published in time (see core.todo)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import ngettext_lazy

from grassroots.accounts.scope import Scope
from grassroots.core.todo import Todo, Urgency, counted, todo
from grassroots.openness.catalogue import selectors
from grassroots.orgs import selectors as orgs


def own_units(scope: Scope) -> list:
    """The organisations where the person holds office themselves (not those below)."""
    paths = scope.officer_paths
    return list(orgs.units_at_paths(paths).order_by("path")) if paths else []


def todos_for(scope: Scope, *, today: datetime.date) -> list[Todo]:
    if not scope.is_officer:
        return []
    overdue = selectors.overdue_of(own_units(scope), today=today)
    return counted(
        [
            todo(
                "openness.catalogue_overdue",
                ngettext_lazy(
                    "%(count)s openness catalogue item not published in time",
                    "%(count)s openness catalogue items not published in time",
                    "count",
                ),
                len(overdue),
                reverse("openness:catalogue") + "?overdue=1",
                Urgency.PAST_DUE,
            )
        ]
    )
