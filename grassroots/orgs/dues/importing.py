"""Importing dues from Excel: the members' bases from the payroll file, and a month's
payroll deductions as payments.

Like the member import (orgs/importing.py, whose spreadsheet reading this reuses), a file
is all or nothing: every row is checked first and every problem reported row by row;
only a file without problems is shown for confirmation, and confirming writes every row
through the dues services in one transaction — or, should a service still refuse one
row, none.

A checked file travels to the confirmation as its parsed rows (JSON-able dicts), and
confirming checks those rows again against the records as they are then.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts import selectors as accounts
from grassroots.orgs.dues import policy, rules, services
from grassroots.orgs.dues.models import DuesBase, DuesBill, DuesMonthClose, DuesPayment
from grassroots.orgs.dues.policy import DuesOffices
from grassroots.orgs.importing import _employee_number
from grassroots.orgs.models import Member
from grassroots.orgs.spreadsheet import (
    CellError,
    Column,
    RowError,
    SpreadsheetError,
    cell_text,
    choice,
    date,
    parse_row,
    read_sheet,
    text,
)
from grassroots.orgs.vocabulary import MemberStage

Row = dict[str, Any]  # one parsed row, JSON-able: {"row": 7, "employee_number": ..., ...}


def _amount(value: Any) -> str:
    """A sum of 元 as text ("4500.00"): a number cell, or text with commas or 元."""
    if isinstance(value, bool):
        raise CellError(_("Not a number; write the amount in 元, e.g. 4500.00."))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        raw = re.sub(r"[,，\s元]", "", cell_text(value))
        try:
            number = Decimal(raw)
        except InvalidOperation:
            raise CellError(_("Not a number; write the amount in 元, e.g. 4500.00.")) from None
    if not number.is_finite():
        raise CellError(_("Not a number; write the amount in 元, e.g. 4500.00."))
    if number < 0:
        raise CellError(_("The amount cannot be negative."))
    if number != rules.money(number):
        raise CellError(_("Write the amount to the fen at most (two decimal places)."))
    if number > rules.AMOUNT_MAX:
        raise CellError(_("This amount is too large for a monthly base."))
    return str(rules.money(number))


_MONTH = re.compile(r"^(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?$|^(\d{4})(\d{2})$")


def _month(value: Any) -> str:
    """A month as "2026-03-01": a date cell, 2026-03, 2026/3, 2026年3月, 202603 or a day."""
    if not isinstance(value, datetime.date):
        match = _MONTH.match(cell_text(value))
        if match:
            year, month = (int(part) for part in match.groups() if part is not None)
            if 1 <= month <= 12 and year >= 1900:
                return datetime.date(year, month, 1).isoformat()
            raise CellError(_("Not a month; write it like 2026-03."))
    try:
        day = date(value)
    except CellError:
        raise CellError(_("Not a month; write it like 2026-03.")) from None
    if day is None:
        raise CellError(_("Not a month; write it like 2026-03."))
    return rules.month_of(day).isoformat()


BASE_COLUMNS = (
    Column("employee_number", gettext_lazy("Employee number"), ("工号",), True, _employee_number),
    Column("name", gettext_lazy("Name"), ("姓名",), True, text(64)),
    Column(
        "kind",
        gettext_lazy("Kind of member"),
        ("人员类别", "类别"),
        True,
        choice(DuesBase.Kind.choices),
    ),
    Column(
        "amount", gettext_lazy("Monthly base"), ("月缴费基数", "缴费基数", "基数"), True, _amount
    ),
    Column("from_month", gettext_lazy("From month"), ("起始月份", "起算月份"), True, _month),
)

DEDUCTION_COLUMNS = (
    Column("employee_number", gettext_lazy("Employee number"), ("工号",), True, _employee_number),
    Column("name", gettext_lazy("Name"), ("姓名",), False, text(64)),
    Column("month", gettext_lazy("Dues month"), ("党费月份", "月份"), True, _month),
    Column("amount", gettext_lazy("Amount deducted"), ("扣缴金额", "金额"), True, _amount),
)


@dataclass
class Checked:
    """A checked file: its rows (to confirm), the problems found, and what would be
    written when there are none."""

    rows: list[Row]
    errors: list[RowError]
    writes: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.writes)


def _read(data: bytes, columns: Sequence[Column], *, max_rows: int) -> tuple[list[Row], list]:
    try:
        sheet, errors = read_sheet(data, columns, max_rows=max_rows)
    except SpreadsheetError as error:
        return [], [RowError(0, "", "", str(error))]
    if sheet is None:
        return [], errors
    rows: list[Row] = []
    for number, cells in sheet.rows:
        values, row_errors = parse_row(number, cells, columns, sheet.columns)
        errors.extend(row_errors)
        rows.append({"row": number, **values, "complete": not row_errors})
    if not sheet.rows:
        errors.append(RowError(0, "", "", _("The file has headings but no rows.")))
    return rows, errors


def _header(columns: Sequence[Column], key: str) -> str:
    return str(next(column.header for column in columns if column.key == key))


def _members(rows: list[Row]) -> dict[str, tuple[Any, Member | None]]:
    """employee number -> (user, their member record or None), in two queries."""
    numbers = sorted({row["employee_number"] for row in rows if row.get("employee_number")})
    users = {user.employee_number: user for user in accounts.users_with_employee_numbers(numbers)}
    members = {
        member.user_id: member
        for member in Member.objects.filter(user_id__in=[u.pk for u in users.values()])
        .select_related("branch")
        .order_by()
    }
    return {number: (user, members.get(user.pk)) for number, user in users.items()}


def _member_for(
    row: Row,
    found: dict[str, tuple[Any, Member | None]],
    offices: DuesOffices,
    columns: Sequence[Column],
    errors: list[RowError],
) -> Member | None:
    """The row's member when the officer keeps their branch's dues; else a row error."""
    number = row.get("employee_number") or ""
    user, member = found.get(number, (None, None))
    heading = _header(columns, "employee_number")
    if user is None or member is None:
        errors.append(
            RowError(row["row"], heading, number, _("No member has this employee number."))
        )
        return None
    if not policy.can_keep(offices, member.branch):
        errors.append(
            RowError(
                row["row"],
                heading,
                number,
                _("This member is not in a branch whose dues you keep."),
            )
        )
        return None
    if row.get("name") and row["name"] != user.name:
        errors.append(
            RowError(
                row["row"],
                _header(columns, "name"),
                row["name"],
                _("The name on record for this employee number is %(name)s; check the row.")
                % {"name": user.name},
            )
        )
    if member.stage not in MemberStage.party_member_values():
        errors.append(RowError(row["row"], heading, number, _("Only Party members pay dues.")))
        return None
    return member


def _duplicates(rows: list[Row], keys: tuple[str, str], heading: str, errors: list) -> None:
    seen: dict[tuple[Any, Any], list[int]] = defaultdict(list)
    for row in rows:
        if all(row.get(key) for key in keys):
            seen[(row[keys[0]], row[keys[1]])].append(row["row"])
    for (number, _month_value), found in seen.items():
        if len(found) > 1:
            for row_number in found:
                errors.append(
                    RowError(
                        row_number,
                        heading,
                        number,
                        _("Appears more than once in this file for the same month (rows %(rows)s).")
                        % {"rows": ", ".join(str(n) for n in found)},
                    )
                )


def _sorted(errors: list[RowError]) -> list[RowError]:
    """One message per cell (the first found), ordered by row and column."""
    seen: set[tuple[int, str]] = set()
    kept = []
    for error in errors:
        if (error.row, error.column) not in seen or error.row == 0:
            seen.add((error.row, error.column))
            kept.append(error)
    return sorted(kept, key=lambda error: (error.row, error.column))


# --- Bases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseWrite:
    row: int
    member: Member
    kind: str
    amount: Decimal
    from_month: datetime.date


def bases_read(data: bytes, *, offices: DuesOffices, max_rows: int) -> Checked:
    """Read and check a payroll file of bases."""
    rows, errors = _read(data, BASE_COLUMNS, max_rows=max_rows)
    return bases_check(rows, offices=offices, errors=errors)


def bases_check(
    rows: list[Row], *, offices: DuesOffices, errors: list[RowError] | None = None
) -> Checked:
    """Check parsed rows against the records: the member is known and in a branch whose
    dues the officer keeps, the name matches, the amount suits the kind (a farmer's
    0.20–1.00 元), and no bill has been made from that month on."""
    errors = list(errors or [])
    _duplicates(
        rows, ("employee_number", "from_month"), _header(BASE_COLUMNS, "employee_number"), errors
    )
    found = _members(rows)
    checked: list[tuple[Row, Member]] = []
    for row in rows:
        if not row.get("employee_number"):
            continue
        member = _member_for(row, found, offices, BASE_COLUMNS, errors)
        if member is not None and row.get("complete", True):
            checked.append((row, member))
    billed: dict[int, datetime.date] = dict(
        DuesBill.objects.filter(member__in=[member for _r, member in checked])
        .values("member_id")
        .annotate(last=Max("month"))
        .values_list("member_id", "last")
    )
    writes = []
    for row, member in checked:
        month = datetime.date.fromisoformat(row["from_month"])
        amount = Decimal(row["amount"])
        try:
            rules.monthly_due(row["kind"], amount)
        except rules.DuesRuleError as error:
            message = (
                _("A farmer pays between 0.20 and 1.00 元 a month: write that amount.")
                if str(error) == "farmer_range"
                else _("This amount is too large for a monthly base.")
            )
            errors.append(
                RowError(row["row"], _header(BASE_COLUMNS, "amount"), row["amount"], message)
            )
            continue
        last = billed.get(member.pk)
        if last is not None and last >= month:
            errors.append(
                RowError(
                    row["row"],
                    _header(BASE_COLUMNS, "from_month"),
                    f"{month:%Y-%m}",
                    _(
                        "Bills have already been made from %(month)s: set the new base from a "
                        "later month."
                    )
                    % {"month": f"{month:%Y-%m}"},
                )
            )
            continue
        writes.append(BaseWrite(row["row"], member, row["kind"], amount, month))
    return Checked(rows, _sorted(errors), writes)


class ImportRefusedError(Exception):
    """A service refused a row at confirmation: nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("import refused")
        self.errors = errors


def _service_errors(row: int, error: ValidationError) -> list[RowError]:
    return [RowError(row, "", "", message) for message in error.messages]


def bases_apply(*, actor: Any, checked: Checked) -> int:
    """Set every base through services.base_set in one transaction: all or none."""
    problems: list[RowError] = []
    with transaction.atomic():
        for write in checked.writes:
            try:
                with transaction.atomic():
                    services.base_set(
                        actor=actor,
                        member=write.member,
                        kind=write.kind,
                        amount=write.amount,
                        from_month=write.from_month,
                    )
            except ValidationError as error:
                problems.extend(_service_errors(write.row, error))
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise ImportRefusedError(problems)
    return len(checked.writes)


# --- Payroll deductions -----------------------------------------------------------------


@dataclass(frozen=True)
class DeductionWrite:
    rows: tuple[int, ...]
    member: Member
    months: tuple[datetime.date, ...]


def deductions_read(
    data: bytes,
    *,
    offices: DuesOffices,
    paid_on: datetime.date,
    today: datetime.date,
    max_rows: int,
) -> Checked:
    rows, errors = _read(data, DEDUCTION_COLUMNS, max_rows=max_rows)
    return deductions_check(rows, offices=offices, paid_on=paid_on, today=today, errors=errors)


def deductions_check(
    rows: list[Row],
    *,
    offices: DuesOffices,
    paid_on: datetime.date,
    today: datetime.date,
    errors: list[RowError] | None = None,
) -> Checked:
    """Check deduction rows: the member is in a branch the officer keeps, the month has
    a bill not yet paid, within the back-payment limit, the amount is exactly the bill,
    and the branch's month of the payday is not closed."""
    errors = list(errors or [])
    heading_month = _header(DEDUCTION_COLUMNS, "month")
    heading_amount = _header(DEDUCTION_COLUMNS, "amount")
    _duplicates(
        rows, ("employee_number", "month"), _header(DEDUCTION_COLUMNS, "employee_number"), errors
    )
    found = _members(rows)
    checked: list[tuple[Row, Member]] = []
    for row in rows:
        if not row.get("employee_number"):
            continue
        member = _member_for(row, found, offices, DEDUCTION_COLUMNS, errors)
        if member is not None and row.get("complete", True):
            checked.append((row, member))
    months = {row["month"] for row, _m in checked}
    bills = {
        (bill.member_id, bill.month.isoformat()): bill
        for bill in DuesBill.objects.filter(
            member__in=[member for _r, member in checked], month__in=sorted(months)
        )
    }
    net = dict(
        DuesPayment.objects.filter(bill__in=[bill.pk for bill in bills.values()])
        .values("bill_id")
        .annotate(total=Sum("amount"))
        .values_list("bill_id", "total")
    )
    closed = set(
        DuesMonthClose.objects.filter(
            branch_id__in={bill.branch_id for bill in bills.values()},
            month=rules.month_of(paid_on),
        ).values_list("branch_id", flat=True)
    )
    per_member: dict[int, tuple[Member, list[int], list[datetime.date]]] = {}
    for row, member in checked:
        bill = bills.get((member.pk, row["month"]))
        month = datetime.date.fromisoformat(row["month"])
        label = f"{month:%Y-%m}"
        problem = None
        if bill is None:
            problem = (heading_month, _("%(month)s has no bill.") % {"month": label})
        elif (net.get(bill.pk) or rules.ZERO) >= bill.amount:
            problem = (heading_month, _("%(month)s is already paid.") % {"month": label})
        elif not rules.may_pay_back(month, today=today):
            problem = (
                heading_month,
                _("%(month)s is more than %(limit)d months back: back payment stops there.")
                % {"month": label, "limit": rules.BACK_PAYMENT_MONTHS},
            )
        elif bill.branch_id in closed:
            problem = (
                heading_month,
                _("The branch's month %(booked)s is closed: no payment can be booked in it.")
                % {"booked": f"{paid_on:%Y-%m}"},
            )
        elif Decimal(row["amount"]) != bill.amount - (net.get(bill.pk) or rules.ZERO):
            problem = (
                heading_amount,
                _("The bill for %(month)s is %(due)s 元: the deduction must equal it.")
                % {"month": label, "due": bill.amount - (net.get(bill.pk) or rules.ZERO)},
            )
        if problem:
            column, message = problem
            value = row["amount"] if column == heading_amount else label
            errors.append(RowError(row["row"], column, value, message))
            continue
        _m, numbers, wanted = per_member.setdefault(member.pk, (member, [], []))
        numbers.append(row["row"])
        wanted.append(month)
    writes = [
        DeductionWrite(tuple(numbers), member, tuple(sorted(wanted)))
        for member, numbers, wanted in per_member.values()
    ]
    return Checked(rows, _sorted(errors), writes)


def deductions_apply(
    *, actor: Any, checked: Checked, paid_on: datetime.date, today: datetime.date, key: str
) -> int:
    """Record each member's deducted months through services.payment_record (method
    payroll) in one transaction: all or none. `key` makes a second confirmation of the
    same checked file record nothing more."""
    problems: list[RowError] = []
    count = 0
    with transaction.atomic():
        for write in checked.writes:
            try:
                with transaction.atomic():
                    entries = services.payment_record(
                        actor=actor,
                        member=write.member,
                        months=list(write.months),
                        method=DuesPayment.Method.PAYROLL,
                        paid_on=paid_on,
                        today=today,
                        idempotency_key=f"{key}-{write.member.pk}",
                    )
                    count += len(entries)
            except ValidationError as error:
                problems.extend(_service_errors(write.rows[0], error))
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise ImportRefusedError(problems)
    return count


def deductions_already_recorded(key: str) -> bool:
    """Whether a confirmation with this key was recorded already (a double submit)."""
    return DuesPayment.objects.filter(idempotency_key__startswith=f"{key}-").exists()
