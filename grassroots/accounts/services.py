"""Every write to employees (users), role assignments and sign-in records."""

from __future__ import annotations

import datetime
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.identity import (
    is_valid_employee_number,
    is_valid_mobile,
    normalise_employee_number,
    normalise_phone,
)
from grassroots.accounts.models import RoleAssignment, User
from grassroots.accounts.roles import ORG_ROLES, Role
from grassroots.accounts.scope import forget_scope
from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked

USER_FIELDS = ("employee_number", "name", "phone", "department", "has_disability", "is_active")
PREFERENCE_FIELDS = ("prefers_large_text", "prefers_high_contrast", "language")


def employee_errors(
    *, employee_number: str, name: str, phone: str | None, exclude_pk: int | None = None
) -> dict[str, str]:
    """Field → message for an employee's identifying values (shared with the import)."""
    errors: dict[str, str] = {}
    if not is_valid_employee_number(employee_number):
        errors["employee_number"] = _(
            "An employee number has 1 to 32 letters, digits, hyphens or underscores."
        )
    if not name.strip():
        errors["name"] = _("Give the employee's name.")
    elif len(name.strip()) > 64:
        errors["name"] = _("A name has at most 64 characters.")
    if phone and not is_valid_mobile(phone):
        errors["phone"] = _("A mobile number has 11 digits and starts with 1, e.g. 13800138000.")
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    if "employee_number" not in errors and others.filter(employee_number=employee_number).exists():
        errors["employee_number"] = _("Another employee already has this employee number.")
    if phone and "phone" not in errors and others.filter(phone=phone).exists():
        errors["phone"] = _("Another employee already uses this mobile number.")
    return errors


@transaction.atomic
def user_create(
    *,
    actor: Any,
    employee_number: str,
    name: str,
    phone: str | None = None,
    department: Any = None,
    has_disability: bool = False,
    password: str | None = None,
) -> User:
    """Add an employee. Without a password the account cannot sign in until one is set."""
    employee_number = normalise_employee_number(employee_number)
    phone = normalise_phone(phone) if phone else None
    errors = employee_errors(employee_number=employee_number, name=name, phone=phone)
    if errors:
        raise ValidationError(errors)
    user = User(
        employee_number=employee_number,
        name=name.strip(),
        phone=phone,
        department=department,
        has_disability=has_disability,
    )
    user.set_password(password)
    user.save()
    audit_record(actor=actor, action="user.create", target=user, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def user_update(*, actor: Any, user: User, **changes: Any) -> User:
    """Change an employee's record (not preferences, not password)."""
    user = locked(user)
    before = snapshot(user, USER_FIELDS)
    if "employee_number" in changes:
        changes["employee_number"] = normalise_employee_number(changes["employee_number"])
    if "phone" in changes:
        changes["phone"] = normalise_phone(changes["phone"]) if changes["phone"] else None
    errors = employee_errors(
        employee_number=changes.get("employee_number", user.employee_number),
        name=changes.get("name", user.name),
        phone=changes.get("phone", user.phone),
        exclude_pk=user.pk,
    )
    if errors:
        raise ValidationError(errors)
    for name, value in changes.items():
        setattr(user, name, value)
    if changes:
        user.save(update_fields=list(changes))
    audit_record(
        actor=actor,
        action="user.update",
        target=user,
        before=before,
        after=snapshot(user, USER_FIELDS),
    )
    return user


@transaction.atomic
def user_preferences_update(
    *,
    user: User,
    prefers_large_text: bool,
    prefers_high_contrast: bool,
    language: str,
) -> User:
    """A person's own display preferences (large text, high contrast, language)."""
    row = locked(user)
    before = snapshot(row, PREFERENCE_FIELDS)
    row.prefers_large_text = prefers_large_text
    row.prefers_high_contrast = prefers_high_contrast
    row.language = language
    row.save(update_fields=list(PREFERENCE_FIELDS))
    audit_record(
        actor=user,
        action="user.preferences",
        target=row,
        before=before,
        after=snapshot(row, PREFERENCE_FIELDS),
    )
    for name in PREFERENCE_FIELDS:
        setattr(user, name, getattr(row, name))
    return user


def user_password_changed(*, user: User) -> None:
    """Record that a person changed their password (the value is never logged)."""
    audit_record(actor=user, action="user.password_change", target=user)


@transaction.atomic
def role_assign(
    *,
    actor: Any,
    user: User,
    role: str,
    org_unit: Any = None,
    department: Any = None,
    post: Any = None,
    starts_on: datetime.date | None = None,
) -> RoleAssignment:
    """Give a user a role over a Party organisation (and its subtree) or a department."""
    if role in ORG_ROLES and (org_unit is None or department is not None):
        raise ValidationError({"org_unit": _("This role is held over a Party organisation.")})
    if role == Role.DEPARTMENT_LIAISON and (department is None or org_unit is not None):
        raise ValidationError({"department": _("This role is held over a department.")})
    assignment = RoleAssignment.objects.create(
        user=user,
        role=role,
        org_unit=org_unit,
        department=department,
        post=post,
        starts_on=starts_on or timezone.localdate(),
    )
    audit_record(
        actor=actor,
        action="role.assign",
        target=assignment,
        after=snapshot(assignment, ("user", "role", "org_unit", "department", "starts_on")),
        org_path=org_unit.path if org_unit is not None else "",
    )
    forget_scope(user)
    return assignment


@transaction.atomic
def role_end(*, actor: Any, assignment: RoleAssignment, ends_on: datetime.date) -> RoleAssignment:
    """End a role assignment on a day."""
    assignment = locked(assignment, related=("org_unit",))
    before = {"ends_on": assignment.ends_on.isoformat() if assignment.ends_on else None}
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action="role.end",
        target=assignment,
        before=before,
        after={"ends_on": ends_on.isoformat()},
        org_path=assignment.org_unit.path if assignment.org_unit else "",
    )
    return assignment


def user_email_set(*, user: User, email: str) -> None:
    """A person's own email address for notices (the caller audits the preferences)."""
    User.objects.filter(pk=user.pk).update(email=email.strip())
    user.email = email.strip()


def users_bulk_write(
    *,
    create: list[dict[str, Any]],
    update: list[User],
    update_fields: list[str],
    batch_size: int,
) -> list[User]:
    """An import's employees in a few statements: the changed users (`update_fields`)
    and the new ones (with no usable password: they sign in once an administrator sets
    one). The created users are returned with their ids. The caller holds the
    transaction and writes the audit rows."""
    if update:
        # A phone number may pass from one person to another within a file: clear the
        # changed rows' numbers first so that the unique index never sees two owners.
        User.objects.filter(pk__in=[user.pk for user in update]).exclude(phone=None).update(
            phone=None
        )
        User.objects.bulk_update(update, list(update_fields), batch_size=batch_size)
    if not create:
        return []
    from django.contrib.auth.hashers import make_password

    unusable = make_password(None)
    new = [User(**values, password=unusable) for values in create]
    User.objects.bulk_create(new, batch_size=batch_size)
    if new[0].pk is None:  # databases that do not return the ids of a bulk insert
        ids = dict(
            User.objects.filter(employee_number__in=[u.employee_number for u in new]).values_list(
                "employee_number", "pk"
            )
        )
        for user in new:
            user.pk = ids[user.employee_number]
    return new


def sign_in_records_prune(*, now: datetime.datetime) -> int:
    """Delete sign-in records (django-axes' attempts, access and failure logs) older than
    SIGN_IN_RECORD_DAYS: each names a person, an address and a time, which in a lasting
    log would date an anonymous appeal against its sender's other activity. Returns how
    many records went. Lockouts are unaffected: they count minutes, not days."""
    cutoff = now - datetime.timedelta(days=settings.SIGN_IN_RECORD_DAYS)
    deleted = 0
    with transaction.atomic():
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            deleted += (
                model.objects.filter(attempt_time__lt=cutoff).delete()[1].get(model._meta.label, 0)
            )
    return deleted
