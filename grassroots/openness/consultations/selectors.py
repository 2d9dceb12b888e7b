"""Reads of the consultations pages: the lists (with the filters the home page's
to-dos link to), the comments grouped by likeness for answering, the meetings a decision
may name. Each list is a fixed number of queries."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from grassroots.accounts.scope import Scope
from grassroots.appeals.similarity import MIN_SCORE, index_build
from grassroots.core.tree import within_any
from grassroots.openness.models import Comment, Consultation
from grassroots.openness.selectors import Reach, consultations_for
from grassroots.openness.vocabulary import CommenterGroup, Outcome
from grassroots.orglife import selectors as orglife

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

# The list's views (?view=…): the home page's to-dos link to the last three.
ALL = ""
TO_COMMENT = "to_comment"
TO_ANSWER = "to_answer"
OVERDUE = "overdue"
VIEWS = (ALL, TO_COMMENT, TO_ANSWER, OVERDUE)


def open_now(today: datetime.date, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}status": Consultation.Status.OPEN,
            f"{prefix}opens_on__lte": today,
            f"{prefix}closes_on__gte": today,
        }
    )


def asked_condition(reach: Reach, scope: Scope) -> Q:
    """The consultations a person is asked in, as one of the audience: not those they
    run (the organisations they oversee), not everything an administrator may read."""
    if not reach.is_authenticated:
        return Q(pk__in=[])
    asked = dataclasses.replace(reach, is_admin=False, overseen_paths=())
    condition = asked.condition()
    if scope.officer_paths:
        condition &= ~within_any(scope.officer_paths, "unit__path")
    return condition


def handled_condition(scope: Scope, prefix: str = "") -> Q:
    """The consultations a person runs as an officer of the consulting organisation or
    one above it (the to-dos; administrators see them all in the list, not as to-dos)."""
    return within_any(scope.officer_paths, f"{prefix}unit__path")


def to_comment(
    reach: Reach, scope: Scope, user_id: int, *, today: datetime.date
) -> QuerySet[Consultation]:
    """Open consultations a person is asked in and has not commented on by name
    (an anonymous comment is nobody's: it does not take one off this list)."""
    mine = Comment.objects.filter(consultation=OuterRef("pk"), author_id=user_id)
    return Consultation.objects.filter(asked_condition(reach, scope), open_now(today)).exclude(
        Exists(mine)
    )


def unanswered(scope: Scope, *, today: datetime.date, overdue: bool) -> QuerySet[Consultation]:
    """Consultations a person runs with comments still to answer: past their last day
    (`overdue`) or still running."""
    days = Q(closes_on__lt=today) if overdue else Q(closes_on__gte=today)
    return Consultation.objects.filter(
        handled_condition(scope),
        days,
        status=Consultation.Status.OPEN,
        comments__answer__isnull=True,
    ).distinct()


@dataclasses.dataclass(frozen=True)
class Row:
    consultation: Consultation
    is_open: bool
    comments: int
    waiting: int  # comments without an answer (shown to those who run it)
    handles: bool


def consultation_rows(
    reach: Reach, scope: Scope, user_id: int | None, *, view: str, today: datetime.date, limit: int
) -> list[Row]:
    """The list page: the consultations a person is asked in or runs, open ones first
    (soonest last day first), then the others newest first. Two queries."""
    if view == TO_COMMENT and user_id is not None:
        rows = to_comment(reach, scope, user_id, today=today)
    elif view in (TO_ANSWER, OVERDUE):
        rows = Consultation.objects.filter(
            pk__in=unanswered(scope, today=today, overdue=view == OVERDUE).values("pk")
        )
    else:
        rows = consultations_for(reach)
    rows = rows.select_related("unit").annotate(
        n_comments=Count("comments", distinct=True),
        n_waiting=Count("comments", filter=Q(comments__answer__isnull=True), distinct=True),
    )
    is_open = Q(status=Consultation.Status.OPEN)
    running = list(rows.filter(is_open).order_by("closes_on", "pk")[:limit])
    closed = list(
        rows.exclude(is_open).order_by("-closes_on", "-pk")[: max(limit - len(running), 0)]
    )
    return [
        Row(
            consultation=consultation,
            is_open=consultation.status == Consultation.Status.OPEN
            and consultation.opens_on <= today <= consultation.closes_on,
            comments=consultation.n_comments,  # type: ignore[attr-defined]
            waiting=consultation.n_waiting,  # type: ignore[attr-defined]
            handles=scope.is_admin or scope.oversees(consultation.unit.path),
        )
        for consultation in [*running, *closed]
    ]


# --- Answering ---------------------------------------------------------------------------


def similar_groups(comments: Sequence[Comment]) -> list[list[Comment]]:
    """The comments still to answer, in groups of those alike (appeals' similarity over
    their stored tokens: a TF-IDF cosine of at least MIN_SCORE joins two), each group in
    the order they came, groups by their first comment. A comment like no other is a
    group of one."""
    waiting = [c for c in comments if c.answer_id is None]
    if len(waiting) < 2:
        return [[c] for c in waiting]
    newest_first = sorted(waiting, key=lambda c: c.pk, reverse=True)
    index = index_build([(c.pk, c.tokens or "", _start_of(c.created_on)) for c in newest_first])
    since = datetime.datetime(1970, 1, 2, tzinfo=datetime.UTC)
    parent = {c.pk: c.pk for c in waiting}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for comment in waiting:
        for other, score in index.ranked(
            comment.tokens or "", since=since, exclude=comment.pk, limit=len(waiting)
        ):
            if score >= MIN_SCORE:
                a, b = root(comment.pk), root(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[Comment]] = {}
    for comment in sorted(waiting, key=lambda c: c.pk):
        groups.setdefault(root(comment.pk), []).append(comment)
    return list(groups.values())


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def report_counts(consultation: Consultation) -> dict[str, Any]:
    """The numbers of the adoption report: named comments by group of those who
    commented, anonymous comments as a group of their own (counted into the groups, they
    could be told apart by subtracting the named ones, whose authors the officers see),
    comments by the outcome of their answer (every comment once, hidden ones too)."""
    groups = dict(
        consultation.comments.filter(is_anonymous=False)
        .order_by()
        .values_list("group")
        .annotate(n=Count("pk"))
    )
    anonymous = consultation.comments.filter(is_anonymous=True).count()
    outcomes = dict(
        consultation.comments.filter(answer__isnull=False)
        .order_by()
        .values_list("answer__outcome")
        .annotate(n=Count("pk"))
    )
    return {
        "total": sum(groups.values()) + anonymous,
        "anonymous": anonymous,
        "groups": [(g.value, str(g.label), groups.get(g.value, 0)) for g in CommenterGroup],
        "outcomes": [(o.value, str(o.label), outcomes.get(o.value, 0)) for o in Outcome],
    }


def meeting_choices(unit: OrgUnit, *, today: datetime.date) -> list[tuple[int, str]]:
    """The meetings of `unit` a decision may name: this year's and last year's, not
    cancelled, newest first, as (id, label)."""
    rows: list[tuple[int, str]] = []
    for year in (today.year, today.year - 1):
        for meeting in orglife.unit_meetings(unit, year=year).exclude(status="cancelled")[:50]:
            label = f"{timezone.localtime(meeting.starts_at):%Y-%m-%d} {meeting.topic}"
            rows.append((meeting.pk, label[:200]))
    return rows
