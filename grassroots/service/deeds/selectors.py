"""Reads for practical deeds: the public list, a deed's page, the officers' flags.

The public list is read by anyone, for an enterprise with tens of thousands of deeds:
one row per deed (the rating and follower counts are kept on the deed), ordered along
the index deed_public_idx (status, due_on, id) so a page is read from the index instead
of sorting every deed, and counted only up to a cap (CappedPaginator).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import F, Q, QuerySet

from grassroots.accounts.roles import Role
from grassroots.accounts.scope import Scope
from grassroots.accounts.selectors import all_users, assignments_over_units, holder_ids
from grassroots.appeals.selectors import status_label
from grassroots.core import parameters
from grassroots.core.tree import ancestor_paths, within
from grassroots.orgs.selectors import active_units, members_within, unit_ids_within_any
from grassroots.orgs.vocabulary import MemberStatus, UnitKind
from grassroots.service.deeds import rule_parameters, rules
from grassroots.service.models import (
    Deed,
    DeedFollow,
    DeedMilestone,
    DeedRating,
    DeedUpdate,
    ServiceDomain,
)

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.orgs.models import OrgUnit

OFFICER_ROLES = (Role.BRANCH_OFFICER, Role.COMMITTEE_OFFICER)
LIST_FIELDS = (
    "title",
    "status",
    "due_on",
    "done_on",
    "progress",
    "services",
    "followers",
    "rated_satisfied",
    "rated_fairly",
    "rated_not",
    "unit__name",
    "owner__name",
)
OVERDUE, POORLY_RATED = "overdue", "poor"


def eligible_owners(unit: OrgUnit) -> QuerySet[User]:
    """Who may be responsible for a deed of `unit`: active members of its subtree, and
    officers of the unit, of an organisation above it or below it."""
    members = (
        members_within(unit.path).filter(status__in=MemberStatus.active_values()).values("user_id")
    )
    officers = holder_ids(roles=OFFICER_ROLES).filter(
        within(unit.path, "org_unit__path") | Q(org_unit__path__in=ancestor_paths(unit.path))
    )
    return all_users().filter(Q(pk__in=members) | Q(pk__in=officers), is_active=True)


def with_services(deeds: QuerySet[Deed], service: str) -> QuerySet[Deed]:
    """Deeds tagged with one of the five services. PostgreSQL answers JSON containment;
    SQLite has no such lookup, so there the quoted code is looked for in the JSON text
    (no code is part of another)."""
    if connection.features.supports_json_field_contains:
        return deeds.filter(services__contains=[service])
    return deeds.filter(services__icontains=f'"{service}"')


def poor_thresholds() -> tuple[int, int]:
    return (
        int(parameters.value(rule_parameters.MIN_RATINGS.key)),
        int(parameters.value(rule_parameters.NO_SHARE_PERCENT.key)),
    )


def overdue_filter(today: datetime.date) -> Q:
    return Q(status=Deed.Status.OPEN, due_on__lt=today)


def poorly_rated(deeds: QuerySet[Deed], *, min_ratings: int, no_percent: int) -> QuerySet[Deed]:
    """rules.is_poorly_rated, in SQL: enough answers, and 100·no ≥ percent·answers."""
    return deeds.alias(
        answers=F("rated_satisfied") + F("rated_fairly") + F("rated_not"),
        no_scaled=F("rated_not") * 100,
    ).filter(
        status=Deed.Status.DONE,
        answers__gte=max(1, min_ratings),
        no_scaled__gte=F("answers") * no_percent,
    )


@dataclass(frozen=True)
class ListFilters:
    unit: OrgUnit | None = None
    status: str = Deed.Status.OPEN  # "" for every status
    service: str = ""
    flagged: str = ""  # "", OVERDUE or POORLY_RATED: officers only
    year: int | None = None  # due in this year; None for every year
    to_rate: Scope | None = None  # followed by this person, done, waiting for their answer


def public_deeds(
    filters: ListFilters, *, today: datetime.date, officer_paths: tuple[str, ...] | None = None
) -> QuerySet[Deed]:
    """The public list, filtered; `officer_paths` (None for everywhere) limits the
    flagged view to the officer's own organisations."""
    deeds = Deed.objects.select_related("unit", "owner").only(*LIST_FIELDS, "unit_id", "owner_id")
    if filters.unit is not None:
        # A subquery on the organisation table keeps the join out of the ordered scan.
        deeds = deeds.filter(unit_id__in=unit_ids_within_any([filters.unit.path]))
    if filters.service in ServiceDomain.values:
        deeds = with_services(deeds, filters.service)
    if filters.year is not None:
        # The year a deed is due in: the period a deed counts in for evaluation too.
        deeds = deeds.filter(
            due_on__gte=datetime.date(filters.year, 1, 1),
            due_on__lte=datetime.date(filters.year, 12, 31),
        )
    if filters.to_rate is not None:
        return waiting_for_rating(filters.to_rate, deeds).order_by("-done_on", "-id")
    if filters.flagged:
        if officer_paths is not None:
            deeds = deeds.filter(unit_id__in=unit_ids_within_any(officer_paths))
        if filters.flagged == OVERDUE:
            return deeds.filter(overdue_filter(today)).order_by("due_on", "id")
        min_ratings, no_percent = poor_thresholds()
        return poorly_rated(deeds, min_ratings=min_ratings, no_percent=no_percent).order_by(
            "-due_on", "-id"
        )
    if filters.status == Deed.Status.OPEN:
        # Soonest first: the overdue ones lead, as they should.
        return deeds.filter(status=filters.status).order_by("due_on", "id")
    if filters.status in (Deed.Status.DONE, Deed.Status.DROPPED):
        return deeds.filter(status=filters.status).order_by("-due_on", "-id")
    # Every status: the newest promises first, read backwards along the primary key
    # (ordering by the due date across statuses would sort every deed for each page).
    return deeds.order_by("-id")


def delivered_within(
    path: str, *, older_than: tuple[datetime.date, int] | None = None, broad: bool = False
) -> QuerySet[Deed]:
    """Deeds declared done by the organisation at `path` and those under it, the most
    recently done first, with what was promised and what was delivered. `older_than`
    (done_on, id) continues the list after the row it names: keyset paging.

    `broad` (a committee, many organisations below): read along deed_done_idx, keeping
    the rows of the subtree; else (a branch) look its few deeds up by organisation."""
    deeds = Deed.objects.filter(status=Deed.Status.DONE)
    in_subtree = within(path, "unit__path") if broad else Q(unit_id__in=unit_ids_within_any([path]))
    deeds = deeds.filter(in_subtree)
    if older_than is not None:
        day, pk = older_than
        deeds = deeds.filter(Q(done_on__lt=day) | Q(done_on=day, pk__lt=pk))
    return (
        deeds.select_related("unit")
        .only("title", "outcome", "done_on", "unit__name")
        .order_by("-done_on", "-pk")
    )


def waiting_for_rating(scope: Scope, deeds: QuerySet[Deed] | None = None) -> QuerySet[Deed]:
    """Deeds the person follows that were declared done and wait for their answer to
    "was it delivered?": not yet answered, and not theirs to judge (`policy.can_rate`:
    the person responsible and the officers who answer for the deed do not)."""
    user_id = scope.user_id
    if user_id is None or scope.is_admin:
        return Deed.objects.none()
    deeds = Deed.objects.all() if deeds is None else deeds
    waiting = deeds.filter(status=Deed.Status.DONE, follows__user_id=user_id).exclude(
        Q(owner_id=user_id) | Q(ratings__user_id=user_id)
    )
    if scope.officer_paths:
        managed = unit_ids_within_any(scope.officer_paths).exclude(kind=UnitKind.GROUP)
        waiting = waiting.exclude(unit_id__in=managed)
    return waiting


def annotate_rows(deeds: list[Deed], *, today: datetime.date) -> list[Deed]:
    """What the list shows beside each deed, from the row alone (no query)."""
    for deed in deeds:
        deed.is_overdue = rules.is_overdue(  # type: ignore[attr-defined]
            status=deed.status, due_on=deed.due_on, today=today
        )
        deed.answers = deed.rated_satisfied + deed.rated_fairly + deed.rated_not  # type: ignore[attr-defined]
        deed.delivered_percent = rules.delivered_percent(  # type: ignore[attr-defined]
            satisfied=deed.rated_satisfied, fairly=deed.rated_fairly, not_satisfied=deed.rated_not
        )
        deed.service_labels = [  # type: ignore[attr-defined]
            ServiceDomain(code).label for code in deed.services if code in ServiceDomain.values
        ]
    return deeds


def filter_units(limit: int = 400) -> list[tuple[int, str]]:
    """(pk, name) of the organisations offered in the list's filter: committees and
    branches. Past `limit` (a group of thousands of branches) only the committees and
    general branches are offered; a branch is reached from its name in the list."""
    units = active_units(exclude_kinds=[UnitKind.GROUP]).order_by("path").values_list("pk", "name")
    listed = list(units[: limit + 1])
    if len(listed) <= limit:
        return listed
    return list(units.exclude(kind=UnitKind.BRANCH)[:limit])


@dataclass
class DeedPage:
    deed: Deed
    milestones: list[DeedMilestone]
    updates: list[DeedUpdate]
    appeals: list[dict[str, Any]]
    visits: int
    post_visits: int
    following: bool
    my_rating: DeedRating | None


def deed_for_page(pk: int) -> Deed | None:
    return Deed.objects.select_related("unit", "owner").filter(pk=pk).first()


def deed_page(deed: Deed, *, user: Any, updates_limit: int = 100) -> DeedPage:
    """Everything a deed's public page shows. Linked appeals give their number and
    status only: never the submitter, the title or the text (an anonymous appeal must
    reveal nothing, and a named one is not the public's business)."""
    signed_in = bool(user is not None and user.is_authenticated)
    return DeedPage(
        deed=deed,
        milestones=list(deed.milestones.all()),
        updates=list(deed.updates.all()[:updates_limit]),
        appeals=[
            {"number": number, "status": status, "status_label": status_label(status)}
            for number, status in deed.appeals.order_by("number").values_list("number", "status")
        ],
        visits=deed.visits.count(),
        post_visits=deed.post_visits.count(),
        following=signed_in and DeedFollow.objects.filter(deed=deed, user=user).exists(),
        my_rating=DeedRating.objects.filter(deed=deed, user=user).first() if signed_in else None,
    )


def flagged_deeds(
    *, today: datetime.date, overdue_since: datetime.date, done_since: datetime.date
) -> tuple[list[Deed], list[Deed]]:
    """Deeds to flag to officers: overdue since `overdue_since` (older ones were flagged
    before) and poorly rated among those done since `done_since`."""
    base = Deed.objects.select_related("unit").only(
        "title", "due_on", "status", "unit__name", "unit__path", "unit__kind"
    )
    overdue = list(base.filter(overdue_filter(today), due_on__gte=overdue_since).order_by("pk"))
    min_ratings, no_percent = poor_thresholds()
    poor = list(
        poorly_rated(
            base.filter(done_on__gte=done_since), min_ratings=min_ratings, no_percent=no_percent
        ).order_by("pk")
    )
    return overdue, poor


def flag_recipients(units: list[OrgUnit]) -> dict[int, list[User]]:
    """For each unit: its own officers, and the committee officers of the nearest
    organisation above it that has any (the committee that supervises it)."""
    wanted = {unit.path for unit in units}
    for unit in units:
        wanted.update(ancestor_paths(unit.path))
    officers: dict[str, list[tuple[str, User]]] = {}
    for assignment in assignments_over_units(
        roles=OFFICER_ROLES, unit_paths=wanted, active_only=True
    ):
        assert assignment.org_unit is not None
        officers.setdefault(assignment.org_unit.path, []).append((assignment.role, assignment.user))
    result: dict[int, list[User]] = {}
    for unit in units:
        people = {user.pk: user for _role, user in officers.get(unit.path, [])}
        for path in reversed(ancestor_paths(unit.path)):
            above = [
                user for role, user in officers.get(path, []) if role == Role.COMMITTEE_OFFICER
            ]
            if above:
                people.update({user.pk: user for user in above})
                break
        result[unit.pk] = list(people.values())
    return result
