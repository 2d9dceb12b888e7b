"""Excel exports of the dues for the finance department: a branch's month, member by
member (billed, paid, outstanding, with totals), and the month's ledger entries.

The base is sensitive: its columns are filled only for members whose base the reader
may see (policy.can_see_base). Text a person typed that starts like a formula (= + - @)
is written as text marked with Excel's quote prefix, so that opening the file never
evaluates it (formula injection).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from grassroots.orgs.dues import policy, selectors
from grassroots.orgs.dues.policy import DuesOffices
from grassroots.orgs.models import OrgUnit

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(sheet: Any, value: Any) -> Any:
    """A cell value that opening the file cannot evaluate: text starting like a formula
    is stored as text with the quote prefix (shown unchanged, never computed)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


def _sheet(
    workbook: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([safe_cell(sheet, header) for header in headers])
    for row in rows:
        sheet.append([safe_cell(sheet, value) for value in row])


def branch_month_workbook(offices: DuesOffices, branch: OrgUnit, month: datetime.date) -> bytes:
    """The branch's month for the finance department: a sheet of members and a sheet of
    the month's ledger entries."""
    book = selectors.branch_month(branch, month)
    rows = []
    for row in book.rows:
        shows_base = row.base is not None and policy.can_see_base(offices, row.member)
        rows.append(
            [
                row.member.user.employee_number,
                row.member.user.name,
                row.base.get_kind_display() if shows_base and row.base else "",
                row.base.amount if shows_base and row.base else None,
                row.bill.amount if row.bill else None,
                row.paid if row.bill else None,
                row.outstanding if row.bill else None,
                _("paid")
                if row.is_paid
                else (_("not billed") if row.bill is None else _("unpaid")),
            ]
        )
    rows.append(
        [
            _("Total"),
            "",
            "",
            None,
            book.book.billed,
            book.book.paid,
            book.book.outstanding,
            "",
        ]
    )
    workbook = Workbook(write_only=True)
    _sheet(
        workbook,
        _("Dues %(month)s") % {"month": f"{book.month:%Y-%m}"},
        [
            _("Employee number"),
            _("Name"),
            _("Kind of member"),
            _("Monthly base"),
            _("Billed"),
            _("Paid"),
            _("Outstanding"),
            _("State"),
        ],
        rows,
    )
    entries = selectors.ledger_month(branch, book.month)
    _sheet(
        workbook,
        _("Ledger"),
        [
            _("Day paid"),
            _("Employee number"),
            _("Name"),
            _("Entry"),
            _("Dues month"),
            _("Amount"),
            _("How it was paid"),
            _("Reason"),
            _("Reverses entry"),
            _("Entry number"),
        ],
        (
            [
                entry.paid_on,
                entry.member.user.employee_number,
                entry.member.user.name,
                entry.get_kind_display(),
                f"{entry.bill.month:%Y-%m}" if entry.bill else "",
                entry.amount,
                entry.get_method_display(),
                entry.reason,
                entry.reverses_id or "",
                entry.pk,
            ]
            for entry in entries
        ),
    )
    _sheet(
        workbook,
        _("About"),
        [_("Branch"), _("Month"), _("Closed")],
        [[branch.name, f"{book.month:%Y-%m}", _("yes") if book.closed else _("no")]],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_workbook(headers: Sequence[str], title: str) -> bytes:
    """An empty file with an import's headings."""
    workbook = Workbook(write_only=True)
    _sheet(workbook, title, headers, [])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
