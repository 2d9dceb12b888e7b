"""Reads owned by core: the audit log. Core knows nothing of people's roles, so the
caller (a page above the access layer) says which part of the log the reader may see."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q, QuerySet

from grassroots.core.models import AuditEntry
from grassroots.core.tree import within_any


def audit_entries(
    *, everything: bool, subtrees: Sequence[str] = (), enterprise_wide: bool = False
) -> QuerySet[AuditEntry]:
    """All entries (`everything`), or those of the organisations within `subtrees` and,
    with `enterprise_wide`, those about no organisation (departments, employees,
    imports)."""
    entries = AuditEntry.objects.select_related("actor", "target_type")
    if everything:
        return entries
    condition = within_any(tuple(subtrees), field="org_path")
    if enterprise_wide:
        condition |= Q(org_path="")
    return entries.filter(condition)
