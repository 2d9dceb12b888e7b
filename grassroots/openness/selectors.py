"""Who a notice or a consultation reaches, and the reads every page of openness starts
from: the notices and consultations a person may see.

A person's *reach* is worked out once per request (at most two queries): for each
audience narrower than the enterprise, the organisations whose notices to that audience
they may read. Lists then filter by audience and organisation id in one query, along the
indexes `notice_audience_list` and `notice_unit_list`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from grassroots.accounts.scope import Scope
from grassroots.core.tree import ancestor_paths, within_any
from grassroots.openness.models import Comment, Consultation, Notice
from grassroots.openness.vocabulary import Audience
from grassroots.orgs import selectors as orgs

if TYPE_CHECKING:
    from grassroots.core.periods import Period
    from grassroots.orgs.models import OrgUnit

_CACHE_ATTRIBUTE = "_grassroots_openness_reach"


@dataclass(frozen=True)
class Reach:
    """What a person may read in openness."""

    is_authenticated: bool = False
    is_admin: bool = False
    # audience → ids of the organisations whose notices to that audience they may read
    unit_ids: dict[str, frozenset[int]] = field(default_factory=dict)
    # subtrees they oversee as an officer: every notice there, whatever its audience
    overseen_paths: tuple[str, ...] = ()

    def reaches(self, audience: str, unit_id: int, unit_path: str) -> bool:
        if self.is_admin or audience == Audience.PUBLIC:
            return True
        if not self.is_authenticated:
            return False
        if audience == Audience.ENTERPRISE:
            return True
        if any(unit_path.startswith(root) for root in self.overseen_paths):
            return True
        return unit_id in self.unit_ids.get(audience, frozenset())

    def condition(self, prefix: str = "") -> Q:
        """The filter for rows (notices, consultations) this person may see; `prefix`
        leads to the row from another model ("consultation__")."""
        if self.is_admin:
            return Q()
        public = Q(**{f"{prefix}audience": Audience.PUBLIC})
        if not self.is_authenticated:
            return public
        where = Q(**{f"{prefix}audience__in": [Audience.PUBLIC, Audience.ENTERPRISE]})
        for audience, ids in self.unit_ids.items():
            if ids:
                where |= Q(**{f"{prefix}audience": audience, f"{prefix}unit_id__in": sorted(ids)})
        if self.overseen_paths:
            where |= within_any(self.overseen_paths, f"{prefix}unit__path")
        return where


ANONYMOUS_REACH = Reach()


def reach_of(scope: Scope, user: Any) -> Reach:
    """A person's reach (kept on the user object for the rest of the request)."""
    if not scope.is_authenticated:
        return ANONYMOUS_REACH
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    officer_paths = scope.officer_paths
    member_paths: set[str] = set()
    # Notices to "Party members" reach probationary and full members, not the applicants
    # and activists who also have a member record.
    if scope.branch_path and scope.is_party_member:
        member_paths = {*ancestor_paths(scope.branch_path), scope.branch_path}
    above_officer = {p for path in officer_paths for p in ancestor_paths(path)}
    ids = orgs.unit_ids_at_paths(member_paths | above_officer | set(officer_paths))
    members = {ids[p] for p in member_paths if p in ids}
    if member_paths and scope.group_id is not None:
        members.add(scope.group_id)
    department = getattr(user, "department", None)
    reach = Reach(
        is_authenticated=True,
        is_admin=scope.is_admin,
        unit_ids={
            Audience.DEPARTMENTS: frozenset(
                orgs.unit_ids_covering_department(department.path) if department else ()
            ),
            Audience.MEMBERS: frozenset(members),
            Audience.OFFICERS: frozenset(
                ids[p] for p in above_officer | set(officer_paths) if p in ids
            ),
        },
        overseen_paths=officer_paths,
    )
    setattr(user, _CACHE_ATTRIBUTE, reach)
    return reach


# --- Notices ---------------------------------------------------------------------------


def notices_for(reach: Reach) -> QuerySet[Notice]:
    """Every notice this person may read, newest first (not yet sliced)."""
    return (
        Notice.objects.filter(reach.condition())
        .select_related("unit")
        .order_by("-published_at", "-pk")
    )


def notices_of_unit(unit: OrgUnit, reach: Reach) -> QuerySet[Notice]:
    """A unit's notices this person may read, newest first."""
    return notices_for(reach).filter(unit=unit)


def notice_for(reach: Reach, pk: int | None) -> Notice | None:
    """One notice, when this person may read it (else None: a 404, as a missing one)."""
    if pk is None:
        return None
    notice = Notice.objects.select_related("unit").filter(pk=pk).first()
    if notice is None or not reach.reaches(notice.audience, notice.unit_id, notice.unit.path):
        return None
    return notice


# --- Consultations ----------------------------------------------------------------------


def consultations_for(reach: Reach) -> QuerySet[Consultation]:
    """Every consultation this person is asked in (or oversees), newest first."""
    return (
        Consultation.objects.filter(reach.condition())
        .select_related("unit")
        .order_by("-opens_on", "-pk")
    )


@dataclass(frozen=True)
class ConsultationLine:
    """A consultation as another app lists it (to link a plan's item to it)."""

    pk: int
    public_id: str
    title: str
    opens_on: datetime.date
    status: str


def consultations_of_unit(unit: OrgUnit, *, year: int, limit: int = 200) -> list[ConsultationLine]:
    """The consultations of an organisation and those below it opened in `year`, oldest
    first: one query. For officers of the unit (the caller asks its policy)."""
    rows = (
        Consultation.objects.filter(
            unit_id__in=orgs.unit_ids_within_any([unit.path]), opens_on__year=year
        )
        .only("public_id", "title", "opens_on", "status")
        .order_by("opens_on", "pk")
    )
    return [
        ConsultationLine(
            pk=row.pk,
            public_id=row.public_id,
            title=row.title,
            opens_on=row.opens_on,
            status=row.status,
        )
        for row in rows[:limit]
    ]


def consultation_for(reach: Reach, public_id: str) -> Consultation | None:
    """One consultation, when this person may see it (else None)."""
    consultation = (
        Consultation.objects.select_related("unit", "report").filter(public_id=public_id).first()
    )
    if consultation is None or not reach.reaches(
        consultation.audience, consultation.unit_id, consultation.unit.path
    ):
        return None
    return consultation


def comments_of(consultation: Consultation) -> QuerySet[Comment]:
    """Every comment, hidden ones included, with its answer (for the consulting
    officers). Authors are not joined: a named comment's author is read where shown."""
    return consultation.comments.select_related("answer", "author").order_by("pk")


def shown_comments(consultation: Consultation) -> QuerySet[Comment]:
    """The comments those asked see when the consultation shows them: not hidden, with
    their answers, and no author (even named ones are shown without a name)."""
    return (
        consultation.comments.filter(hidden=False)
        .select_related("answer")
        .only("public_id", "text", "replies", "created_on", "answer")
        .order_by("pk")
    )


def comments_by(consultation: Consultation, user_id: int) -> QuerySet[Comment]:
    """A person's own named comments (anonymous ones are nobody's)."""
    return consultation.comments.filter(author_id=user_id).select_related("answer").order_by("pk")


def comment_words_in_period(path: str, period: Period) -> list[str]:
    """The stored words of the comments (hidden ones left out) made in the period on the
    consultations of the organisations at or under `path`: for grouping texts into
    topics, never their authors. One query."""
    return list(
        Comment.objects.filter(
            consultation__unit__path__startswith=path,
            created_on__gte=period.first,
            created_on__lte=period.last,
            hidden=False,
        )
        .exclude(tokens="")
        .order_by("pk")
        .values_list("tokens", flat=True)
    )
