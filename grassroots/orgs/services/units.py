"""Writes to the two trees: departments (administrative) and Party organisations.

Each service is atomic, locks the row it changes, saves with update_fields, writes an
audit entry and raises ValidationError (keyed by field) with a message a person can
act on when the change is not allowed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.core.tree import TreeError
from grassroots.orgs import member_order, rules
from grassroots.orgs.models import Department, Member, OrgUnit

DEPARTMENT_FIELDS = ("code", "name", "kind", "parent", "is_active")
ORGUNIT_FIELDS = (
    "code",
    "name",
    "kind",
    "parent",
    "founded_on",
    "term_ends_on",
    "is_joint",
    "is_temporary",
    "is_active",
    "dissolved_on",
)


@transaction.atomic
def department_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str = Department.Kind.OFFICE,
    parent: Department | None = None,
) -> Department:
    """Add a department to the administrative tree."""
    code = code.strip()
    if Department.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Another department already uses this code.")})
    department = Department.tree_insert(
        Department(code=code, name=name.strip(), kind=kind, parent=parent)
    )
    audit_record(
        actor=actor,
        action="department.create",
        target=department,
        after=snapshot(department, DEPARTMENT_FIELDS),
    )
    return department


@transaction.atomic
def department_update(*, actor: Any, department: Department, **changes: Any) -> Department:
    """Change a department's fields; a new parent moves its whole subtree."""
    department = locked(department)
    before = snapshot(department, DEPARTMENT_FIELDS)
    new_parent = changes.pop("parent", department.parent)
    for name, value in changes.items():
        setattr(department, name, value)
    department.save(update_fields=list(changes) or None)
    if (new_parent.pk if new_parent else None) != department.parent_id:
        try:
            Department.tree_move(department, new_parent)
        except TreeError:
            raise ValidationError(
                {"parent": _("A department cannot be placed under itself or its own teams.")}
            ) from None
    audit_record(
        actor=actor,
        action="department.update",
        target=department,
        before=before,
        after=snapshot(department, DEPARTMENT_FIELDS),
    )
    return department


def _check_parent(kind: str, parent: OrgUnit | None) -> None:
    if not rules.parent_kind_allowed(kind, parent.kind if parent else None):
        raise ValidationError(
            {
                "parent": _("A %(kind)s cannot be placed under %(parent)s.")
                % {
                    "kind": OrgUnit.Kind(kind).label,
                    "parent": OrgUnit.Kind(parent.kind).label if parent else _("nothing"),
                }
            }
        )


@transaction.atomic
def orgunit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    departments: Iterable[Department] = (),
    founded_on: datetime.date | None = None,
    term_ends_on: datetime.date | None = None,
    is_joint: bool = False,
    is_temporary: bool = False,
) -> OrgUnit:
    """Found a Party organisation under a parent of a fitting kind. Without a founding
    day none is recorded: the annual statistics then count it on every day (as they do
    older records), rather than guess that it was founded on the day it was entered."""
    _check_parent(kind, parent)
    today = timezone.localdate()
    if founded_on is not None and founded_on > today:
        raise ValidationError({"founded_on": _("This date is in the future.")})
    code = code.strip()
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Another Party organisation already uses this code.")})
    unit = OrgUnit.tree_insert(
        OrgUnit(
            code=code,
            name=name.strip(),
            kind=kind,
            parent=parent,
            founded_on=founded_on,
            term_ends_on=term_ends_on if kind != OrgUnit.Kind.GROUP else None,
            is_joint=is_joint,
            is_temporary=is_temporary,
        )
    )
    department_list = list(departments)
    if department_list:
        unit.departments.set(department_list)
    audit_record(
        actor=actor,
        action="orgunit.create",
        target=unit,
        after=snapshot(unit, ORGUNIT_FIELDS) | {"departments": [d.pk for d in department_list]},
        org_path=unit.path,
    )
    return unit


def _date_dissolution(unit: OrgUnit, changes: dict[str, Any], *, today: datetime.date) -> None:
    """An organisation made inactive is dissolved from today unless a day is given; one
    made active again has no dissolution day. The annual statistics read this day, so
    a dissolution after 31 December leaves that year's table as it was."""
    active = changes.get("is_active", unit.is_active)
    if not active and unit.is_active:
        changes.setdefault("dissolved_on", today)
    elif active and not unit.is_active:
        changes["dissolved_on"] = None
    dissolved_on = changes.get("dissolved_on")
    if dissolved_on is not None and dissolved_on > today:
        raise ValidationError({"dissolved_on": _("This date is in the future.")})
    founded_on = changes.get("founded_on", unit.founded_on)
    if dissolved_on is not None and founded_on is not None and dissolved_on < founded_on:
        raise ValidationError(
            {"dissolved_on": _("An organisation cannot be dissolved before it was founded.")}
        )


def orgunit_lock(unit: OrgUnit) -> OrgUnit:
    """The organisation's row locked until the caller's transaction ends (call it inside
    one): for another app's writes that must be one at a time per organisation, e.g.
    one theme a month per committee (insights' hot topics). Changes nothing."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("orgunit_lock outside a transaction would hold nothing")
    return locked(unit)


@transaction.atomic
def orgunit_update(
    *,
    actor: Any,
    unit: OrgUnit,
    departments: Iterable[Department] | None = None,
    **changes: Any,
) -> OrgUnit:
    """Change a Party organisation: name, dates, flags, departments covered, parent."""
    unit = locked(unit)
    before = snapshot(unit, ORGUNIT_FIELDS) | {
        "departments": sorted(unit.departments.values_list("pk", flat=True))
    }
    if "kind" in changes and changes["kind"] != unit.kind:
        raise ValidationError({"kind": _("The kind of an organisation cannot be changed.")})
    changes.pop("kind", None)
    _date_dissolution(unit, changes, today=timezone.localdate())
    new_parent = changes.pop("parent", unit.parent)
    if (new_parent.pk if new_parent else None) != unit.parent_id:
        _check_parent(unit.kind, new_parent)
    for name, value in changes.items():
        setattr(unit, name, value)
    if changes:
        unit.save(update_fields=list(changes))
    if (new_parent.pk if new_parent else None) != unit.parent_id:
        try:
            OrgUnit.tree_move(unit, new_parent)
        except TreeError:
            raise ValidationError(
                {"parent": _("An organisation cannot be placed under itself or its own units.")}
            ) from None
        # The branches below have new paths: their members' list keys follow.
        member_order.list_keys_refresh(Member.objects.filter(branch__path__startswith=unit.path))
    if departments is not None:
        unit.departments.set(list(departments))
    after = snapshot(unit, ORGUNIT_FIELDS) | {
        "departments": sorted(unit.departments.values_list("pk", flat=True))
    }
    audit_record(
        actor=actor,
        action="orgunit.update",
        target=unit,
        before=before,
        after=after,
        org_path=unit.path,
    )
    return unit
