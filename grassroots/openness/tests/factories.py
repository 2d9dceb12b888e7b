"""Notices and consultations for tests, written straight to the tables (the services'
own tests go through the services)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from grassroots.openness.models import Consultation, Notice
from grassroots.openness.vocabulary import Audience, Matter, NoticeKind


def make_notice(
    unit: Any,
    *,
    audience: str = Audience.ENTERPRISE,
    kind: str = NoticeKind.OTHER,
    title: str = "关于食堂窗口调整的通知",
    body: str = "自下周一起，二号窗口改为清真窗口。",
    period_key: str = "",
    by: Any = None,
    **fields: Any,
) -> Notice:
    return Notice.objects.create(
        unit=unit,
        audience=audience,
        kind=kind,
        title=title,
        body=body,
        period_key=period_key,
        published_by=by,
        **fields,
    )


def make_consultation(
    unit: Any,
    *,
    audience: str = Audience.ENTERPRISE,
    title: str = "关于调整职工通勤班车线路的意见征求",
    draft: str = "拟将通勤班车三号线延伸至新区宿舍，发车时间提前十分钟。",
    questions: list[str] | None = None,
    days_ago: int = 1,
    days_left: int = 5,
    by: Any = None,
    **fields: Any,
) -> Consultation:
    """An open consultation running from `days_ago` days before today to `days_left`
    days after (negative: it ended that many days ago)."""
    today = timezone.localdate()
    return Consultation.objects.create(
        unit=unit,
        audience=audience,
        matter=fields.pop("matter", Matter.DECISION),
        title=title,
        draft=draft,
        questions=questions or [],
        working_days=5,
        opens_on=today - datetime.timedelta(days=days_ago),
        closes_on=today + datetime.timedelta(days=days_left),
        opened_by=by,
        **fields,
    )
