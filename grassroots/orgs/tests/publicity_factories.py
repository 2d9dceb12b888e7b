"""Public notices for tests: one running today, whatever day of the week it is."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from grassroots.orgs.publicity import services
from grassroots.orgs.publicity.models import PublicNotice

_ids = iter(range(1, 1_000_000))


def make_notice(
    world: Any,
    *,
    unit: Any = None,
    kind: str = "test.subject",
    subject_id: int | None = None,
    days_ago: int = 1,
    days_left: int = 3,
    title: str = "关于拟表彰对象的公示",
) -> PublicNotice:
    """A notice published through the service, then moved to run from `days_ago` days
    before today to `days_left` days after (negative: it closed that many days ago)."""
    notice = services.notice_publish(
        actor=world.committee_officer,
        unit=unit or world.committee,
        title=title,
        text="拟表彰：刘海燕（优秀共产党员）。",
        subject_kind=kind,
        subject_id=subject_id if subject_id is not None else next(_ids),
        subject_label="2026 年度表彰",
    )
    today = timezone.localdate()
    PublicNotice.objects.filter(pk=notice.pk).update(
        starts_on=today - datetime.timedelta(days=days_ago),
        ends_on=today + datetime.timedelta(days=days_left),
    )
    notice.refresh_from_db()
    return notice
