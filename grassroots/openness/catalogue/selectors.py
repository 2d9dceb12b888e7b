"""Reads of the openness catalogue: each item of an organisation's catalogue with the
period now due and the notice that covers it, and the items organisations have not
published in time (for the to-dos and the reminder). A fixed number of queries, however
many organisations."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Max, Q

from grassroots.core.periods import Period
from grassroots.openness import rules
from grassroots.openness.models import CatalogueItem, Notice
from grassroots.openness.vocabulary import Audience, Frequency

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


@dataclass(frozen=True)
class ItemState:
    """One catalogue item for one organisation today."""

    unit_id: int
    item: CatalogueItem
    period: Period | None  # the period due now (None: the item follows events)
    due_on: datetime.date | None
    notice_id: int | None  # the notice covering `period` (events: the latest of the kind)
    published_at: datetime.datetime | None

    @property
    def overdue(self) -> bool:
        return self.period is not None and self.notice_id is None


def items_by_unit_kind() -> dict[str, list[CatalogueItem]]:
    """Every catalogue item, by kind of organisation (one query)."""
    found: dict[str, list[CatalogueItem]] = {}
    for item in CatalogueItem.objects.order_by("unit_kind", "pk"):
        found.setdefault(item.unit_kind, []).append(item)
    return found


def item_for(unit_kind: str, notice_kind: str) -> CatalogueItem | None:
    """The catalogue's item of this kind of notice for this kind of organisation."""
    return CatalogueItem.objects.filter(unit_kind=unit_kind, notice_kind=notice_kind).first()


# From the widest audience to the narrowest: a notice covers a catalogue item when it
# reaches at least the people the item names (members and officers are within the
# departments' employees and every employee; a notice to officers does not tell members).
_WIDTH = {
    Audience.PUBLIC: 5,
    Audience.ENTERPRISE: 4,
    Audience.DEPARTMENTS: 3,
    Audience.MEMBERS: 2,
    Audience.OFFICERS: 1,
}


def audiences_covering(audience: str) -> list[str]:
    """The audiences at least as wide as `audience`."""
    need = _WIDTH.get(audience, 0)  # type: ignore[call-overload]
    return [str(each) for each, width in _WIDTH.items() if width >= need]


def _due(item: CatalogueItem, today: datetime.date) -> tuple[Period, datetime.date] | None:
    return rules.period_due(item.frequency, item.timing, item.grace_days, today=today)


def states_of(
    units: Sequence[OrgUnit], *, today: datetime.date, with_events: bool = True
) -> dict[int, list[ItemState]]:
    """Unit id → the state of each item of its catalogue: three queries (two without
    the latest notice of the items that follow events)."""
    catalogue = items_by_unit_kind()
    wanted: dict[tuple[int, str], tuple[Period, datetime.date] | None] = {}
    audiences: dict[str, list[str]] = {}
    for unit in units:
        for item in catalogue.get(unit.kind, []):
            wanted[(unit.pk, item.notice_kind)] = _due(item, today)
            audiences[f"{unit.pk}:{item.notice_kind}"] = audiences_covering(item.audience)
    covering: dict[tuple[int, str], tuple[int, datetime.datetime]] = {}
    periodic = Q(pk__in=[])
    for (unit_id, kind), due in wanted.items():
        if due is not None:
            periodic |= Q(
                unit_id=unit_id,
                kind=kind,
                period_key=due[0].key,
                audience__in=audiences[f"{unit_id}:{kind}"],
            )
    if wanted:
        for pk, unit_id, kind, published_at in (
            Notice.objects.filter(periodic)
            .order_by("published_at")
            .values_list("pk", "unit_id", "kind", "published_at")
        ):
            covering[(unit_id, kind)] = (pk, published_at)
        event_kinds = {kind for (unit_id, kind), due in wanted.items() if due is None}
    if wanted and with_events:
        latest = (
            Notice.objects.filter(
                unit_id__in=[unit.pk for unit in units], kind__in=sorted(event_kinds)
            )
            .order_by()
            .values("unit_id", "kind")
            .annotate(last=Max("published_at"), newest=Max("id"))
        )
        for row in latest:
            if wanted.get((row["unit_id"], row["kind"]), ()) is None:
                covering[(row["unit_id"], row["kind"])] = (row["newest"], row["last"])
    result: dict[int, list[ItemState]] = {}
    for unit in units:
        states = []
        for item in catalogue.get(unit.kind, []):
            due = wanted[(unit.pk, item.notice_kind)]
            notice = covering.get((unit.pk, item.notice_kind))
            states.append(
                ItemState(
                    unit_id=unit.pk,
                    item=item,
                    period=due[0] if due else None,
                    due_on=due[1] if due else None,
                    notice_id=notice[0] if notice else None,
                    published_at=notice[1] if notice else None,
                )
            )
        result[unit.pk] = states
    return result


def overdue_of(units: Sequence[OrgUnit], *, today: datetime.date) -> list[ItemState]:
    """The items these organisations have not published in time, by organisation."""
    states = states_of(units, today=today, with_events=False)
    return [state for unit in units for state in states[unit.pk] if state.overdue]


def period_choices(item: CatalogueItem | None, *, today: datetime.date) -> list[Period]:
    """The periods a notice of this item may cover (none for events)."""
    if item is None or item.frequency == Frequency.EVENT:
        return []
    return rules.period_choices(item.frequency, today=today)
