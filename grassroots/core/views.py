from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core import selectors


@login_required
@require_GET
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not selectors.can_view_audit_log(scope):
        raise Http404
    entries = selectors.visible_audit_entries(scope)
    action = request.GET.get("action", "").strip()[:64]
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page_obj": page, "action": action})


def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and the run script: the process answers."""
    return HttpResponse("ok", content_type="text/plain")
