from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.selectors import audit_entries
from grassroots.insights import policy as insights_policy
from grassroots.insights.home import home_context
from grassroots.insights.structure import member_structure
from grassroots.orgs import policy
from grassroots.orgs.selectors import filterable_units, unit_choices, unit_from_parameter


@login_required
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    context = home_context(request.user, scope, now=timezone.now())
    return render(request, "insights/home.html", context)


@login_required
@require_GET
def structure(request: AuthenticatedRequest) -> HttpResponse:
    """Structure analysis for a unit the user oversees (their first one by default)."""
    scope = scope_for(request.user)
    units = filterable_units(scope)
    chosen = unit_from_parameter(scope, request.GET.get("unit"))
    if chosen is not None:
        if not policy.can_view_structure(scope, chosen):
            raise Http404
        unit = chosen
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


@login_required
@require_GET
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    """Who did what: everything for administrators, a committee's subtree for its
    officers (and enterprise-wide entries for officers of a top-level committee)."""
    scope = scope_for(request.user)
    if not insights_policy.can_view_audit_log(scope):
        raise Http404
    entries = audit_entries(
        everything=scope.is_admin,
        subtrees=scope.committee_paths,
        enterprise_wide=scope.oversees_a_root,
    )
    action = request.GET.get("action", "").strip()[:64]
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "insights/audit_log.html", {"page_obj": page, "action": action})
