"""Demo evaluation: the six haves. Every have is computed from the records the rest of
the demo already holds; the place (功能实用的服务场所) from the venues that serve a
branch (the demo's venues, recorded today, serve every branch this year). For the years
before venues were recorded, an officer's statement stands in, so some branches stated
last year's — met or not — and others did not. 一车间党支部 (officer 30151) stated the
year before last's and has last year's still to state.
"""

from __future__ import annotations

import datetime

from grassroots.evaluation.sixhaves.services import place_record
from grassroots.orgs.models import OrgPost, OrgUnit

# (branch code, year offset, has a place that works, the officer's note)
PLACES = [
    ("B01", -1, True, "办公楼三层党员活动室，约六十平方米，配投影和图书角，工作日全天开放。"),
    ("B02", -1, True, "与机关第一党支部共用办公楼三层活动室，每周二、四下午固定使用。"),
    ("B04", -1, False, "原车间活动室去年改作备件仓库，党员活动暂借会议室，尚无固定服务场所。"),
    ("B03", -2, True, "一车间休息区旁的党员服务站，设有意见箱和轮椅通道，交接班时段有人值守。"),
]


def build_sixhaves(*, today: datetime.date, seed: int) -> None:
    """State the place for some demo branches and past years, each by its own
    secretary (audited)."""
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=[p[0] for p in PLACES])}
    secretaries = {
        post.unit_id: post.member.user
        for post in OrgPost.objects.filter(
            unit__in=units.values(), kind=OrgPost.Kind.SECRETARY, ends_on__isnull=True
        ).select_related("member__user")
    }
    for code, offset, has_place, note in PLACES:
        branch = units[code]
        place_record(
            actor=secretaries[branch.pk],
            branch=branch,
            year=today.year + offset,
            has_place=has_place,
            note=note,
        )
