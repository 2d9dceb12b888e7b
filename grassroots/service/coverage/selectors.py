"""How an organisation's service work spreads over the five services (五个服务).

For one organisation (with those below it) and one period (core.periods.Period; the page
offers a year or a quarter): its activities (planned or held, not cancelled, starting in
the period), its practical deeds (due in the period, not dropped), its service posts
(active now) and the appeals it received (first receiver, raised in the period).
Activities, deeds and posts carry five-services tags; one tagged with two services counts
under both. Appeals carry no tag: they count under serving the masses (服务群众), and the
page says so.

Four queries whatever the size: the tags are read as plain values and counted here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from grassroots.appeals import selectors as appeals
from grassroots.orgs.selectors import unit_ids_within_any
from grassroots.service.models import Activity, Deed, ServiceDomain, ServicePost
from grassroots.service.rules import MASSES, SERVICE_DOMAINS

if TYPE_CHECKING:
    from grassroots.core.periods import Period
    from grassroots.orgs.models import OrgUnit

QUARTERS = (1, 2, 3, 4)
SOURCES = ("activities", "deeds", "posts", "appeals")


@dataclass
class CoverageRow:
    service: str
    label: str
    activities: int = 0
    deeds: int = 0
    posts: int = 0
    appeals: int = 0

    @property
    def total(self) -> int:
        return self.activities + self.deeds + self.posts + self.appeals


@dataclass
class Coverage:
    unit: OrgUnit
    period: Period
    rows: list[CoverageRow]
    # Each activity, deed and post once, however many services it is tagged with.
    items: dict[str, int] = field(default_factory=dict)

    def chart(self) -> dict[str, object]:
        """The figures the stacked bar chart draws (the table shows the same)."""
        return {
            "labels": [row.label for row in self.rows],
            "series": [
                {"key": source, "values": [getattr(row, source) for row in self.rows]}
                for source in SOURCES
            ],
        }


def _count_tags(tag_lists: Iterable[object]) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    items = 0
    for tags in tag_lists:
        items += 1
        if isinstance(tags, list):
            counts.update(code for code in set(tags) if code in SERVICE_DOMAINS)
    return counts, items


def coverage(unit: OrgUnit, period: Period) -> Coverage:
    units = unit_ids_within_any([unit.path])
    activities, activity_items = _count_tags(
        Activity.objects.filter(
            unit_id__in=units,
            status__in=[Activity.Status.PLANNED, Activity.Status.HELD],
            starts_at__gte=period.starts,
            starts_at__lt=period.ends,
        ).values_list("services", flat=True)
    )
    deeds, deed_items = _count_tags(
        Deed.objects.filter(unit_id__in=units, due_on__gte=period.first, due_on__lte=period.last)
        .exclude(status=Deed.Status.DROPPED)
        .values_list("services", flat=True)
    )
    posts, post_items = _count_tags(
        ServicePost.objects.filter(unit_id__in=units, is_active=True).values_list(
            "services", flat=True
        )
    )
    received = appeals.received_count(units, period)
    rows = [
        CoverageRow(
            service=code,
            label=str(ServiceDomain(code).label),
            activities=activities[code],
            deeds=deeds[code],
            posts=posts[code],
            appeals=received if code == MASSES else 0,
        )
        for code in SERVICE_DOMAINS
    ]
    return Coverage(
        unit=unit,
        period=period,
        rows=rows,
        items={
            "activities": activity_items,
            "deeds": deed_items,
            "posts": post_items,
            "appeals": received,
        },
    )
