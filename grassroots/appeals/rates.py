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
    """Counts per group (or under the key None for the whole set). Two queries."""
    appeals = appeals.exclude(status__in=EXCLUDED)
    response_rows = appeals.filter(
        first_unit__path__startswith=unit_path,
        accept_due_at__gte=period.start,
        accept_due_at__lt=period.end,
    ).filter(Q(accept_due_at__lte=now) | Q(responded_at__isnull=False))
    answer_rows = appeals.filter(
        unit__path__startswith=unit_path,
        answer_due_at__gte=period.start,
        answer_due_at__lt=period.end,
    ).exclude(satisfaction="")
    response_counts = {
        "due": Count("pk"),
        "in_time": Count("pk", filter=Q(responded_at__lte=F("accept_due_at"))),
    }
    answer_counts = {
        "answered": Count("pk"),
        "resolved": Count("pk", filter=Q(resolved=True)),
        "satisfied": Count("pk", filter=Q(satisfaction="satisfied")),
        "fairly": Count("pk", filter=Q(satisfaction="fairly")),
    }
    totals: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
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
    return {
        key: RateCounts(
            due=values["due"],
            responded_in_time=values["in_time"],
            answered=values["answered"],
            resolved=values["resolved"],
            satisfied=values["satisfied"],
            fairly=values["fairly"],
        )
        for key, values in totals.items()
    }


def rates_for(counts: RateCounts) -> Rates:
    return rates(counts, weights=current_weights(), minimum=parameters.value("appeals.min_answers"))
