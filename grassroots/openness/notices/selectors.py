"""Reads for the notices pages beyond who may read what (openness.selectors): what is
new for a person, which of a page's notices they have read, a notice's files."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from grassroots.openness.models import Attachment, Notice, NoticeRead
from grassroots.openness.selectors import Reach, notices_for

# "New for me": published within these days and not yet opened.
NEW_DAYS = 30


def new_notices(
    reach: Reach, user: Any, *, now: datetime.datetime, notices: QuerySet[Notice] | None = None
) -> QuerySet[Notice]:
    """The notices this person may read that are new for them: published in the last
    NEW_DAYS days, not yet opened, and not their own. The to-do counts these and the
    list's "new for me" shows them: the same rows."""
    notices = notices_for(reach) if notices is None else notices
    return (
        notices.filter(published_at__gte=now - datetime.timedelta(days=NEW_DAYS))
        .exclude(Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), user_id=user.pk)))
        .exclude(published_by_id=user.pk)
    )


def read_ids(user: Any, notice_ids: Iterable[int]) -> set[int]:
    """Which of these notices the person has opened (one query)."""
    ids = list(notice_ids)
    if not ids or not user.is_authenticated:
        return set()
    return set(
        NoticeRead.objects.filter(user_id=user.pk, notice_id__in=ids).values_list(
            "notice_id", flat=True
        )
    )


def attachments_of(notice: Notice) -> list[Attachment]:
    return list(Attachment.objects.filter(notice=notice).order_by("pk"))


def notice_attachment(public_id: str) -> Attachment | None:
    """A notice's file with its notice and unit (the caller checks the reader's reach)."""
    return (
        Attachment.objects.select_related("notice__unit")
        .filter(public_id=public_id, notice__isnull=False)
        .first()
    )
