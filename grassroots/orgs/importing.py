"""Importing departments, employees and member records from Excel.

All or nothing: every row is checked first; if any row is wrong nothing is written and
the batch records every error, row by row, for a downloadable report. A file without
errors is applied in one transaction with bulk writes (10,000 rows in a few seconds)
and one audit entry per changed row.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts import selectors as accounts
from grassroots.accounts.identity import (
    is_valid_employee_number,
    is_valid_mobile,
    normalise_employee_number,
    normalise_phone,
)
from grassroots.accounts.scope import Scope
from grassroots.accounts.services import USER_FIELDS, users_bulk_write
from grassroots.core import option_lists
from grassroots.core.audit import audit_entry, audit_record, snapshot
from grassroots.core.models import AuditEntry
from grassroots.orgs import member_order, policy
from grassroots.orgs.ethnic_groups import ETHNIC_GROUPS
from grassroots.orgs.models import (
    Department,
    ImportBatch,
    Member,
    MemberStatusChange,
    OrgUnit,
    Transfer,
)

if TYPE_CHECKING:
    from grassroots.accounts.models import User
from grassroots.orgs.services import (
    DEPARTMENT_FIELDS,
    MEMBER_FIELDS,
    member_date_leaving,
    member_errors,
    member_fill_from_id_card,
    move_on_record_reason,
)
from grassroots.orgs.spreadsheet import (
    CellError,
    Column,
    RowError,
    SpreadsheetError,
    choice,
    date,
    parse_row,
    read_sheet,
    text,
    yes_no,
)
from grassroots.orgs.status_history import StatusState, history_rows, latest_changes

CHUNK = 2000


def _employee_number(value: Any) -> str:
    number = normalise_employee_number(text(32)(value))
    if number and not is_valid_employee_number(number):
        raise CellError(_("An employee number has letters, digits, hyphens or underscores only."))
    return number


def _phone(value: Any) -> str:
    raw = text(20)(value)
    if not raw:
        return ""
    phone = normalise_phone(raw)
    if not is_valid_mobile(phone):
        raise CellError(_("A mobile number has 11 digits and starts with 1, e.g. 13800138000."))
    return phone


def _id_card(value: Any) -> str:
    return text(18)(value).upper()


def _code(value: Any) -> str:
    return text(32)(value)


DEPARTMENT_COLUMNS = (
    Column("code", gettext_lazy("Department code"), ("部门编码", "编码"), True, _code),
    Column("name", gettext_lazy("Department name"), ("部门名称", "名称"), True, text(100)),
    Column("parent", gettext_lazy("Parent department code"), ("上级部门编码",), False, _code),
    Column(
        "kind", gettext_lazy("Department kind"), ("类型",), False, choice(Department.Kind.choices)
    ),
)

EMPLOYEE_COLUMNS = (
    Column("employee_number", gettext_lazy("Employee number"), ("工号",), True, _employee_number),
    Column("name", gettext_lazy("Name"), ("姓名",), True, text(64)),
    Column("phone", gettext_lazy("Mobile phone"), ("手机号", "手机"), False, _phone),
    Column("department", gettext_lazy("Department code"), ("部门编码",), False, _code),
    Column("has_disability", gettext_lazy("Has a disability"), ("残疾", "是否残疾"), False, yes_no),
)

MEMBER_COLUMNS = (
    Column("employee_number", gettext_lazy("Employee number"), ("工号",), True, _employee_number),
    Column("name", gettext_lazy("Name"), ("姓名",), False, text(64)),
    Column("stage", gettext_lazy("Stage"), ("发展阶段",), True, choice(Member.Stage.choices)),
    Column(
        "status",
        gettext_lazy("Membership status"),
        ("党籍状态",),
        False,
        choice(Member.Status.choices),
    ),
    Column("branch", gettext_lazy("Branch code"), ("支部编码", "所在支部编码"), True, _code),
    Column("group", gettext_lazy("Party group code"), ("党小组编码",), False, _code),
    Column("birth_date", gettext_lazy("Date of birth"), ("出生日期",), False, date),
    Column("gender", gettext_lazy("Gender"), ("性别",), False, choice(Member.Gender.choices)),
    Column(
        "ethnicity",
        gettext_lazy("Ethnic group"),
        ("民族",),
        False,
        choice([(name, name) for name in ETHNIC_GROUPS]),
    ),
    Column(
        "education", gettext_lazy("Education"), ("学历",), False, choice(Member.Education.choices)
    ),
    Column("applied_on", gettext_lazy("Applied on"), ("申请入党日期",), False, date),
    Column("activist_on", gettext_lazy("Became activist on"), ("确定积极分子日期",), False, date),
    Column("candidate_on", gettext_lazy("Became candidate on"), ("确定发展对象日期",), False, date),
    Column(
        "admitted_on",
        gettext_lazy("Admitted as probationary member on"),
        ("接收预备党员日期", "入党日期"),
        False,
        date,
    ),
    Column("full_on", gettext_lazy("Became full member on"), ("转正日期",), False, date),
    Column("is_mobile", gettext_lazy("Mobile member"), ("流动党员",), False, yes_no),
    Column("is_lost_contact", gettext_lazy("Out of contact"), ("失联",), False, yes_no),
    Column("id_card_number", gettext_lazy("ID card number"), ("身份证号",), False, _id_card),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportBatch.Kind.DEPARTMENTS.value: DEPARTMENT_COLUMNS,
    ImportBatch.Kind.EMPLOYEES.value: EMPLOYEE_COLUMNS,
    ImportBatch.Kind.MEMBERS.value: MEMBER_COLUMNS,
}


@dataclass
class Plan:
    """What a valid file would do: filled in by a checker, carried out by an applier."""

    errors: list[RowError]
    apply: Callable[[Any], tuple[int, int]] | None = None  # actor -> (created, updated)


def import_spreadsheet(
    *, actor: User, scope: Scope, kind: str, data: bytes, filename: str, max_rows: int
) -> ImportBatch:
    """Check a whole file and either import every row or none; always record a batch."""
    columns = COLUMNS[kind]
    row_count = 0
    try:
        sheet, errors = read_sheet(data, columns, max_rows=max_rows)
    except SpreadsheetError as error:
        sheet, errors = None, [RowError(0, "", "", str(error))]
    plan = Plan(errors=errors)
    if sheet is not None:
        row_count = len(sheet.rows)
        parsed: list[tuple[int, dict[str, Any]]] = []
        for number, cells in sheet.rows:
            values, row_errors = parse_row(number, cells, columns, sheet.columns)
            plan.errors.extend(row_errors)
            # Rows with a bad cell are still checked against the records (unknown
            # department, taken phone...) so that one pass reports every problem.
            if all(values.get(key) for key in KEY_COLUMNS[kind]):
                parsed.append((number, values))
        if row_count == 0:
            plan.errors.append(RowError(0, "", "", _("The file has headings but no rows.")))
        CHECKERS[kind](parsed, scope, plan)

    plan.errors = _first_error_per_cell(plan.errors)
    batch = ImportBatch(
        kind=kind,
        filename=filename[:200],
        created_by=actor,
        row_count=row_count,
        errors=[error.as_dict() for error in plan.errors],
    )
    if plan.errors or plan.apply is None:
        batch.outcome = ImportBatch.Outcome.REJECTED
        batch.save()
        return batch
    with transaction.atomic():
        created, updated = plan.apply(actor)
        batch.outcome = ImportBatch.Outcome.APPLIED
        batch.created_count = created
        batch.updated_count = updated
        batch.save()
        audit_record(
            actor=actor,
            action=f"import.{kind}",
            target=batch,
            extra={"rows": row_count, "created": created, "updated": updated},
        )
    return batch


def _duplicates(
    parsed: Iterable[tuple[int, dict[str, Any]]], key: str, header: Any, plan: Plan
) -> None:
    rows_by_value: dict[str, list[int]] = defaultdict(list)
    for number, values in parsed:
        if values.get(key):
            rows_by_value[values[key]].append(number)
    for value, rows in rows_by_value.items():
        if len(rows) > 1:
            for number in rows:
                plan.errors.append(
                    RowError(
                        number,
                        str(header),
                        value,
                        _("Appears more than once in this file (rows %(rows)s).")
                        % {"rows": ", ".join(str(row) for row in rows)},
                    )
                )


def _in_chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


# --- Departments ------------------------------------------------------------------------


def _check_departments(parsed: list[tuple[int, dict[str, Any]]], scope: Scope, plan: Plan) -> None:
    _duplicates(parsed, "code", DEPARTMENT_COLUMNS[0].header, plan)
    codes = [values["code"] for _n, values in parsed]
    parent_codes = sorted({values["parent"] for _n, values in parsed if values.get("parent")})
    existing = {
        department.code: department
        for chunk in _in_chunks(sorted(set(codes) | set(parent_codes)))
        for department in Department.objects.filter(code__in=chunk)
    }
    in_file = {values["code"]: (number, values) for number, values in parsed}

    # Every parent must exist in the database or in the file, and no cycles.
    for number, values in parsed:
        parent = values.get("parent")
        if not parent:
            continue
        if parent == values["code"]:
            plan.errors.append(
                RowError(
                    number,
                    str(DEPARTMENT_COLUMNS[2].header),
                    parent,
                    _("A department cannot be its own parent."),
                )
            )
        elif parent not in in_file and parent not in existing:
            plan.errors.append(
                RowError(
                    number,
                    str(DEPARTMENT_COLUMNS[2].header),
                    parent,
                    _("No department has this code, neither on record nor in this file."),
                )
            )
    for number, values in parsed:
        seen = {values["code"]}
        parent = values.get("parent")
        while parent in in_file:
            if parent in seen:
                plan.errors.append(
                    RowError(
                        number,
                        str(DEPARTMENT_COLUMNS[2].header),
                        values.get("parent", ""),
                        _("The parent codes in this file go round in a circle."),
                    )
                )
                break
            seen.add(parent)
            parent = in_file[parent][1].get("parent")
    if plan.errors:
        return

    def apply(actor: Any) -> tuple[int, int]:
        created = updated = 0
        known = dict(existing)
        audit: list[AuditEntry] = []
        pending = [values for _n, values in parsed]
        # Create level by level: a department is created once its parent has a path.
        while pending:
            ready = [v for v in pending if not v.get("parent") or v["parent"] in known]
            if not ready:  # pragma: no cover - cycles were refused above
                raise RuntimeError("department cycle")
            pending = [v for v in pending if v not in ready]
            new = []
            for values in ready:
                department = known.get(values["code"])
                parent = known.get(values["parent"]) if values.get("parent") else None
                if department is None:
                    department = Department(
                        code=values["code"],
                        name=values["name"],
                        kind=values.get("kind") or Department.Kind.OFFICE,
                        parent=parent,
                    )
                    new.append(department)
                else:
                    before = snapshot(department, DEPARTMENT_FIELDS)
                    department.name = values["name"]
                    if values.get("kind"):
                        department.kind = values["kind"]
                    department.save(update_fields=["name", "kind"])
                    if (
                        "parent" in values
                        and (parent.pk if parent else None) != department.parent_id
                    ):
                        Department.tree_move(department, parent)
                    after = snapshot(department, DEPARTMENT_FIELDS)
                    if before != after:
                        updated += 1
                        audit.append(
                            audit_entry(
                                actor=actor,
                                action="department.update",
                                target=department,
                                before=before,
                                after=after,
                            )
                        )
                known[values["code"]] = department
            if new:
                Department.objects.bulk_create(new, batch_size=CHUNK)
                if new[0].pk is None:  # backends that do not return ids
                    ids = dict(
                        Department.objects.filter(code__in=[d.code for d in new]).values_list(
                            "code", "pk"
                        )
                    )
                    for department in new:
                        department.pk = ids[department.code]
                Department.tree_fill_paths(new)
                created += len(new)
                audit.extend(
                    audit_entry(
                        actor=actor,
                        action="department.create",
                        target=department,
                        after=snapshot(department, DEPARTMENT_FIELDS),
                    )
                    for department in new
                )
        AuditEntry.objects.bulk_create(audit, batch_size=CHUNK)
        if created or updated:  # bulk writes send no signal: option lists, scopes
            option_lists.rows_changed(Department)
        return created, updated

    plan.apply = apply


# --- Employees --------------------------------------------------------------------------


def _check_employees(parsed: list[tuple[int, dict[str, Any]]], scope: Scope, plan: Plan) -> None:
    _duplicates(parsed, "employee_number", EMPLOYEE_COLUMNS[0].header, plan)
    _duplicates(parsed, "phone", EMPLOYEE_COLUMNS[2].header, plan)
    numbers = sorted({values["employee_number"] for _n, values in parsed})
    existing = {
        user.employee_number: user
        for chunk in _in_chunks(numbers)
        for user in accounts.users_with_employee_numbers(chunk)
    }
    department_codes = sorted(
        {values["department"] for _n, values in parsed if values.get("department")}
    )
    departments = {
        department.code: department
        for chunk in _in_chunks(department_codes)
        for department in Department.objects.filter(code__in=chunk, is_active=True)
    }
    phones = sorted({values["phone"] for _n, values in parsed if values.get("phone")})
    phone_owners = {
        phone: number
        for chunk in _in_chunks(phones)
        for phone, number in accounts.users_with_phones(chunk).values_list(
            "phone", "employee_number"
        )
    }
    for number, values in parsed:
        code = values.get("department")
        if code and code not in departments:
            plan.errors.append(
                RowError(
                    number,
                    str(EMPLOYEE_COLUMNS[3].header),
                    code,
                    _("No active department has this code; import the departments first."),
                )
            )
        phone = values.get("phone")
        owner = phone_owners.get(phone) if phone else None
        if owner is not None and owner != values["employee_number"]:
            plan.errors.append(
                RowError(
                    number,
                    str(EMPLOYEE_COLUMNS[2].header),
                    phone or "",
                    _("This mobile number belongs to employee %(number)s already.")
                    % {"number": owner},
                )
            )
    if plan.errors:
        return

    def apply(actor: Any) -> tuple[int, int]:
        new: list[dict[str, Any]] = []
        changed: list[User] = []
        audit: list[AuditEntry] = []
        for values in (v for _n, v in parsed):
            user = existing.get(values["employee_number"])
            department = departments.get(values["department"]) if values.get("department") else None
            if user is None:
                new.append(
                    {
                        "employee_number": values["employee_number"],
                        "name": values["name"],
                        "phone": values.get("phone") or None,
                        "department": department,
                        "has_disability": values.get("has_disability", False),
                    }
                )
                continue
            before = snapshot(user, USER_FIELDS)
            user.name = values["name"]
            if "phone" in values:
                user.phone = values["phone"] or None
            if "department" in values:
                user.department = department
            if "has_disability" in values:
                user.has_disability = values["has_disability"]
            after = snapshot(user, USER_FIELDS)
            if before != after:
                changed.append(user)
                audit.append(
                    audit_entry(
                        actor=actor, action="user.update", target=user, before=before, after=after
                    )
                )
        created = users_bulk_write(
            create=new,
            update=changed,
            update_fields=["name", "phone", "department", "has_disability"],
            batch_size=CHUNK,
        )
        audit.extend(
            audit_entry(
                actor=actor,
                action="user.create",
                target=user,
                after=snapshot(user, USER_FIELDS),
            )
            for user in created
        )
        AuditEntry.objects.bulk_create(audit, batch_size=CHUNK)
        return len(new), len(changed)

    plan.apply = apply


# --- Member records ---------------------------------------------------------------------


_MEMBER_HEADERS = {column.key: column.header for column in MEMBER_COLUMNS}


def _check_members(parsed: list[tuple[int, dict[str, Any]]], scope: Scope, plan: Plan) -> None:
    _duplicates(parsed, "employee_number", MEMBER_COLUMNS[0].header, plan)
    numbers = sorted({values["employee_number"] for _n, values in parsed})
    users = {
        user.employee_number: user
        for chunk in _in_chunks(numbers)
        for user in accounts.users_with_employee_numbers(chunk)
    }
    members = {
        member.user_id: member
        for chunk in _in_chunks([user.pk for user in users.values()])
        for member in Member.objects.filter(user_id__in=chunk).select_related("branch", "group")
    }
    unit_codes = sorted(
        {values[key] for _n, values in parsed for key in ("branch", "group") if values.get(key)}
    )
    units = {
        unit.code: unit
        for chunk in _in_chunks(unit_codes)
        for unit in OrgUnit.objects.filter(code__in=chunk, is_active=True)
    }
    today = timezone.localdate()
    rows: list[tuple[int, User, Member | None, dict[str, Any]]] = []
    for number, values in parsed:
        user = users.get(values["employee_number"])
        if user is None:
            plan.errors.append(
                RowError(
                    number,
                    str(_MEMBER_HEADERS["employee_number"]),
                    values["employee_number"],
                    _("No employee has this number; import the employees first."),
                )
            )
            continue
        if values.get("name") and values["name"] != user.name:
            plan.errors.append(
                RowError(
                    number,
                    str(_MEMBER_HEADERS["name"]),
                    values["name"],
                    _("The name on record for this employee number is %(name)s; check the row.")
                    % {"name": user.name},
                )
            )
        branch = units.get(values["branch"])
        if (
            branch is None
            or branch.kind != OrgUnit.Kind.BRANCH
            or not policy.can_create_member_in(scope, branch)
        ):
            plan.errors.append(
                RowError(
                    number,
                    str(_MEMBER_HEADERS["branch"]),
                    values["branch"],
                    _("No branch with this code in the organisations you oversee."),
                )
            )
            continue
        group = None
        if values.get("group"):
            group = units.get(values["group"])
            if group is None or group.kind != OrgUnit.Kind.GROUP:
                plan.errors.append(
                    RowError(
                        number,
                        str(_MEMBER_HEADERS["group"]),
                        values["group"],
                        _("No Party group has this code."),
                    )
                )
                continue
        member = members.get(user.pk)
        record: dict[str, Any] = {}
        if member is not None:
            record = {name: getattr(member, name) for name in MEMBER_FIELDS}
        for key in MEMBER_FIELDS:
            if key in values and key not in ("branch", "group"):
                record[key] = values[key]
        # An exported, masked ID number comes back unchanged rather than as an error.
        if "*" in (values.get("id_card_number") or ""):
            record["id_card_number"] = member.id_card_number if member else ""
        record["branch"] = branch
        record["group"] = group
        record["status"] = record.get("status") or Member.Status.NORMAL
        record.setdefault("ethnicity", "汉族")
        record["ethnicity"] = record["ethnicity"] or "汉族"
        for key in ("gender", "education", "id_card_number"):
            record[key] = record.get(key) or ""
        for key in ("is_mobile", "is_lost_contact"):
            record[key] = bool(record.get(key, False))
        member_fill_from_id_card(record)
        member_date_leaving(member, record, today=today)
        if member is not None and all(record[k] == getattr(member, k) for k in MEMBER_FIELDS):
            continue  # an unchanged row (a re-imported export) needs no permission
        if member is not None and not policy.can_edit_member(scope, member):
            plan.errors.append(
                RowError(
                    number,
                    str(_MEMBER_HEADERS["employee_number"]),
                    values["employee_number"],
                    _("This person's member record is kept by an organisation you do not oversee."),
                )
            )
            continue
        problems = member_errors(record, today=today)
        for key, message in problems.items():
            plan.errors.append(
                RowError(
                    number, str(_MEMBER_HEADERS.get(key, key)), _display(values.get(key)), message
                )
            )
        if not problems:
            rows.append((number, user, member, record))
    if plan.errors:
        return

    def apply(actor: Any) -> tuple[int, int]:
        new: list[Member] = []
        changed: list[Member] = []
        branch_before: dict[int, int] = {}
        status_before: dict[int, StatusState] = {}
        moves: list[Transfer] = []
        audit: list[AuditEntry] = []
        today = timezone.localdate()
        for _number, user, member, record in rows:
            if member is None:
                new.append(Member(user=user, **record))
                continue
            before = snapshot(member, MEMBER_FIELDS)
            branch_before[member.pk] = member.branch_id
            status_before[member.pk] = StatusState.of(member)
            old_branch, old_group = member.branch, member.group
            for key, value in record.items():
                setattr(member, key, value)
            after = snapshot(member, MEMBER_FIELDS)
            if member.branch_id != old_branch.pk:
                # As member_update does: a move on the record is a confirmed transfer
                # effective today, so that earlier years keep the old branch.
                moves.append(
                    Transfer.recorded_move(
                        member=member,
                        from_branch=old_branch,
                        from_group=old_group,
                        actor=actor,
                        on=today,
                        reason=move_on_record_reason(),
                    )
                )
            if before != after:
                changed.append(member)
                audit.append(
                    audit_entry(
                        actor=actor,
                        action="member.update",
                        target=member,
                        before=before,
                        after=after,
                        org_path=member.branch.path,
                    )
                )
        if changed:
            Member.objects.bulk_update(changed, list(MEMBER_FIELDS), batch_size=CHUNK)
            # bulk_update writes the values on the objects: the list keys of records
            # that changed branch are rewritten from the database instead.
            moved = [m.pk for m in changed if m.branch_id != branch_before[m.pk]]
            for start in range(0, len(moved), CHUNK):
                member_order.list_keys_refresh(
                    Member.objects.filter(pk__in=moved[start : start + CHUNK])
                )
        if new:
            Member.objects.bulk_create(new, batch_size=CHUNK)
            if new[0].pk is None:
                ids = dict(
                    Member.objects.filter(user_id__in=[m.user_id for m in new]).values_list(
                        "user_id", "pk"
                    )
                )
                for member in new:
                    member.pk = ids[member.user_id]
            audit.extend(
                audit_entry(
                    actor=actor,
                    action="member.create",
                    target=member,
                    after=snapshot(member, MEMBER_FIELDS),
                    org_path=member.branch.path,
                )
                for member in new
            )
        # As member_update and member_create do: a status changed (or a record opened)
        # by the import is appended to the status history, effective on the leaving
        # day, or today for a change to a status in good standing.
        history: list[MemberStatusChange] = []
        restated = [m for m in changed if StatusState.of(m) != status_before[m.pk]]
        for start in range(0, len(restated), CHUNK):
            part = restated[start : start + CHUNK]
            latest = latest_changes([m.pk for m in part])
            for member in part:
                history += history_rows(
                    member,
                    status_before[member.pk],
                    latest=latest.get(member.pk),
                    actor=actor,
                    status_on=today,
                )
        for member in new:
            history += history_rows(member, None, latest=None, actor=actor, status_on=today)
        MemberStatusChange.objects.bulk_create(history, batch_size=CHUNK)
        Transfer.objects.bulk_create(moves, batch_size=CHUNK)
        AuditEntry.objects.bulk_create(audit, batch_size=CHUNK)
        if new or changed:  # bulk writes send no signal: the people's scopes follow now
            option_lists.rows_changed(Member)
        return len(new), len(changed)

    plan.apply = apply


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, OrgUnit):
        return value.code
    return str(value)[:100]


Checker = Callable[[list[tuple[int, dict[str, Any]]], Scope, Plan], None]
CHECKERS: dict[str, Checker] = {
    ImportBatch.Kind.DEPARTMENTS.value: _check_departments,
    ImportBatch.Kind.EMPLOYEES.value: _check_employees,
    ImportBatch.Kind.MEMBERS.value: _check_members,
}

# Columns a row needs before it can be checked against the records at all.
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    ImportBatch.Kind.DEPARTMENTS.value: ("code",),
    ImportBatch.Kind.EMPLOYEES.value: ("employee_number",),
    ImportBatch.Kind.MEMBERS.value: ("employee_number", "branch"),
}


def _first_error_per_cell(errors: list[RowError]) -> list[RowError]:
    """One message per cell (the first found), ordered by row and column."""
    seen: set[tuple[int, str]] = set()
    kept = []
    for error in errors:
        if (error.row, error.column) not in seen or error.row == 0:
            seen.add((error.row, error.column))
            kept.append(error)
    return sorted(kept, key=lambda error: (error.row, error.column))


def import_rows(
    *, actor: User, scope: Scope, kind: str, rows: Sequence[dict[str, Any]]
) -> tuple[list[RowError], tuple[int, int]]:
    """Rows that come from elsewhere than a file (a messenger's directory), checked and
    applied by the same rules as a file's, inside the caller's transaction. Returns the
    errors (nothing written when there are any) and (created, updated)."""
    plan = Plan(errors=[])
    CHECKERS[kind](list(enumerate(rows, start=1)), scope, plan)
    plan.errors = _first_error_per_cell(plan.errors)
    if plan.errors or plan.apply is None:
        return plan.errors, (0, 0)
    return [], plan.apply(actor)
