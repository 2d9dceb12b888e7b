"""What every page's header needs: the site name, display preferences, the navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from grassroots.accounts import navigation


def navigation_context(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {
        "site_name": settings.GRASSROOTS_SITE_NAME,
        "display": getattr(request, "display", {"large_text": False, "high_contrast": False}),
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or navigation.header_is_light(request):
        return context
    if request.headers.get("HX-Request"):
        # a part of a page asked by htmx (the similar-appeals panel, a run's progress):
        # no header is drawn, so the navigation and the unread count are not worked out
        return context
    for contribute in navigation.context_sources():
        context.update(contribute(user))
    context["nav_items"] = navigation.items_for(request)
    context["nav_more"] = [item for item in context["nav_items"] if not item["on_phone"]]
    context["nav_more_current"] = any(item["current"] for item in context["nav_more"])
    return context
