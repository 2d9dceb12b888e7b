"""Reading and writing .xlsx files: columns, cell parsing and plain-language errors.

The importers in `importing.py` describe their columns here; this module turns cells
into Python values or into a `RowError` a clerk can act on ("row 7, 出生日期: “1968/13/01”
is not a date; write it like 1968-03-05").
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import override as language_override
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.exceptions import InvalidFileException

from grassroots.core.downloads import XLSX_CONTENT_TYPE


class CellError(ValueError):
    """A cell whose content cannot be used; the message says why and how to fix it."""


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read (not an xlsx, too big, no header row...)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # lazy translation: the heading in the reader's language
    aliases: tuple[str, ...] = ()  # other accepted headings (the Chinese and English ones)
    required: bool = False
    parse: Callable[[Any], Any] = field(default=lambda value: value)
    hint: Any = ""

    def headings(self) -> set[str]:
        names = {_normalise_heading(alias) for alias in self.aliases}
        names.add(_normalise_heading(str(self.header)))
        with language_override("zh-hans"):
            names.add(_normalise_heading(str(self.header)))
        with language_override("en"):
            names.add(_normalise_heading(str(self.header)))
        return names


def _normalise_heading(text: str) -> str:
    return re.sub(r"[\s*＊（）()]", "", text).lower()


# --- Cell parsers -----------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as text: numbers typed into text columns lose their ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


def text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        result = cell_text(value)
        if len(result) > max_length:
            raise CellError(
                _("Too long: at most %(max)s characters (this has %(count)s).")
                % {"max": max_length, "count": len(result)}
            )
        if any(ord(ch) < 32 for ch in result):
            raise CellError(_("Contains control characters; retype the text."))
        return result

    return parse


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def date(value: Any) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = cell_text(value)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise CellError(_("Not a date; write it like 1968-03-05."))


_YES = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
_NO = {"否", "n", "no", "false", "0", "", "无"}


def yes_no(value: Any) -> bool:
    raw = cell_text(value).lower()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellError(_("Write 是 (yes) or 否 (no)."))


def choice(choices: Iterable[tuple[str, Any]]) -> Callable[[Any], str]:
    """Accept a choice's stored value or its label in Chinese or English."""
    choice_list = list(choices)

    def parse(value: Any) -> str:
        raw = cell_text(value)
        if raw == "":
            return ""
        wanted = raw.lower()
        for stored, label in choice_list:
            names = {stored.lower(), str(label).lower()}
            with language_override("zh-hans"):
                names.add(str(label).lower())
            with language_override("en"):
                names.add(str(label).lower())
            if wanted in names:
                return stored
        with language_override(None):
            allowed = "、".join(str(label) for _stored, label in choice_list)
        raise CellError(_("Not one of the allowed values: %(allowed)s.") % {"allowed": allowed})

    return parse


# --- Reading ----------------------------------------------------------------------------


@dataclass
class Sheet:
    columns: dict[str, int]  # column key -> index in the row
    rows: list[tuple[int, tuple[Any, ...]]]  # (Excel row number, cells)


def read_sheet(
    data: bytes, columns: Sequence[Column], *, max_rows: int
) -> tuple[Sheet | None, list[RowError]]:
    """Read the first sheet: match headings to columns, return the non-empty rows."""
    if not data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(
            _(
                "This is not an Excel .xlsx file. "
                "Save it as “Excel Workbook (*.xlsx)” and try again."
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise SpreadsheetError(_("This file is not an Excel workbook."))
            if sum(info.file_size for info in archive.infolist()) > 200 * len(data) + 50_000_000:
                raise SpreadsheetError(
                    _("This file expands to an implausible size; it is refused.")
                )
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        if isinstance(error, SpreadsheetError):
            raise
        raise SpreadsheetError(_("The file could not be read as an Excel workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        iterator: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        header = next(iterator, None)
        if header is None:
            raise SpreadsheetError(_("The file is empty: the first row must hold the headings."))
        mapping: dict[str, int] = {}
        by_heading = {heading: column for column in columns for heading in column.headings()}
        for index, cell in enumerate(header):
            column = by_heading.get(_normalise_heading(cell_text(cell)))
            if column is not None and column.key not in mapping:
                mapping[column.key] = index
        missing = [column for column in columns if column.required and column.key not in mapping]
        if missing:
            return None, [
                RowError(
                    1,
                    str(column.header),
                    "",
                    _("This required column is missing from the heading row."),
                )
                for column in missing
            ]
        rows: list[tuple[int, tuple[Any, ...]]] = []
        for number, cells in enumerate(iterator, start=2):
            if all(cell is None or cell_text(cell) == "" for cell in cells):
                continue
            rows.append((number, cells))
            if len(rows) > max_rows:
                raise SpreadsheetError(
                    _("The file has more than %(max)s rows; split it into smaller files.")
                    % {"max": max_rows}
                )
        return Sheet(mapping, rows), []
    finally:
        workbook.close()


def parse_row(
    number: int, cells: tuple[Any, ...], columns: Sequence[Column], mapping: dict[str, int]
) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for column in columns:
        index = mapping.get(column.key)
        raw = cells[index] if index is not None and index < len(cells) else None
        if column.required and cell_text(raw) == "":
            errors.append(RowError(number, str(column.header), "", _("Required: fill it in.")))
            continue
        if index is None:
            continue
        try:
            values[column.key] = column.parse(raw)
        except CellError as error:
            errors.append(RowError(number, str(column.header), cell_text(raw)[:100], str(error)))
    return values, errors


# --- Writing ----------------------------------------------------------------------------


def workbook_bytes(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    notes: Sequence[tuple[str, str]] = (),
) -> bytes:
    """A one-sheet workbook (plus an optional notes sheet), written in streaming mode."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_safe_cell(sheet, value) for value in row])
    if notes:
        notes_sheet = workbook.create_sheet(title=str(gettext_lazy("Notes"))[:31])
        for note in notes:
            notes_sheet.append(list(note))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _safe_cell(sheet: Any, value: Any) -> Any:
    """Text that starts like a formula is written as plain text, so that opening an
    export never evaluates anything a person typed (formula injection)."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


__all__ = [
    "XLSX_CONTENT_TYPE",
    "CellError",
    "Column",
    "RowError",
    "Sheet",
    "SpreadsheetError",
    "cell_text",
    "choice",
    "date",
    "parse_row",
    "read_sheet",
    "text",
    "workbook_bytes",
    "yes_no",
]
