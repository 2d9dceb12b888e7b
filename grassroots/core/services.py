"""Writes owned by core: rule parameters."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from grassroots.core import parameters
from grassroots.core.audit import audit_record
from grassroots.core.models import RuleParameter


@transaction.atomic
def parameter_set(*, actor: Any, key: str, value: Any) -> RuleParameter:
    """Change the value in force for a rule parameter (validated, audited)."""
    definition = parameters.REGISTRY[key]
    cleaned = definition.clean(value)
    row, _ = RuleParameter.objects.select_for_update().get_or_create(
        key=key, defaults={"value": definition.default}
    )
    before = {"value": row.value}
    row.value = cleaned
    row.updated_by = actor
    row.save(update_fields=["value", "updated_by", "updated_at"])
    audit_record(
        actor=actor, action="parameter.set", target=row, before=before, after={"value": cleaned}
    )
    transaction.on_commit(parameters.forget_cached_values)
    return row
