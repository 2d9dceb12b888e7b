"""What waits on an officer in organisational life, for the home page (see core.todo)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import ngettext_lazy

from grassroots.accounts.scope import Scope
from grassroots.core.periods import EARLIEST_YEAR, Period
from grassroots.core.todo import Todo, Urgency, counted, todo
from grassroots.orglife import policy
from grassroots.orglife.selectors import development_overdue, units_with_gaps
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


def todos_for(scope: Scope, *, today: datetime.date) -> list[Todo]:
    """For each organisation the person oversees (the top of each subtree): the branches
    and groups below it missing meetings this year; for a branch, its development steps
    overdue. Three queries per organisation overseen, plus the pipeline's few for a
    branch: the same whatever the size of the subtree."""
    if not scope.officer_paths:
        return []
    found: list[Todo] = []
    for root in orgs.units_at_paths(scope.officer_paths).order_by("path"):
        found += _meeting_gaps(scope, root, today)
        if root.kind == UnitKind.BRANCH:
            found += _development(root, today)
    return found


def _meeting_gaps(scope: Scope, root: OrgUnit, today: datetime.date) -> list[Todo]:
    with_gaps = units_with_gaps(root, year=today.year, today=today)
    if not with_gaps:
        return []
    if policy.can_view_overview(scope, root):  # a committee: its overview, just the gaps
        return [
            todo(
                f"orglife.gaps.{root.pk}",
                ngettext_lazy(
                    "%(name)s: %(count)d organisation missed required meetings this year"
                    " (%(missed)d in all)",
                    "%(name)s: %(count)d organisations missed required meetings this year"
                    " (%(missed)d in all)",
                    "count",
                ),
                len(with_gaps),
                reverse("orglife:overview") + f"?unit={root.pk}&gaps=1&missed=1",
                Urgency.PAST_DUE,
                name=root.name,
                missed=sum(unit.gaps for unit in with_gaps),
            )
        ]
    # A branch officer: the branch and its few groups, each with its own calendar.
    return [
        todo(
            f"orglife.gaps.{unit.unit_id}",
            ngettext_lazy(
                "%(name)s missed %(count)d required meeting this year",
                "%(name)s missed %(count)d required meetings this year",
                "count",
            ),
            unit.gaps,
            reverse("orglife:unit", args=[unit.unit_id]),
            Urgency.PAST_DUE,
            name=unit.name,
        )
        for unit in with_gaps
    ]


def _development(branch: OrgUnit, today: datetime.date) -> list[Todo]:
    # Every step overdue on the board, whenever it fell due (a conversion due in December
    # is still overdue in January).
    since = datetime.date(EARLIEST_YEAR, 1, 1)
    overdue = development_overdue(branch, Period(since, today), today=today)
    return counted(
        [
            todo(
                f"orglife.development.{branch.pk}",
                ngettext_lazy(
                    "%(name)s: %(count)d membership development step overdue",
                    "%(name)s: %(count)d membership development steps overdue",
                    "count",
                ),
                overdue.count,
                reverse("orglife:development", args=[branch.pk]),
                Urgency.PAST_DUE,
                name=branch.name,
            )
        ]
    )
