"""Demo indicator schemes (党建绩效考核): last year's scheme of the enterprise committee,
scored for every branch from the demo records, with the hand-judged indicator judged,
its results released in January and one objection answered with a changed score; and
this year's scheme, copied from it, published, scored so far, its hand-judged
indicator judged, and released today (so
the branch officers can read their breakdown and object within the window).

Written through the services, as an assessor would, so the figures, totals and audit
entries are those the product computes.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from grassroots.accounts.models import Role, RoleAssignment, User
from grassroots.evaluation.schemes import services
from grassroots.evaluation.schemes.models import (
    HAND,
    Assessment,
    IndicatorScheme,
    IndicatorScore,
)
from grassroots.orgs.models import OrgUnit

BRANCH = ["branch"]
# (dimension, indicator, points, source, curve)
INDICATORS: list[tuple[str, str, int, str, dict[str, Any]]] = [
    (
        "组织建设",
        "三会一课按期召开",
        20,
        "orglife.compliance",
        {"kind": "linear", "floor": 60, "target": 100},
    ),
    (
        "组织建设",
        "主题党日开展",
        10,
        "orglife.themed_days",
        {"kind": "steps", "thresholds": [[6, 5], [12, 10]]},
    ),
    (
        "组织建设",
        "组织生活会和民主评议",
        5,
        "orglife.appraisal_meetings",
        {"kind": "steps", "thresholds": [[1, 5]]},
    ),
    (
        "组织建设",
        "发展党员按期推进",
        10,
        "orglife.development_overdue",
        {"kind": "deduction", "per_occurrence": 2},
    ),
    (
        "组织建设",
        "党员学时达标",
        5,
        "learning.hours_target",
        {"kind": "linear", "floor": 50, "target": 100},
    ),
    (
        "服务群众",
        "诉求综合满意度",
        15,
        "appeals.composite",
        {"kind": "linear", "floor": 60, "target": 95},
    ),
    ("服务群众", "诉求按期受理", 5, "appeals.overdue", {"kind": "deduction", "per_occurrence": 1}),
    (
        "服务群众",
        "办实事兑现评价",
        10,
        "service.deeds_delivered",
        {"kind": "linear", "floor": 60, "target": 100},
    ),
    (
        "服务群众",
        "承诺践诺评价",
        5,
        "service.commitment_ratings",
        {"kind": "linear", "floor": 60, "target": 100},
    ),
    (
        "服务群众",
        "结对帮扶走访",
        5,
        "service.pairings_unvisited",
        {"kind": "deduction", "per_occurrence": 1},
    ),
    (
        "服务群众",
        "五个服务覆盖",
        5,
        "service.coverage",
        {"kind": "steps", "thresholds": [[3, 3], [5, 5]]},
    ),
    ("服务群众", "党员活动阵地建设", 5, HAND, {}),
]


def _officer_of(unit: OrgUnit) -> User | None:
    assignment = (
        RoleAssignment.objects.filter(org_unit=unit, role=Role.BRANCH_OFFICER)
        .select_related("user")
        .first()
    )
    return assignment.user if assignment else None


def scheme_define(*, actor: User, unit: OrgUnit, year: int, title: str) -> IndicatorScheme:
    """The demo's scheme (`INDICATORS`) for `unit` and `year`, published: the demo and
    `bench/evaluation.py` score the same scheme."""
    scheme = services.scheme_create(actor=actor, unit=unit, year=year, title=title)
    dimensions = {}
    for dimension, name, points, source, curve in INDICATORS:
        if dimension not in dimensions:
            dimensions[dimension] = services.dimension_add(
                actor=actor, scheme=scheme, name=dimension
            )
        services.indicator_save(
            actor=actor,
            dimension=dimensions[dimension],
            name=name,
            points=Decimal(points),
            applies_to=BRANCH,
            source=source,
            curve=curve,
        )
    return services.scheme_publish(actor=actor, scheme=scheme)


def build_schemes(*, today: datetime.date, seed: int) -> None:
    committee = (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMITTEE, parent__isnull=True)
        .order_by("path")
        .first()
    )
    assessor = User.objects.filter(employee_number="10034").first()
    if committee is None or assessor is None:
        return
    last_year = scheme_define(
        actor=assessor,
        unit=committee,
        year=today.year - 1,
        title=f"{today.year - 1}年度基层党组织党建绩效考核",
    )
    services.scheme_score(scheme=last_year, today=today)
    officer = User.objects.filter(employee_number="30151").first()
    branch_assignment = (
        RoleAssignment.objects.filter(user=officer, role=Role.BRANCH_OFFICER)
        .select_related("org_unit")
        .first()
    )
    objecting = branch_assignment.org_unit if branch_assignment else None
    _judge(last_year, assessor, short_of=objecting)
    released = datetime.date(today.year, 1, 12)
    services.results_publish(actor=assessor, scheme=last_year, today=released)
    # One objection, answered: the branch of the demo branch officer (30151).
    officer = User.objects.filter(employee_number="30151").first()
    branch_assignment = (
        RoleAssignment.objects.filter(user=officer, role=Role.BRANCH_OFFICER)
        .select_related("org_unit")
        .first()
    )
    assessment = (
        Assessment.objects.filter(scheme=last_year, unit=branch_assignment.org_unit).first()
        if officer and branch_assignment
        else None
    )
    if officer is not None and assessment is not None:
        indicator = last_year.dimensions.get(name="服务群众").indicators.get(
            name="党员活动阵地建设"
        )
        objection = services.objection_lodge(
            actor=officer,
            assessment=assessment,
            indicator=indicator,
            text="活动室去年十月已与会议室分开，公开栏每月更新，附照片见支部台账。",
            today=released + datetime.timedelta(days=2),
        )
        services.objection_answer(
            actor=assessor,
            objection=objection,
            answer="经现场核实，活动室已单独设置，公开栏按月更新，予以调整。",
            new_score=Decimal(5),
        )
    this_year = services.scheme_copy(actor=assessor, scheme=last_year, year=today.year)
    services.scheme_publish(actor=assessor, scheme=this_year)
    services.scheme_score(scheme=this_year, today=today)
    # Results are released only once every hand-judged score is judged.
    _judge(this_year, assessor, short_of=None)
    services.results_publish(actor=assessor, scheme=this_year, today=today)


def _judge(scheme: IndicatorScheme, assessor: User, *, short_of: OrgUnit | None) -> None:
    """The assessor's site visits: every branch's hand-judged indicator judged, the
    branch `short_of` a little short."""
    for score in IndicatorScore.objects.filter(
        assessment__scheme=scheme, indicator__source=HAND
    ).select_related("assessment__unit"):
        short = score.assessment.unit == short_of
        services.score_judge(
            actor=assessor,
            score=score,
            earned=Decimal(3 if short else 5),
            reason="活动室与会议室合用，公开栏未及时更新。"
            if short
            else "现场查看：党员活动室、学习资料和公开栏齐全。",
        )
