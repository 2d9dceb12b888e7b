"""Who may see and do what with appeals.

- The submitter of a named appeal sees it and its public timeline; an anonymous
  submitter reaches it only with tracking code and PIN (see views.follow).
- Officers of the handling organisation (and of the committees above it) handle it.
  Complaints about members' conduct (作风问题) are seen only by discipline officers
  whose scope holds the handling organisation — never by the branch concerned.
- The member an appeal is assigned to may post progress and answer it.
- A department's liaison sees the appeals referred to that department and replies.
- Everything else is 404, as if the appeal did not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from grassroots.accounts.roles import Role
from grassroots.accounts.scope import Scope
from grassroots.appeals import routing
from grassroots.appeals.models import Appeal, Category, CoHandling
from grassroots.core.tree import is_within, within_any
from grassroots.orgs.selectors import unit_ids_within_any

if TYPE_CHECKING:
    from grassroots.orgs.models import Department, OrgUnit


def _discipline_paths(scope: Scope) -> tuple[str, ...]:
    return scope.paths_for(Role.DISCIPLINE_OFFICER)


def _units_within(paths: tuple[str, ...]) -> QuerySet[OrgUnit, Any]:
    return unit_ids_within_any(paths)


def handling_filter(scope: Scope) -> Q:
    """Appeals this person handles: as officer, discipline officer, assignee, liaison.

    Organisations and categories as `IN (subquery)` rather than joins: PostgreSQL
    hashes the few ids and tests them on the rows of the open-queue index
    (appeal_open_due_idx) without reading the organisation table for every appeal."""
    condition = Q(
        unit__in=_units_within(scope.officer_paths),
        category__in=Category.objects.filter(to_discipline=False).values("pk"),
    )
    condition |= Q(
        unit__in=_units_within(_discipline_paths(scope)),
        category__in=Category.objects.filter(to_discipline=True).values("pk"),
    )
    if scope.user_id is not None:
        condition |= Q(assignee_id=scope.user_id)
    if scope.department_paths:
        # EXISTS rather than a join: a join repeats an appeal once per co-handling task
        # and then needs DISTINCT, which makes PostgreSQL sort and de-duplicate the whole
        # queue (a committee's: every appeal below it) before it can page or count it.
        condition |= Q(
            Exists(
                CoHandling.objects.filter(
                    within_any(scope.department_paths, field="department__path"),
                    appeal=OuterRef("pk"),
                )
            )
        )
    return condition


def handled_appeals(scope: Scope) -> QuerySet[Appeal]:
    """One row per appeal, no DISTINCT needed (see handling_filter)."""
    if scope.is_admin:
        return Appeal.objects.all()
    return Appeal.objects.filter(handling_filter(scope))


def can_handle(scope: Scope, appeal: Appeal) -> bool:
    """Accept, decline, transfer, assign, open co-handling, merge, answer, publish."""
    if scope.is_admin:
        return True
    paths = _discipline_paths(scope) if appeal.category.to_discipline else scope.officer_paths
    return any(is_within(appeal.unit.path, root) for root in paths)


def can_work_on(scope: Scope, appeal: Appeal) -> bool:
    """Post progress and answer: the handlers, and the member it is assigned to."""
    return can_handle(scope, appeal) or (
        scope.user_id is not None and appeal.assignee_id == scope.user_id
    )


def liaison_departments(scope: Scope, appeal: Appeal) -> list[int]:
    """Departments of this appeal's co-handling tasks the person is liaison for."""
    return [
        task.department_id
        for task in appeal.co_handlings.all()
        if any(is_within(task.department.path, root) for root in scope.department_paths)
    ]


def can_view_as_handler(scope: Scope, appeal: Appeal) -> bool:
    return can_work_on(scope, appeal) or bool(liaison_departments(scope, appeal))


def is_submitter(scope: Scope, appeal: Appeal) -> bool:
    return (
        not appeal.is_anonymous
        and scope.user_id is not None
        and appeal.submitter_id == scope.user_id
    )


def can_record_on_behalf(scope: Scope) -> bool:
    """Staff who enter appeals for workers who cannot use the system: officers."""
    return scope.is_admin or scope.is_officer


def can_print_poster(scope: Scope, department: Department) -> bool:
    """A department's poster is printed by the officers whose organisation receives its
    appeals (or, where no branch covers it, the committee's)."""
    if scope.is_admin:
        return True
    unit = routing.covering_branch(department) or routing.dispatcher_unit()
    return scope.oversees(unit.path)


def can_view_rates(scope: Scope, unit_path: str) -> bool:
    return scope.is_admin or scope.oversees(unit_path)


def rates_filter(scope: Scope) -> Q:
    return within_any(scope.officer_paths, field="unit__path")


def may_open_queue(scope: Scope, user: Any = None) -> bool:
    """Whether the queue of appeals to handle is of any use to this person."""
    return bool(
        scope.is_admin
        or scope.is_officer
        or scope.department_paths
        or scope.paths_for(Role.DISCIPLINE_OFFICER)
    )
