from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.insights.home import home_context
from grassroots.insights.structure import member_structure
from grassroots.orgs import policy
from grassroots.orgs.selectors import filterable_units, get_unit_for, unit_choices


@login_required
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    context = home_context(request.user, scope, today=timezone.localdate())
    return render(request, "insights/home.html", context)


@login_required
@require_GET
def structure(request: AuthenticatedRequest) -> HttpResponse:
    """Structure analysis for a unit the user oversees (their first one by default)."""
    scope = scope_for(request.user)
    units = filterable_units(scope)
    raw = request.GET.get("unit", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        unit = get_unit_for(scope, int(raw))
        if not policy.can_view_structure(scope, unit):
            raise Http404
    else:
        first = units.order_by("depth", "path").first()
        if first is None:
            raise Http404
        unit = first
    result = member_structure(unit, on=timezone.localdate())
    return render(
        request,
        "insights/structure.html",
        {
            "structure": result,
            "units": unit_choices(units, unit),
            "charts": {f"chart-data-{b.key}": b.chart for b in result.breakdowns},
        },
    )
