"""The insights' entries in the header navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from grassroots.accounts.navigation import NavEntry, register
from grassroots.insights import policy
from grassroots.insights.topics import policy as topics_policy

register(
    NavEntry("home", _("Home"), order=10, phone_rank=10),
    NavEntry(
        "insights:structure", _("Structure analysis"), order=80, shown=policy.may_open_structure
    ),
    NavEntry(
        "insights:statistics",
        _("Party statistics"),
        order=85,
        shown=policy.may_open_statistics,
    ),
    NavEntry("insights:dashboard", _("Dashboard"), order=78, shown=policy.may_open_my_dashboard),
    NavEntry("insights:topics", _("Hot topics"), order=86, shown=topics_policy.may_open),
    NavEntry("insights:audit_log", _("Audit log"), order=120, shown=policy.may_open_audit_log),
)
