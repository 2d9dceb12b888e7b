"""Reads owned by core: the audit log, scoped to the reader."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from grassroots.accounts.scope import Scope
from grassroots.core.models import AuditEntry
from grassroots.core.tree import within_any


def can_view_audit_log(scope: Scope) -> bool:
    return scope.is_admin or scope.is_committee_officer


def visible_audit_entries(scope: Scope) -> QuerySet[AuditEntry]:
    """Committee officers read the entries of their subtree; officers of a top-level
    committee also read enterprise-wide entries (departments, employees, imports)."""
    entries = AuditEntry.objects.select_related("actor", "target_type")
    if scope.is_admin:
        return entries
    condition = within_any(scope.committee_paths, field="org_path")
    if scope.oversees_a_root:
        condition |= Q(org_path="")
    return entries.filter(condition)
