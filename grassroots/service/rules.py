"""Pure rules shared by the service carriers: the five services (五个服务, RULES.md)."""

from __future__ import annotations

MASSES, REFORM, DEVELOPMENT, MEMBERS, SOCIETY = (
    "masses",
    "reform",
    "development",
    "members",
    "society",
)
SERVICE_DOMAINS = (MASSES, REFORM, DEVELOPMENT, MEMBERS, SOCIETY)
