"""The handler's list of appeals as an Excel file (for meetings and paper files).

An anonymous appeal's row says "anonymous" where a named one has the submitter; nothing
else about the person exists to export.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.appeals.models import Appeal
from grassroots.core.satisfaction import Satisfaction
from grassroots.orgs.spreadsheet import workbook_bytes


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _submitter(appeal: Appeal) -> str:
    if appeal.is_anonymous or appeal.submitter is None:
        return _("anonymous")
    return appeal.submitter.name


def _satisfaction(value: str) -> str:
    return str(Satisfaction(value).label) if value in Satisfaction.values else ""


def appeal_rows(appeals: Iterable[Appeal]) -> Iterator[list[Any]]:
    for appeal in appeals:  # with the submitter loaded (select_related)
        yield [
            appeal.number,
            appeal.title,
            str(appeal.category),
            appeal.get_status_display(),
            appeal.get_urgency_display(),
            _when(appeal.created_at),
            _when(appeal.current_due_at) if appeal.is_open else "",
            appeal.unit.name,
            appeal.department.name if appeal.department else "",
            _submitter(appeal),
            appeal.assignee.name if appeal.assignee else "",
            getattr(appeal, "me_too_count", 0),  # annotated by the selector
            _satisfaction(appeal.satisfaction),
        ]


def appeals_workbook(appeals: Iterable[Appeal]) -> bytes:
    headers = [
        _("Number"),
        _("Title"),
        _("Category"),
        _("Status"),
        _("Urgency"),
        _("Submitted at"),
        _("Due"),
        _("Handled by"),
        _("Department concerned"),
        _("Submitter"),
        _("Assigned to"),
        _("Me too"),
        _("Satisfaction"),
    ]
    return workbook_bytes(_("Appeals"), [str(h) for h in headers], appeal_rows(appeals))
