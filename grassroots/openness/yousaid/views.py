"""The "you said, we did" (你说我改) page: public, read without signing in. The
outcome wall's appeals and the delivered deeds are public; of the adoption reports, a
visitor sees those published to the public, and a person signed in also those that
reach them (a consultation of the enterprise's employees, of their department)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from grassroots.accounts.scope import scope_for
from grassroots.core.request_values import MAX_ID
from grassroots.openness.selectors import reach_of
from grassroots.openness.yousaid import selectors
from grassroots.orgs.selectors import unit_by_id


@require_GET
def page(request: HttpRequest, unit_id: int) -> HttpResponse:
    # An id past what the database holds is as missing as any other.
    unit = unit_by_id(unit_id) if unit_id <= MAX_ID else None
    if unit is None:
        raise Http404
    older_than = selectors.Cursor.decode(request.GET.get("older"))
    reach = reach_of(scope_for(request.user), request.user)
    result = selectors.you_said_we_did(unit, older_than=older_than, reach=reach)
    return render(
        request,
        "openness/yousaid/page.html",
        {
            "unit": unit,
            "entries": result.entries,
            "older": result.older.encode() if result.older else "",
            "is_first_page": older_than is None,
        },
    )
