"""The openness catalogue page: for an officer, the items of the organisations where
they hold office that are not published in time (`?overdue=1`), or every item of one
organisation they oversee (`?unit=`), each with the period due, the notice that covers
it and a link to draft that notice from the records."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.request_values import object_id
from grassroots.openness import policy
from grassroots.openness.catalogue import selectors
from grassroots.openness.catalogue.todos import own_units
from grassroots.openness.vocabulary import KIND_NOTES, NoticeKind
from grassroots.orgs import selectors as orgs


@login_required
@require_GET
def catalogue(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not policy.can_publish(scope):
        raise Http404
    today = timezone.localdate()
    raw_unit = request.GET.get("unit")
    if raw_unit is not None:
        unit = orgs.unit_by_id(object_id(raw_unit))
        if unit is None or not policy.can_publish_for(scope, unit):
            raise Http404
        units = [unit]
    else:
        unit = None
        units = own_units(scope)
    overdue_only = request.GET.get("overdue") == "1"
    states = selectors.states_of(units, today=today)
    rows = [
        (each, state, state.item.note or KIND_NOTES.get(state.item.notice_kind, ""))
        for each in units
        for state in states[each.pk]
        if state.overdue or not overdue_only
    ]
    return render(
        request,
        "openness/catalogue/page.html",
        {
            "unit": unit,
            "units": units,
            "rows": rows,
            "overdue_only": overdue_only,
            "adoption": NoticeKind.ADOPTION.value,
        },
    )
