"""Exporting member lists to Excel, in the same columns the import reads.

An exported file can be corrected and imported again; ID numbers are masked for
readers who may not see them, and a masked number imports as "unchanged".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from grassroots.accounts.scope import Scope
from grassroots.orgs import policy, rules
from grassroots.orgs.importing import COLUMNS, MEMBER_COLUMNS
from grassroots.orgs.models import ImportBatch, Member
from grassroots.orgs.spreadsheet import workbook_bytes


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def member_rows(members: Iterable[Member], scope: Scope) -> Iterator[list[Any]]:
    for member in members:
        id_number = member.id_card_number
        if id_number and not policy.can_view_id_card_number(scope, member):
            id_number = rules.mask_id_card_number(id_number)
        yield [
            member.user.employee_number,
            member.user.name,
            member.get_stage_display(),
            member.get_status_display(),
            member.branch.code,
            member.group.code if member.group else "",
            member.birth_date,
            member.get_gender_display(),
            member.ethnicity,
            member.get_education_display(),
            member.applied_on,
            member.activist_on,
            member.candidate_on,
            member.admitted_on,
            member.full_on,
            _yes_no(member.is_mobile),
            _yes_no(member.is_lost_contact),
            id_number,
        ]


def members_workbook(members: Iterable[Member], scope: Scope) -> bytes:
    return workbook_bytes(
        _("Members"),
        [str(column.header) for column in MEMBER_COLUMNS],
        member_rows(members, scope),
    )


def template_workbook(kind: str) -> bytes:
    """An empty file with the headings of a kind, and a sheet explaining each column."""
    columns = COLUMNS[kind]
    notes = [(_("Column"), _("Required"))] + [
        (str(column.header), _("yes") if column.required else _("no")) for column in columns
    ]
    headers = [str(column.header) for column in columns]
    return workbook_bytes(str(ImportBatch.Kind(kind).label), headers, [], notes=notes)


def error_report_workbook(batch: ImportBatch) -> bytes:
    headers = [_("Row"), _("Column"), _("Value in the file"), _("Problem")]
    rows = [
        [error["row"] or "", error["column"], error["value"], error["message"]]
        for error in batch.errors
    ]
    return workbook_bytes(_("Problems"), headers, rows)
