"""The openness catalogue every enterprise starts with (RULES, "Openness"): what a Party
committee, a general branch and a branch publish, to whom and how often. What each item
contains is said in `vocabulary.KIND_NOTES`, translated; an administrator changes the
items in the admin, and `catalogue_sync` never overwrites a changed one."""

from __future__ import annotations

from typing import Any

# notice kind, audience, frequency, timing, days allowed
DEFAULT_ITEMS = (
    ("work_plan", "enterprise", "year", "within", 90),
    ("work_summary", "enterprise", "year", "after", 31),
    ("dues", "members", "year", "after", 60),
    ("meetings", "members", "year", "after", 31),
    ("deeds", "enterprise", "year", "within", 90),
    ("evaluation", "members", "year", "after", 90),
    ("development", "enterprise", "event", "within", 0),
    ("commendation", "enterprise", "event", "within", 0),
    ("adoption", "enterprise", "event", "within", 0),
)
UNIT_KINDS = ("committee", "general_branch", "branch")


def catalogue_sync(model: Any = None) -> None:
    """Add the default items an enterprise lacks (a migration passes its historical
    model; tests call it after a transactional test emptied the table)."""
    if model is None:
        from grassroots.openness.models import CatalogueItem

        model = CatalogueItem
    for unit_kind in UNIT_KINDS:
        for kind, audience, frequency, timing, grace in DEFAULT_ITEMS:
            model.objects.get_or_create(
                unit_kind=unit_kind,
                notice_kind=kind,
                defaults={
                    "audience": audience,
                    "frequency": frequency,
                    "timing": timing,
                    "grace_days": grace,
                },
            )
