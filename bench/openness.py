"""Openness at scale (issue 15): a unit's public notice list and the "you said, we did"
page with 50,000 notices and 200,000 comments in the enterprise (target: p95 < 100 ms).

    # once per database: an enterprise (bench/generate.py), then run this script, which
    # adds the openness data the first time (a few minutes) and measures
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yousaid_bench \\
        .venv/bin/python bench/generate.py --scale 0.1
    flock /tmp/bench.lock env DATABASE_URL=postgres://postgres@127.0.0.1:5432/yousaid_bench \\
        .venv/bin/python bench/openness.py --requests 200
    # the same on SQLite, in a scratch data folder
    GRASSROOTS_DATA_DIR=/tmp/bench-openness .venv/bin/python bench/generate.py --scale 0.1
    flock /tmp/bench.lock env GRASSROOTS_DATA_DIR=/tmp/bench-openness \\
        .venv/bin/python bench/openness.py --requests 200

The data, written in bulk the first time (--reset writes it again):

- notices: 50,000 over the three years before today, published by the committees,
  general branches and branches (not the Party groups), a few per organisation per month
  — busier organisations publish more (a Zipf-like weight) — of every kind, to every
  audience (a third to the public);
- consultations: 2,000, each with 100 comments on average (200,000 in all; a quarter
  anonymous), the closed ones (all but the last few weeks') answered and with their
  adoption report among the notices, to the consultation's audience;
- the outcome wall: 10,000 appeals, closed as resolved and published with a summary;
- practical deeds: bench/service_data.py's 20,000, 45 % declared done with what was
  delivered.

Scenarios, each timed `--requests` times after a few warm-up calls (perf_counter; SQL
counted with CaptureQueriesContext), p50 / p95 / max:

1. the unit's public notice list through the selector (`notices_of_unit(unit,
   ANONYMOUS_REACH)`, first page of 20), and the page `openness:unit_notices` over HTTP
   when it exists in this build;
2. the "you said, we did" page over HTTP (Django's test Client, every middleware, the
   view, the template), anonymous, for the group committee (the whole enterprise), a
   second-level committee and the busiest branch: the newest page, and the tenth page
   reached by its "Older" links.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

import service_data  # noqa: E402 - bench/service_data.py: deeds in bulk
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from grassroots.accounts.models import User  # noqa: E402
from grassroots.appeals.models import Appeal, Category  # noqa: E402
from grassroots.openness.models import Comment, CommentAnswer, Consultation, Notice  # noqa: E402
from grassroots.openness.selectors import ANONYMOUS_REACH, notices_of_unit  # noqa: E402
from grassroots.openness.vocabulary import (  # noqa: E402
    Audience,
    CommenterGroup,
    Matter,
    NoticeKind,
    Outcome,
)
from grassroots.orgs.models import OrgUnit  # noqa: E402
from grassroots.service.models import Deed  # noqa: E402

BATCH = 5_000
YEARS = 3
AUDIENCE_WEIGHTS = {
    Audience.PUBLIC: 33,
    Audience.ENTERPRISE: 25,
    Audience.DEPARTMENTS: 10,
    Audience.MEMBERS: 24,
    Audience.OFFICERS: 8,
}
KINDS = [kind for kind in NoticeKind.values if kind != NoticeKind.ADOPTION]
TITLES = {
    NoticeKind.WORK_PLAN: "年度工作计划",
    NoticeKind.WORK_SUMMARY: "年度工作总结",
    NoticeKind.DUES: "党费收缴使用情况",
    NoticeKind.DEVELOPMENT: "发展党员公示",
    NoticeKind.COMMENDATION: "表彰名单公示",
    NoticeKind.EVALUATION: "民主评议结果",
    NoticeKind.DEEDS: "办实事清单",
    NoticeKind.MEETINGS: "组织生活开展情况",
    NoticeKind.OTHER: "关于调整活动室开放时间的通知",
}
BODY = "根据党务公开条例，现将有关情况公开如下。" * 12
SUMMARIES = [
    "反映食堂午餐排队时间长，已增设两个打菜窗口，高峰排队缩短到五分钟。",
    "反映夜班班车间隔过长，已调整为每二十分钟一班。",
    "反映更衣室储物柜不足，已增设六十个储物柜。",
    "反映车间高温，已加装降温风扇并调整作息。",
]
COMMENTS = [
    "建议发车时间再推迟十分钟，方便夜班同事。",
    "同意方案，希望尽快实施。",
    "建议先在一个车间试点，再全面推开。",
    "希望公开具体的经费预算。",
]


def pin_periodic_refreshes() -> None:
    """As bench/run.py: the session stamp and the rule parameters refresh on a clock."""
    from grassroots.accounts import middleware
    from grassroots.core import parameters

    for module in (middleware, parameters):
        if not hasattr(module, "_REFRESH_SECONDS"):
            sys.exit(f"{module.__name__} no longer has _REFRESH_SECONDS: update this script")
        module._REFRESH_SECONDS = math.inf  # type: ignore[attr-defined]


def percentile(values: list[float], share: float) -> float:
    """Nearest rank, as bench/run.py reports it."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


# --- The data ---------------------------------------------------------------------------


def _flush(model: Any, batch: list[Any]) -> None:
    if batch:
        with transaction.atomic():
            model.objects.bulk_create(batch, batch_size=BATCH)
        batch.clear()


def _moment(rng: random.Random, now: datetime.datetime, days: int) -> datetime.datetime:
    return now - datetime.timedelta(days=rng.random() * days, seconds=rng.randint(0, 86_399))


def _analyze(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def ensure_data(*, notices: int, consultations: int, comments: int, wall: int, seed: int) -> None:
    """Write the openness data, the wall and the deeds unless they are there already."""
    rng = random.Random(seed)
    now = timezone.now()
    units = list(
        OrgUnit.objects.filter(is_active=True)
        .exclude(kind=OrgUnit.Kind.GROUP)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    if not units:
        sys.exit("No organisations: generate the enterprise with bench/generate.py first")
    # Some organisations publish far more than others.
    weights = [1 / (rank + 10) for rank in range(len(units))]
    rng.shuffle(weights)
    people = list(User.objects.filter(is_active=True).values_list("pk", flat=True)[:5_000])
    audiences, audience_weights = zip(*AUDIENCE_WEIGHTS.items(), strict=True)
    started = time.perf_counter()

    if not Consultation.objects.exists():
        batch: list[Any] = []
        chosen = rng.choices(units, weights, k=consultations)
        for unit_id in chosen:
            opened = _moment(rng, now, YEARS * 365)
            opens_on = timezone.localdate(opened)
            closes_on = opens_on + datetime.timedelta(days=7)
            closed = closes_on < timezone.localdate(now)
            batch.append(
                Consultation(
                    unit_id=unit_id,
                    title="关于调整职工通勤班车线路的意见征求",
                    draft=BODY,
                    matter=rng.choice(Matter.values),
                    audience=rng.choices(audiences, audience_weights)[0],
                    comments_shown=rng.random() < 0.5,
                    working_days=5,
                    opens_on=opens_on,
                    closes_on=closes_on,
                    opened_at=opened,
                    status=Consultation.Status.CLOSED if closed else Consultation.Status.OPEN,
                    closed_at=opened + datetime.timedelta(days=9) if closed else None,
                    changes="三号线延伸至新区宿舍，发车时间推迟十分钟。" if closed else "",
                )
            )
        _flush(Consultation, batch)
        # The adoption reports of the closed ones, published to the same audience.
        closed = list(
            Consultation.objects.filter(status=Consultation.Status.CLOSED).values_list(
                "pk", "unit_id", "audience", "closed_at"
            )
        )
        reports = [
            Notice(
                unit_id=unit_id,
                kind=NoticeKind.ADOPTION,
                title="关于通勤班车线路意见的采纳情况反馈",
                body=BODY,
                audience=audience,
                published_at=closed_at,
                updated_at=closed_at,
            )
            for _pk, unit_id, audience, closed_at in closed
        ]
        Notice.objects.bulk_create(reports, batch_size=BATCH)
        for (pk, *_rest), report in zip(closed, reports, strict=True):
            Consultation.objects.filter(pk=pk).update(report_id=report.pk)
        print(
            f"consultations: {consultations:,} ({len(closed):,} closed, with their reports) "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )

    if Notice.objects.count() < notices:
        batch = []
        for _ in range(notices - Notice.objects.count()):
            kind = rng.choice(KINDS)
            audience = rng.choices(audiences, audience_weights)[0]
            at = _moment(rng, now, YEARS * 365)
            batch.append(
                Notice(
                    unit_id=rng.choices(units, weights)[0],
                    kind=kind,
                    title=TITLES[kind],
                    body=BODY,
                    audience=audience,
                    period_key=str(timezone.localdate(at).year),
                    read_count=rng.randint(0, 300),
                    published_at=at,
                    updated_at=at,
                )
            )
            if len(batch) >= BATCH:
                _flush(Notice, batch)
        _flush(Notice, batch)
        print(f"notices: {Notice.objects.count():,} in {time.perf_counter() - started:.1f} s")

    if not Comment.objects.exists():
        consultation_rows = list(
            Consultation.objects.values_list("pk", "opens_on", "status", "opened_by_id")
        )
        answerer = people[0]
        answers = [
            CommentAnswer(
                consultation_id=pk,
                outcome=rng.choice(Outcome.values),
                reason="已研究，见采纳情况反馈。",
                answered_by_id=answerer,
            )
            for pk, _opens, status, _by in consultation_rows
            if status == Consultation.Status.CLOSED
        ]
        CommentAnswer.objects.bulk_create(answers, batch_size=BATCH)
        answer_of = dict(CommentAnswer.objects.values_list("consultation_id", "pk"))
        batch = []
        per = max(1, comments // len(consultation_rows))
        for pk, opens_on, _status, _by in consultation_rows:
            for _ in range(rng.randint(per // 2, per + per // 2)):
                anonymous = rng.random() < 0.25
                batch.append(
                    Comment(
                        consultation_id=pk,
                        author_id=None if anonymous else rng.choice(people),
                        is_anonymous=anonymous,
                        group=rng.choice(CommenterGroup.values),
                        text=rng.choice(COMMENTS),
                        created_on=opens_on + datetime.timedelta(days=rng.randint(0, 7)),
                        answer_id=answer_of.get(pk),
                    )
                )
                if len(batch) >= BATCH:
                    _flush(Comment, batch)
        _flush(Comment, batch)
        print(f"comments: {Comment.objects.count():,} in {time.perf_counter() - started:.1f} s")

    if not Appeal.objects.filter(published_at__isnull=False).exists():
        categories = list(Category.objects.values_list("pk", flat=True))
        batch = []
        for index in range(wall):
            published = _moment(rng, now, 2 * 365)
            created = published - datetime.timedelta(days=rng.randint(5, 40))
            unit_id = rng.choices(units, weights)[0]
            batch.append(
                Appeal(
                    number=f"BQ{index + 1:010d}",
                    category_id=rng.choice(categories),
                    title="食堂排队太久",
                    description="午饭时间食堂排队要二十分钟，希望增加窗口。",
                    channel=Appeal.Channel.WEB,
                    submitter_id=rng.choice(people),
                    consent_publish=True,
                    status=Appeal.Status.CLOSED,
                    resolved=True,
                    satisfaction="satisfied",
                    unit_id=unit_id,
                    first_unit_id=unit_id,
                    created_at=created,
                    accept_due_at=created + datetime.timedelta(days=1),
                    answer_due_at=created + datetime.timedelta(days=5),
                    responded_at=created + datetime.timedelta(hours=3),
                    answered_at=created + datetime.timedelta(days=3),
                    closed_at=created + datetime.timedelta(days=4),
                    public_summary=rng.choice(SUMMARIES),
                    published_at=published,
                )
            )
            if len(batch) >= BATCH:
                _flush(Appeal, batch)
        _flush(Appeal, batch)
        print(f"wall: {wall:,} appeals in {time.perf_counter() - started:.1f} s", flush=True)

    service_data.ensure_deeds(count=20_000, seed=seed, reset=False)
    Deed.objects.filter(status=Deed.Status.DONE, outcome="已完成。").update(
        outcome="饮水机已更换为净水直饮机，职工反映良好。"
    )
    if connection.vendor == "postgresql":
        _analyze(
            "openness_notice",
            "openness_consultation",
            "openness_comment",
            "appeals_appeal",
            "service_deed",
        )
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def reset_data() -> None:
    Consultation.objects.update(report=None)
    Comment.objects.all().delete()
    CommentAnswer.objects.all().delete()
    Consultation.objects.all().delete()
    Notice.objects.all().delete()
    Appeal.objects.filter(number__startswith="BQ").delete()


# --- Measuring ----------------------------------------------------------------------------


def timed(call: Callable[[], Any], requests: int, warmup: int) -> dict[str, Any]:
    for _ in range(warmup):
        call()
    times, counts = [], set()
    for _ in range(requests):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        counts.add(len(queries.captured_queries))
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "max": max(times),
        "queries": "–".join(str(n) for n in sorted({min(counts), max(counts)})),
    }


def get(client: Client, url: str) -> Callable[[], Any]:
    def call() -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return call


def older_page(client: Client, url: str, pages: int) -> str:
    """The address of the page reached from `url` by `pages` clicks on "Older"."""
    for _ in range(pages):
        html = client.get(url).content.decode()
        found = re.search(r'rel="next" href="\?older=([^"]+)"', html)
        if found is None:
            break
        url = url.split("?")[0] + "?older=" + found.group(1)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--notices", type=int, default=50_000)
    parser.add_argument("--consultations", type=int, default=2_000)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--wall", type=int, default=10_000, help="appeals on the outcome wall")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true", help="write the openness data again")
    parser.add_argument("--data-only", action="store_true", help="write the data, measure nothing")
    args = parser.parse_args()
    pin_periodic_refreshes()
    if args.reset:
        reset_data()
    ensure_data(
        notices=args.notices,
        consultations=args.consultations,
        comments=args.comments,
        wall=args.wall,
        seed=args.seed,
    )
    if args.data_only:
        return

    top = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    assert top is not None
    committee = (
        OrgUnit.objects.filter(parent=top, kind=OrgUnit.Kind.COMMITTEE).order_by("path").first()
    )
    busiest_id = (
        Notice.objects.filter(audience=Audience.PUBLIC, unit__kind=OrgUnit.Kind.BRANCH)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("unit_id", flat=True)
        .first()
    )
    branch = OrgUnit.objects.get(pk=busiest_id)
    facts = {
        "organisations": OrgUnit.objects.count(),
        "notices": Notice.objects.count(),
        "public notices": Notice.objects.filter(audience=Audience.PUBLIC).count(),
        "public adoption reports": Notice.objects.filter(
            audience=Audience.PUBLIC, kind=NoticeKind.ADOPTION
        ).count(),
        "consultations": Consultation.objects.count(),
        "comments": Comment.objects.count(),
        "appeals on the wall": Appeal.objects.filter(published_at__isnull=False).count(),
        "deeds done": Deed.objects.filter(status=Deed.Status.DONE).count(),
        "busiest branch's notices": Notice.objects.filter(unit=branch).count(),
    }
    print(
        f"\n{connection.vendor} {connection.settings_dict['NAME']}, "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}, "
        f"{timezone.localtime():%Y-%m-%d %H:%M}"
    )
    print("; ".join(f"{name}: {value:,}" for name, value in facts.items()))
    print("\n| scenario | p50 ms | p95 ms | max ms | queries |\n|---|--:|--:|--:|--:|")

    client = Client(SERVER_NAME="127.0.0.1")
    rows: list[tuple[str, Callable[[], Any]]] = []
    for label, unit in (("busiest branch", branch), ("group committee", top)):
        rows.append(
            (
                f"notices_of_unit, {label}, first 20 (selector)",
                lambda unit=unit: list(notices_of_unit(unit, ANONYMOUS_REACH)[:20]),
            )
        )
    try:
        notices_url = reverse("openness:unit_notices", args=[branch.pk])
    except NoReverseMatch:
        print("| openness:unit_notices | not in this build | | | |")
    else:
        rows.append(("openness:unit_notices, busiest branch (HTTP)", get(client, notices_url)))
    for label, unit in (
        ("group committee", top),
        ("second-level committee", committee),
        ("busiest branch", branch),
    ):
        if unit is None:
            continue
        url = reverse("openness:yousaid", args=[unit.pk])
        rows.append((f"you said, we did: {label}, newest (HTTP)", get(client, url)))
        rows.append(
            (f"you said, we did: {label}, page 10 (HTTP)", get(client, older_page(client, url, 9)))
        )
    for label, call in rows:
        result = timed(call, args.requests, args.warmup)
        print(
            f"| {label} | {result['p50']:.1f} | {result['p95']:.1f} | {result['max']:.1f} "
            f"| {result['queries']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
