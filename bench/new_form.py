"""The new-appeal form's server CPU (issue 13): the signed-in employee's GET of
/appeals/new/ and a POST with a mistake that draws the form again, timed with
`time.process_time()` around each request in the process (Django's test client, every
middleware), old code against new code alternating in one run.

    # once: a database with the demo enterprise (9 categories, 23 departments)
    createdb -h 127.0.0.1 -U postgres grassroots_formfast
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_formfast \\
        GRASSROOTS_DATA_DIR=/tmp/formfast-data .venv/bin/python manage.py migrate
    DATABASE_URL=... GRASSROOTS_DATA_DIR=... .venv/bin/python manage.py load_demo

    # old (a commit) against new (this working tree): 10 rounds of 25 requests per kind
    DATABASE_URL=... GRASSROOTS_DATA_DIR=... \\
        .venv/bin/python bench/new_form.py --old 35eac8e --rounds 10 --batch 25

    # where one side's CPU goes (cProfile over 200 GETs, top 25 by own time)
    DATABASE_URL=... .venv/bin/python bench/new_form.py --profile get

`--old` is exported with `git archive` into a temporary folder; each side runs in its
own long-lived process (same interpreter, same database, same data folder, the same
bench code), and the parent asks them in turn for a batch of each kind of request, so
that the machine's load falls on both alike. Reported per side and kind: CPU per
request, p50 / p95 (nearest rank) / mean over every measured request, and the page's
size. `--language en` measures the English page.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sides  # bench/sides.py: old code against new, each in its own process

HERE = Path(__file__).resolve().parent.parent
KINDS = ("get", "post_error")


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# --- one side: a process that answers "run <kind> <n>" with its CPU times ---------------


class Side:
    def __init__(self, language: str) -> None:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse

        from grassroots.accounts.models import User
        from grassroots.appeals.models import Category

        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            call_command("collectstatic", interactive=False, verbosity=0)  # the manifest
        employee = (
            User.objects.filter(is_active=True, department__isnull=False, is_staff=False)
            .order_by("pk")
            .first()
        )
        if employee is None:
            raise SystemExit("No employee: load the demo first (manage.py load_demo).")
        self.client = Client()
        self.client.force_login(employee)
        self.client.cookies["grassroots_language"] = language
        self.url = reverse("appeals:new")
        category = Category.objects.filter(is_active=True).order_by("position", "pk").first()
        # The title is missing: the form is drawn again with its error.
        self.error_data = {
            "category": str(category.pk if category else ""),
            "title": "",
            "description": "食堂排队时间太长，午休时间不够用，希望增加窗口。",
            "urgency": "normal",
        }

    def once(self, kind: str) -> tuple[float, int]:
        started = time.process_time()
        if kind == "get":
            response = self.client.get(self.url)
            expected = 200
        else:
            response = self.client.post(self.url, self.error_data)
            expected = 200
        spent = time.process_time() - started
        if response.status_code != expected:
            raise SystemExit(f"{kind}: status {response.status_code}")
        if kind == "post_error" and b"_error" not in response.content:
            raise SystemExit("post_error: the page shows no error")
        return spent, len(response.content)

    def serve(self) -> None:
        for kind in KINDS:  # warm up: templates, translations, connections
            for _ in range(5):
                self.once(kind)
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            kind, count = line.split()
            times, size = [], 0
            for _ in range(int(count)):
                spent, size = self.once(kind)
                times.append(spent)
            print(json.dumps({"times": times, "size": size}), flush=True)


# --- the parent ----------------------------------------------------------------------


def _start(root: Path, language: str) -> subprocess.Popen[str]:
    # this checkout's script serves both sides, importing the code under `root`
    return sides.start(
        Path(__file__).resolve(),
        [str(root), "--language", language],
        root,
        {"GRASSROOTS_LOCALE_DIR": str(root / "locale")},
    )


def compare(old: str, rounds: int, batch: int, language: str) -> None:
    with tempfile.TemporaryDirectory(prefix="new-form-old-") as folder:
        old_root = Path(folder)
        sides.export(old, old_root)
        servers = {"old": _start(old_root, language), "new": _start(HERE, language)}
        times: dict[tuple[str, str], list[float]] = {}
        sizes: dict[tuple[str, str], int] = {}
        load_before = os.getloadavg()[0]
        for round_ in range(rounds):
            order = ("old", "new") if round_ % 2 == 0 else ("new", "old")
            for kind in KINDS:
                for name in order:
                    answer = sides.ask(servers[name], kind, batch)
                    times.setdefault((name, kind), []).extend(answer["times"])
                    sizes[(name, kind)] = answer["size"]
        for process in servers.values():
            assert process.stdin is not None
            process.stdin.close()
            process.wait()
    print(
        f"old {old} against the working tree; language {language}; {rounds} rounds of "
        f"{batch} per side and kind; load average {load_before:.1f} → {os.getloadavg()[0]:.1f}"
    )
    print()
    print("| request | side | n | CPU p50 ms | p95 ms | mean ms | page bytes |")
    print("|---|---|--:|--:|--:|--:|--:|")
    for kind in KINDS:
        for name in ("old", "new"):
            values = [value * 1000 for value in times[(name, kind)]]
            print(
                f"| {kind} | {name} | {len(values)} | {statistics.median(values):.2f} | "
                f"{nearest_rank(values, 0.95):.2f} | {statistics.fmean(values):.2f} | "
                f"{sizes[(name, kind)]:,} |"
            )
        old_mean = statistics.fmean(times[("old", kind)])
        new_mean = statistics.fmean(times[("new", kind)])
        print(f"| {kind} | new / old | | | | {new_mean / old_mean:.2f} | |")


def profile(kind: str, count: int, language: str) -> None:
    import cProfile
    import pstats

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    side = Side(language)
    for _ in range(5):
        side.once(kind)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        side.once(kind)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", help="the commit to compare the working tree with")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])
    parser.add_argument("--profile", choices=KINDS)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        sys.path.insert(0, args.serve)
        Side(args.language).serve()
    elif args.profile:
        sys.path.insert(0, str(HERE))
        profile(args.profile, args.count, args.language)
    elif args.old:
        compare(args.old, args.rounds, args.batch, args.language)
    else:
        parser.error("give --old <commit> or --profile <kind>")


if __name__ == "__main__":
    main()
