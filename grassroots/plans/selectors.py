"""Reads of work plans. The records an item may link (and their states, from which
progress is computed) are read from the apps that keep them, through their selectors:
one query per kind of record, whatever the number of items."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grassroots.core.tree import within_any
from grassroots.openness import selectors as openness
from grassroots.orglife import selectors as orglife
from grassroots.plans import policy, rules
from grassroots.plans.models import PlanItem, PlanLink, WorkPlan
from grassroots.service import selectors as service

if TYPE_CHECKING:
    from grassroots.accounts.scope import Scope
    from grassroots.orgs.models import OrgUnit


@dataclass(frozen=True)
class Candidate:
    """A record of the unit that an item may link: what it is, its page and its state."""

    kind: str
    pk: int
    label: str
    url: str
    state: str
    state_label: str
    on: datetime.date

    @property
    def done(self) -> bool:
        return rules.record_done(self.kind, self.state)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"


def candidates(unit: OrgUnit, year: int) -> dict[tuple[str, int], Candidate]:
    """The records of `unit` (and, but for meetings, those below it) in `year` that a
    plan item may link: four queries."""
    found: dict[tuple[str, int], Candidate] = {}
    meeting_states = {"planned": _("Planned"), "held": _("Held"), "cancelled": _("Cancelled")}
    kinds = orglife.meeting_kind_labels()
    for meeting in orglife.unit_meetings(unit, year=year).only(
        "kind", "topic", "starts_at", "status"
    ):
        day = meeting.starts_at.date()
        label = f"{kinds.get(meeting.kind, meeting.kind)} {day:%Y-%m-%d} {meeting.topic}".strip()
        found[(rules.MEETING, meeting.pk)] = Candidate(
            rules.MEETING,
            meeting.pk,
            label[:300],
            reverse("orglife:meeting", args=[meeting.pk]),
            meeting.status,
            meeting_states.get(meeting.status, meeting.status),
            day,
        )
    for activity in service.activities_of_unit(unit, year=year):
        found[(rules.ACTIVITY, activity.pk)] = Candidate(
            rules.ACTIVITY,
            activity.pk,
            f"{activity.starts_at.date():%Y-%m-%d} {activity.title}"[:300],
            reverse("service:activity", args=[activity.pk]),
            activity.status,
            meeting_states.get(activity.status, activity.status),
            activity.starts_at.date(),
        )
    for deed in service.deeds_of_unit(unit, since=datetime.date(year, 1, 1)):
        found[(rules.DEED, deed.pk)] = Candidate(
            rules.DEED,
            deed.pk,
            deed.title[:300],
            reverse("service:deed", args=[deed.pk]),
            deed.status,
            service.deed_status_label(deed.status),
            deed.due_on,
        )
    closed = {"open": _("Open for comments"), "closed": pgettext("consultation status", "Closed")}
    for consultation in openness.consultations_of_unit(unit, year=year):
        found[(rules.CONSULTATION, consultation.pk)] = Candidate(
            rules.CONSULTATION,
            consultation.pk,
            consultation.title[:300],
            reverse("openness:consultation", args=[consultation.public_id]),
            consultation.status,
            closed.get(consultation.status, consultation.status),
            consultation.opens_on,
        )
    return found


def plans_of_unit(unit: OrgUnit, scope: Scope) -> QuerySet[WorkPlan]:
    plans = WorkPlan.objects.filter(unit=unit).order_by("-year", "quarter")
    if not policy.can_manage_plans(scope, unit):
        plans = plans.filter(status=WorkPlan.Status.PUBLISHED)
    return plans


def plan_for(scope: Scope, pk: int | None) -> WorkPlan | None:
    """The plan, when this person may read it (else None: a 404)."""
    if pk is None:
        return None
    plan = WorkPlan.objects.select_related("unit").filter(pk=pk).first()
    if plan is None or not policy.can_read_plan(scope, plan):
        return None
    return plan


def item_for(scope: Scope, pk: int | None) -> PlanItem | None:
    """An item, for an officer who may change its plan (else None: a 404)."""
    if pk is None:
        return None
    item = PlanItem.objects.select_related("plan", "plan__unit").filter(pk=pk).first()
    if item is None or not policy.can_manage_plans(scope, item.plan.unit):
        return None
    return item


def link_for(scope: Scope, pk: int | None) -> PlanLink | None:
    if pk is None:
        return None
    link = PlanLink.objects.select_related("item__plan__unit").filter(pk=pk).first()
    if link is None or not policy.can_manage_plans(scope, link.item.plan.unit):
        return None
    return link


@dataclass(frozen=True)
class LinkView:
    link: PlanLink
    record: Candidate | None  # None: no longer among the unit's records (dropped, moved)

    @property
    def done(self) -> bool:
        return self.record is not None and self.record.done


@dataclass(frozen=True)
class ItemView:
    item: PlanItem
    links: tuple[LinkView, ...]

    @property
    def fulfilled(self) -> bool:
        return rules.item_fulfilled(
            (each.link.kind, each.record.state if each.record else None) for each in self.links
        )


@dataclass(frozen=True)
class PlanView:
    plan: WorkPlan
    items: tuple[ItemView, ...]
    records: dict[tuple[str, int], Candidate]

    @property
    def progress(self) -> rules.Progress:
        return rules.progress(each.fulfilled for each in self.items)

    def behind(self, check_end: datetime.date) -> list[ItemView]:
        return [
            each
            for each in self.items
            if rules.behind_schedule(each.item.due_on, each.fulfilled, check_end)
        ]


def plan_view(plan: WorkPlan) -> PlanView:
    """A plan with its items, owners, links and the links' records' states: a fixed
    number of queries (items, links, and four for the records)."""
    items = list(
        PlanItem.objects.filter(plan=plan)
        .select_related("owner")
        .prefetch_related(Prefetch("links", queryset=PlanLink.objects.order_by("linked_at", "pk")))
    )
    records = candidates(plan.unit, plan.year)
    return PlanView(
        plan=plan,
        items=tuple(
            ItemView(
                item=item,
                links=tuple(
                    LinkView(link, records.get((link.kind, link.object_id)))
                    for link in item.links.all()
                ),
            )
            for item in items
        ),
        records=records,
    )


def plans_readable(scope: Scope) -> QuerySet[WorkPlan]:
    """Every plan a person may read: those of the units they oversee, and the published
    plans of their own branch and group; newest first."""
    plans = WorkPlan.objects.select_related("unit").order_by("-year", "unit__path", "quarter")
    if scope.is_admin:
        return plans
    condition = within_any(scope.officer_paths, "unit__path")
    own = [pk for pk in (scope.branch_id, scope.group_id) if pk]
    if own:
        condition |= Q(unit_id__in=own, status=WorkPlan.Status.PUBLISHED)
    return plans.filter(condition)
