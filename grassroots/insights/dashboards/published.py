"""A committee's dashboard worked out ahead by the scheduler, for its officers to read.

Why: a group committee's appeals of a year (half a million rows) counted by month and
category, its five-services coverage (which counts the appeals received too) and the
meeting compliance of 11,000 branches and groups are, read live at full scale, more than
the page's 300 ms (docs/benchmarks.md, "Dashboards"). Every five minutes the scheduler
works out the dashboard of each top-level organisation a committee officer holds (the
group committee), for this year
(the page's default), and puts it in the shared cache (`core.published`, as the home
page's oversight); the page reads it there and says when it was worked out. Any other
organisation or period, or nothing fresh there, is worked out on the spot.

The published figures are those of a committee officer of the organisation with no
other role: their queue holds the appeals of the subtree other than conduct complaints
(作风问题). A person who also sees conduct complaints (a discipline officer), co-handled
appeals (a department liaison) or everything (an administrator) gets their own figures,
worked out on the spot, so that a count and its drill-down agree; nobody is shown a
count of more than their own queue holds.

What is published is the figures only (`officers.Figures`: numbers, ids, paths, codes,
dates, the names kept in the records), never the tables' text: each person chooses
their language, so titles, captions, column names, notes and labels are written when
the page is read, in the reader's language (`officers.dashboard_from`, no query).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from grassroots.accounts import selectors as accounts
from grassroots.accounts.roles import Role
from grassroots.accounts.scope import Scope
from grassroots.core.periods import YEAR, Period
from grassroots.core.published import Published, Worked
from grassroots.core.scheduling import periodic
from grassroots.insights.dashboards.officers import (
    Dashboard,
    Figures,
    dashboard_from,
    officer_dashboard,
    officer_figures,
)
from grassroots.orgs import selectors as orgs

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

PUBLISH_EVERY = datetime.timedelta(minutes=5)


def _committee_scope(path: str) -> Scope:
    """The scope of a committee officer of the organisation at `path` and nothing more."""
    return Scope(org_paths={Role.COMMITTEE_OFFICER: (path,)})


def _build(key: tuple[int, str, datetime.date]) -> Figures | None:
    unit_id, period_key, today = key
    unit = orgs.unit_by_id(unit_id)
    if unit is None:
        return None
    period = Period.parse(period_key, default=Period.of(today, YEAR))
    return officer_figures(
        _committee_scope(unit.path), unit, period, today=today, now=timezone.now()
    )


_published = Published(
    "insights.dashboard_figures",
    _build,
    key_text=lambda key: f"{key[0]}:{key[1]}:{key[2].isoformat()}",
    fresh_for=datetime.timedelta(minutes=10),
)


def _plain_committee_officer(scope: Scope, unit: OrgUnit) -> bool:
    return (
        not scope.is_admin
        and not scope.department_paths
        and not scope.paths_for(Role.DISCIPLINE_OFFICER)
        and scope.oversees_as_committee(unit.path)
    )


def dashboard_for(
    scope: Scope, unit: OrgUnit, period: Period, *, now: datetime.datetime
) -> Worked[Dashboard]:
    """The dashboard as this person may see it: published when theirs is the committee
    officer's view of a published organisation and period, else worked out now; its
    text in the language in use either way."""
    today = timezone.localdate(now)
    if _plain_committee_officer(scope, unit):
        worked = _published.read((unit.pk, period.key, today), now=now)
        if worked is not None and isinstance(worked.value, Figures):
            return Worked(dashboard_from(worked.value), worked.at)
    return Worked(officer_dashboard(scope, unit, period, today=today, now=now), now)


def dashboards_publish(*, now: datetime.datetime, unit_ids: list[int] | None = None) -> int:
    """Work out this year's dashboard of every top-level organisation a committee
    officer holds (or of those given). Returns how many were published.

    Top-level only: at full scale each takes 4–9 s to work out, a second-level
    committee's about 2 s, and the 150 committees of a large group would keep a worker
    busy for longer than the five minutes between runs (docs/benchmarks.md)."""
    ids = unit_ids or sorted(
        set(
            accounts.current_assignments()
            .filter(role=Role.COMMITTEE_OFFICER, org_unit__parent__isnull=True)
            .exclude(org_unit__isnull=True)
            .values_list("org_unit_id", flat=True)
        )
    )
    today = timezone.localdate(now)
    key = Period.of(today, YEAR).key
    return _published.publish_each([(pk, key, today) for pk in ids], now=now)


@periodic("insights.dashboards_publish", every=PUBLISH_EVERY)
def dashboards_publish_job(now: datetime.datetime) -> None:
    dashboards_publish(now=now)
