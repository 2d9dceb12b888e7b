"""Reads for service posts: the public list and page, the rota of a mobile post, and
the people who may hold a post or go on its visits."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from grassroots.accounts.scope import Scope
from grassroots.accounts.selectors import all_users
from grassroots.core.tree import within
from grassroots.orgs.selectors import active_units
from grassroots.orgs.vocabulary import MemberStage, MemberStatus, UnitKind
from grassroots.service.commitments import policy as commitments_policy
from grassroots.service.models import Commitment, PostVisit, ServicePost
from grassroots.service.posts import policy

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.appeals.models import Appeal
    from grassroots.orgs.models import OrgUnit

RECENT_VISITS = 10
UPCOMING_VISITS = 20
LISTED_APPEALS = 30


def _names() -> QuerySet[User]:
    # Names only: the public pages never read a phone number or anything else private.
    return all_users().only("pk", "name").order_by("name", "pk")


def holders_prefetch() -> Prefetch[str, QuerySet[User], str]:
    return Prefetch("holders", queryset=_names())


@dataclass(frozen=True)
class PostFilters:
    kind: str = ""
    unit: OrgUnit | None = None
    mine: bool = False  # posts I hold
    inactive: bool = False  # deactivated posts I run (officers)


def post_list(scope: Scope, filters: PostFilters) -> QuerySet[ServicePost]:
    """Active posts for everyone; deactivated ones only to the officers who run them.
    Two related rows joined and the holders prefetched: a fixed number of queries."""
    rows = ServicePost.objects.select_related("unit", "department").prefetch_related(
        holders_prefetch()
    )
    if filters.inactive:
        rows = rows.filter(is_active=False)
        if not scope.is_admin:
            rows = rows.filter(policy.managed_filter(scope))
    else:
        rows = rows.filter(is_active=True)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.unit is not None:
        rows = rows.filter(within(filters.unit.path, "unit__path"))
    if filters.mine:
        rows = rows.filter(holders=scope.user_id) if scope.user_id else rows.none()
    return rows.order_by("unit__path", "kind", "name", "pk")


def filter_branches() -> QuerySet[OrgUnit]:
    """Branches offered in the list's filter."""
    return active_units().filter(kind=UnitKind.BRANCH).only("pk", "name", "path").order_by("path")


def get_post_for(scope: Scope, pk: int) -> ServicePost:
    """The post, or 404 when it is missing or deactivated and not the person's to see."""
    post = (
        ServicePost.objects.select_related("unit", "department")
        .prefetch_related(holders_prefetch())
        .filter(pk=pk)
        .first()
    )
    if post is None or not policy.can_view(scope, post):
        raise Http404
    return post


def get_managed_post(scope: Scope, pk: int) -> ServicePost:
    post = get_post_for(scope, pk)
    if not policy.can_manage(scope, post):
        raise Http404
    return post


def eligible_holders(unit: OrgUnit) -> QuerySet[User]:
    """The branch's active Party members (probationary and full): who may hold a post."""
    return (
        all_users()
        .filter(
            is_active=True,
            member__branch=unit,
            member__stage__in=MemberStage.party_member_values(),
            member__status__in=MemberStatus.active_values(),
        )
        .order_by("name", "pk")
    )


def visit_people(post: ServicePost) -> QuerySet[User]:
    """Who may go on a visit: the branch's active Party members and the post's holders."""
    return (
        all_users()
        .filter(
            Q(pk__in=eligible_holders(post.unit).values("pk"))
            | Q(pk__in=post.holders.values("pk")),
            is_active=True,
        )
        .only("pk", "name")
        .order_by("name", "pk")
    )


def published_commitments(post: ServicePost, *, scope: Scope, user: Any) -> list[Commitment]:
    """The post's published commitments this person may read. The post's page is public,
    but a commitment is published to the employees of one department (and the member and
    the branch's officers): the commitments policy decides, as on every other page."""
    if not scope.is_authenticated:
        return []
    rows = (
        post.commitments.filter(status=Commitment.Status.PUBLISHED)
        .select_related("member", "unit", "department")
        .order_by("-year", "pk")
    )
    return [row for row in rows if commitments_policy.can_view(scope, user, row)]


def _visits(post: ServicePost) -> QuerySet[PostVisit]:
    return post.visits.select_related("department").prefetch_related(
        Prefetch("members", queryset=_names())
    )


def upcoming_visits(post: ServicePost, *, today: datetime.date) -> list[PostVisit]:
    """The rota: planned visits from today on, soonest first."""
    return list(
        _visits(post)
        .filter(status=PostVisit.Status.PLANNED, date__gte=today)
        .order_by("date", "pk")[:UPCOMING_VISITS]
    )


def visits_to_record(post: ServicePost, *, today: datetime.date) -> list[PostVisit]:
    """Planned visits whose day has come and that nobody has recorded yet."""
    return list(
        _visits(post)
        .filter(status=PostVisit.Status.PLANNED, date__lte=today)
        .order_by("date", "pk")[:UPCOMING_VISITS]
    )


def recent_visits(post: ServicePost) -> list[PostVisit]:
    return list(
        _visits(post).filter(status=PostVisit.Status.HELD).order_by("-date", "-pk")[:RECENT_VISITS]
    )


def get_visit_for(scope: Scope, pk: int) -> PostVisit:
    """A visit's full record (with what was heard): the post's holders and officers."""
    visit = (
        PostVisit.objects.select_related("post", "post__unit", "department", "recorded_by")
        .prefetch_related(Prefetch("members", queryset=_names()))
        .prefetch_related(Prefetch("post__holders", queryset=_names()))
        .filter(pk=pk)
        .first()
    )
    if visit is None or not policy.sees_everything(scope, visit.post):
        raise Http404
    return visit


def _listed(appeals: QuerySet[Appeal]) -> list[Appeal]:
    # Complaints about members' conduct go to the discipline officer, never to the
    # branch concerned: they are not listed to its holders and officers.
    return list(
        appeals.filter(category__to_discipline=False)
        .select_related("category", "unit")
        .order_by("-created_at", "-pk")[:LISTED_APPEALS]
    )


def post_appeals(post: ServicePost) -> list[Appeal]:
    return _listed(post.appeals.all())


def visit_appeals(visit: PostVisit) -> list[Appeal]:
    return _listed(visit.appeals.all())
