"""The service carriers' read contract: what other apps (evaluation, insights) read.

Every figure is for one organisation with those below it (`unit`, its subtree) and one
period of the shared type (`core.periods.Period`), returned as frozen dataclasses of
plain values. Each function reads a fixed number of queries, however much there is.
The pages of this app read through the selectors of each part (activities, posts,
commitments, pairings, deeds, coverage); this module is for the other apps.

What "in the period" means, part by part:
- commitments are made for a year: those of the years the period touches count, with
  every rating they received (the year-end rating often comes in January);
- deeds count when they are due in the period (dropped ones apart);
- pairings count when they were live on any day of the period, visits when made in it;
- activities count when they start in the period and were held;
- service posts count when active now and set up before the period ended (a post keeps
  no history of when it was stood down); a person serves through a carrier when they
  hold an active post or have a commitment published for a year the period touches.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from grassroots.appeals.selectors import received_counts_within
from grassroots.core.satisfaction import Satisfaction
from grassroots.core.tree import summed_per_subtree
from grassroots.orgs.selectors import unit_ids_within_any
from grassroots.service.coverage.selectors import coverage
from grassroots.service.models import (
    Activity,
    Commitment,
    CommitmentRating,
    Deed,
    Pairing,
    ServiceDomain,
    ServicePost,
    SignUp,
    Visit,
)
from grassroots.service.pairings.selectors import visit_days
from grassroots.service.rules import MASSES, SERVICE_DOMAINS

if TYPE_CHECKING:
    from grassroots.core.periods import Period
    from grassroots.orgs.models import OrgUnit

__all__ = [
    "ActivityFigures",
    "CarrierFigures",
    "CommitmentFigures",
    "CoverageFigures",
    "DeedFigures",
    "DeedLine",
    "PairingFigures",
    "PersonActivity",
    "PersonCommitment",
    "PersonPairing",
    "PersonServiceRecord",
    "SatisfactionCounts",
    "ServiceCoverage",
    "ServingUsers",
    "UnvisitedPairing",
    "activity_figures",
    "carrier_figures_of",
    "commitment_counts_within",
    "commitment_figures",
    "coverage_counts_within",
    "coverage_figures",
    "deed_counts_within",
    "deed_figures",
    "deed_figures_of",
    "deeds_of_unit",
    "pairing_counts_within",
    "pairing_figures",
    "people_service_records",
    "serving_users",
    "unvisited_pairings",
    "visit_days",
]


@dataclass(frozen=True)
class SatisfactionCounts:
    """Answers per value of the one satisfaction scale."""

    satisfied: int = 0
    fairly: int = 0
    not_satisfied: int = 0

    @property
    def total(self) -> int:
        return self.satisfied + self.fairly + self.not_satisfied


def _subtree(unit: OrgUnit) -> Any:
    # A subquery of ids: the organisation table stays out of the counted rows' joins.
    return unit_ids_within_any([unit.path])


# --- Commitments ------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentFigures:
    unit_id: int
    period: Period
    made: int  # submitted for the branch or beyond (drafts are the member's own work)
    published: int
    self_assessed: int  # published, with the member's year-end self-assessment
    ratings: SatisfactionCounts  # the employees' year-end judgements


def commitment_figures(unit: OrgUnit, period: Period) -> CommitmentFigures:
    """Members' commitments for the years the period touches, and their ratings. Two
    queries."""
    rows = Commitment.objects.filter(
        unit_id__in=_subtree(unit),
        year__gte=period.first.year,
        year__lte=period.last.year,
    ).exclude(status=Commitment.Status.DRAFT)
    published = Q(status=Commitment.Status.PUBLISHED)
    counts = rows.aggregate(
        made=Count("pk"),
        published=Count("pk", filter=published),
        self_assessed=Count("pk", filter=published & ~Q(self_assessment="")),
    )
    scores = dict(
        CommitmentRating.objects.filter(commitment__in=rows.filter(published).values("pk"))
        .order_by()
        .values_list("score")
        .annotate(n=Count("pk"))
    )
    return CommitmentFigures(
        unit_id=unit.pk,
        period=period,
        made=counts["made"],
        published=counts["published"],
        self_assessed=counts["self_assessed"],
        ratings=SatisfactionCounts(
            satisfied=scores.get(Satisfaction.SATISFIED, 0),
            fairly=scores.get(Satisfaction.FAIRLY, 0),
            not_satisfied=scores.get(Satisfaction.NOT, 0),
        ),
    )


def commitment_counts_within(root: OrgUnit, period: Period) -> dict[str, dict[str, int]]:
    """`commitment_figures` for every organisation at or under `root` at once, keyed by
    its tree path (only those with commitments): "published" (approved by the branch
    and published) and the employees' ratings "satisfied", "fairly", "not_satisfied".
    Two queries whatever the size of the subtree; the caller adds up a subtree."""
    rows = Commitment.objects.filter(
        unit__path__startswith=root.path,
        year__gte=period.first.year,
        year__lte=period.last.year,
        status=Commitment.Status.PUBLISHED,
    )
    result: dict[str, dict[str, int]] = {}
    for path, n in rows.order_by().values_list("unit__path").annotate(n=Count("pk")):
        result.setdefault(path, {})["published"] = n
    names = {
        Satisfaction.SATISFIED: "satisfied",
        Satisfaction.FAIRLY: "fairly",
        Satisfaction.NOT: "not_satisfied",
    }
    ratings = (
        CommitmentRating.objects.filter(commitment__in=rows.values("pk"))
        .order_by()
        .values_list("commitment__unit__path", "score")
        .annotate(n=Count("pk"))
    )
    for path, score, n in ratings:
        if score in names:
            result.setdefault(path, {})[names[score]] = n
    return result


# --- Practical deeds --------------------------------------------------------------------


@dataclass(frozen=True)
class DeedFigures:
    unit_id: int
    period: Period
    promised: int  # due in the period, not dropped
    done: int  # of those, declared done
    overdue: int  # of those, still under way after their due date (as of `today`)
    dropped: int  # due in the period and dropped
    answers: SatisfactionCounts  # "was it delivered?" on the deeds declared done


def deed_figures(
    unit: OrgUnit, period: Period, *, today: datetime.date | None = None
) -> DeedFigures:
    """Deeds due in the period, with the employees' answers. One query (the answers are
    counted on the deed rows, kept by the services)."""
    today = today or timezone.localdate()
    done = Q(status=Deed.Status.DONE)
    kept = ~Q(status=Deed.Status.DROPPED)
    row = Deed.objects.filter(
        unit_id__in=_subtree(unit), due_on__gte=period.first, due_on__lte=period.last
    ).aggregate(
        promised=Count("pk", filter=kept),
        done=Count("pk", filter=done),
        overdue=Count("pk", filter=Q(status=Deed.Status.OPEN, due_on__lt=today)),
        dropped=Count("pk", filter=Q(status=Deed.Status.DROPPED)),
        satisfied=Coalesce(Sum("rated_satisfied", filter=done), 0),
        fairly=Coalesce(Sum("rated_fairly", filter=done), 0),
        not_satisfied=Coalesce(Sum("rated_not", filter=done), 0),
    )
    return DeedFigures(
        unit_id=unit.pk,
        period=period,
        promised=row["promised"],
        done=row["done"],
        overdue=row["overdue"],
        dropped=row["dropped"],
        answers=SatisfactionCounts(
            satisfied=row["satisfied"], fairly=row["fairly"], not_satisfied=row["not_satisfied"]
        ),
    )


def deed_counts_within(
    root: OrgUnit, period: Period, *, today: datetime.date | None = None
) -> dict[str, dict[str, int]]:
    """`deed_figures` for every organisation at or under `root` at once, keyed by its
    tree path (only those with deeds due in the period), with the same names as
    `DeedFigures` and its answers. One query whatever the size of the subtree."""
    today = today or timezone.localdate()
    done = Q(status=Deed.Status.DONE)
    rows = (
        Deed.objects.filter(
            unit__path__startswith=root.path, due_on__gte=period.first, due_on__lte=period.last
        )
        .order_by()
        .values("unit__path")
        .annotate(
            promised=Count("pk", filter=~Q(status=Deed.Status.DROPPED)),
            done=Count("pk", filter=done),
            overdue=Count("pk", filter=Q(status=Deed.Status.OPEN, due_on__lt=today)),
            satisfied=Coalesce(Sum("rated_satisfied", filter=done), 0),
            fairly=Coalesce(Sum("rated_fairly", filter=done), 0),
            not_satisfied=Coalesce(Sum("rated_not", filter=done), 0),
        )
    )
    return {
        row["unit__path"]: {
            "promised": row["promised"],
            "done": row["done"],
            "overdue": row["overdue"],
            "satisfied": row["satisfied"],
            "fairly": row["fairly"],
            "not_satisfied": row["not_satisfied"],
        }
        for row in rows
    }


def deed_figures_of(
    units: Sequence[OrgUnit],
    period: Period,
    *,
    within: OrgUnit,
    today: datetime.date | None = None,
) -> dict[int, DeedFigures]:
    """Unit id → `deed_figures` of its subtree, for many units at once (a committee's
    branches): the deeds are selected by `within`'s subtree, which holds `units`, and
    each unit gets those of the organisations at or under it. One query."""
    today = today or timezone.localdate()
    done = Q(status=Deed.Status.DONE)
    rows = (
        Deed.objects.filter(
            unit_id__in=_subtree(within), due_on__gte=period.first, due_on__lte=period.last
        )
        .order_by()
        .values("unit__path")
        .annotate(
            promised=Count("pk", filter=~Q(status=Deed.Status.DROPPED)),
            done=Count("pk", filter=done),
            overdue=Count("pk", filter=Q(status=Deed.Status.OPEN, due_on__lt=today)),
            dropped=Count("pk", filter=Q(status=Deed.Status.DROPPED)),
            satisfied=Coalesce(Sum("rated_satisfied", filter=done), 0),
            fairly=Coalesce(Sum("rated_fairly", filter=done), 0),
            not_satisfied=Coalesce(Sum("rated_not", filter=done), 0),
        )
    )
    names = ("promised", "done", "overdue", "dropped", "satisfied", "fairly", "not_satisfied")
    totals = summed_per_subtree(units, rows, "unit__path", names)
    return {
        pk: DeedFigures(
            unit_id=pk,
            period=period,
            promised=values["promised"],
            done=values["done"],
            overdue=values["overdue"],
            dropped=values["dropped"],
            answers=SatisfactionCounts(
                satisfied=values["satisfied"],
                fairly=values["fairly"],
                not_satisfied=values["not_satisfied"],
            ),
        )
        for pk, values in totals.items()
    }


@dataclass(frozen=True)
class DeedLine:
    """A practical deed as another app lists it (to link a plan's item to it)."""

    pk: int
    title: str
    due_on: datetime.date
    status: str


def deed_status_label(status: str) -> str:
    """What a deed's status is called (under way, declared done, dropped)."""
    return str(dict(Deed.Status.choices).get(status, status))


def deeds_of_unit(unit: OrgUnit, *, since: datetime.date, limit: int = 200) -> list[DeedLine]:
    """The deeds of an organisation and those below it due on or after `since`
    (dropped ones apart), soonest first: one query."""
    deeds = (
        Deed.objects.filter(unit_id__in=_subtree(unit), due_on__gte=since)
        .exclude(status=Deed.Status.DROPPED)
        .only("title", "due_on", "status")
        .order_by("due_on", "pk")
    )
    return [
        DeedLine(pk=deed.pk, title=deed.title, due_on=deed.due_on, status=deed.status)
        for deed in deeds[:limit]
    ]


@dataclass(frozen=True)
class ActivityLine:
    """An activity as another app lists it (to link a plan's item to it)."""

    pk: int
    title: str
    starts_at: datetime.datetime
    status: str


def activities_of_unit(unit: OrgUnit, *, year: int, limit: int = 200) -> list[ActivityLine]:
    """The activities organised by an organisation and those below it starting in
    `year` (cancelled ones apart), soonest first: one query."""
    activities = (
        Activity.objects.filter(unit_id__in=_subtree(unit), starts_at__year=year)
        .exclude(status=Activity.Status.CANCELLED)
        .only("title", "starts_at", "status")
        .order_by("starts_at", "pk")
    )
    return [
        ActivityLine(pk=each.pk, title=each.title, starts_at=each.starts_at, status=each.status)
        for each in activities[:limit]
    ]


# --- Pairings and visits ----------------------------------------------------------------


@dataclass(frozen=True)
class PairingFigures:
    unit_id: int
    period: Period
    active: int  # pairings live on some day of the period
    visits: int  # visits made in the period
    without_visit: int  # live at `as_of` with no visit in the last `days` days
    days: int
    as_of: datetime.date  # the period's last day, or today for a period still running


def pairing_figures(
    unit: OrgUnit,
    period: Period,
    *,
    days: int | None = None,
    today: datetime.date | None = None,
) -> PairingFigures:
    """Pairings and their visits. `days` defaults to the visit rule parameter (the one
    the reminders use). Three queries, and one for the parameter when not given."""
    days = visit_days() if days is None else days
    as_of = min(period.last, today or timezone.localdate())
    pairings = Pairing.objects.filter(unit_id__in=_subtree(unit))
    active = pairings.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.first), started_on__lte=period.last
    ).count()
    visits = Visit.objects.filter(
        pairing__in=pairings.values("pk"), date__gte=period.first, date__lte=period.last
    ).count()
    last_visit = (
        Visit.objects.filter(pairing=OuterRef("pk"), date__lte=as_of)
        .order_by("-date")
        .values("date")[:1]
    )
    without_visit = (
        pairings.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=as_of), started_on__lte=as_of)
        .alias(reference=Coalesce(Subquery(last_visit), "started_on"))
        .filter(reference__lte=as_of - datetime.timedelta(days=days))
        .count()
    )
    return PairingFigures(
        unit_id=unit.pk,
        period=period,
        active=active,
        visits=visits,
        without_visit=without_visit,
        days=days,
        as_of=as_of,
    )


def pairing_counts_within(
    root: OrgUnit,
    period: Period,
    *,
    days: int | None = None,
    today: datetime.date | None = None,
) -> dict[str, dict[str, int]]:
    """`pairing_figures` ("active", "without_visit") for every organisation at or under
    `root`, keyed by its tree path (only those with pairings). Two queries, and one for
    the parameter when `days` is not given."""
    days = visit_days() if days is None else days
    as_of = min(period.last, today or timezone.localdate())
    pairings = Pairing.objects.filter(unit__path__startswith=root.path)
    result: dict[str, dict[str, int]] = {}
    live = pairings.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.first), started_on__lte=period.last
    )
    for path, n in live.order_by().values_list("unit__path").annotate(n=Count("pk")):
        result.setdefault(path, {"active": 0, "without_visit": 0})["active"] = n
    last_visit = (
        Visit.objects.filter(pairing=OuterRef("pk"), date__lte=as_of)
        .order_by("-date")
        .values("date")[:1]
    )
    unvisited = (
        pairings.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=as_of), started_on__lte=as_of)
        .alias(reference=Coalesce(Subquery(last_visit), "started_on"))
        .filter(reference__lte=as_of - datetime.timedelta(days=days))
        .order_by()
        .values_list("unit__path")
        .annotate(n=Count("pk"))
    )
    for path, n in unvisited:
        result.setdefault(path, {"active": 0, "without_visit": 0})["without_visit"] = n
    return result


@dataclass(frozen=True)
class UnvisitedPairing:
    """A live pairing with no visit in the last `days` days (the member and the date
    only: the difficulty stays private to the branch)."""

    pk: int
    member_name: str
    started_on: datetime.date
    last_visit_on: datetime.date | None


def unvisited_pairings(
    unit: OrgUnit,
    period: Period,
    *,
    days: int | None = None,
    today: datetime.date | None = None,
    limit: int = 200,
) -> list[UnvisitedPairing]:
    """The pairings `pairing_figures` counts as without a visit, by the same rule,
    longest without a visit first. One query, and one for the parameter when `days`
    is not given."""
    days = visit_days() if days is None else days
    as_of = min(period.last, today or timezone.localdate())
    last_visit = (
        Visit.objects.filter(pairing=OuterRef("pk"), date__lte=as_of)
        .order_by("-date")
        .values("date")[:1]
    )
    rows = (
        Pairing.objects.filter(unit_id__in=_subtree(unit), started_on__lte=as_of)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))
        .annotate(last=Subquery(last_visit))
        .alias(reference=Coalesce(Subquery(last_visit), "started_on"))
        .filter(reference__lte=as_of - datetime.timedelta(days=days))
        .order_by("reference", "pk")
        .values_list("pk", "member__name", "started_on", "last")[:limit]
    )
    return [UnvisitedPairing(*row) for row in rows]


# --- Activities -------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityFigures:
    unit_id: int
    period: Period
    held: int  # activities held that started in the period
    participants: int  # attendances (one person at two activities counts twice)
    people: int  # different people who took part
    hours: Decimal  # volunteer hours recorded
    beneficiaries: int  # people helped, as the organisers recorded


def activity_figures(unit: OrgUnit, period: Period) -> ActivityFigures:
    """Activities held in the period, who took part and their hours. Two queries."""
    held = Activity.objects.filter(
        unit_id__in=_subtree(unit),
        status=Activity.Status.HELD,
        starts_at__gte=period.starts,
        starts_at__lt=period.ends,
    )
    activities = held.aggregate(n=Count("pk"), helped=Coalesce(Sum("beneficiaries"), 0))
    taking_part = SignUp.objects.filter(
        activity__in=held.values("pk"), status=SignUp.Status.CONFIRMED, attended=True
    ).aggregate(
        n=Count("pk"),
        people=Count("user", distinct=True),
        hours=Sum("hours"),
    )
    return ActivityFigures(
        unit_id=unit.pk,
        period=period,
        held=activities["n"],
        participants=taking_part["n"],
        people=taking_part["people"],
        hours=taking_part["hours"] or Decimal(0),
        beneficiaries=activities["helped"],
    )


# --- One person's year, for the democratic appraisal --------------------------------------


@dataclass(frozen=True)
class PersonCommitment:
    pk: int
    text: str
    status: str  # Commitment.Status
    ratings: SatisfactionCounts


@dataclass(frozen=True)
class PersonPairing:
    pk: int  # the pairing's page says whom it helps, to those allowed to know
    started_on: datetime.date
    ended_on: datetime.date | None
    visits: int  # visits made in the year


@dataclass(frozen=True)
class PersonActivity:
    pk: int
    title: str
    starts_at: datetime.datetime
    hours: Decimal


@dataclass(frozen=True)
class PersonServiceRecord:
    """What one person did as a member in a year: facts with their records, no score."""

    user_id: int
    commitments: tuple[PersonCommitment, ...]
    pairings: tuple[PersonPairing, ...]
    activities: tuple[PersonActivity, ...]

    @property
    def visits(self) -> int:
        return sum(p.visits for p in self.pairings)

    @property
    def hours(self) -> Decimal:
        return sum((a.hours for a in self.activities), Decimal(0))


def people_service_records(user_ids: Sequence[int], *, year: int) -> dict[int, PersonServiceRecord]:
    """For each person: their commitments of the year (submitted or beyond) with the
    employees' ratings, their pairings live in the year with the visits made in it, and
    the held activities of the year they took part in with their hours. Every person
    asked for has an entry. Four queries, however many people."""
    ids = list(user_ids)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    commitments = list(
        Commitment.objects.filter(member_id__in=ids, year=year)
        .exclude(status=Commitment.Status.DRAFT)
        .order_by("pk")
        .values_list("pk", "member_id", "text", "status")
    )
    scores: dict[int, dict[str, int]] = {}
    for commitment_id, score, n in (
        CommitmentRating.objects.filter(commitment_id__in=[c[0] for c in commitments])
        .order_by()
        .values_list("commitment_id", "score")
        .annotate(n=Count("pk"))
    ):
        scores.setdefault(commitment_id, {})[score] = n
    pairings = (
        Pairing.objects.filter(member_id__in=ids, started_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .annotate(
            year_visits=Count("visits", filter=Q(visits__date__gte=first, visits__date__lte=last))
        )
        .order_by("started_on", "pk")
        .values_list("pk", "member_id", "started_on", "ended_on", "year_visits")
    )
    taking_part = (
        SignUp.objects.filter(
            user_id__in=ids,
            status=SignUp.Status.CONFIRMED,
            attended=True,
            activity__status=Activity.Status.HELD,
            activity__starts_at__year=year,
        )
        .order_by("activity__starts_at", "pk")
        .values_list("user_id", "activity_id", "activity__title", "activity__starts_at", "hours")
    )
    by_person: dict[int, dict[str, list[Any]]] = {
        pk: {"commitments": [], "pairings": [], "activities": []} for pk in ids
    }
    for pk, member_id, text, status in commitments:
        counted = scores.get(pk, {})
        by_person[member_id]["commitments"].append(
            PersonCommitment(
                pk,
                text,
                status,
                SatisfactionCounts(
                    satisfied=counted.get(Satisfaction.SATISFIED, 0),
                    fairly=counted.get(Satisfaction.FAIRLY, 0),
                    not_satisfied=counted.get(Satisfaction.NOT, 0),
                ),
            )
        )
    for pk, member_id, started_on, ended_on, visits in pairings:
        by_person[member_id]["pairings"].append(PersonPairing(pk, started_on, ended_on, visits))
    for user_id, activity_id, title, starts_at, hours in taking_part:
        by_person[user_id]["activities"].append(
            PersonActivity(activity_id, title, starts_at, hours or Decimal(0))
        )
    return {
        pk: PersonServiceRecord(
            user_id=pk,
            commitments=tuple(parts["commitments"]),
            pairings=tuple(parts["pairings"]),
            activities=tuple(parts["activities"]),
        )
        for pk, parts in by_person.items()
    }


@dataclass(frozen=True)
class CarrierFigures:
    """The service carriers an organisation's subtree offered in a period."""

    unit_id: int
    period: Period
    posts: int  # active service posts (示范岗, 责任区, 流动服务岗) set up by the period's end
    activities: int  # activities held that started in the period


def carrier_figures_of(
    units: Sequence[OrgUnit], period: Period, *, within: OrgUnit
) -> dict[int, CarrierFigures]:
    """Unit id → its subtree's service posts and activities held, for many units at
    once (selected by `within`'s subtree, which holds `units`). Two queries. A post
    keeps no history of when it was stood down, so the posts active now count."""
    posts = (
        ServicePost.objects.filter(
            unit_id__in=_subtree(within), is_active=True, created_at__lt=period.ends
        )
        .order_by()
        .values("unit__path")
        .annotate(posts=Count("pk"))
    )
    held = (
        Activity.objects.filter(
            unit_id__in=_subtree(within),
            status=Activity.Status.HELD,
            starts_at__gte=period.starts,
            starts_at__lt=period.ends,
        )
        .order_by()
        .values("unit__path")
        .annotate(activities=Count("pk"))
    )
    post_totals = summed_per_subtree(units, posts, "unit__path", ("posts",))
    activity_totals = summed_per_subtree(units, held, "unit__path", ("activities",))
    return {
        unit.pk: CarrierFigures(
            unit_id=unit.pk,
            period=period,
            posts=post_totals[unit.pk]["posts"],
            activities=activity_totals[unit.pk]["activities"],
        )
        for unit in units
    }


@dataclass(frozen=True)
class ServingUsers:
    """Who among some people serves through a carrier: holding an active service post,
    or with a commitment the branch approved (published) for a year the period touches."""

    post_holders: frozenset[int]
    committed: frozenset[int]

    @property
    def serving(self) -> frozenset[int]:
        return self.post_holders | self.committed


def serving_users(among: Any, period: Period) -> ServingUsers:
    """The users of `among` (user ids, or a subquery of them — a branch's members) who
    hold a service post or an approved commitment, whichever organisation runs it. Two
    queries."""
    holders = ServicePost.holders.through.objects.filter(
        user_id__in=among, servicepost__is_active=True
    ).values_list("user_id", flat=True)
    committed = Commitment.objects.filter(
        member_id__in=among,
        status=Commitment.Status.PUBLISHED,
        year__gte=period.first.year,
        year__lte=period.last.year,
    ).values_list("member_id", flat=True)
    return ServingUsers(
        post_holders=frozenset(holders.order_by().distinct()),
        committed=frozenset(committed.order_by().distinct()),
    )


# --- Five-services coverage -------------------------------------------------------------


@dataclass(frozen=True)
class ServiceCoverage:
    service: str  # one of the five services (service.rules.SERVICE_DOMAINS)
    activities: int
    deeds: int
    posts: int
    appeals: int  # appeals carry no tag: all count under serving the masses

    @property
    def total(self) -> int:
        return self.activities + self.deeds + self.posts + self.appeals


@dataclass(frozen=True)
class CoverageFigures:
    unit_id: int
    period: Period
    services: tuple[ServiceCoverage, ...]  # the five, in their order
    covered: int  # how many of the five have anything in the period

    def of(self, service: str) -> ServiceCoverage:
        return next(row for row in self.services if row.service == service)


def coverage_counts_within(root: OrgUnit, period: Period) -> dict[str, dict[str, int]]:
    """What `coverage_figures` counts, for every organisation at or under `root`, keyed
    by its tree path: per service (the five codes), the activities, deeds and posts
    tagged with it plus, under serving the masses, the appeals received. Four queries
    whatever the size of the subtree; the caller adds up a subtree."""
    result: dict[str, dict[str, int]] = {}

    def add(path: str, service: str, n: int = 1) -> None:
        counts = result.setdefault(path, {})
        counts[service] = counts.get(service, 0) + n

    within = {"unit__path__startswith": root.path}
    tagged = (
        Activity.objects.filter(
            **within,
            status__in=[Activity.Status.PLANNED, Activity.Status.HELD],
            starts_at__gte=period.starts,
            starts_at__lt=period.ends,
        ).values_list("unit__path", "services"),
        Deed.objects.filter(**within, due_on__gte=period.first, due_on__lte=period.last)
        .exclude(status=Deed.Status.DROPPED)
        .values_list("unit__path", "services"),
        ServicePost.objects.filter(**within, is_active=True).values_list("unit__path", "services"),
    )
    for rows in tagged:
        for path, tags in rows.order_by():
            if isinstance(tags, list):
                for code in set(tags):
                    if code in SERVICE_DOMAINS:
                        add(path, code)
    for path, n in received_counts_within(root, period).items():
        add(path, MASSES, n)
    return result


def coverage_figures(unit: OrgUnit, period: Period) -> CoverageFigures:
    """The five-services coverage the coverage page shows. Four queries."""
    result = coverage(unit, period)
    rows = tuple(
        ServiceCoverage(
            service=row.service,
            activities=row.activities,
            deeds=row.deeds,
            posts=row.posts,
            appeals=row.appeals,
        )
        for row in result.rows
    )
    return CoverageFigures(
        unit_id=unit.pk,
        period=period,
        services=rows,
        covered=sum(1 for row in rows if row.total),
    )


def service_domain_choices() -> list[tuple[str, str]]:
    """The five services as form choices (value, label), in their order."""
    return [(value, str(label)) for value, label in ServiceDomain.choices]
