"""The three rates for an organisation and a period, and a comparison of the units,
categories, departments and members under it (seen by its officers only)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from grassroots.accounts.models import User
from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.appeals import policy, rates
from grassroots.appeals.models import Appeal, Category
from grassroots.orgs.models import Department, OrgUnit
from grassroots.orgs.selectors import filterable_units, get_unit_for, unit_choices

DIMENSION_LABELS = {
    "unit": gettext_lazy("Organisations below"),
    "category": gettext_lazy("Categories"),
    "department": gettext_lazy("Departments concerned"),
    "assignee": gettext_lazy("Members handling"),
}


def _labels(dimension: str, unit: OrgUnit, keys: list[Any]) -> dict[Any, str]:
    if dimension == "unit":
        units = OrgUnit.objects.filter(path__in=[k for k in keys if k])
        named = {u.path: u.name for u in units}
        return {key: named.get(key, unit.name if key == unit.path else str(key)) for key in keys}
    model: Any = {"category": Category, "department": Department, "assignee": User}[dimension]
    found = model.objects.in_bulk([k for k in keys if k is not None])
    return {key: (str(found[key]) if key in found else _("Not recorded")) for key in keys}


@login_required
@require_GET
def rates_page(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    units = filterable_units(scope)
    raw = request.GET.get("unit", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        unit = get_unit_for(scope, int(raw))
    else:
        first = units.order_by("depth", "path").first()
        if first is None:
            raise Http404
        unit = first
    if not policy.can_view_rates(scope, unit.path):
        raise Http404
    today = timezone.localdate()
    try:
        period = rates.parse_period(request.GET.get("period", ""), today=today)
    except ValueError:
        raise Http404 from None
    # A branch has no organisations below that handle appeals: compare its categories.
    default = "category" if unit.kind in (OrgUnit.Kind.BRANCH, OrgUnit.Kind.GROUP) else "unit"
    dimension = request.GET.get("by", default)
    if dimension not in rates.DIMENSIONS:
        dimension = default
    now = timezone.now()
    appeals = Appeal.objects.all()
    whole = rates.rate_counts(appeals, period=period, now=now, unit_path=unit.path).get(None)
    groups = rates.rate_counts(
        appeals, period=period, now=now, unit_path=unit.path, dimension=dimension
    )
    labels = _labels(dimension, unit, list(groups))
    rows = sorted(
        (
            {"label": labels[key], "rates": rates.rates_for(counts)}
            for key, counts in groups.items()
        ),
        key=lambda row: str(row["label"]),
    )
    return render(
        request,
        "appeals/rates.html",
        {
            "unit": unit,
            "units": unit_choices(units, unit),
            "period": period,
            "summary": rates.rates_for(whole) if whole else rates.rates_for(rates.RateCounts()),
            "rows": rows,
            "dimension": dimension,
            "dimension_label": DIMENSION_LABELS[dimension],
            "dimensions": DIMENSION_LABELS,
            "periods": _period_choices(today),
        },
    )


def _period_choices(today: Any) -> list[tuple[str, str]]:
    choices = []
    year, month = today.year, today.month
    for _offset in range(12):
        key = f"{year}-{month:02d}"
        choices.append((key, rates.parse_period(key, today=today).label))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    quarter = (today.month - 1) // 3 + 1
    for offset in range(4):
        q, y = quarter - offset, today.year
        while q <= 0:
            q, y = q + 4, y - 1
        key = f"{y}-Q{q}"
        choices.append((key, rates.parse_period(key, today=today).label))
    for y in (today.year, today.year - 1):
        choices.append((str(y), str(y)))
    return choices
