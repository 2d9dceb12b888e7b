"""The "you said, we did" (你说我改) page: public, read without signing in. A person
who is signed in sees exactly what the public sees (the page is made of what was
published to everyone), so the page has one audience and one test for it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from grassroots.core.request_values import MAX_ID
from grassroots.openness.yousaid import selectors
from grassroots.orgs.selectors import unit_by_id


@require_GET
def page(request: HttpRequest, unit_id: int) -> HttpResponse:
    # An id past what the database holds is as missing as any other.
    unit = unit_by_id(unit_id) if unit_id <= MAX_ID else None
    if unit is None:
        raise Http404
    older_than = selectors.Cursor.decode(request.GET.get("older"))
    result = selectors.you_said_we_did(unit, older_than=older_than)
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
