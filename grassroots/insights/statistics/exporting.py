"""The year's tables as an Excel workbook laid out like the paper tables: a sheet per
section, each table under its title with the category, the count, and the share with
its denominator; then the cross-checks and the year-on-year comparison.

Organisation names are typed by people: text that starts like a formula is stored as
text (grassroots.orgs.dues.exporting.safe_cell), never evaluated on opening.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from grassroots.insights.statistics.tables import Comparison, YearStatistics
from grassroots.orgs.dues.exporting import safe_cell


def statistics_workbook(statistics: YearStatistics, comparison: list[Comparison]) -> bytes:
    workbook = Workbook(write_only=True)
    heading = _("%(unit)s: Party statistics as of %(day)s") % {
        "unit": statistics.unit.name,
        "day": statistics.on.isoformat(),
    }
    for section in statistics.sections:
        sheet = workbook.create_sheet(title=section.title[:31])
        sheet.append([safe_cell(sheet, heading)])
        for table in section.tables:
            sheet.append([])
            sheet.append([safe_cell(sheet, table.title)])
            sheet.append(
                [
                    pgettext("statistics", "Item"),
                    pgettext("statistics", "Number"),
                    _("Of (denominator)"),
                    _("Share"),
                ]
            )
            for row in table.rows:
                sheet.append(
                    [
                        safe_cell(sheet, row.label),
                        row.count,
                        row.whole,
                        None if row.share is None else round(row.share, 4),
                    ]
                )
    checks = workbook.create_sheet(title=_("Cross-checks")[:31])
    checks.append([safe_cell(checks, heading)])
    checks.append([_("Check"), _("Expected"), _("Found"), _("Result")])
    for check in statistics.checks:
        checks.append(
            [
                safe_cell(checks, check.label),
                check.expected,
                check.actual,
                _("Agrees") if check.passed else _("DOES NOT AGREE"),
            ]
        )
    compared = workbook.create_sheet(title=_("Year on year")[:31])
    compared.append([safe_cell(compared, heading)])
    compared.append(
        [
            _("Table"),
            pgettext("statistics", "Item"),
            str(statistics.year),
            str(statistics.year - 1),
            pgettext("statistics", "Change"),
        ]
    )
    for figure in comparison:
        compared.append(
            [
                safe_cell(compared, figure.table),
                safe_cell(compared, figure.label),
                figure.this_year,
                figure.last_year,
                figure.change,
            ]
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
