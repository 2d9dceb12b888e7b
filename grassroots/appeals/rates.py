"""The three rates (响应率 / 解决率 / 满意率) over periods, from the appeals' stored facts.

An appeal counts in the period its deadline falls in: its acceptance deadline for the
response rate (charged to the first receiver, 首接负责), its answer deadline for the
resolution and satisfaction rates (charged to the organisation that handled it).
Withdrawn and merged appeals are left out; an appeal closed unrated counts in the
response rate only. The facts (deadlines, when it was responded to, the final
call-back answer) are written once by the services, so the same period computed
again gives the same numbers — except when a reopened appeal's second, final rating
arrives later, which RULES.md says replaces the first.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from grassroots.appeals import rate_months
from grassroots.appeals.models import Appeal
from grassroots.appeals.rules import RateCounts, Rates, Weights, rates
from grassroots.core import parameters
from grassroots.core.tree import child_path_expression

EXCLUDED = (Appeal.Status.WITHDRAWN, Appeal.Status.MERGED)


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: datetime.datetime
    end: datetime.datetime  # exclusive


def parse_period(text: str, *, today: datetime.date) -> Period:
    """ "2026-10" (month), "2026-Q3" (quarter) or "2026" (year); the current month by
    default. ValueError for anything else."""
    zone = ZoneInfo(settings.TIME_ZONE)
    text = (text or f"{today:%Y-%m}").strip().upper()
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(match[1]), int(match[2])
        first = datetime.date(year, month, 1)
        last_day = calendar.monthrange(year, month)[1]
        after = first + datetime.timedelta(days=last_day)
        label = _("%(year)s-%(month)02d") % {"year": year, "month": month}
    elif match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, quarter = int(match[1]), int(match[2])
        first = datetime.date(year, 3 * quarter - 2, 1)
        after = datetime.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
        label = _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}
    elif match := re.fullmatch(r"(\d{4})", text):
        year = int(match[1])
        first, after = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        label = str(year)
    else:
        raise ValueError(text)
    if not 2000 <= first.year <= 2100:
        raise ValueError(text)
    return Period(
        text,
        label,
        datetime.datetime.combine(first, datetime.time(0), zone),
        datetime.datetime.combine(after, datetime.time(0), zone),
    )


def current_weights() -> Weights:
    return Weights(
        parameters.value("appeals.weight_response"),
        parameters.value("appeals.weight_resolution"),
        parameters.value("appeals.weight_satisfaction"),
    )


DIMENSIONS = ("unit", "category", "department", "assignee")


def _group_field(dimension: str | None, unit_path: str, stage: str) -> Any:
    if dimension is None:
        return None
    if dimension == "unit":
        field = "first_unit__path" if stage == "response" else "unit__path"
        return child_path_expression(unit_path, field)
    return F(f"{dimension}_id")


def rate_counts(
    appeals: QuerySet[Appeal],
    *,
    period: Period,
    now: datetime.datetime,
    unit_path: str,
    dimension: str | None = None,
) -> dict[Any, RateCounts]:
    """Counts per group (or under the key None for the whole set).

    For all appeals, as a whole or by organisation below: the months of the period
    that have ended come from the monthly rollup (rate_months, two small queries) and
    only the rest is counted from the appeals (two queries, when the period reaches
    this month). Otherwise (another grouping, or a filtered set) two queries over the
    appeals."""
    if appeals.model is Appeal and not appeals.query.where and dimension in (None, "unit"):
        # The rates page asks for the whole and then for the organisations below, with
        # the same `now`. The whole is the sum of the organisations' counts, so both
        # come from one reading (for a committee's year, 100 ms of PostgreSQL saved).
        key = (period.start, period.end, now, unit_path)
        if dimension == "unit":
            shared = _SHARED.pop(key, None)
            return (
                shared
                if shared is not None
                else _by_unit(period=period, now=now, unit_path=unit_path)
            )
        by_unit = _by_unit(period=period, now=now, unit_path=unit_path)
        if len(_SHARED) >= 16:
            _SHARED.clear()
        _SHARED[key] = by_unit
        return {None: sum(by_unit.values(), RateCounts())}
    return _live_counts(
        appeals, period.start, period=period, now=now, unit_path=unit_path, dimension=dimension
    )


# Per-organisation counts computed for a whole, kept for the next call with the same
# period, moment and organisation (the same page); a few entries at most.
_SHARED: dict[tuple[Any, ...], dict[Any, RateCounts]] = {}


def _by_unit(*, period: Period, now: datetime.datetime, unit_path: str) -> dict[Any, RateCounts]:
    """Per organisation below: the ended months from the rollup, the rest live."""
    totals: dict[Any, RateCounts] = defaultdict(RateCounts)
    live_from = period.start
    until = rate_months.covered_until()
    if until is not None and until > period.start:
        live_from = min(until, period.end)
        rolled = rate_months.rollup_counts(start=period.start, end=live_from, unit_path=unit_path)
        for key, values in rolled.items():
            totals[key] += RateCounts(**values)
    if live_from < period.end:
        live = _live_counts(
            Appeal.objects.all(),
            live_from,
            period=period,
            now=now,
            unit_path=unit_path,
            dimension="unit",
        )
        for key, counts in live.items():
            totals[key] += counts
    return dict(totals)


def _live_counts(
    appeals: QuerySet[Appeal],
    live_from: datetime.datetime,
    *,
    period: Period,
    now: datetime.datetime,
    unit_path: str,
    dimension: str | None,
) -> dict[Any, RateCounts]:
    """Counted from the appeals whose deadlines fall from `live_from` to the end of the
    period. Two queries."""
    totals: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    appeals = appeals.exclude(status__in=EXCLUDED)
    response_rows = appeals.filter(
        first_unit__path__startswith=unit_path,
        accept_due_at__gte=live_from,
        accept_due_at__lt=period.end,
    ).filter(Q(accept_due_at__lte=now) | Q(responded_at__isnull=False))
    answer_rows = appeals.filter(
        unit__path__startswith=unit_path,
        answer_due_at__gte=live_from,
        answer_due_at__lt=period.end,
    ).exclude(satisfaction="")
    # COUNT(*) and COUNT(status), not COUNT(id): every column read is in the deadline
    # indexes (appeal_accept_rate_idx, appeal_answer_rate_idx), so no table row is
    # visited. (Django allows no filter on COUNT(*); status is never empty.)
    response_counts = {
        "due": Count("*"),
        "in_time": Count("status", filter=Q(responded_at__lte=F("accept_due_at"))),
    }
    answer_counts = {
        "answered": Count("*"),
        "resolved": Count("status", filter=Q(resolved=True)),
        "satisfied": Count("status", filter=Q(satisfaction="satisfied")),
        "fairly": Count("status", filter=Q(satisfaction="fairly")),
    }
    for stage, rows, counts in (
        ("response", response_rows, response_counts),
        ("answer", answer_rows, answer_counts),
    ):
        group = _group_field(dimension, unit_path, stage)
        results: list[dict[str, Any]]
        if group is None:
            results = [{"key": None, **rows.aggregate(**counts)}]
        else:
            results = list(rows.annotate(key=group).values("key").annotate(**counts))  # type: ignore[arg-type]
        for row in results:
            for name in counts:
                totals[row["key"]][name] += row[name] or 0
    return _counts(totals)


def _counts(totals: dict[Any, dict[str, int]]) -> dict[Any, RateCounts]:
    return {
        key: RateCounts(
            due=values.get("due", 0),
            responded_in_time=values.get("in_time", 0),
            answered=values.get("answered", 0),
            resolved=values.get("resolved", 0),
            satisfied=values.get("satisfied", 0),
            fairly=values.get("fairly", 0),
        )
        for key, values in totals.items()
    }


def rates_for(counts: RateCounts) -> Rates:
    return rates(counts, weights=current_weights(), minimum=parameters.value("appeals.min_answers"))
