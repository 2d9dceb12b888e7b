from __future__ import annotations

from typing import Any

from grassroots.appeals import services
from grassroots.appeals.intake import AppealDraft
from grassroots.appeals.models import Appeal, Category


def category(code: str = "living") -> Category:
    return Category.objects.get(code=code)


def raise_appeal(world: Any, **overrides: Any) -> Appeal:
    values: dict[str, Any] = {
        "category": category(),
        "title": "食堂排队太久",
        "description": "午饭时间食堂排队要二十分钟，希望增加窗口。",
        "channel": Appeal.Channel.WEB,
        "submitter": world.employee,
        "department": world.department_a,
    }
    values.update(overrides)
    at = values.pop("at", None)
    return services.appeal_submit(draft=AppealDraft(**values), at=at).appeal
