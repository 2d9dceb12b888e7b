"""Reads for pairings, already limited to what the person may see (see policy)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from grassroots.accounts.scope import Scope
from grassroots.accounts.selectors import all_users, user_by_employee_number
from grassroots.core import parameters
from grassroots.core.tree import within
from grassroots.orgs.vocabulary import MemberStage, MemberStatus
from grassroots.service.models import Pairing, Visit
from grassroots.service.pairings import policy, rules
from grassroots.service.pairings.rule_parameters import VISIT_DAYS

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.core.periods import Period
    from grassroots.orgs.models import OrgUnit


def visit_days() -> int:
    return int(parameters.value(VISIT_DAYS.key))


def get_pairing_for(scope: Scope, pk: int) -> Pairing:
    pairing = Pairing.objects.select_related("unit", "member", "employee").filter(pk=pk).first()
    if pairing is None or not policy.can_view(scope, pairing):
        raise Http404
    return pairing


def get_visit_for(scope: Scope, pk: int) -> Visit:
    """A visit, for those who may read its notes (the member and the branch officers)."""
    visit = (
        Visit.objects.select_related("pairing", "pairing__unit", "pairing__member")
        .select_related("pairing__employee", "pairing__employee__department")
        .filter(pk=pk)
        .first()
    )
    if visit is None or not policy.can_see_reason(scope, visit.pairing):
        raise Http404
    return visit


@dataclass(frozen=True)
class Row:
    pairing: Pairing
    days: int
    overdue: bool
    reason_visible: bool
    visits: int


def pairing_rows(
    scope: Scope,
    *,
    today: datetime.date,
    live: bool = True,
    limit: int = 300,
    unit: OrgUnit | None = None,
    unvisited_for: int | None = None,
) -> list[Row]:
    """The pairings this person may see, the longest without a visit first, with the
    days since the last visit and a flag past the limit (one query). `unit` (one the
    person oversees: see unit_filter) keeps those of it and the branches below it;
    `unvisited_for` keeps the live ones without a visit for at least that many days
    (the days `rules.days_without_visit` counts)."""
    rows: QuerySet[Pairing] = policy.visible_pairings(scope).filter(ended_on__isnull=live)
    if unit is not None:
        rows = rows.filter(within(unit.path, field="unit__path"))
    if live and unvisited_for is not None:
        rows = rows.alias(reference=Coalesce("last_visit_on", "started_on")).filter(
            reference__lte=today - datetime.timedelta(days=unvisited_for)
        )
    rows = rows.select_related("unit", "member", "employee").annotate(visit_count=Count("visits"))
    order = (Coalesce("last_visit_on", "started_on"), "pk") if live else ("-ended_on", "-pk")
    rows = rows.order_by(*order)
    limit_days = visit_days()
    result = []
    for pairing in rows[:limit]:
        days = rules.days_without_visit(
            started_on=pairing.started_on, last_visit_on=pairing.last_visit_on, today=today
        )
        result.append(
            Row(
                pairing=pairing,
                days=days,
                overdue=live and rules.visit_overdue(days, limit=limit_days),
                reason_visible=policy.can_see_reason(scope, pairing),
                visits=pairing.visit_count,
            )
        )
    return result


def visits_of(pairing: Pairing) -> list[Visit]:
    return list(pairing.visits.select_related("recorded_by").prefetch_related("appeals", "deeds"))


def member_choices(units: QuerySet[OrgUnit]) -> QuerySet[User]:
    """Party members (probationary or full, in good standing) of these branches."""
    return (
        all_users()
        .filter(
            member__branch__in=units,
            member__stage__in=MemberStage.party_member_values(),
            member__status__in=MemberStatus.active_values(),
            is_active=True,
        )
        .select_related("member__branch")
        .order_by("member__branch__path", "name")
    )


def user_by_number(number: str) -> Any:
    """Typed as people type it: with spaces, in lower case or full-width digits."""
    return user_by_employee_number(number, active_only=False)


def visit_note_words_in_period(path: str, period: Period) -> list[str]:
    """The words (cut as the appeals' are) of the needs heard on the pairing visits of
    the branches at or under `path` in the period: for grouping texts into topics, never
    who was visited. One query, then jieba per note."""
    from grassroots.appeals.selectors import words_of

    notes = (
        Visit.objects.filter(
            within(path, field="pairing__unit__path"),
            date__gte=period.first,
            date__lte=period.last,
        )
        .exclude(needs_heard="")
        .order_by("pk")
        .values_list("needs_heard", flat=True)
    )
    return [words for words in map(words_of, notes) if words]
