"""Practical deeds in bulk for bench/service.py: `count` deeds over the organisations of
a generated enterprise (bench/generate.py), in every state, with the counters the list
reads (followers, ratings) set on each row. No milestones, reports or rating rows: the
list does not read them.

Distribution: 45 % under way (a third of those overdue), 45 % declared done in the past
year with ratings (some poorly rated), 10 % dropped; nineteen in twenty promised by
branches, the rest by committees and general branches; one or two of the five services
each.
"""

from __future__ import annotations

import datetime
import random
import time

from django.db import connection, transaction
from django.utils import timezone

from grassroots.accounts.models import Role, RoleAssignment
from grassroots.orgs.models import OrgUnit
from grassroots.service.models import Deed
from grassroots.service.rules import SERVICE_DOMAINS

TITLES = [
    "食堂午餐增设打菜窗口",
    "车间休息区安装直饮水机",
    "无障碍卫生间改造",
    "夜班班车延长运行",
    "困难职工子女助学结对",
    "合理化建议快速答复",
    "更衣室增设储物柜",
    "包装线卡料技术攻关",
    "手语培训进班组",
    "宿舍热水全天供应",
    "职工书屋更新图书",
    "车间降温风扇加装",
]
BATCH = 5000


def ensure_deeds(*, count: int, seed: int, reset: bool) -> int:
    """Write `count` deeds unless that many are there already. Returns how many written."""
    if reset:
        Deed.objects.all().delete()
    existing = Deed.objects.count()
    if existing >= count:
        return 0
    rng = random.Random(seed + 6)
    today = timezone.localdate()
    units = list(
        OrgUnit.objects.filter(is_active=True)
        .exclude(kind=OrgUnit.Kind.GROUP)
        .values_list("pk", "kind")
    )
    branches = [pk for pk, kind in units if kind == OrgUnit.Kind.BRANCH]
    higher = [pk for pk, kind in units if kind != OrgUnit.Kind.BRANCH]
    officers: dict[int, int] = {}
    for unit_id, user_id in (
        RoleAssignment.objects.current()
        .filter(role__in=[Role.BRANCH_OFFICER, Role.COMMITTEE_OFFICER])
        .values_list("org_unit_id", "user_id")
    ):
        officers.setdefault(unit_id, user_id)
    anyone = next(iter(officers.values()))
    started = time.perf_counter()
    batch: list[Deed] = []
    for index in range(count - existing):
        unit_id = rng.choice(higher) if higher and rng.random() < 0.05 else rng.choice(branches)
        roll = rng.random()
        services = rng.sample(SERVICE_DOMAINS, rng.choice([1, 1, 2]))
        values: dict[str, object] = {}
        if roll < 0.45:
            overdue = rng.random() < 1 / 3
            due_on = today - datetime.timedelta(days=rng.randint(1, 60) if overdue else 0)
            if not overdue:
                due_on = today + datetime.timedelta(days=rng.randint(0, 300))
            values = {"status": Deed.Status.OPEN, "progress": rng.randrange(0, 100, 5)}
        elif roll < 0.90:
            due_on = today - datetime.timedelta(days=rng.randint(1, 365))
            done_on = min(today, due_on + datetime.timedelta(days=rng.randint(-20, 10)))
            poor = rng.random() < 0.05
            values = {
                "status": Deed.Status.DONE,
                "progress": 100,
                "done_on": done_on,
                "outcome": "已完成。",
                "rated_satisfied": rng.randint(0, 8) if poor else rng.randint(0, 30),
                "rated_fairly": rng.randint(0, 10),
                "rated_not": rng.randint(5, 12) if poor else rng.randint(0, 4),
            }
        else:
            due_on = today + datetime.timedelta(days=rng.randint(-300, 200))
            values = {
                "status": Deed.Status.DROPPED,
                "progress": rng.randrange(0, 60, 5),
                "drop_reason": "已纳入公司统一项目。",
            }
        created = timezone.make_aware(
            datetime.datetime.combine(
                due_on - datetime.timedelta(days=rng.randint(30, 200)), datetime.time(9)
            )
        )
        batch.append(
            Deed(
                unit_id=unit_id,
                title=f"{rng.choice(TITLES)}（{index + 1}）",
                owner_id=officers.get(unit_id, anyone),
                services=services,
                due_on=due_on,
                followers=rng.randint(0, 40),
                created_at=created,
                updated_at=created,
                **values,  # type: ignore[arg-type]
            )
        )
        if len(batch) >= BATCH:
            _flush(batch)
    _flush(batch)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE service_deed")
    print(
        f"deeds: {count - existing:,} written in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return count - existing


def _flush(batch: list[Deed]) -> None:
    with transaction.atomic():
        Deed.objects.bulk_create(batch, batch_size=BATCH)
    batch.clear()
