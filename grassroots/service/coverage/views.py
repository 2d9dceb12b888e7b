"""The five-services coverage chart of an organisation, for its officers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.periods import QUARTER, YEAR, Period
from grassroots.core.request_values import positive_int
from grassroots.orgs.selectors import unit_from_parameter
from grassroots.service.coverage import selectors
from grassroots.service.deeds import policy

YEARS_BACK = 5


def _period(request: AuthenticatedRequest, years: range) -> Period:
    """`?period=2026-Q2` or `?period=2026`, else `?year=` with an optional `?quarter=`;
    anything else (another kind of period, a year out of range, `²`) is this year."""
    this_year = Period.year(timezone.localdate().year)
    if "period" in request.GET:
        try:
            period = Period.parse(request.GET["period"], default=this_year)
        except ValueError:
            return this_year
        ok = period.kind in (QUARTER, YEAR) and period.first.year in years
        return period if ok else this_year
    year = positive_int(request.GET.get("year"))
    if year is None or year not in years:
        return this_year
    quarter = positive_int(request.GET.get("quarter"), maximum=len(selectors.QUARTERS))
    return Period.year(year) if quarter is None else Period.quarter(year, quarter)


@login_required
@require_GET
def coverage(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    units = list(policy.units_to_manage(scope).only("name", "kind", "path"))
    if not units:
        raise Http404
    unit = unit_from_parameter(scope, request.GET.get("unit"), default=units[0], among=units)
    if unit is None or not policy.can_see_coverage(scope, unit):
        raise Http404
    today = timezone.localdate()
    years = range(today.year - YEARS_BACK, today.year + 2)
    period = _period(request, years)
    result = selectors.coverage(unit, period)
    chart = result.chart()
    names = {
        "activities": _("Activities"),
        "deeds": _("Practical deeds"),
        "posts": _("Service posts"),
        "appeals": _("Appeals"),
    }
    for series in chart["series"]:  # type: ignore[attr-defined]
        series["name"] = names[series["key"]]
    return render(
        request,
        "service/coverage/coverage.html",
        {
            "coverage": result,
            "units": units,
            "years": list(reversed(years)),
            "quarters": selectors.QUARTERS,
            "selected_year": period.first.year,
            "selected_quarter": (period.first.month - 1) // 3 + 1
            if period.kind == QUARTER
            else None,
            "chart": chart,
        },
    )
