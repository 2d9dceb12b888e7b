"""Monthly rollups of the rate counts (RateMonth): rebuilt by the scheduler, read by
rates.rate_counts for the months of a period that have ended.

Why: a committee's three rates over a year count every appeal of its subtree whose
deadline fell in that year, twice (response and answer) and twice again (the whole and
the organisations below): at a million appeals that is a second and a half of
PostgreSQL per page, even read from covering indexes (docs/benchmarks.md, "Appeals").
The rollup holds one row per organisation and month with the counts of its whole
subtree, so the same page reads the rows of the committee and its children: a few
hundred.

Freshness: an ended month's facts still change now and then (a late call-back answer,
an appeal withdrawn long after its deadline). The scheduler rebuilds the last three
ended months every ten minutes and every month once a night; a month the rollup does
not hold yet (a new month, or a scheduler that has not run) is counted live.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from grassroots.appeals import rate_facts
from grassroots.appeals.models import Appeal, RateMonth
from grassroots.core.tree import SEGMENT_WIDTH, ancestor_paths
from grassroots.orgs.selectors import unit_paths_by_id

COUNTS = rate_facts.COUNT_FIELDS
BATCH = 5_000


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_start(moment: datetime.datetime) -> datetime.datetime:
    """Midnight at the start of the local month `moment` falls in."""
    local = moment.astimezone(_zone())
    return datetime.datetime(local.year, local.month, 1, tzinfo=_zone())


def months_back(moment: datetime.datetime, count: int) -> datetime.date:
    """The first day of the month `count` months before the one `moment` falls in."""
    local = month_start(moment)
    index = local.year * 12 + local.month - 1 - count
    return datetime.date(index // 12, index % 12 + 1, 1)


def rate_months_refresh(*, now: datetime.datetime, since: datetime.date | None = None) -> int:
    """Rebuild the rows of every month that ended before `now` (from the month starting
    on `since`, when given). Two aggregate queries and one rewrite; returns the rows."""
    zone = _zone()
    until = month_start(now)
    start = datetime.datetime.combine(since, datetime.time(0), zone) if since else None
    appeals = Appeal.objects.order_by()
    # The months that ended: their deadlines are all before `until`, so before `now`.
    response = rate_facts.responses(appeals, start=start, end=until, now=now)
    answer = rate_facts.answers(appeals, start=start, end=until)
    rows: dict[tuple[datetime.date, int], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(COUNTS, 0)
    )
    # Response counts belong to the first receiver (首接负责), answer counts to the
    # organisation that handled the appeal: as rate_facts defines them.
    for stage_rows, deadline, unit_field, counts in (
        (response, "accept_due_at", "first_unit_id", rate_facts.response_counts()),
        (answer, "answer_due_at", "unit_id", rate_facts.answer_counts()),
    ):
        grouped: Any = (
            stage_rows.annotate(month=TruncMonth(deadline, tzinfo=zone))
            .values("month", unit_field)
            .annotate(**counts)
        )
        for row in grouped:
            target = rows[(_local_date(row["month"]), row[unit_field])]
            for name in counts:
                target[name] = row[name]
    subtrees = _subtree_sums(rows)
    with transaction.atomic():
        stale = RateMonth.objects.filter(month__lt=until.date())
        if since is not None:
            stale = stale.filter(month__gte=since)
        stale.delete()
        RateMonth.objects.bulk_create(
            [
                RateMonth(month=month, unit_id=unit_id, refreshed_at=now, **counts)
                for (month, unit_id), counts in subtrees.items()
            ],
            batch_size=BATCH,
        )
    return len(subtrees)


def _subtree_sums(
    own: dict[tuple[datetime.date, int], dict[str, int]],
) -> dict[tuple[datetime.date, int], dict[str, int]]:
    """Each organisation's counts with those of every organisation below it added, so
    that a committee's rates by the organisations below read one row per child and
    month instead of one per branch (a whole group: a few hundred rows, not 60,000)."""
    paths = unit_paths_by_id()
    unit_of = {path: pk for pk, path in paths.items()}
    sums: dict[tuple[datetime.date, int], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(COUNTS, 0)
    )
    for (month, unit_id), counts in own.items():
        path = paths[unit_id]
        for ancestor in [*ancestor_paths(path), path]:
            if ancestor in unit_of:
                total = sums[(month, unit_of[ancestor])]
                for name in COUNTS:
                    total[name] += counts[name]
    return sums


def _local_date(value: datetime.datetime | datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.astimezone(_zone()).date() if value.tzinfo else value.date()
    return value


def covered_until() -> datetime.datetime | None:
    """The end of the last month the rollup holds (None when it holds nothing)."""
    latest = RateMonth.objects.order_by("-month").values_list("month", flat=True).first()
    if latest is None:
        return None
    following = datetime.date(latest.year + latest.month // 12, latest.month % 12 + 1, 1)
    return datetime.datetime.combine(following, datetime.time(0), _zone())


def rollup_counts(
    *, start: datetime.datetime, end: datetime.datetime, unit_path: str
) -> dict[str, dict[str, int]]:
    """Counts of the months from `start` to `end` (month starts) for the subtree at
    `unit_path`, per child organisation's path, and under the organisation's own path
    for the appeals it received or handled itself (its total less its children's).
    One query, over the rows of the organisation and its children."""
    rows = (
        RateMonth.objects.filter(
            Q(unit__path=unit_path)
            | Q(unit__path__startswith=unit_path, unit__depth=len(unit_path) // SEGMENT_WIDTH),
            month__gte=start.astimezone(_zone()).date(),
            month__lt=end.astimezone(_zone()).date(),
        )
        .order_by()
        .values("unit__path")
        .annotate(**{name: Sum(name) for name in COUNTS})
    )
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        values: dict[str, Any] = dict(row)
        found[values["unit__path"]] = {name: values[name] or 0 for name in COUNTS}
    total = found.pop(unit_path, None)
    if total is not None:
        own = {name: total[name] - sum(child[name] for child in found.values()) for name in COUNTS}
        if any(own.values()):
            found[unit_path] = own
    return found


def rollup_counts_by_month(
    *, start: datetime.datetime, end: datetime.datetime, unit_path: str
) -> dict[tuple[datetime.date, str], dict[str, int]]:
    """`rollup_counts` month by month: (month, child organisation's path) → counts, the
    organisation's own appeals under its own path. One query, over the rows of the
    organisation and its children (a group committee's year: a few hundred rows)."""
    rows = (
        RateMonth.objects.filter(
            Q(unit__path=unit_path)
            | Q(unit__path__startswith=unit_path, unit__depth=len(unit_path) // SEGMENT_WIDTH),
            month__gte=start.astimezone(_zone()).date(),
            month__lt=end.astimezone(_zone()).date(),
        )
        .order_by()
        .values_list("month", "unit__path", *COUNTS)
    )
    found: dict[tuple[datetime.date, str], dict[str, int]] = {}
    for month, path, *values in rows:
        found[(month, path)] = dict(zip(COUNTS, values, strict=True))
    for month in {month for month, _path in found}:
        total = found.pop((month, unit_path), None)
        if total is None:
            continue
        children = [counts for (m, _p), counts in found.items() if m == month]
        own = {name: total[name] - sum(child[name] for child in children) for name in COUNTS}
        if any(own.values()):
            found[(month, unit_path)] = own
    return found
