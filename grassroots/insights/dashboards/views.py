"""Dashboards: an organisation's for its officers (?unit= and ?period=, 404 for an
organisation outside what they oversee), a person's own for everyone; each table also
as an Excel file, with the same filters and the same scope."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import Scope, scope_for
from grassroots.core.downloads import xlsx_response
from grassroots.core.periods import MONTH, QUARTER, YEAR, Period
from grassroots.insights import policy
from grassroots.insights.dashboards import published
from grassroots.insights.dashboards.personal import personal_tables
from grassroots.insights.dashboards.tables import Table
from grassroots.orgs.selectors import filterable_units, unit_choices, unit_from_parameter
from grassroots.orgs.spreadsheet import workbook_bytes


def period_choices(today: datetime.date) -> list[tuple[str, str]]:
    """This year and the last two, the last four quarters, the last twelve months."""
    choices: list[Period] = [Period.year(today.year - n) for n in range(3)]
    quarter = Period.of(today, QUARTER)
    for _offset in range(4):
        choices.append(quarter)
        quarter = quarter.previous()
    month = Period.of(today, MONTH)
    for _offset in range(12):
        choices.append(month)
        month = month.previous()
    return [(period.key, period.label) for period in choices]


def _chosen(request: AuthenticatedRequest, scope: Scope) -> tuple[Any, Any, Period]:
    units = filterable_units(scope)
    unit = unit_from_parameter(scope, request.GET.get("unit"))
    if unit is None:
        unit = units.order_by("depth", "path").first()
        if unit is None:
            raise Http404
    if not policy.can_view_dashboard(scope, unit.path):
        raise Http404
    today = timezone.localdate()
    try:
        period = Period.parse(request.GET.get("period"), default=Period.of(today, YEAR))
    except ValueError:
        raise Http404 from None
    if period.kind not in (MONTH, QUARTER, YEAR):
        raise Http404
    return units, unit, period


@login_required
@require_GET
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not policy.may_open_dashboard(scope):
        return HttpResponseRedirect(reverse("insights:my_dashboard"))
    units, unit, period = _chosen(request, scope)
    worked = published.dashboard_for(scope, unit, period, now=timezone.now())
    return render(
        request,
        "insights/dashboards/dashboard.html",
        {
            "unit": unit,
            "units": unit_choices(units, unit),
            "period": period,
            "periods": period_choices(timezone.localdate()),
            "tables": worked.value.tables,
            "as_of": worked.at,
            "charts": {table.chart_id: table.chart for table in worked.value.tables if table.chart},
            "export_query": f"unit={unit.pk}&period={period.key}",
        },
    )


@login_required
@require_GET
def dashboard_export(request: AuthenticatedRequest, key: str) -> HttpResponse:
    """One table of the dashboard as an Excel file: the same figures, the same scope."""
    scope = scope_for(request.user)
    if not policy.may_open_dashboard(scope):
        raise Http404
    _units, unit, period = _chosen(request, scope)
    table = published.dashboard_for(scope, unit, period, now=timezone.now()).value.table(key)
    if table is None:
        raise Http404
    return xlsx_response(_workbook(table), f"dashboard-{key}-{unit.pk}-{period.key}.xlsx")


@login_required
@require_GET
def my_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    tables = personal_tables(request.user, today=timezone.localdate())
    return render(
        request,
        "insights/dashboards/mine.html",
        {
            "tables": tables,
            "charts": {table.chart_id: table.chart for table in tables if table.chart},
            "is_officer": policy.may_open_dashboard(scope_for(request.user)),
        },
    )


@login_required
@require_GET
def my_dashboard_export(request: AuthenticatedRequest, key: str) -> HttpResponse:
    tables = personal_tables(request.user, today=timezone.localdate())
    table = next((each for each in tables if each.key == key), None)
    if table is None:
        raise Http404
    return xlsx_response(_workbook(table), f"my-dashboard-{key}.xlsx")


def _workbook(table: Table) -> bytes:
    rows = (
        [
            row.label,
            *(
                cell.value if cell.value is not None and cell.text == str(cell.value) else cell.text
                for cell in row.cells
            ),
        ]
        for row in table.rows
    )
    notes = [(_("Table"), table.caption)]
    if table.note:
        notes.append((_("Note"), table.note))
    return workbook_bytes(table.title, [table.row_header, *table.columns], rows, notes=notes)
