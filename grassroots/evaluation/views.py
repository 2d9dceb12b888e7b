"""The evaluation hub: each part of evaluation in one place, shown to those it concerns."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for


@login_required
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    return render(
        request,
        "evaluation/home.html",
        {"officer": scope.is_admin or scope.is_officer},
    )
