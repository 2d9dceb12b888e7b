"""A small scheme for the tests of indicator schemes."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from grassroots.evaluation.schemes import services
from grassroots.evaluation.schemes.models import HAND, IndicatorScheme, IndicatorScore

BRANCH = ["branch"]


def make_scheme(world: Any, *, year: int = 2025, publish: bool = True) -> IndicatorScheme:
    """Four indicators worth 100: compliance (linear), themed days (steps), overdue
    deeds (deductions) and one judged by hand."""
    actor = world.committee_officer
    scheme = services.scheme_create(
        actor=actor, unit=world.committee, year=year, title=f"{year}年考核"
    )
    life = services.dimension_add(actor=actor, scheme=scheme, name="组织生活")
    service = services.dimension_add(actor=actor, scheme=scheme, name="服务群众")
    services.indicator_save(
        actor=actor,
        dimension=life,
        name="三会一课",
        points=Decimal(40),
        applies_to=BRANCH,
        source="orglife.compliance",
        curve={"kind": "linear", "floor": 60, "target": 100},
    )
    services.indicator_save(
        actor=actor,
        dimension=life,
        name="主题党日",
        points=Decimal(20),
        applies_to=BRANCH,
        source="orglife.themed_days",
        curve={"kind": "steps", "thresholds": [[6, 10], [12, 20]]},
    )
    services.indicator_save(
        actor=actor,
        dimension=service,
        name="办实事逾期",
        points=Decimal(20),
        applies_to=BRANCH,
        source="service.deeds_overdue",
        curve={"kind": "deduction", "per_occurrence": 5},
    )
    services.indicator_save(
        actor=actor,
        dimension=service,
        name="服务场所",
        points=Decimal(20),
        applies_to=BRANCH,
        source=HAND,
        curve={},
    )
    if publish:
        scheme = services.scheme_publish(actor=actor, scheme=scheme)
    return scheme


def scored(
    world: Any, *, year: int = 2025, release_on: datetime.date | None = None
) -> IndicatorScheme:
    scheme = make_scheme(world, year=year)
    services.scheme_score(scheme=scheme, today=datetime.date(2026, 12, 6))
    if release_on is not None:
        judge_all(world, scheme)
        scheme = services.results_publish(
            actor=world.committee_officer, scheme=scheme, today=release_on
        )
    return scheme


def judge_all(world: Any, scheme: IndicatorScheme, earned: Decimal = Decimal(10)) -> None:
    """The assessor judges every hand-judged score not judged yet."""
    for score in IndicatorScore.objects.filter(
        assessment__scheme=scheme, indicator__source=HAND, earned__isnull=True
    ):
        services.score_judge(
            actor=world.committee_officer, score=score, earned=earned, reason="现场查看"
        )
