"""What would the cheapest fixes proposed in docs/benchmarks.md buy? Measured, not guessed.

Applies three of them in this process only (run-time patches; the app's code is not
changed) and then runs bench/run.py with the same arguments:

1. Member loses its default ordering (`user__employee_number`). Stands for adding
   `.order_by()` to the aggregate querysets in grassroots/insights/structure.py,
   grassroots/orgs/selectors.py (unit_stage_counts) and grassroots/orgs/health.py
   (units_health): Django leaves the ORDER BY out of an aggregate but keeps the
   INNER JOIN to accounts_user (a million rows) that the ordering needs.
2. OrgPost loses its default ordering (`unit`, …), which joins orgs_orgunit into the
   post count of units_health for the same reason.
3. `OrgPost.Kind.committee_values()` is computed once instead of once per post row in
   units_health (25,600 calls on the group committee's home page).

The member list orders explicitly and the branch page sorts posts in Python, so the
pages show the same thing. Run as bench/run.py, e.g.:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench \\
        .venv/bin/python bench/proposed_fixes.py --out bench/results/full-scale-pg.md
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run


def apply_fixes() -> None:
    import django

    django.setup()
    from grassroots.orgs.models import Member, OrgPost

    Member._meta.ordering = []
    OrgPost._meta.ordering = []
    committee_values = OrgPost.Kind.committee_values()
    OrgPost.Kind.committee_values = classmethod(lambda cls: committee_values)  # type: ignore[method-assign, assignment]


if __name__ == "__main__":
    apply_fixes()
    run.main(variant="with three proposed fixes applied at run time (bench/proposed_fixes.py)")
