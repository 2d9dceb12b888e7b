"""Reads for commitments, already limited to what the person may see (see policy)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from grassroots.accounts.scope import Scope
from grassroots.core.satisfaction import Satisfaction
from grassroots.core.tree import within
from grassroots.service.commitments import policy
from grassroots.service.models import Commitment, CommitmentProgress, CommitmentRating

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


def _with_counts(rows: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """Rating counts per answer, in the same query as the rows."""
    return rows.annotate(
        rated_satisfied=Count("ratings", filter=Q(ratings__score=Satisfaction.SATISFIED)),
        rated_fairly=Count("ratings", filter=Q(ratings__score=Satisfaction.FAIRLY)),
        rated_not=Count("ratings", filter=Q(ratings__score=Satisfaction.NOT)),
    )


def get_commitment_for(scope: Scope, user: Any, pk: int) -> Commitment:
    """The commitment, or 404 — the same for a missing one and one out of scope."""
    commitment = (
        Commitment.objects.select_related("member", "unit", "department", "post", "approved_by")
        .filter(pk=pk)
        .first()
    )
    if commitment is None or not policy.can_view(scope, user, commitment):
        raise Http404
    return commitment


def my_commitments(user: Any) -> QuerySet[Commitment]:
    return _with_counts(
        Commitment.objects.filter(member=user).select_related("unit", "department", "post")
    ).order_by("-year", "-pk")


def published_for(user: Any, *, year: int) -> QuerySet[Commitment]:
    """What the members of this employee's department have committed to in a year."""
    return (
        policy.published_to(user)
        .filter(year=year)
        .exclude(member=user)
        .select_related("member", "department", "post")
        .order_by("member__name", "pk")
    )


def review_queue(scope: Scope) -> QuerySet[Commitment]:
    """Submitted commitments waiting for a decision in the branches this person oversees."""
    return (
        policy.reviewable(scope)
        .filter(status=Commitment.Status.SUBMITTED)
        .exclude(member_id=scope.user_id)
        .select_related("member", "unit")
        .order_by("year", "pk")
    )


def overseen(scope: Scope, *, year: int, unit: OrgUnit | None = None) -> QuerySet[Commitment]:
    """The year's commitments of the branches this person oversees, with rating counts;
    with `unit` (one they oversee: see unit_filter), those of it and the branches below."""
    rows = policy.reviewable(scope).filter(year=year)
    if unit is not None:
        rows = rows.filter(within(unit.path, field="unit__path"))
    return _with_counts(rows.select_related("member", "unit", "department")).order_by(
        "unit__path", "member__name", "pk"
    )


@dataclass(frozen=True)
class RatingSummary:
    satisfied: int
    fairly: int
    not_satisfied: int
    comments: list[str]

    @property
    def total(self) -> int:
        return self.satisfied + self.fairly + self.not_satisfied


def rating_summary(commitment: Commitment) -> RatingSummary:
    """Counts and comments, without names (for the member and the officers)."""
    rows = list(commitment.ratings.values_list("score", "comment").order_by("created_at", "pk"))
    return RatingSummary(
        satisfied=sum(1 for score, _c in rows if score == Satisfaction.SATISFIED),
        fairly=sum(1 for score, _c in rows if score == Satisfaction.FAIRLY),
        not_satisfied=sum(1 for score, _c in rows if score == Satisfaction.NOT),
        comments=[comment for _s, comment in rows if comment],
    )


def my_rating(commitment: Commitment, user: Any) -> CommitmentRating | None:
    return CommitmentRating.objects.filter(commitment=commitment, user=user).first()


def progress_notes(commitment: Commitment) -> list[CommitmentProgress]:
    return list(commitment.progress.select_related("created_by"))
