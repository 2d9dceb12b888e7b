"""Reads of the hot topics pages: scoped to the committees a user oversees."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.http import Http404

from grassroots.accounts.scope import Scope
from grassroots.insights.topics import policy
from grassroots.insights.topics.models import HotTopic, TopicRun
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


def committees_for(scope: Scope) -> list[OrgUnit]:
    """The active committees whose topics the user may see, in tree order. One query."""
    units = orgs.active_units().filter(kind=UnitKind.COMMITTEE)
    if not scope.is_admin:
        units = units.filter(pk__in=orgs.unit_ids_within_any(scope.committee_paths))
    return list(units.order_by("path"))


def committee_for(scope: Scope, committees: list[OrgUnit], pk: str | None) -> OrgUnit:
    """The committee asked for (the first one by default); 404 when not one of theirs."""
    if not committees:
        raise Http404
    if not pk:
        return committees[0]
    for unit in committees:
        if str(unit.pk) == pk and policy.can_view_topics(scope, unit):
            return unit
    raise Http404


@dataclass(frozen=True)
class MonthTopics:
    unit: OrgUnit
    month: datetime.date
    run: TopicRun | None  # the latest finished run of the month
    topics: list[HotTopic]
    pending: TopicRun | None  # a run queued or running, or the latest failed one
    months: list[datetime.date]  # months with finished runs, newest first
    adopted: HotTopic | None  # the month's theme, when chosen


def month_topics(unit: OrgUnit, month: datetime.date) -> MonthTopics:
    """The committee's topics of the month, what is under way, and the months to choose
    from: three queries however many topics."""
    runs = list(
        TopicRun.objects.filter(unit=unit, month=month)
        .order_by("-created_at", "-pk")
        .prefetch_related(
            Prefetch("topics", queryset=HotTopic.objects.order_by("rank"), to_attr="ranked")
        )[:5]
    )
    done = next((r for r in runs if r.status == TopicRun.Status.DONE), None)
    latest = runs[0] if runs else None
    pending = latest if latest is not None and latest is not done else None
    topics = list(done.ranked) if done is not None else []
    months = list(
        TopicRun.objects.filter(unit=unit, status=TopicRun.Status.DONE)
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()[:36]
    )
    adopted = next((t for r in runs for t in r.ranked if t.adopted_as), None)
    return MonthTopics(unit, month, done, topics, pending, months, adopted)


def get_topic_for(scope: Scope, pk: int) -> HotTopic:
    """A topic of a committee the user oversees; 404 for missing and out of scope alike."""
    topic = HotTopic.objects.select_related("run__unit").filter(pk=pk).first()
    if topic is None or topic.run.status != TopicRun.Status.DONE:
        raise Http404
    if not policy.can_view_topics(scope, topic.run.unit):
        raise Http404
    return topic


def branch_choices(unit: OrgUnit) -> list[tuple[str, str]]:
    """The active branches of the committee, for a themed day's organiser."""
    return [
        (str(b.pk), b.name)
        for b in orgs.units_within(unit.path, kinds=[UnitKind.BRANCH], active_only=True)
    ]


def branch_of(unit: OrgUnit, pk: str) -> OrgUnit | None:
    return (
        orgs.units_within(unit.path, kinds=[UnitKind.BRANCH], active_only=True)
        .filter(pk=pk)
        .first()
    )
