"""What one signed-in submission costs, old code against new code (issue 13): the
employee's GET of /appeals/new/, the similar panel the form's htmx asks for while they
type (/appeals/new/similar/), the POST, and the "received" page it redirects to — timed in
the process with Django's test client (every middleware), each side in its own
long-lived process, asked in turn for batches so that the machine's load falls on both.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_submit13 \\
        .venv/bin/python bench/appeals_data.py --appeals 5000 --org-scale 0.01
    DATABASE_URL=... GRASSROOTS_DATA_DIR=... \\
        .venv/bin/python bench/submit_cost.py --old b5700e6 --rounds 8 --batch 25

Reported per side and step: the web process's CPU (time.process_time) and PostgreSQL's
(user + system time of this side's backend, from /proc: the server must run on this
machine), queries; then per submission the old flow (form, POST, page: what
bench/http_compare.py measured before) and the new one (form, panel, POST, page), and
the index entries a submission writes (pg_stat_user_tables: rows inserted and updated
other than HOT, each times its table's indexes, over a batch of --entries submissions).
What the runs raised is deleted at the end (appeals by their idempotency key).
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
import uuid
from pathlib import Path
from typing import Any

import sides  # bench/sides.py: old code against new, each in its own process

HERE = Path(__file__).resolve().parent.parent
STEPS = ("form", "panel", "post", "page")
KEY = "bench-submit-cost-"
TEXTS = [
    ("食堂排队时间太长", "中午食堂只开两个窗口，排队要二十分钟，午休时间不够用。"),
    ("宿舍热水不稳定", "宿舍晚上洗澡时热水时有时无，希望尽快检修。"),
    ("班车发车太早", "早班车六点发车，住得远的同事赶不上，希望推迟十分钟。"),
    ("更衣室柜子不够", "新来的同事没有更衣柜，只能把衣服放在休息室。"),
]


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


class Side:
    def __init__(self) -> None:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from grassroots.accounts.models import RoleAssignment, User
        from grassroots.appeals.models import Category

        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            call_command("collectstatic", interactive=False, verbosity=0)
        employee = (
            User.objects.filter(is_active=True, department__isnull=False, is_staff=False)
            .exclude(pk__in=RoleAssignment.objects.values("user_id"))
            .order_by("employee_number")
            .first()
        )
        if employee is None:
            raise SystemExit("No employee: run bench/appeals_data.py first.")
        self.client = Client()
        self.client.force_login(employee)
        self.client.cookies["grassroots_language"] = "zh-hans"
        category = Category.objects.filter(code="living").first() or Category.objects.first()
        assert category is not None
        self.fields = {
            "category": str(category.pk),
            "department": str(employee.department_id),
            "place": "",
            "urgency": "normal",
        }
        self.number = 0
        self.connection = connection
        self.hz = os.sysconf("SC_CLK_TCK")

    def _backend(self) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return int(cursor.fetchone()[0])

    def once(self) -> dict[str, tuple[float, int]]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.number += 1
        title, text = TEXTS[self.number % len(TEXTS)]
        title = f"{title} {uuid.uuid4().hex[:6]}"
        spent: dict[str, tuple[float, int]] = {}

        def step(name: str, call: Any, status: int) -> Any:
            with CaptureQueriesContext(connection) as queries:
                started = time.process_time()
                response = call()
                cpu = time.process_time() - started
            if response.status_code != status:
                raise SystemExit(f"{name}: {response.status_code}")
            spent[name] = (cpu, len(queries.captured_queries))
            return response

        step("form", lambda: self.client.get("/appeals/new/"), 200)
        typed = {"category": self.fields["category"], "title": title, "description": text}
        step(
            "panel",
            # with the header htmx sends (a part of a page: drawn without a header)
            lambda: self.client.get("/appeals/new/similar/", typed, headers={"HX-Request": "true"}),
            200,
        )
        data = {**self.fields, **typed, "idempotency_key": KEY + uuid.uuid4().hex}
        posted = step("post", lambda: self.client.post("/appeals/new/", data), 302)
        step("page", lambda: self.client.get(posted["Location"]), 200)
        return spent

    def run(self, count: int) -> dict[str, Any]:
        pid = self._backend()
        times: dict[str, list[float]] = {name: [] for name in STEPS}
        queries: dict[str, int] = {}
        database = 0.0
        for _ in range(count):
            before = _ticks(pid)
            spent = self.once()
            database += (_ticks(pid) - before) / self.hz
            for name, (cpu, n) in spent.items():
                times[name].append(cpu)
                queries[name] = n
        return {"times": times, "queries": queries, "database": database, "count": count}

    def entries(self, count: int) -> dict[str, Any]:
        """Index entries written per submission, from the statistics' deltas."""
        sql = (
            "SELECT t.relname, t.n_tup_ins, t.n_tup_upd - t.n_tup_hot_upd, "
            "(SELECT count(*) FROM pg_index i WHERE i.indrelid = t.relid) "
            "FROM pg_stat_user_tables t"
        )

        def snapshot() -> dict[str, tuple[int, int, int]]:
            time.sleep(2.5)  # the backends' statistics reach the view within a second or so
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(sql)
                return {name: (ins, upd, n) for name, ins, upd, n in cursor.fetchall()}

        before = snapshot()
        for _ in range(count):
            self.once()
        after = snapshot()
        per_table = {}
        for name, (ins, upd, indexes) in after.items():
            was = before.get(name, (0, 0, indexes))
            inserted, updated = ins - was[0], upd - was[1]
            if inserted or updated:
                per_table[name] = [inserted / count, updated / count, indexes]
        return {"tables": per_table}

    def serve(self) -> None:
        for _ in range(5):
            self.once()
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            command, count = line.split()
            answer = self.run(int(count)) if command == "run" else self.entries(int(count))
            print(json.dumps(answer), flush=True)


def _export(rev: str, into: Path) -> None:
    sides.export(rev, into)
    for script in ("submit_cost.py", "sides.py"):  # the old tree served by today's script
        (into / "bench" / script).write_text((HERE / "bench" / script).read_text())
    (into / "node_modules").symlink_to(HERE / "node_modules")  # the vendored static files


def _start(root: Path) -> subprocess.Popen[str]:
    return sides.start(root / "bench" / "submit_cost.py", [], root, {})


def _remove_submitted() -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    sys.path.insert(0, str(HERE))
    django.setup()
    from grassroots.appeals.models import Appeal

    sys.path.insert(0, str(HERE / "bench"))
    import appeals  # bench/appeals.py

    appeals.remove_submitted(prefix=KEY)
    return Appeal.objects.filter(idempotency_key__startswith=KEY).count()


def compare(old: str, rounds: int, batch: int, entries: int) -> None:
    with tempfile.TemporaryDirectory(prefix="submit-cost-old-") as folder:
        old_root = Path(folder)
        _export(old, old_root)
        servers = {"old": _start(old_root), "new": _start(HERE)}
        times: dict[tuple[str, str], list[float]] = {}
        queries: dict[tuple[str, str], int] = {}
        database = {"old": 0.0, "new": 0.0}
        counts = {"old": 0, "new": 0}
        load_before = os.getloadavg()[0]
        try:
            for round_ in range(rounds):
                for name in ("old", "new") if round_ % 2 == 0 else ("new", "old"):
                    answer = sides.ask(servers[name], "run", batch)
                    for step in STEPS:
                        times.setdefault((name, step), []).extend(answer["times"][step])
                        queries[(name, step)] = answer["queries"][step]
                    database[name] += answer["database"]
                    counts[name] += answer["count"]
            written = {
                name: sides.ask(servers[name], "entries", entries) for name in ("old", "new")
            }
        finally:
            for process in servers.values():
                assert process.stdin is not None
                process.stdin.close()
                process.wait()
            left = _remove_submitted()
    print(
        f"old {old} against the working tree; {rounds} rounds of {batch} submissions per "
        f"side; load average {load_before:.1f} → {os.getloadavg()[0]:.1f}; {left} left"
    )
    print()
    print("| step | side | queries | CPU p50 ms | p95 ms | mean ms |")
    print("|---|---|--:|--:|--:|--:|")
    means: dict[tuple[str, str], float] = {}
    for step in STEPS:
        for name in ("old", "new"):
            values = [value * 1000 for value in times[(name, step)]]
            means[(name, step)] = statistics.fmean(values)
            print(
                f"| {step} | {name} | {queries[(name, step)]} | {statistics.median(values):.2f} "
                f"| {nearest_rank(values, 0.95):.2f} | {means[(name, step)]:.2f} |"
            )
    print()
    print("| per submission | web CPU ms | PostgreSQL CPU ms (all four steps) | queries |")
    print("|---|--:|--:|--:|")
    for name, steps in (
        ("old", ("form", "post", "page")),
        ("old", STEPS),
        ("new", STEPS),
    ):
        web = sum(means[(name, step)] for step in steps)
        count = sum(queries[(name, step)] for step in steps)
        label = f"{name}: {' + '.join(steps)}"
        db = database[name] / counts[name] * 1000 if steps == STEPS else float("nan")
        print(f"| {label} | {web:.2f} | {db:.2f} | {count} |")
    print()
    print("| side | table | rows inserted | rows updated, not HOT | indexes | entries |")
    print("|---|---|--:|--:|--:|--:|")
    for name in ("old", "new"):
        total = 0.0
        for table, (inserted, updated, indexes) in sorted(written[name]["tables"].items()):
            each = (inserted + updated) * indexes
            total += each
            print(f"| {name} | {table} | {inserted:.2f} | {updated:.2f} | {indexes} | {each:.1f} |")
        print(f"| {name} | all | | | | **{total:.1f}** |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--old", default="b5700e6")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        sys.path.insert(0, str(Path.cwd()))
        Side().serve()
    else:
        compare(args.old, args.rounds, args.batch, args.entries)


if __name__ == "__main__":
    main()
