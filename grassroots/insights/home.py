"""The home page: what needs this person now, depending on the roles they hold."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from grassroots.accounts.models import Role, RoleAssignment
from grassroots.accounts.scope import Scope
from grassroots.core.tree import within
from grassroots.orgs import health, selectors
from grassroots.orgs.models import Member, OrgPost, OrgUnit

WARNINGS_SHOWN = 12


@dataclass
class OversightPanel:
    unit: OrgUnit
    role_label: str
    unit_count: int
    stage_counts: list[tuple[str, int]]
    warnings: list[tuple[OrgUnit, str, str]]  # (unit, severity, text)
    more_warnings: int


def home_context(user: Any, scope: Scope, *, today: datetime.date) -> dict[str, Any]:
    context: dict[str, Any] = {"scope": scope}
    if scope.member_id is not None:
        member = Member.objects.select_related("branch", "group").get(pk=scope.member_id)
        context["member"] = member
        context["posts"] = list(
            OrgPost.objects.filter(member=member, ends_on__isnull=True).select_related("unit")
        )
    assignments = list(
        RoleAssignment.objects.current()
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
    return context


def _oversight_panel(unit: OrgUnit, role_label: str, today: datetime.date) -> OversightPanel:
    units = list(OrgUnit.objects.filter(within(unit.path), is_active=True).order_by("path"))
    warnings_by_unit = health.units_health(units, today=today)
    warnings = [
        (each, warning.severity, health.describe(warning))
        for each in units
        for warning in warnings_by_unit.get(each.pk, [])
    ]
    warnings.sort(key=lambda row: (row[1] != "danger", row[0].path))
    stage_counts = [
        (str(Member.Stage(stage).label), count)
        for stage, count in selectors.unit_stage_counts(unit).items()
    ]
    return OversightPanel(
        unit=unit,
        role_label=role_label,
        unit_count=len(units),
        stage_counts=stage_counts,
        warnings=warnings[:WARNINGS_SHOWN],
        more_warnings=max(0, len(warnings) - WARNINGS_SHOWN),
    )
