"""The home page: what needs this person now, depending on the roles they hold."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from grassroots.accounts import selectors as accounts
from grassroots.accounts.roles import Role
from grassroots.accounts.scope import Scope
from grassroots.appeals import todos as appeal_todos
from grassroots.core import workcalendar
from grassroots.core.todo import Todo, in_order
from grassroots.evaluation import todos as evaluation_todos
from grassroots.learning import todos as learning_todos
from grassroots.openness import todos as openness_todos
from grassroots.orglife import todos as orglife_todos
from grassroots.orgs import health, selectors
from grassroots.orgs import todos as orgs_todos
from grassroots.orgs.dues import todos as dues_todos
from grassroots.orgs.vocabulary import MemberStage
from grassroots.service import todos as service_todos

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

WARNINGS_SHOWN = 12


@dataclass
class OversightPanel:
    unit: OrgUnit
    role_label: str
    unit_count: int
    stage_counts: list[tuple[str, int]]
    warnings: list[tuple[OrgUnit, str, str]]  # (unit, severity, text)
    more_warnings: int
    as_of: datetime.datetime | None = None  # worked out ahead by the scheduler, at


def todos_for(user: Any, scope: Scope, *, now: datetime.datetime) -> list[Todo]:
    """Everything that waits on this person, most urgent first (see core.todo)."""
    today = timezone.localdate(now)
    return in_order(
        [
            *appeal_todos.todos_for(scope, user, now=now),
            *orglife_todos.todos_for(scope, today=today),
            *service_todos.todos_for(scope, user, today=today, now=now),
            *evaluation_todos.todos_for(scope, user, today=today),
            *orgs_todos.todos_for(scope, today=today),
            *dues_todos.todos_for(scope, today=today),
            *openness_todos.todos_for(scope, user, today=today),
            *learning_todos.todos_for(scope, user, today=today),
        ]
    )


def home_context(user: Any, scope: Scope, *, now: datetime.datetime) -> dict[str, Any]:
    today = timezone.localdate(now)
    context: dict[str, Any] = {"scope": scope, "todos": todos_for(user, scope, now=now)}
    if scope.member_id is not None:
        member = selectors.member_of_user(user)
        context["member"] = member
        context["posts"] = (
            # In the posts' own order (organisation, post, start), as before.
            list(selectors.current_posts_of(member).order_by("unit", "kind", "starts_on"))
            if member is not None
            else []
        )
    assignments = list(
        accounts.current_assignments()
        .filter(user=user)
        .select_related("org_unit", "department")
        .order_by("org_unit__path", "role")
    )
    panels: list[OversightPanel] = []
    seen: set[str] = set()
    for assignment in assignments:
        unit = assignment.org_unit
        if unit is None or assignment.role == Role.DISCIPLINE_OFFICER or unit.path in seen:
            continue
        if any(unit.path.startswith(path) for path in seen):
            continue  # already inside a panel for a unit above it
        seen.add(unit.path)
        panels.append(_oversight_panel(unit, assignment.get_role_display(), today))
    context["panels"] = panels
    context["liaison_departments"] = [
        a.department for a in assignments if a.role == Role.DEPARTMENT_LIAISON and a.department
    ]
    context["is_admin"] = scope.is_admin
    if scope.is_admin:
        context["calendar_years_missing"] = workcalendar.coverage_warnings(today)
    return context


def _oversight_panel(unit: OrgUnit, role_label: str, today: datetime.date) -> OversightPanel:
    kept = selectors.oversight(unit, today=today)
    shown = kept.found[:WARNINGS_SHOWN]
    # The few units shown as links, as model instances: one query for at most 12 rows.
    shown_units = selectors.units_by_ids(pk for pk, _warning in shown).in_bulk()
    return OversightPanel(
        unit=unit,
        role_label=role_label,
        unit_count=kept.unit_count,
        stage_counts=[
            (str(MemberStage(stage).label), count) for stage, count in kept.stage_counts.items()
        ],
        warnings=[  # a unit deleted without a signal since it was kept is left out
            (shown_units[pk], warning.severity, health.describe(warning))
            for pk, warning in shown
            if pk in shown_units
        ],
        more_warnings=len(kept.found) - len(shown),
        as_of=kept.as_of,
    )
