"""The three rates for an organisation and a period, and a comparison of the units,
categories, departments and members under it (seen by its officers only)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.accounts.selectors import users_by_ids
from grassroots.appeals import policy, rates, selectors
from grassroots.appeals.models import Category
from grassroots.core.periods import MONTH, QUARTER, Period
from grassroots.orgs.selectors import (
    departments_by_ids,
    filterable_units,
    unit_choices,
    unit_from_parameter,
    units_at_paths_any,
)
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

DIMENSION_LABELS = {
    "unit": gettext_lazy("Organisations below"),
    "category": gettext_lazy("Categories"),
    "department": gettext_lazy("Departments concerned"),
    "assignee": gettext_lazy("Members handling"),
}


def _labels(dimension: str, unit: OrgUnit, keys: list[Any]) -> dict[Any, str]:
    if dimension == "unit":
        named = {u.path: u.name for u in units_at_paths_any([k for k in keys if k])}
        return {key: named.get(key, unit.name if key == unit.path else str(key)) for key in keys}
    ids = [k for k in keys if k is not None]
    rows: Any = {
        "category": Category.objects.filter(pk__in=ids),
        "department": departments_by_ids(ids),
        "assignee": users_by_ids(ids),
    }[dimension]
    found = {row.pk: row for row in rows}
    return {key: (str(found[key]) if key in found else _("Not recorded")) for key in keys}


@login_required
@require_GET
def rates_page(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    units = filterable_units(scope)
    # An explicitly chosen organisation that is not a valid id, or not one this person
    # may see, is 404; without one, the top of what they oversee.
    unit = unit_from_parameter(scope, request.GET.get("unit"))
    if unit is None:
        unit = units.order_by("depth", "path").first()
        if unit is None:
            raise Http404
    if not policy.can_view_rates(scope, unit.path):
        raise Http404
    today = timezone.localdate()
    try:
        period = Period.parse(request.GET.get("period", ""), default=Period.of(today, MONTH))
    except ValueError:
        raise Http404 from None
    # A branch has no organisations below that handle appeals: compare its categories.
    default = "category" if unit.kind in (UnitKind.BRANCH, UnitKind.GROUP) else "unit"
    dimension = request.GET.get("by", default)
    if dimension not in rates.DIMENSIONS:
        dimension = default
    breakdown = selectors.rate_breakdown(unit, period, dimension=dimension, now=timezone.now())
    labels = _labels(dimension, unit, list(breakdown.groups))
    rows = sorted(
        (
            {"label": labels[key], "rates": rates.rates_for(counts)}
            for key, counts in breakdown.groups.items()
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
            "summary": rates.rates_for(breakdown.whole),
            "rows": rows,
            "dimension": dimension,
            "dimension_label": DIMENSION_LABELS[dimension],
            "dimensions": DIMENSION_LABELS,
            "periods": _period_choices(today),
        },
    )


def _period_choices(today: datetime.date) -> list[tuple[str, str]]:
    """The last twelve months, the last four quarters, this year and the last."""
    choices: list[Period] = []
    month = Period.of(today, MONTH)
    for _offset in range(12):
        choices.append(month)
        month = month.previous()
    quarter = Period.of(today, QUARTER)
    for _offset in range(4):
        choices.append(quarter)
        quarter = quarter.previous()
    choices += [Period.year(today.year), Period.year(today.year - 1)]
    return [(period.key, period.label) for period in choices]
