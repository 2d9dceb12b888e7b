"""Reads for appeal pages: scoped, prefetched, a fixed number of queries per page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.accounts.scope import Scope
from grassroots.appeals import policy, similarity
from grassroots.appeals.models import (
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    Attachment,
    Category,
    MeToo,
)
from grassroots.core import parameters


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("position", "pk")


def _me_too_count() -> Coalesce:
    """The me-toos of each listed appeal as a correlated subquery. A join with GROUP BY
    would group every appeal in the queue before the page is cut (for a committee's
    queue over a million appeals, all of them); PostgreSQL evaluates this subquery
    after ORDER BY … LIMIT, for the rows of the page only, and leaves it out of the
    paginator's count."""
    per_appeal = (
        MeToo.objects.filter(appeal=OuterRef("pk"))
        .order_by()
        .values("appeal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_appeal), 0)


def _with_related(appeals: QuerySet[Appeal]) -> QuerySet[Appeal]:
    return appeals.select_related("category", "unit", "assignee", "department").annotate(
        me_too_count=_me_too_count()
    )


def my_appeals(user: User) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(submitter=user, is_anonymous=False)
        .select_related("category", "unit")
        .order_by("-created_at", "-id")
    )


def get_own_appeal(scope: Scope, pk: int) -> Appeal:
    appeal = (
        Appeal.objects.select_related("category", "unit", "department", "assignee")
        .filter(pk=pk)
        .first()
    )
    if appeal is None or not policy.is_submitter(scope, appeal):
        raise Http404
    return appeal


def get_handled_appeal(scope: Scope, pk: int) -> Appeal:
    appeal = (
        Appeal.objects.select_related(
            "category", "unit", "department", "assignee", "submitter", "recorded_by", "merged_into"
        )
        .prefetch_related("co_handlings__department")
        .filter(pk=pk)
        .first()
    )
    if appeal is None or not policy.can_view_as_handler(scope, appeal):
        raise Http404
    return appeal


def timeline(appeal: Appeal, *, public_only: bool) -> list[AppealEvent]:
    events = appeal.events.prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )
    if public_only:
        events = events.filter(is_public=True)
    return list(events.order_by("created_at", "id"))


@dataclass(frozen=True)
class QueueFilters:
    view: str = "open"  # open | overdue | at_risk | mine | all
    q: str = ""
    category: Category | None = None


def handler_queue(
    scope: Scope, filters: QueueFilters, *, now: datetime.datetime | None = None
) -> QuerySet[Appeal]:
    """Appeals this person handles, filtered, soonest deadline first."""
    now = now or timezone.now()
    appeals = policy.handled_appeals(scope)
    if filters.view == "overdue":
        appeals = appeals.filter(status__in=OPEN_STATUSES, current_due_at__lt=now)
    elif filters.view == "at_risk":
        appeals = appeals.filter(
            status__in=OPEN_STATUSES,
            current_due_at__gte=now,
            current_due_at__lt=now + datetime.timedelta(days=1),
        )
    elif filters.view == "mine":
        appeals = appeals.filter(assignee_id=scope.user_id)
    elif filters.view == "open":
        appeals = appeals.filter(status__in=OPEN_STATUSES)
    if filters.category is not None:
        appeals = appeals.filter(category=filters.category)
    if filters.q:
        term = filters.q.strip()
        appeals = appeals.filter(Q(number__iexact=term) | Q(title__icontains=term))
    order = ["current_due_at", "-created_at"] if filters.view != "all" else ["-created_at"]
    return _with_related(appeals).order_by(*order, "-id")


def similar_open(
    *, category: Category | None, text: str, exclude: int | None = None
) -> list[Appeal]:
    """Open appeals like the text, in the same category and recent months."""
    if category is None or len(text.strip()) < 4:
        return []
    since = similarity.candidate_window(parameters.value("appeals.similar_months"))
    candidates = (
        Appeal.objects.filter(category=category, status__in=OPEN_STATUSES, created_at__gte=since)
        .exclude(tokens="")
        .order_by("-created_at")
        .values_list("pk", "tokens")[: similarity.CANDIDATES]
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    ranked = similarity.similar(text, list(candidates))
    by_pk = Appeal.objects.annotate(me_too_count=Count("me_toos")).in_bulk(
        [pk for pk, _score in ranked]
    )
    return [by_pk[pk] for pk, _score in ranked if pk in by_pk]


def outcome_wall() -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(published_at__isnull=False)
        .select_related("category", "unit")
        .only("number", "public_summary", "published_at", "category__name", "unit__name", "title")
        .order_by("-published_at")
    )


def attachment_for(pk: int) -> Attachment:
    attachment = (
        Attachment.objects.select_related("appeal__unit", "appeal__category").filter(pk=pk).first()
    )
    if attachment is None:
        raise Http404
    return attachment


def me_too_ids(user: Any, appeals: list[Appeal]) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        MeToo.objects.filter(user=user, appeal__in=appeals).values_list("appeal_id", flat=True)
    )
