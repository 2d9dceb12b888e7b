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
from grassroots.service.coverage import selectors
from grassroots.service.deeds import policy

YEARS_BACK = 5


def _number(raw: str | None, choices: tuple[int, ...] | range) -> int | None:
    if raw is None or not raw.strip().isdigit():
        return None
    value = int(raw)
    return value if value in choices else None


@login_required
@require_GET
def coverage(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    units = list(policy.units_to_manage(scope).only("name", "kind", "path"))
    if not units:
        raise Http404
    wanted = request.GET.get("unit", "")
    unit = units[0]
    if wanted:
        unit = next((u for u in units if str(u.pk) == wanted), None)  # type: ignore[assignment]
        if unit is None or not policy.can_see_coverage(scope, unit):
            raise Http404
    today = timezone.localdate()
    years = range(today.year - YEARS_BACK, today.year + 2)
    year = _number(request.GET.get("year"), years) or today.year
    quarter = _number(request.GET.get("quarter"), selectors.QUARTERS)
    result = selectors.coverage(unit, selectors.Period(year, quarter))
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
            "chart": chart,
        },
    )
