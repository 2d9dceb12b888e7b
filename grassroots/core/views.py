from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def health(request: HttpRequest) -> HttpResponse:
    """For load balancers and the run script: the process answers."""
    return HttpResponse("ok", content_type="text/plain")
