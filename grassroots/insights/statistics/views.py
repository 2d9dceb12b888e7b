"""The statistics page and its Excel export: a year and a unit of the officer's subtree."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.downloads import xlsx_response
from grassroots.insights import policy
from grassroots.insights.statistics import periods
from grassroots.insights.statistics.exporting import statistics_workbook
from grassroots.insights.statistics.tables import statistics_for_year, year_on_year
from grassroots.orgs.selectors import filterable_units, unit_choices, unit_from_parameter


def _choice(request: AuthenticatedRequest) -> tuple[Any, Any, int | None]:
    """The units offered, the unit chosen (the first by default) and the year (None: not
    a year with tables). 404 for a unit out of scope, as for one that does not exist."""
    scope = scope_for(request.user)
    if not policy.may_open_statistics(scope):
        raise Http404
    units = filterable_units(scope)
    first = units.order_by("depth", "path").first()
    unit = unit_from_parameter(scope, request.GET.get("unit"), default=first, among=units)
    if unit is None:
        raise Http404
    year = periods.parse_year(request.GET.get("year"), timezone.localdate())
    return units, unit, year


@login_required
@require_GET
def statistics(request: AuthenticatedRequest) -> HttpResponse:
    """The year's tables, their cross-checks and the year before, for a unit in scope."""
    units, unit, year = _choice(request)
    today = timezone.localdate()
    year_error = year is None
    if year is None:
        year = periods.default_year(today)
    current = statistics_for_year(unit, year)
    previous = statistics_for_year(unit, year - 1)
    return render(
        request,
        "insights/statistics.html",
        {
            "statistics": current,
            "comparison": year_on_year(current, previous),
            "units": unit_choices(units, unit),
            "years": periods.year_choices(today),
            "year_error": year_error,
        },
        status=400 if year_error else 200,
    )


@login_required
@require_GET
def statistics_export(request: AuthenticatedRequest) -> HttpResponse:
    """The same tables as an Excel workbook laid out like the paper tables."""
    _units, unit, year = _choice(request)
    if year is None:
        raise Http404
    current = statistics_for_year(unit, year)
    previous = statistics_for_year(unit, year - 1)
    content = statistics_workbook(current, year_on_year(current, previous))
    return xlsx_response(content, f"party-statistics-{year}-{unit.pk}.xlsx")
