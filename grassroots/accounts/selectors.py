"""The access layer's read contract: people, their roles and a person's own pages.

Other apps read users and role holders through these functions instead of querying
`User` or `RoleAssignment` themselves, so "a current role" means one thing everywhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q, QuerySet

from grassroots.accounts.identity import (
    is_valid_mobile,
    normalise_employee_number,
    normalise_phone,
)
from grassroots.accounts.models import RoleAssignment, User
from grassroots.core.tree import within_any

# --- People -------------------------------------------------------------------------------


def users_by_ids(ids: Iterable[int]) -> QuerySet[User]:
    return User.objects.filter(pk__in=list(ids))


def all_users() -> QuerySet[User]:
    return User.objects.all()


def no_users() -> QuerySet[User]:
    return User.objects.none()


def user_by_employee_number(raw: str, *, active_only: bool = True) -> User | None:
    """The employee with this number (compared as people type it: case, width, spaces)."""
    number = normalise_employee_number(raw or "")
    if not number:
        return None
    users = User.objects.filter(employee_number=number)
    if active_only:
        users = users.filter(is_active=True)
    return users.first()


def user_by_login_name(raw: str) -> User | None:
    """The account a sign-in name points at: an employee number (compared as people type
    it) or a mobile number (in any layout, with or without +86); disabled ones too."""
    condition = Q(employee_number=normalise_employee_number(raw or ""))
    phone = normalise_phone(raw or "")
    if is_valid_mobile(phone):
        condition |= Q(phone=phone)
    # An employee number that looks like someone else's mobile number: the older account,
    # the same one the sign-in backend checks the password of.
    return User.objects.filter(condition).order_by("pk").first()


# --- Role holders ---------------------------------------------------------------------------


def current_assignments(on: datetime.date | None = None) -> QuerySet[RoleAssignment]:
    """Role assignments in force on a day (today by default)."""
    return RoleAssignment.objects.current(on)


def holder_ids(
    *,
    roles: Iterable[str] | None = None,
    unit_ids: Iterable[int] | None = None,
    unit_paths: Iterable[str] | None = None,
    department_ids: Iterable[int] | None = None,
    department_paths: Iterable[str] | None = None,
    on: datetime.date | None = None,
) -> QuerySet[RoleAssignment, Any]:
    """The user ids (a subquery, for `pk__in=`) of people holding one of `roles` now,
    over the given organisations or departments (by id, or anywhere within the given
    subtree paths)."""
    assignments = current_assignments(on)
    if roles is not None:
        assignments = assignments.filter(role__in=list(roles))
    where = Q()
    scoped = False
    if unit_ids is not None:
        where |= Q(org_unit_id__in=list(unit_ids))
        scoped = True
    if unit_paths is not None:
        where |= within_any(tuple(unit_paths), field="org_unit__path")
        scoped = True
    if department_ids is not None:
        where |= Q(department_id__in=list(department_ids))
        scoped = True
    if department_paths is not None:
        where |= within_any(tuple(department_paths), field="department__path")
        scoped = True
    if scoped:
        assignments = assignments.filter(where)
    return assignments.values("user_id")


def holders(**kwargs: Any) -> list[User]:
    """The active people holding a role (see `holder_ids` for the arguments)."""
    return list(active_users_among(holder_ids(**kwargs)))


# --- A person's own pages -------------------------------------------------------------------

ProfileSource = Callable[[User], dict[str, Any]]
_profile_sources: dict[str, ProfileSource] = {}


def register_profile_source(name: str, source: ProfileSource) -> None:
    """An app above the access layer adds what it knows of a person to their profile
    page (orgs: the member record and posts held)."""
    _profile_sources[name] = source


def profile_context(user: User) -> dict[str, Any]:
    roles = list(
        RoleAssignment.objects.current()
        .filter(user=user)
        .select_related("org_unit", "department")
        .order_by("role")
    )
    context: dict[str, Any] = {"member": None, "posts": []}
    for source in _profile_sources.values():
        context |= source(user)
    return context | {"profile_user": user, "department": user.department, "roles": roles}


# --- For the organisation's imports, jobs and reminders -------------------------------------


def users_with_employee_numbers(numbers: Iterable[str]) -> QuerySet[User]:
    """Users (active or not) with these employee numbers, written as stored."""
    return User.objects.filter(employee_number__in=list(numbers))


def users_with_phones(phones: Iterable[str]) -> QuerySet[User]:
    """Users (active or not) with these mobile numbers, written as stored."""
    return User.objects.filter(phone__in=list(phones))


def active_users_among(user_ids: QuerySet[Any, Any]) -> QuerySet[User]:
    """The active users whose ids a subquery gives (another app's `values("user_id")`):
    one query, however many they are."""
    return User.objects.filter(pk__in=user_ids, is_active=True)


def active_user_ids_in_departments(department_paths: Iterable[str]) -> list[int]:
    """The ids of the active users working in the departments at or under these tree
    paths: one query (nobody for no paths)."""
    paths = tuple(department_paths)
    if not paths:
        return []
    return list(
        User.objects.filter(within_any(paths, field="department__path"), is_active=True)
        .order_by()
        .values_list("pk", flat=True)
    )


def employee_number_of(user_id: Any) -> QuerySet[User, Any]:
    """A user's employee number as a subquery (`user_id` may be an `OuterRef`)."""
    return User.objects.filter(pk=user_id).values("employee_number")[:1]


def open_assignments_of_post(post_id: int) -> QuerySet[RoleAssignment]:
    """The role assignments an organisation post granted that have not been ended."""
    return RoleAssignment.objects.filter(post_id=post_id, ends_on__isnull=True)


def assignments_over_units(
    *,
    roles: Iterable[str],
    unit_ids: Iterable[int] | None = None,
    unit_paths: Iterable[str] | None = None,
    active_only: bool = False,
    on: datetime.date | None = None,
) -> QuerySet[RoleAssignment]:
    """The role assignments in force over the units given by id, or at exactly the given
    tree paths, with their users and units: for telling each unit its own officers (one
    query, however many units). `active_only` leaves out people who have left."""
    assignments = current_assignments(on).filter(role__in=list(roles))
    if unit_ids is not None:
        assignments = assignments.filter(org_unit_id__in=list(unit_ids))
    if unit_paths is not None:
        assignments = assignments.filter(org_unit__path__in=list(unit_paths))
    if active_only:
        assignments = assignments.filter(user__is_active=True)
    return assignments.select_related("user", "org_unit")
