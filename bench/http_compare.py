"""Raising an appeal against raising a django-helpdesk ticket, over HTTP, side by side.

Both products run under the same gunicorn settings on the same PostgreSQL server, and
the same client drives them in turn: N signed-in users, each in a loop of GET the form →
(Grassroots: the similar-appeals panel the form asks for while typing) → POST it →
follow the redirect, for --seconds, the products alternating run by run
(interleaved, so both see the same machine). Beside them, at the same concurrency: the
same-machine ceiling (one trivial Django view, no middleware, bench/ceiling_wsgi.py) and
Grassroots' signed-in "ok" view behind its full middleware (/healthz/live with a session).

    .venv/bin/python bench/appeals_data.py --appeals 100000 --org-scale 0.1
    bench/helpdesk_compare.sh setup --tickets 100000
    flock /tmp/bench.lock .venv/bin/python bench/http_compare.py --users 1,8,32 \\
        --seconds 60 --rounds 2 --out bench/results/http-compare.md

DATABASE_URL (Grassroots) defaults to the appeal benchmarks' database,
postgres://postgres@127.0.0.1:5432/grassroots_bench_appeals; django-helpdesk's project
and venv are where bench/helpdesk_compare.sh put them (HELPDESK_BENCH_DIR,
HELPDESK_DATABASE_URL). Sessions are made in each product's own database with its own
code (Django's test client, force_login), one per simulated user; the client is
http.client with keep-alive, one connection per user, in threads of this process.

Reported per product and concurrency: transactions (form [+ panel] + POST + redirect
page) per second, the transaction's p50 / p95 / max by nearest rank, each step's p50, and the
server's CPU per transaction (user + system time of the gunicorn master and workers,
from /proc) — the figure throughput follows once the machine is saturated — and
PostgreSQL's: user + system time of the database's client backends (their pids from
pg_stat_activity, sampled every quarter second through each run and read from /proc, so
that a backend closed during the run — persistent connections are renewed once they
are older than CONN_MAX_AGE — counts up to its last sample; the server must run on this
machine, else the column is empty). PostgreSQL's shared processes (WAL writer,
checkpointer) are left out for both. The same samples count the backends waiting for a
lock (pg_stat_activity.wait_event_type 'Lock', e.g. on a row another transaction holds):
the mean over the run is the queue that serialised writes make. What the
runs submitted is deleted afterwards (appeals by their idempotency key, tickets above
the highest id before the run), so every run sees the same data.

What the two CPU figures leave out, for both products alike: work done outside the web
processes and the database — here the e-mail deliveries Grassroots queues for its
worker (no worker runs during the bench; the queued tasks stay behind), where
django-helpdesk builds its two e-mails inline (locmem backend) and so pays for them.

--lists times the handlers' lists instead of submitting (issue 13: the lists ≥ 10× of
django-helpdesk's at 8 users at full scale, ≥ 6× at 100,000), nothing written but
sessions. A transaction is, per simulated user, in a loop:

- this product, committee: the group committee's officer GETs the appeals queue
  (/appeals/handle/, open appeals, soonest deadline first — scenario q2 of
  bench/appeals.py, whose find_actors picks the people);
- this product, branch: the secretary of the branch with the most open appeals GETs
  the same queue (q1);
- django-helpdesk: a member of staff (staff00) GETs the ticket list /tickets/ and then
  the first 25 rows of its open tickets, the JSON its DataTable fetches
  (/datatables_ticket_list/<query>?draw=1&start=0&length=25, bench/helpdesk_bench.py's
  h2 + h3).

Each simulated user has its own session of that one person. The three alternate run by
run (the order reversed every round); the ceiling and "ok" rows are as above; a second
table gives the means over the rounds and the ratios of the queues' transactions per
second to django-helpdesk's. --vacuum is off by default in this mode (the runs write no
rows), and nothing is deleted afterwards.

    flock /tmp/bench.lock .venv/bin/python bench/http_compare.py --lists --users 1,8 \\
        --seconds 60 --rounds 2 --out bench/results/http-compare-lists.md
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grassroots_bench_appeals")

HELPDESK_DIR = Path(
    os.environ.get("HELPDESK_BENCH_DIR", Path(tempfile.gettempdir()) / "grassroots-helpdesk-bench")
)
HELPDESK_DATABASE = os.environ.get(
    "HELPDESK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/helpdesk_bench"
)
BENCH_KEY = "bench-http-"  # idempotency keys of the appeals this script submits
TEXTS = [
    ("食堂排队时间太长", "中午食堂只开两个窗口，排队要二十分钟，希望增加窗口或错峰就餐。"),
    ("车间通风不好", "夏天装配车间温度太高，通风设备经常不开，希望改善。"),
    ("宿舍热水不稳定", "宿舍晚上洗澡时热水时有时无，冬天很不方便。"),
    ("想学电工技能", "希望单位组织电工培训，我想考证。"),
]
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def log_path(name: str) -> Path:
    return Path(tempfile.gettempdir()) / f"http-compare-{name}.log"


# --- the servers -----------------------------------------------------------------------


@dataclass
class Server:
    name: str
    port: int
    command: list[str]
    env: dict[str, str]
    cwd: Path
    database: str = ""  # the PostgreSQL database its backends serve ("" for none)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = open(log_path(self.name), "ab")  # noqa: SIM115 - kept open
        self.process = subprocess.Popen(
            self.command,
            env={**os.environ, **self.env},
            cwd=self.cwd,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:  # e.g. the port held by a leftover server
                raise SystemExit(f"{self.name} exited; see {log_path(self.name)}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/favicon.ico", headers={"Host": "localhost"})
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"{self.name} did not start; see {log_path(self.name)}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def cpu_seconds(self) -> float:
        """User + system time of the master and its workers so far."""
        assert self.process is not None
        pids = [self.process.pid, *_children(self.process.pid)]
        ticks = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")


def _ticks(pid: int) -> int | None:
    """User + system clock ticks of a process so far (None once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, PermissionError):
        return None
    return int(fields[11]) + int(fields[12])


def backend_ticks(database: str) -> dict[int, int]:
    """CPU ticks so far of each PostgreSQL client backend connected to `database`, by pid
    (empty when the server runs elsewhere: its pids are not in this machine's /proc)."""
    if not database:
        return {}
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
            [database],
        )
        pids = [row[0] for row in cursor.fetchall()]
    found = {pid: _ticks(pid) for pid in pids}
    return {pid: ticks for pid, ticks in found.items() if ticks is not None}


class BackendSampler(threading.Thread):
    """The CPU of a database's client backends over a run, from snapshots every
    `interval` seconds: each backend's last reading less its first (0 for one that
    started after the first snapshot, which it then counts whole)."""

    def __init__(self, database: str, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.interval = interval
        self.first = backend_ticks(database)
        self.last = dict(self.first)
        self.done = threading.Event()
        self.samples = 0
        self.waiting = 0  # backends found waiting for a lock, summed over the samples

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.done.wait(self.interval):
                self.last.update(backend_ticks(self.database))
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                        " AND backend_type = 'client backend' AND wait_event_type = 'Lock'",
                        [self.database],
                    )
                    self.waiting += cursor.fetchone()[0]
                self.samples += 1
        finally:
            connection.close()  # this thread's own (its backend is never counted)

    def stop(self) -> float | None:
        """Seconds of CPU used since the first snapshot (None when not measurable)."""
        self.done.set()
        self.join()
        self.last.update(backend_ticks(self.database))
        if not self.last:
            return None
        ticks = sum(now - self.first.get(pid, 0) for pid, now in self.last.items())
        return ticks / os.sysconf("SC_CLK_TCK")


def database_name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return found


def gunicorn(args: argparse.Namespace, python_bin: Path, app: str, port: int) -> list[str]:
    return [
        str(python_bin / "gunicorn"),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        "gthread",
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]


def servers(args: argparse.Namespace) -> dict[str, Server]:
    venv = ROOT / ".venv" / "bin"
    helpdesk_venv = HELPDESK_DIR / "venv" / "bin"
    if not (helpdesk_venv / "gunicorn").exists():
        raise SystemExit(
            "No gunicorn in django-helpdesk's venv: run bench/helpdesk_compare.sh setup"
        )
    return {
        "grassroots": Server(
            "grassroots",
            args.port,
            gunicorn(args, venv, "config.wsgi:application", args.port),
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.local",
                "DJANGO_DEBUG": "0",
                "DATABASE_CONN_MAX_AGE": str(args.conn_max_age),
            },
            ROOT,
            database_name(os.environ["DATABASE_URL"]),
        ),
        "helpdesk": Server(
            "helpdesk",
            args.helpdesk_port,
            gunicorn(args, helpdesk_venv, "hdproject.wsgi:application", args.helpdesk_port),
            {
                "DJANGO_SETTINGS_MODULE": "hdproject.settings",
                "HELPDESK_DATABASE_URL": HELPDESK_DATABASE,
                "HELPDESK_CONN_MAX_AGE": str(args.conn_max_age),
            },
            HELPDESK_DIR / "project",
            database_name(HELPDESK_DATABASE),
        ),
        "ceiling": Server(
            "ceiling",
            args.ceiling_port,
            gunicorn(args, venv, "ceiling_wsgi:application", args.ceiling_port),
            {},
            ROOT / "bench",
        ),
    }


# --- sessions and form data -------------------------------------------------------------


@dataclass
class User:
    cookies: dict[str, str]
    form: dict[str, str]


def grassroots_users(count: int) -> list[User]:
    import django

    django.setup()

    from grassroots.accounts.models import RoleAssignment
    from grassroots.accounts.models import User as Person
    from grassroots.appeals.models import Category

    living = Category.objects.get(code="living")
    people = list(
        Person.objects.filter(is_active=True, department__isnull=False)
        .exclude(pk__in=RoleAssignment.objects.values("user_id"))
        .order_by("employee_number")[: count * 7 : 7]
    )
    users = []
    for person in people:
        form = {
            "category": str(living.pk),
            "department": str(person.department_id),
            "place": "",
            "urgency": "normal",
        }
        users.append(User(grassroots_session(person), form))
    return users


def grassroots_session(person: Any) -> dict[str, str]:
    """The cookies of a new session of `person` (signed in with Django's test client)."""
    from django.test import Client

    client = Client()
    client.force_login(person, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend")
    return {"sessionid": client.cookies["sessionid"].value}


@dataclass
class Lists:
    """Who reads which list in --lists mode, and what each side's transaction requests."""

    committee: list[User]  # sessions of the group committee's officer
    branch: list[User]  # sessions of the busiest branch's secretary
    helpdesk: list[User]  # sessions of django-helpdesk's member of staff
    committee_paths: tuple[str, ...]
    branch_paths: tuple[str, ...]
    helpdesk_paths: tuple[str, ...]
    facts: str  # who they are, for the report


def lists_users(count: int) -> Lists:
    """`count` sessions each of the people bench/appeals.py times the queue for, and of
    the member of staff bench/helpdesk_bench.py times the ticket list for."""
    import django

    django.setup()
    import appeals  # bench/appeals.py: the acting people and the queue scenarios
    import helpdesk_bench  # bench/helpdesk_bench.py: the staff user and the list's URLs

    actors = appeals.find_actors()
    urls = {scenario.key: scenario.url for scenario in appeals.scenarios(actors)}
    facts = (
        f"Acting: group committee officer {actors.group_officer.employee_number} "
        f"({actors.group_committee.name}) `{urls['q2']}`; branch secretary "
        f"{actors.branch_officer.employee_number} of {actors.branch.name} "
        f"({actors.open_in_branch} open appeals, the most of any branch) `{urls['q1']}`; "
        f"django-helpdesk {helpdesk_bench.STAFF} "
        f"`{'` + `'.join(helpdesk_bench.staff_list_paths())}`; one session per simulated user."
    )
    return Lists(
        committee=[User(grassroots_session(actors.group_officer), {}) for _ in range(count)],
        branch=[User(grassroots_session(actors.branch_officer), {}) for _ in range(count)],
        helpdesk=helpdesk_users(count, helpdesk_bench.STAFF),
        committee_paths=(urls["q2"],),
        branch_paths=(urls["q1"],),
        helpdesk_paths=helpdesk_bench.staff_list_paths(),
        facts=facts,
    )


HELPDESK_SESSIONS = """
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from helpdesk.models import Queue
model = get_user_model()
queue = Queue.objects.order_by("pk").first()
out = []
for i in range(int(sys.argv[1])):
    if len(sys.argv) > 2:  # an existing user (a member of staff), one session each
        user = model.objects.get(username=sys.argv[2])
    else:
        user, _ = model.objects.get_or_create(username=f"bench_http_{i:03d}", defaults={"email": f"b{i}@example.com"})
    client = Client()
    client.force_login(user)
    out.append({"sessionid": client.cookies["sessionid"].value, "queue": queue.pk})
print(json.dumps(out))
"""

HELPDESK_MAX_TICKET = """
import django
django.setup()
from helpdesk.models import Ticket
print(Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
"""

HELPDESK_VACUUM = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE helpdesk_ticket, helpdesk_followup")
"""

# What the runs write in Grassroots (and delete at the end): vacuumed before the first
# run, so that the rows an earlier invocation left dead do not slow a later one (the
# similar check's candidates are read through the appeals' index, dead rows included)
GRASSROOTS_TABLES = (
    "appeals_appeal",
    "appeals_appealevent",
    "core_deadline",
    "core_auditentry",
    "notifications_notification",
)


def vacuum() -> None:
    """VACUUM ANALYZE the tables the runs write, in both databases."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(GRASSROOTS_TABLES)}")
    helpdesk_python(HELPDESK_VACUUM)


HELPDESK_REMOVE = """
import sys
import django
django.setup()
from helpdesk.models import Ticket
print(Ticket.objects.filter(pk__gt=int(sys.argv[1])).delete()[0])
"""


def helpdesk_python(code: str, *argv: str) -> str:
    return subprocess.run(
        [str(HELPDESK_DIR / "venv" / "bin" / "python"), "-c", code, *argv],
        cwd=HELPDESK_DIR / "project",
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "hdproject.settings",
            "HELPDESK_DATABASE_URL": HELPDESK_DATABASE,
            "PYTHONPATH": str(HELPDESK_DIR / "project"),
        },
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def helpdesk_users(count: int, username: str | None = None) -> list[User]:
    """`count` sessions: of as many submitters, or all of the one user `username`."""
    made = json.loads(
        helpdesk_python(
            HELPDESK_SESSIONS, str(count), *([username] if username else [])
        ).splitlines()[-1]
    )
    return [
        User(
            {"sessionid": one["sessionid"]},
            {
                "queue": str(one["queue"]),
                "priority": "3",
                "submitter_email": "employee@example.com",
            },
        )
        for one in made
    ]


# --- the client -----------------------------------------------------------------------


@dataclass
class Flow:
    """GET form → POST → follow the redirect, for one product."""

    form_path: str
    text_fields: tuple[str, str]  # the names of the title and body fields
    extra: dict[str, str] = field(default_factory=dict)
    # the similar-appeals panel the form's htmx asks for while the person types (the
    # category, the title and the description, as hx-include sends them): once per
    # submission, so that the similar check stays in the measured work now that a valid
    # POST no longer runs it (it is only shown when the form comes back with errors)
    panel_path: str | None = None


FLOWS = {
    "grassroots": Flow(
        "/appeals/new/", ("title", "description"), panel_path="/appeals/new/similar/"
    ),
    "helpdesk": Flow("/tickets/submit/", ("title", "body")),
}


class Browser:
    def __init__(self, port: int, user: User) -> None:
        self.port = port
        self.user = user
        self.cookies = dict(user.cookies)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(
        self, method: str, path: str, body: str | None = None, extra: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        headers = {
            "Host": "localhost",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Language": "zh-hans",
            **(extra or {}),
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # the server closed an idle keep-alive connection: open another once
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        for header in response.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return response.status, response.getheader("Location") or "", content


@dataclass
class Result:
    transactions: list[float] = field(default_factory=list)
    steps: list[tuple[float, ...]] = field(default_factory=list)  # ms per request
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu: float = 0.0
    database_cpu: float | None = None  # None: not measured
    lock_waits: float | None = None  # backends waiting for a lock, mean over the samples


def submit_loop(
    browser: Browser, flow: Flow, until: float, result: Result, lock: threading.Lock
) -> None:
    number = 0
    while time.monotonic() < until:
        number += 1
        title, text = TEXTS[number % len(TEXTS)]
        try:
            began = time.perf_counter()
            status, _location, page = browser.request("GET", flow.form_path)
            got_form = time.perf_counter()
            token = _TOKEN.search(page)
            if status != 200 or token is None:
                raise RuntimeError(f"form: {status}")
            fields = {
                **browser.user.form,
                flow.text_fields[0]: f"{title} {uuid.uuid4().hex[:6]}",
                flow.text_fields[1]: text,
                "csrfmiddlewaretoken": token.group(1),
                "idempotency_key": BENCH_KEY + uuid.uuid4().hex,
            }
            if flow.panel_path:
                typed = {
                    name: fields[name] for name in ("category", *flow.text_fields) if name in fields
                }
                status, _location, _panel = browser.request(
                    "GET",
                    f"{flow.panel_path}?{urllib.parse.urlencode(typed)}",
                    # what htmx sends with it (a part of a page: drawn without a header)
                    extra={
                        "HX-Request": "true",
                        "HX-Target": "similar-appeals",
                        "HX-Current-URL": f"http://localhost{flow.form_path}",
                    },
                )
                if status != 200:
                    raise RuntimeError(f"similar panel: {status}")
                got_form = time.perf_counter()  # the panel counts with the form's step
            status, location, page = browser.request(
                "POST", flow.form_path, urllib.parse.urlencode(fields)
            )
            posted = time.perf_counter()
            if status != 302 or not location:
                raise RuntimeError(f"POST: {status} {page[:200]!r}")
            status, _location, _page = browser.request(
                "GET", urllib.parse.urlsplit(location)._replace(scheme="", netloc="").geturl()
            )
            done = time.perf_counter()
            if status != 200:
                raise RuntimeError(f"redirect page: {status}")
        except Exception as error:  # counted and reported; the run goes on
            with lock:
                result.errors.append(str(error)[:200])
            continue
        with lock:
            result.transactions.append((done - began) * 1000)
            result.steps.append(
                ((got_form - began) * 1000, (posted - got_form) * 1000, (done - posted) * 1000)
            )


def get_loop(
    browser: Browser, path: str, until: float, result: Result, lock: threading.Lock
) -> None:
    list_loop(browser, (path,), until, result, lock)


def list_loop(
    browser: Browser, paths: tuple[str, ...], until: float, result: Result, lock: threading.Lock
) -> None:
    """GET `paths` one after the other, each answering 200, as one transaction (each
    request's time kept as a step when there are more than one)."""
    while time.monotonic() < until:
        began = time.perf_counter()
        steps = []
        for path in paths:
            started = time.perf_counter()
            try:
                status, _location, _page = browser.request("GET", path)
            except OSError as error:
                with lock:
                    result.errors.append(f"GET {path}: {error}")
                break
            steps.append((time.perf_counter() - started) * 1000)
            if status != 200:
                with lock:
                    result.errors.append(f"GET {path}: {status}")
                break
        else:
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                result.transactions.append(elapsed)
                if len(paths) > 1:
                    result.steps.append(tuple(steps))


def drive(server: Server, users: list[User], seconds: float, loop: Any, *loop_args: Any) -> Result:
    result, lock = Result(), threading.Lock()
    browsers = [Browser(server.port, user) for user in users]
    sampler = BackendSampler(server.database) if server.database else None
    if sampler is not None:
        sampler.start()
    cpu_before, began = server.cpu_seconds(), time.monotonic()
    until = began + seconds
    threads = [
        threading.Thread(target=loop, args=(browser, *loop_args, until, result, lock))
        for browser in browsers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - began
    result.cpu = server.cpu_seconds() - cpu_before
    if sampler is not None:
        result.database_cpu = sampler.stop()
        result.lock_waits = sampler.waiting / sampler.samples if sampler.samples else None
    for browser in browsers:
        browser.connection.close()
    return result


def warm(server: Server, users: list[User], loop: Any, *loop_args: Any) -> None:
    drive(server, users[:2], 3, loop, *loop_args)


# --- the run ------------------------------------------------------------------------------


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f}"


def per_second(result: Result) -> float:
    return len(result.transactions) / result.seconds if result.seconds else 0


def line(label: str, users: int, result: Result, per: str = "transaction") -> str:
    times = result.transactions
    count = len(times)
    rate = per_second(result)
    cpu = result.cpu / count * 1000 if count else float("nan")
    if result.database_cpu is not None and count:
        database_each = result.database_cpu / count * 1000
        database = f"{database_each:.1f} | {cpu + database_each:.1f}"
    else:
        database = "– | –"
    waits = f"{result.lock_waits:.2f}" if result.lock_waits is not None else "–"
    steps = ""
    if result.steps:
        steps = " / ".join(
            f"{statistics.median(step[i] for step in result.steps):.0f}"
            for i in range(len(result.steps[0]))
        )
    return (
        f"| {label} | {users} | {rate:.1f} | {statistics.median(times) if times else float('nan'):.0f} "
        f"| {percentile(times, 0.95):.0f} | {max(times) if times else float('nan'):.0f} | {steps or '–'} "
        f"| {cpu:.1f} | {database} | {waits} | {len(result.errors)} |"
    )


@dataclass
class Side:
    """One of the runs that alternate at each concurrency level."""

    name: str  # short, for the means table
    label: str  # the table's "run" column, before the load average
    server: str  # a key of servers()
    people: list[User]
    loop: Any  # submit_loop or list_loop
    loop_args: tuple[Any, ...]


def submit_sides(grassroots_people: list[User], helpdesk_people: list[User]) -> list[Side]:
    return [
        Side(
            "this product",
            "submit, this product",
            "grassroots",
            grassroots_people,
            submit_loop,
            (FLOWS["grassroots"],),
        ),
        Side(
            "django-helpdesk",
            "submit, django-helpdesk",
            "helpdesk",
            helpdesk_people,
            submit_loop,
            (FLOWS["helpdesk"],),
        ),
    ]


def list_sides(lists: Lists) -> list[Side]:
    """The two queues, then django-helpdesk's list: the reference of the ratios (last)."""
    return [
        Side(
            "committee queue",
            "committee queue, this product",
            "grassroots",
            lists.committee,
            list_loop,
            (lists.committee_paths,),
        ),
        Side(
            "branch queue",
            "branch queue, this product",
            "grassroots",
            lists.branch,
            list_loop,
            (lists.branch_paths,),
        ),
        Side(
            "django-helpdesk",
            "ticket list page + rows, django-helpdesk",
            "helpdesk",
            lists.helpdesk,
            list_loop,
            (lists.helpdesk_paths,),
        ),
    ]


def means_table(sides: list[Side], measured: dict[tuple[int, str], list[Result]]) -> list[str]:
    """Per level, the means over the rounds of each side's transactions per second, p95
    and CPU per transaction (server + PostgreSQL), and each side's per second ÷ the last
    side's."""

    def mean(values: list[float]) -> float:
        return statistics.fmean(values) if values else float("nan")

    def cpu_each(result: Result) -> float:
        count = len(result.transactions)
        if not count:
            return float("nan")
        return (result.cpu + (result.database_cpu or 0.0)) / count * 1000

    reference, others = sides[-1], sides[:-1]
    levels = sorted({users for users, _name in measured})
    rounds = max(len(results) for results in measured.values())
    names = " / ".join(side.name for side in sides)
    lines = [
        "",
        f"Means of the {rounds} interleaved rounds; ratio: transactions per second ÷ "
        f"those of {reference.name}:",
        "",
        "| users | "
        + " | ".join(f"{side.name} per second" for side in sides)
        + " | "
        + " | ".join(f"{side.name} ÷ {reference.name}" for side in others)
        + f" | p95 ms {names} | server + PostgreSQL CPU ms each {names} |",
        "|--:|" + "--:|" * (len(sides) + len(others) + 2),
    ]
    for users in levels:
        results = {side.name: measured.get((users, side.name), []) for side in sides}
        rates = {name: mean([per_second(r) for r in rs]) for name, rs in results.items()}
        base = rates[reference.name]
        ratios = [rates[side.name] / base if base else float("nan") for side in others]
        p95 = [mean([percentile(r.transactions, 0.95) for r in results[s.name]]) for s in sides]
        cpu = [mean([cpu_each(r) for r in results[s.name]]) for s in sides]
        lines.append(
            f"| {users} | "
            + " | ".join(f"{rates[side.name]:.1f}" for side in sides)
            + " | "
            + " | ".join(f"{ratio:.2f}" for ratio in ratios)
            + f" | {' / '.join(f'{v:.0f}' for v in p95)}"
            + f" | {' / '.join(f'{v:.1f}' for v in cpu)} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--lists",
        action="store_true",
        help="time the handlers' lists instead of submitting: the group committee "
        "officer's and the busiest branch secretary's appeals queue against "
        "django-helpdesk's staff ticket list (page + first 25 rows), with a table of "
        "the ratios (see above)",
    )
    parser.add_argument("--users", default="1,8,32", help="concurrent users, comma-separated")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--rounds", type=int, default=2, help="interleaved runs per product and level"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--ceiling-seconds", type=float, default=10)
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="persistent database connections for both products (docs/operations.md "
        "recommends 60 s in production; Django's default is 0, a connection per request)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8201,
        help="this product's port (django-helpdesk's and the ceiling's default to the next two)",
    )
    parser.add_argument("--helpdesk-port", type=int)
    parser.add_argument("--ceiling-port", type=int)
    parser.add_argument(
        "--vacuum",
        action=argparse.BooleanOptionalAction,
        help="VACUUM ANALYZE the tables the runs write (both products) before the first run "
        "(default: on, off with --lists, whose runs write no rows)",
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    levels = [int(n) for n in args.users.split(",")]
    args.helpdesk_port = args.helpdesk_port or args.port + 1
    args.ceiling_port = args.ceiling_port or args.port + 2
    if args.vacuum is None:
        args.vacuum = not args.lists

    grassroots_people = grassroots_users(max(levels))
    if args.lists:
        lists = lists_users(max(levels))
        sides = list_sides(lists)
    else:
        sides = submit_sides(grassroots_people, helpdesk_users(max(levels)))
        helpdesk_before = int(helpdesk_python(HELPDESK_MAX_TICKET).splitlines()[-1])
    running = servers(args)
    # the pages name their static files through the manifest collectstatic writes
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
    )
    header = [
        f"### {time.strftime('%Y-%m-%d %H:%M %Z')} · "
        + ("the handlers' lists (--lists) · " if args.lists else "")
        + f"gunicorn {args.workers} workers × "
        f"{args.threads} threads each (gthread), CONN_MAX_AGE {args.conn_max_age}, "
        f"{args.seconds:.0f} s per run, "
        f"{args.rounds} interleaved rounds",
        "",
        f"Command: `{' '.join(shlex.quote(a) for a in sys.argv)}`",
        "",
        *([lists.facts, ""] if args.lists else []),
        "| run | users | per second | p50 ms | p95 ms | max ms | "
        + (
            "django-helpdesk's page / rows p50 ms"
            if args.lists
            else "form (+ panel) / POST / page p50 ms"
        )
        + " | server CPU ms each | PostgreSQL CPU ms each | both ms each "
        "| backends waiting for a lock | errors |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    lines = list(header)
    print("\n".join(lines), flush=True)
    measured: dict[tuple[int, str], list[Result]] = {}
    try:
        if args.vacuum:
            vacuum()
        for server in running.values():
            server.start()
        for side in sides:
            warm(running[side.server], side.people, side.loop, *side.loop_args)
        for users in levels:
            order = list(sides)
            for _round in range(args.rounds):
                for side in order:
                    before = load_average()
                    result = drive(
                        running[side.server],
                        side.people[:users],
                        args.seconds,
                        side.loop,
                        *side.loop_args,
                    )
                    measured.setdefault((users, side.name), []).append(result)
                    lines.append(line(f"{side.label} (load {before})", users, result))
                    print(lines[-1], flush=True)
                    if result.errors:
                        print("   first error:", result.errors[0], flush=True)
                order.reverse()
            ceiling = drive(
                running["ceiling"], grassroots_people[:users], args.ceiling_seconds, get_loop, "/"
            )
            lines.append(
                line("ceiling: trivial Django view, no middleware", users, ceiling, "request")
            )
            print(lines[-1], flush=True)
            ok = drive(
                running["grassroots"],
                grassroots_people[:users],
                args.ceiling_seconds,
                get_loop,
                "/healthz/live",
            )
            lines.append(
                line('"ok" view behind the full middleware, signed in', users, ok, "request")
            )
            print(lines[-1], flush=True)
        if args.lists:
            table = means_table(sides, measured)
            lines += table
            print("\n".join(table), flush=True)
    finally:
        for server in running.values():
            server.stop()
        if not args.lists:  # --lists submits nothing
            import appeals  # bench/appeals.py: deletes what a run submitted

            removed = appeals.remove_submitted(prefix=BENCH_KEY)
            tickets = helpdesk_python(HELPDESK_REMOVE, str(helpdesk_before)).splitlines()[-1]
            print(
                f"(removed {removed} appeals and {tickets} ticket rows this run submitted)",
                flush=True,
            )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a") as handle:
            handle.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
