"""What the "you said, we did" (你说我改) page reads: one Party organisation's (and those
under it) public answers to what people said, newest first, from three sources —

- the adoption reports of its consultations published to the public (openness),
- its appeals on the outcome wall, exactly as the wall shows them (appeals),
- its practical deeds declared done, with what was delivered (service).

A page is one query per source (each reads at most a page and one row, along an index)
and they are merged here: the number of queries does not grow with the page or the
enterprise. Paging is by a keyset, "older than this entry", because the three sources
cannot share an offset.

Entries are ordered by their moment — the time a report or an appeal was published, the
start of the day a deed was declared done (a deed keeps the day only) — then by source
(reports, appeals, deeds: a deed of a day comes after what was published that day) and
by id, newest first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Substr
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from grassroots.appeals import selectors as appeals
from grassroots.core.tree import within
from grassroots.openness.models import Consultation
from grassroots.openness.selectors import ANONYMOUS_REACH, Reach, notices_for
from grassroots.openness.vocabulary import NoticeKind
from grassroots.orgs.selectors import unit_ids_within_any
from grassroots.orgs.vocabulary import UnitKind
from grassroots.service.deeds import selectors as deeds

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

PAGE_SIZE = 20
EXCERPT = 300  # characters of a report's text shown when it does not say what changed

ADOPTION, APPEAL, DEED = "adoption", "appeal", "deed"
# At the same moment: reports first, then appeals, then deeds.
_RANK = {ADOPTION: 3, APPEAL: 2, DEED: 1}
_LAST_ID = 2**63 - 1  # larger than any id: "at or before this moment"
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the moment, source and id of its last entry."""

    moment: datetime.datetime
    source: str
    pk: int

    def encode(self) -> str:
        return f"{(self.moment - _EPOCH) // _MICROSECOND}.{self.source}.{self.pk}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """The cursor in a page's address; None (the newest page) for anything else."""
        parts = (text or "").split(".")
        if len(parts) != 3 or parts[1] not in _RANK:
            return None
        micros, source, pk = parts
        if not (micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()):
            return None
        if len(micros) > 18 or len(pk) > 18:
            return None
        try:
            moment = _EPOCH + int(micros) * _MICROSECOND
        except OverflowError:
            return None
        return cls(moment=moment, source=source, pk=int(pk))

    def bound_for(self, source: str) -> tuple[datetime.datetime, int]:
        """(moment, id) that a row of `source` must come before, as a tuple, to lie past
        this cursor: a source ranked above the cursor's has passed its rows of that
        moment already, one ranked below has not."""
        if source == self.source:
            return self.moment, self.pk
        return self.moment, (_LAST_ID if _RANK[source] < _RANK[self.source] else 0)


@dataclass(frozen=True)
class Entry:
    source: str  # ADOPTION, APPEAL or DEED
    moment: datetime.datetime
    pk: int
    unit_name: str
    said: str  # what was said or asked: a report's title, an appeal's category, a promise
    done: str  # what was done: what changed, the wall's summary, what was delivered
    url: str  # "" when there is no public page of its own

    @property
    def day(self) -> datetime.date:
        return timezone.localdate(self.moment)

    @property
    def key(self) -> tuple[datetime.datetime, int, int]:
        return self.moment, _RANK[self.source], self.pk

    @property
    def cursor(self) -> Cursor:
        return Cursor(moment=self.moment, source=self.source, pk=self.pk)


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    older: Cursor | None  # where the next (older) page starts; None on the last page


def notice_url(pk: int) -> str:
    """The address of a notice's page; "" where notices have no pages (yet)."""
    try:
        return reverse("openness:notice", args=[pk])
    except NoReverseMatch:
        return ""


def _is_broad(unit: OrgUnit) -> bool:
    """Whether many organisations lie under the unit (a committee, a general branch):
    then each source is read along its newest-first index, keeping the subtree's rows,
    rather than looked up organisation by organisation and sorted (measured in
    docs/benchmarks.md: on SQLite the lookup sorts the whole enterprise's rows for the
    group committee, the index scan the whole table for a small branch)."""
    return unit.kind not in (UnitKind.BRANCH, UnitKind.GROUP)


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _reports(unit: OrgUnit, cursor: Cursor | None, limit: int, reach: Reach) -> list[Entry]:
    notices = notices_for(reach).filter(kind=NoticeKind.ADOPTION)
    in_subtree = (
        within(unit.path, "unit__path")
        if _is_broad(unit)
        else Q(unit_id__in=unit_ids_within_any([unit.path]))
    )
    notices = notices.filter(in_subtree)
    if cursor is not None:
        moment, pk = cursor.bound_for(ADOPTION)
        notices = notices.filter(Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk))
    rows = (
        notices.annotate(
            excerpt=Substr("body", 1, EXCERPT + 1),
            changes=Subquery(
                Consultation.objects.filter(report=OuterRef("pk")).values("changes")[:1]
            ),
        )
        .only("title", "published_at", "unit__name")
        .order_by("-published_at", "-pk")[:limit]
    )
    entries = []
    for notice in rows:
        done = notice.changes or notice.excerpt
        if not notice.changes and len(done) > EXCERPT:
            done = done[:EXCERPT] + "…"
        entries.append(
            Entry(
                source=ADOPTION,
                moment=notice.published_at,
                pk=notice.pk,
                unit_name=notice.unit.name,
                said=notice.title,
                done=done,
                url=notice_url(notice.pk),
            )
        )
    return entries


def _appeals(unit: OrgUnit, cursor: Cursor | None, limit: int) -> list[Entry]:
    older_than = cursor.bound_for(APPEAL) if cursor is not None else None
    return [
        Entry(
            source=APPEAL,
            moment=appeal.published_at,  # type: ignore[arg-type]  # on the wall: set
            pk=appeal.pk,
            unit_name=appeal.unit.name,
            said=str(appeal.category),
            done=appeal.public_summary,
            url="",
        )
        for appeal in appeals.wall_within(unit.path, older_than=older_than, broad=_is_broad(unit))[
            :limit
        ]
    ]


def _deeds(unit: OrgUnit, cursor: Cursor | None, limit: int) -> list[Entry]:
    older_than = None
    if cursor is not None:
        moment, pk = cursor.bound_for(DEED)
        # A deed's moment is the start of its day: before (moment, pk) is before its day
        # when the cursor is a deed's, at or before the cursor's day otherwise.
        older_than = (timezone.localdate(moment), pk)
    return [
        Entry(
            source=DEED,
            moment=_start_of(deed.done_on),  # type: ignore[arg-type]  # done: has its day
            pk=deed.pk,
            unit_name=deed.unit.name,
            said=deed.title,
            done=deed.outcome,
            url=reverse("service:deed", args=[deed.pk]),
        )
        for deed in deeds.delivered_within(unit.path, older_than=older_than, broad=_is_broad(unit))[
            :limit
        ]
    ]


def you_said_we_did(
    unit: OrgUnit, *, older_than: Cursor | None = None, reach: Reach = ANONYMOUS_REACH
) -> Page:
    """A page of the unit's entries, newest first, starting after `older_than`: the
    adoption reports `reach` may read (the public's, by default), the wall's appeals and
    the delivered deeds, which are public. Three queries, whatever the page."""
    limit = PAGE_SIZE + 1
    merged = sorted(
        [
            *_reports(unit, older_than, limit, reach),
            *_appeals(unit, older_than, limit),
            *_deeds(unit, older_than, limit),
        ],
        key=lambda entry: entry.key,
        reverse=True,
    )
    entries = merged[:PAGE_SIZE]
    older = entries[-1].cursor if len(merged) > PAGE_SIZE else None
    return Page(entries=entries, older=older)
