"""The hub card of the democratic appraisal asks whether it concerns the person."""

from __future__ import annotations

from typing import Any

from django import template

from grassroots.accounts.scope import scope_for
from grassroots.evaluation.appraisal import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def appraisal_concerns_me(context: Any) -> bool:
    request = context.get("request")
    return request is not None and policy.may_open_hub_card(scope_for(request.user))
