"""The similar-appeals check before and after issue 13: CPU per check, old and new code
alternating in one run, over a category with at least 300 open candidate appeals.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench_appeals \\
        .venv/bin/python bench/similar_check.py --checks 300

The database is one bench/appeals_data.py generated (its appeals carry the jieba tokens
of the demo's topic texts with one of its extra sentences, as the services store them);
it is only read. The category (--category, default the one with the most open
appeals in the window) must have at least 300 open appeals in the window, so that the
check takes its full 300 candidates.

Each round times, in a rotating order, one check of each kind with the same text:

- old: the check as it was (commit 35eac8e): read the newest 300 candidates' tokens,
  fit a TfidfVectorizer over them and the query, rank, read the appeals found;
- warm: `selectors.similar_open` with the category's index warm (nothing changed);
- changed: the same right after the category's stamp was bumped (as a submission or a
  status change elsewhere does; the bump itself is not timed): the candidates are read
  again and the index rebuilt, parsing only those the last index did not hold;
- cold: the same in a process with no index warm (its first check): every candidate
  parsed.

The texts are what an employee types: a topic of the demo (grassroots/demo/appeals.py)
with one of bench/appeals_data.py's extra sentences, half of them from the category
checked. Timed with time.process_time() (this process's CPU: Python, the ORM, psycopg;
not the database server's) and time.perf_counter(). Every round also compares the
appeals found by old and new code.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grassroots_bench_appeals")


def old_similar(text: str, candidates: list[tuple[int, str]]) -> list[tuple[int, float]]:
    """similarity.similar as it was."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    from grassroots.appeals import similarity

    query = similarity.tokenize(text)
    if not query or not candidates:
        return []
    documents = [tokens for _pk, tokens in candidates]
    vectorizer = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True)  # noqa: S106
    try:
        matrix = vectorizer.fit_transform([query, *documents])
    except ValueError:
        return []
    scores = linear_kernel(matrix[0:1], matrix[1:]).ravel()
    ranked = sorted(
        (
            (candidates[i][0], float(score))
            for i, score in enumerate(scores)
            if score >= similarity.MIN_SCORE
        ),
        key=lambda pair: -pair[1],
    )
    return ranked[:5]


def old_similar_open(*, category: Any, text: str) -> list[Any]:
    """selectors.similar_open as it was."""
    from django.db.models import Count

    from grassroots.appeals import similarity
    from grassroots.appeals.models import OPEN_STATUSES, Appeal
    from grassroots.core import parameters

    if category is None or len(text.strip()) < 4:
        return []
    since = similarity.candidate_window(parameters.value("appeals.similar_months"))
    candidates = (
        Appeal.objects.filter(category=category, status__in=OPEN_STATUSES, created_at__gte=since)
        .exclude(tokens="")
        .order_by("-created_at")
        .values_list("pk", "tokens")[: similarity.CANDIDATES]
    )
    ranked = old_similar(text, list(candidates))
    by_pk = Appeal.objects.annotate(me_too_count=Count("me_toos")).in_bulk(
        [pk for pk, _score in ranked]
    )
    return [by_pk[pk] for pk, _score in ranked if pk in by_pk]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered) + 0.5) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--checks", type=int, default=300, help="rounds (one check of each kind)")
    parser.add_argument("--category", default="", help="category code (default: most open)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    import django

    django.setup()
    from appeals_data import EXTRA_SENTENCES
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from grassroots.appeals import selectors, similar_index, similarity
    from grassroots.appeals.models import OPEN_STATUSES, Appeal, Category
    from grassroots.core import parameters
    from grassroots.demo.appeals import TOPICS

    since = similarity.candidate_window(parameters.value("appeals.similar_months"))
    open_in_window = (
        Appeal.objects.filter(status__in=OPEN_STATUSES, created_at__gte=since)
        .exclude(tokens="")
        .values("category__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    counts = {row["category__code"]: row["n"] for row in open_in_window}
    code = args.category or next(iter(counts), "")
    if counts.get(code, 0) < similarity.CANDIDATES:
        sys.exit(
            f"Category {code or '?'} has {counts.get(code, 0)} open appeals in the window; "
            f"the check takes {similarity.CANDIDATES}. Generate appeals with "
            "bench/appeals_data.py (e.g. --appeals 100000 --org-scale 0.1)."
        )
    category = Category.objects.get(code=code)
    rng = random.Random(args.seed)
    others = [c for c in TOPICS if c != code]
    texts = []
    for n in range(args.checks):
        topic = code if n % 2 == 0 or code not in TOPICS else rng.choice(others)
        title, description = rng.choice(TOPICS[topic])
        texts.append(f"{title} {description}{rng.choice(EXTRA_SENTENCES)}")

    def old(text: str) -> list[Any]:
        return old_similar_open(category=category, text=text)

    def warm(text: str) -> list[Any]:
        return selectors.similar_open(category=category, text=text)

    def changed(text: str) -> list[Any]:
        return selectors.similar_open(category=category, text=text)

    def bump() -> None:  # what the submission or status change did (not timed)
        similar_index.stamp_bump(category.pk)

    kinds = {"old": old, "warm": warm, "changed": changed, "cold": changed}
    before = {"changed": bump, "cold": similar_index.forget}
    queries = {}
    for name, check in kinds.items():  # warm-up: imports, jieba, the first fit
        check(texts[0])
        before.get(name, lambda: None)()
        with CaptureQueriesContext(connection) as captured:
            check(texts[0])
        queries[name] = len(captured.captured_queries)

    cpu: dict[str, list[float]] = {name: [] for name in kinds}
    wall: dict[str, list[float]] = {name: [] for name in kinds}
    differ = offered = 0
    order = list(kinds)
    load_before = os.getloadavg()
    for n, text in enumerate(texts):
        found = {}
        for name in order[n % len(order) :] + order[: n % len(order)]:
            before.get(name, lambda: None)()
            started, clock = time.process_time(), time.perf_counter()
            found[name] = [appeal.pk for appeal in kinds[name](text)]
            cpu[name].append((time.process_time() - started) * 1000)
            wall[name].append((time.perf_counter() - clock) * 1000)
        offered += len(found["old"])
        differ += any(found[name] != found["old"] for name in kinds)
    load_after = os.getloadavg()

    print(
        f"{connection.vendor}, category {code} ({counts[code]} open in the window, "
        f"{similarity.CANDIDATES} taken), {args.checks} rounds; "
        f"load {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    print("| check | CPU ms mean | p50 | p95 | wall ms p50 | queries |")
    print("|---|--:|--:|--:|--:|--:|")
    for name in kinds:
        print(
            f"| {name} | {statistics.fmean(cpu[name]):.2f} | {percentile(cpu[name], 0.5):.2f} "
            f"| {percentile(cpu[name], 0.95):.2f} | {percentile(wall[name], 0.5):.2f} "
            f"| {queries[name]} |"
        )
    for name in ("warm", "changed", "cold"):
        print(
            f"old / {name}: {statistics.fmean(cpu['old']) / statistics.fmean(cpu[name]):.1f}x "
            "CPU (means)"
        )
    print(f"appeals offered by the old check: {offered}; rounds where old and new differ: {differ}")
    simple_differ, simple_offered, rise = transform_only(category, texts)
    print(
        "not measured above, the plain alternative (fit on the candidates alone, transform "
        f"the query): would differ from the old check in {simple_differ} rounds, offering "
        f"{simple_offered} appeals, scores up to {rise:.3f} higher"
    )


def transform_only(category: Any, texts: list[str]) -> tuple[int, int, float]:
    """How far a TfidfVectorizer fitted on the candidates alone, the query only
    transformed, would move the results: rounds differing, appeals offered, the largest
    rise of a score."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    from grassroots.appeals import selectors, similarity
    from grassroots.core import parameters

    since = similarity.candidate_window(parameters.value("appeals.similar_months"))
    candidates = [
        (pk, tokens)
        for pk, tokens, _at in selectors._similar_candidates(category.pk, since)[
            : similarity.CANDIDATES
        ]
    ]
    vectorizer = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True)  # noqa: S106
    matrix = vectorizer.fit_transform([tokens for _pk, tokens in candidates])
    differ = offered = 0
    rise = 0.0
    for text in texts:
        before = dict(old_similar(text, candidates))
        scores = linear_kernel(vectorizer.transform([similarity.tokenize(text)]), matrix).ravel()
        ranked = sorted(
            (
                (candidates[i][0], float(score))
                for i, score in enumerate(scores)
                if score >= similarity.MIN_SCORE
            ),
            key=lambda pair: -pair[1],
        )[:5]
        differ += [pk for pk, _ in ranked] != list(before)
        offered += len(ranked)
        rise = max([rise, *(score - before[pk] for pk, score in ranked if pk in before)])
    return differ, offered, rise


if __name__ == "__main__":
    main()
