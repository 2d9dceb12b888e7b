from __future__ import annotations

from typing import Any

from django import template
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (for paging links)."""
    request = context["request"]
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag
def query_string(values: dict[str, Any]) -> str:
    return urlencode({key: value for key, value in values.items() if value not in (None, "")})


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """0.4567 → 45.7%; None (nothing to divide by) → —."""
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"
