"""Reads of public notices: the public page, one notice, and the state other parts ask
for (is it over, are all objections answered)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from grassroots.orgs.publicity import rules
from grassroots.orgs.publicity.models import NoticeObjection, PublicNotice

RECENTLY_CLOSED_DAYS = 30


@dataclass(frozen=True)
class NoticeState:
    """What another part needs to know of its subject's notice."""

    notice_id: int
    starts_on: datetime.date
    ends_on: datetime.date
    phase: str  # "upcoming", "open" or "closed"
    objections: int
    unanswered: int

    @property
    def is_open(self) -> bool:
        return self.phase == "open"

    @property
    def is_closed(self) -> bool:
        return self.phase == "closed"

    @property
    def settled(self) -> bool:
        """Over, with every objection answered: a decision may follow."""
        return self.is_closed and self.unanswered == 0


def _with_counts(notices: QuerySet[PublicNotice]) -> QuerySet[PublicNotice]:
    return notices.annotate(
        objection_count=Count("objections"),
        unanswered_count=Count("objections", filter=Q(objections__answered_at__isnull=True)),
    )


def public_notices(*, today: datetime.date) -> tuple[list[PublicNotice], list[PublicNotice]]:
    """The notices running today, and those closed in the last 30 days (two queries)."""
    base = _with_counts(PublicNotice.objects.select_related("unit"))
    current = list(base.filter(starts_on__lte=today, ends_on__gte=today).order_by("ends_on", "pk"))
    since = today - datetime.timedelta(days=RECENTLY_CLOSED_DAYS)
    closed = list(base.filter(ends_on__lt=today, ends_on__gte=since).order_by("-ends_on", "-pk"))
    return current, closed


def notice_for_page(pk: int) -> PublicNotice | None:
    return _with_counts(PublicNotice.objects.select_related("unit")).filter(pk=pk).first()


def notice_objections(notice: PublicNotice) -> QuerySet[NoticeObjection]:
    """Every objection with its author and answerer (for the publishing officers)."""
    return notice.objections.select_related("author", "answered_by").order_by("pk")


def objections_of(notice: PublicNotice, user_id: int) -> QuerySet[NoticeObjection]:
    """The named objections a person lodged against a notice (anonymous ones are nobody's)."""
    return notice.objections.filter(author_id=user_id).order_by("pk")


def objection_of_notice(notice: PublicNotice, pk: int | None) -> NoticeObjection | None:
    if pk is None:
        return None
    return notice.objections.filter(pk=pk).first()


def _state(notice: PublicNotice, *, today: datetime.date) -> NoticeState:
    return NoticeState(
        notice_id=notice.pk,
        starts_on=notice.starts_on,
        ends_on=notice.ends_on,
        phase=rules.notice_phase(notice.starts_on, notice.ends_on, today=today),
        objections=notice.objection_count,  # type: ignore[attr-defined]
        unanswered=notice.unanswered_count,  # type: ignore[attr-defined]
    )


def notice_state(kind: str, subject_id: int, *, today: datetime.date) -> NoticeState | None:
    """The state of the notice of one subject, or None when it has none (one query)."""
    notice = (
        _with_counts(PublicNotice.objects.all())
        .filter(subject_kind=kind, subject_id=subject_id)
        .first()
    )
    return None if notice is None else _state(notice, today=today)


def notice_states(
    kind: str, subject_ids: Iterable[int], *, today: datetime.date
) -> dict[int, NoticeState]:
    """The states of the notices of many subjects of one kind, by subject id (one query)."""
    notices = _with_counts(PublicNotice.objects.all()).filter(
        subject_kind=kind, subject_id__in=list(subject_ids)
    )
    return {notice.subject_id: _state(notice, today=today) for notice in notices}


def notice_state_of(notice: PublicNotice, *, today: datetime.date) -> NoticeState:
    """The state of a notice read with `notice_for_page` (no query)."""
    return _state(notice, today=today)
