"""The schemes card of the evaluation hub: what it shows depends on who is looking."""

from __future__ import annotations

from typing import Any

from django import template

from grassroots.accounts.scope import scope_for
from grassroots.evaluation.schemes import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def schemes_card(context: Any) -> dict[str, bool]:
    """Whether the person defines schemes (committee officers) and whether they have
    results of their own to read (any officer)."""
    scope = scope_for(context["request"].user)
    return {
        "assessor": policy.may_open_schemes(scope),
        "results": scope.is_admin or scope.is_officer,
    }
