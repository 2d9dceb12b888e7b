"""The service hub: the service carriers in one place."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.service import policy


@login_required
@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Each person sees the parts they have a use for."""
    scope = scope_for(request.user)
    officer = scope.is_admin or scope.is_officer
    return render(
        request,
        "service/home.html",
        {
            "officer": officer,
            "member": policy.is_party_member(request.user),
            "pairings": officer or policy.is_party_member(request.user),
        },
    )
