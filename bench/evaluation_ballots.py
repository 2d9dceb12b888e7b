"""50 concurrent voters casting ballots in one campaign: the time of each ballot, and
proof that nobody voted twice.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_campaigns \\
        .venv/bin/python bench/evaluation_ballots.py --voters 1000 --threads 50

The database must be migrated. The script writes its own organisation (a committee,
five branches each covering a department, --voters people spread over the four
evaluator groups), a campaign evaluating the five branches on six questions (30 answers
a ballot), opens it (the roll is drawn from the records), then --threads threads each
with its own connection and test client take voters from a queue and POST the voting
page — every middleware, the form, the service, the receipt page (optionally after a
random "think time", --think, as people reading the questions). Every tenth voter
is queued twice, back to back, so that two threads submit that person's ballot at the
same moment. Timed: the POST alone (time.perf_counter), for the accepted ballots;
p50 / p95 / max by nearest rank. Then the proof: ballots in the box = people marked
as voted on the roll = distinct voters, and every duplicate was refused (409). The
campaign is closed at the end (the box rewritten; its time is reported) and left in
place, its organisation named with a run id.

--burst releases each round's voters together, each loading the page and then voting at
once (the page requests and the ballots of the round compete); --pages-first (over HTTP)
loads every page of the round first, then releases the ballots together: the casting
alone at once, as when people who have read the questions press the button together.
"""

from __future__ import annotations

import argparse
import math
import os
import queue
import random
import re
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/grassroots_campaigns")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values) or [math.nan]
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def build(run_id: str, voters: int):
    import datetime
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from grassroots.accounts.models import User
    from grassroots.core import workcalendar
    from grassroots.evaluation.campaigns import rules, services
    from grassroots.orgs.models import Member, OrgUnit
    from grassroots.orgs.tests.factories import DepartmentFactory, OrgUnitFactory

    company = DepartmentFactory(name=f"压测公司{run_id}", code=f"BD{run_id}")
    committee = OrgUnitFactory(
        name=f"压测党委{run_id}", code=f"BC{run_id}", kind=OrgUnit.Kind.COMMITTEE
    )
    branches, departments = [], []
    for n in range(5):
        department = DepartmentFactory(name=f"车间{n}", code=f"BD{run_id}-{n}", parent=company)
        branch = OrgUnitFactory(
            name=f"压测支部{n}", code=f"BB{run_id}-{n}", kind=OrgUnit.Kind.BRANCH, parent=committee
        )
        branch.departments.add(department)
        branches.append(branch)
        departments.append(department)
    unusable = make_password(None)  # nobody signs in with these
    users = User.objects.bulk_create(
        [
            User(
                employee_number=f"B{run_id}{n:05d}",
                name=f"压测{n}",
                department=departments[n % 5],
                password=unusable,
            )
            for n in range(voters)
        ],
        batch_size=2000,
    )
    stages = ["full"] * 3 + ["probationary"] * 2 + ["activist"] * 2  # the rest: employees
    Member.objects.bulk_create(
        [
            Member(user=user, branch=branches[n % 5], stage=stages[n % 10])
            for n, user in enumerate(users)
            if n % 10 < len(stages)
        ],
        batch_size=2000,
    )
    officer = users[0]
    today = timezone.localdate()
    opens_on, closes_on = today, today + datetime.timedelta(days=1)
    while not workcalendar.is_workday(opens_on):
        opens_on -= datetime.timedelta(days=1)
    while not workcalendar.is_workday(closes_on):
        closes_on += datetime.timedelta(days=1)
    campaign = services.campaign_create(
        actor=officer,
        organiser=committee,
        draft=services.Draft(
            title=f"压测测评{run_id}",
            subject_kind="branches",
            scale="five",
            opens_on=opens_on,
            closes_on=closes_on,
            period_first=datetime.date(today.year, 1, 1),
            period_last=today,
            items=[f"问题{n}" for n in range(6)],
            weights={g: Decimal(w) for g, w in rules.default_weights().items()},
        ),
        units=branches,
    )
    on_roll = services.campaign_open(actor=officer, campaign=campaign, today=today)
    campaign.refresh_from_db()
    return campaign, users, on_roll


def http_session(base: str, user):
    """An opener signed in as the voter on a running server: a session made for the voter
    here (the server shares the database), its cookie in the opener's jar."""
    import http.cookiejar
    import urllib.parse
    import urllib.request

    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]  # not the axes check
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    host = urllib.parse.urlparse(base).hostname or "127.0.0.1"
    jar.set_cookie(
        http.cookiejar.Cookie(
            0,
            settings.SESSION_COOKIE_NAME,
            session.session_key,
            None,
            False,
            host,
            False,
            False,
            "/",
            True,
            False,
            None,
            False,
            None,
            None,
            {},
        )
    )
    return opener


FORM_ENCODED = "application/x-www-form-urlencoded"  # as a browser posts the voting form
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class PreparedVoter:
    """A voter of the burst over HTTP, made ready before the timed rounds so that the
    client does as little as it can while they run: a session written for the voter
    (the server shares the database), the ballot's body urlencoded once, and a plain
    http.client connection (kept alive from the page to the ballot, as a browser's)."""

    def __init__(self, base: str, user, data: dict[str, str]) -> None:
        import urllib.parse

        from django.conf import settings
        from django.contrib.sessions.backends.db import SessionStore

        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]  # not axes
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        address = urllib.parse.urlparse(base)
        self.host, self.port = address.hostname or "127.0.0.1", address.port or 80
        self.cookies = {settings.SESSION_COOKIE_NAME: session.session_key or ""}
        self.body = urllib.parse.urlencode(data).encode() + b"&csrfmiddlewaretoken="

    def _send(self, connection, method: str, path: str, body: bytes | None):
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        begin = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        elapsed = (time.perf_counter() - begin) * 1000
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content, elapsed

    def _connect(self):
        import http.client

        return http.client.HTTPConnection(self.host, self.port, timeout=120)

    def _load(self, connection, path: str, page_done) -> bytes | None:
        """GET the page (its time to `page_done(status, ms)`): its CSRF token, None if
        the page failed."""
        status, page, elapsed = self._send(connection, "GET", path, None)
        page_done(status, elapsed)
        if status != 200:
            return None
        match = TOKEN.search(page)
        return match.group(1) if match else b""

    def visit(self, path: str, page_done) -> tuple[int, bytes, float] | None:
        """GET the page, then POST the ballot with the page's CSRF token on the same
        connection: the POST's (status, body, ms), None if the page failed."""
        connection = self._connect()
        try:
            token = self._load(connection, path, page_done)
            if token is None:
                return None
            return self._send(connection, "POST", path, self.body + token)
        finally:
            connection.close()

    def load(self, path: str, page_done) -> bytes | None:
        """--pages-first: the page alone (its connection closed: the voter reads it for a
        while, longer than a server keeps a connection alive)."""
        connection = self._connect()
        try:
            return self._load(connection, path, page_done)
        finally:
            connection.close()

    def cast(self, path: str, token: bytes) -> tuple[int, bytes, float]:
        """--pages-first: the ballot, on a new connection, as a browser after a pause."""
        connection = self._connect()
        try:
            return self._send(connection, "POST", path, self.body + token)
        finally:
            connection.close()


def http_request(opener, url: str, body: bytes | None = None) -> tuple[int, bytes, float]:
    """One timed request (GET, or POST when there is a body): (status, body, ms)."""
    import urllib.error

    begin = time.perf_counter()
    try:
        with opener.open(url, data=body, timeout=120) as response:
            status, content = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, content = error.code, error.read()
    return status, content, (time.perf_counter() - begin) * 1000


def http_poster(base: str):
    """POST a voter's ballot to a running server: the CSRF token from a GET of the page
    (not timed), then the timed POST. Returns (status, body, milliseconds)."""
    import urllib.parse

    def post(user, url: str, data: dict) -> tuple[int, bytes, float]:
        opener = http_session(base, user)
        _status, page, _elapsed = http_request(opener, base + url)
        match = TOKEN.search(page)
        body = urllib.parse.urlencode(
            data | {"csrfmiddlewaretoken": match.group(1).decode() if match else ""}
        ).encode()
        return http_request(opener, base + url, body)

    return post


def ballot_data(user, subjects, items) -> dict[str, str]:
    """Every answer (varied by person), and a comment from one voter in seven."""
    data = {
        f"s{s.pk}_i{i.pk}": str(1 + (user.pk + i.pk + s.pk) % 5) for s in subjects for i in items
    }
    return data | ({f"c{subjects[0].pk}": "食堂排队太久"} if user.pk % 7 == 0 else {})


def server_cpu(master: int) -> float:
    """Seconds of CPU used so far by the worker processes of a server (the children of
    process `master`, e.g. gunicorn's), from /proc: what the voters cost the server,
    whatever else the machine was doing."""
    if not master:
        return 0.0
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ticks = 0
    for child in children:
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def run_burst(
    args, users, url: str, subjects, items, record, accepted
) -> tuple[int, list[float], list[float]]:
    """--burst rounds: each round's voters (and their twins) are signed in first, then
    released together; each GETs the voting page and POSTs its ballot. `record(status,
    content, ms)` files each POST (the accepted ones' times in `accepted`); returns
    (twins, the GETs' times, the accepted POSTs' times), the warm-up rounds left out."""
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client

    pages: list[float] = []
    errors_lock = threading.Lock()
    twins = 0
    timed_voters = 0
    timed_pages: list[float] = []
    timed_ballots: list[float] = []
    rounds = []
    for number in range(args.warmup + args.burst):
        voters = users[number * args.threads : (number + 1) * args.threads]
        people = voters + voters[::10]
        twins += len(voters[::10])
        # Over HTTP every round's sessions and bodies are made before any round runs:
        # the client's CPU during the rounds is then the requests' alone.
        prepared = (
            [
                PreparedVoter(args.server, user, ballot_data(user, subjects, items))
                for user in people
            ]
            if args.server
            else people
        )
        rounds.append((voters, prepared))
    cpu_before = client_before = 0.0

    def page_done(status: int, elapsed: float) -> None:
        with errors_lock:
            pages.append(elapsed)
        if status != 200:  # one error: the page did not load, no ballot sent
            record(status, b"", elapsed)

    for number, (voters, prepared) in enumerate(rounds):
        if number == args.warmup:
            cpu_before = server_cpu(args.server_pid)
            client_before = time.process_time()
        barrier = threading.Barrier(len(prepared))
        casting = threading.Barrier(len(prepared))

        def visit(voter, barrier: threading.Barrier, casting: threading.Barrier) -> None:
            try:
                if args.server and args.pages_first:
                    barrier.wait()
                    token = voter.load(url, page_done)
                    casting.wait()  # every page loaded: the ballots go in together
                    if token is not None:
                        record(*voter.cast(url, token))
                    return
                if args.server:
                    barrier.wait()
                    answer = voter.visit(url, page_done)
                    if answer is not None:
                        record(*answer)
                    return
                client = Client()
                client.force_login(voter)
                data = ballot_data(voter, subjects, items)
                barrier.wait()
                begin = time.perf_counter()
                status = client.get(url).status_code
                elapsed = (time.perf_counter() - begin) * 1000
                page_done(status, elapsed)
                if status != 200:
                    return
                begin = time.perf_counter()
                response = client.post(url, urlencode(data), content_type=FORM_ENCODED)
                elapsed = (time.perf_counter() - begin) * 1000
                record(response.status_code, response.content, elapsed)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=visit, args=(voter, barrier, casting)) for voter in prepared
        ]
        pages_before, accepted_before = len(pages), len(accepted)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        these_pages, these_ballots = pages[pages_before:], accepted[accepted_before:]
        if number >= args.warmup:
            timed_voters += len(voters)
            timed_pages += these_pages
            timed_ballots += these_ballots
        print(
            f"  {'warm-up ' if number < args.warmup else ''}round {number + 1}: "
            f"{len(voters)} voters and {len(prepared) - len(voters)} twins;"
            f" page p50 / p95 {percentile(these_pages, 0.5):.0f} / "
            f"{percentile(these_pages, 0.95):.0f} ms, ballot p50 / p95 "
            f"{percentile(these_ballots, 0.5):.0f} / {percentile(these_ballots, 0.95):.0f} ms; "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        if number + 1 < len(rounds):
            time.sleep(args.pause)
    client_spent = time.process_time() - client_before
    print(
        f"- this client: {client_spent:.1f} s of CPU over the timed rounds (pauses between "
        f"them included), {client_spent * 1000 / max(1, timed_voters):.0f} ms a voter"
    )
    if args.server_pid:
        spent = server_cpu(args.server_pid) - cpu_before
        print(
            f"- the server's workers: {spent:.1f} s of CPU for the timed rounds, "
            f"{spent * 1000 / max(1, timed_voters):.0f} ms a voter (page and ballot; "
            f"{spent * 1000 / max(1, len(timed_pages)):.0f} ms a visit, the twins' "
            "second visits, refused, among them)"
        )
    return twins, timed_pages, timed_ballots


def run_cost(users, url: str, subjects, items, record) -> dict[str, list[float]]:
    """--cost: one voter at a time, in this process, each loading the page then voting;
    the CPU time of this thread (time.thread_time: the interpreter's own work, which is
    what 50 voters queue for) and the wall time of each request."""
    from urllib.parse import urlencode

    from django.test import Client

    times: dict[str, list[float]] = {"page cpu": [], "page wall": [], "ballot cpu": []}
    times["ballot wall"] = []
    client = Client()
    for user in users:
        client.force_login(user)
        data = ballot_data(user, subjects, items)
        for kind, body in (("page", None), ("ballot", data)):
            cpu, wall = time.thread_time(), time.perf_counter()
            response = (
                client.get(url)
                if body is None
                else client.post(url, urlencode(body), content_type=FORM_ENCODED)
            )
            times[f"{kind} cpu"].append((time.thread_time() - cpu) * 1000)
            times[f"{kind} wall"].append((time.perf_counter() - wall) * 1000)
            if kind == "ballot":
                record(response.status_code, response.content, times["ballot wall"][-1])
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=50)
    parser.add_argument(
        "--server",
        default="",
        help="base URL of a running server on the same database (e.g. gunicorn with "
        "several workers): POST over HTTP instead of the in-process test client",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds each voter spends on the questionnaire before submitting (random "
        "between 0 and twice this); 0: submit back to back, the worst case",
    )
    parser.add_argument(
        "--burst",
        type=int,
        default=0,
        help="rounds of a burst: in each, --threads fresh voters (and one in ten of them a "
        "second time, on another device) are released together by a barrier, each loads "
        "the voting page then casts one ballot; both requests timed. 0: the queue instead",
    )
    parser.add_argument(
        "--pages-first",
        action="store_true",
        help="with --burst and --server: every voter of a round loads the page first (all "
        "together, timed), then, once every page is in, all the round's ballots are "
        "released together: the casting alone at once, as when people who have read the "
        "questions press the button at the same moment",
    )
    parser.add_argument(
        "--pause", type=float, default=2.0, help="seconds between the rounds of a burst"
    )
    parser.add_argument(
        "--cost",
        action="store_true",
        help="one voter at a time in this process (--voters of them), each loading the page "
        "then voting: the CPU time and the wall time of each request",
    )
    parser.add_argument(
        "--server-pid",
        type=int,
        default=0,
        help="with --server and --burst: the process id of the server's master (gunicorn), "
        "to report the CPU time its workers spent on the timed rounds",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="first rounds of a burst left out of the times (a fresh server's processes "
        "load their templates and code on their first requests); their ballots are counted "
        "in the proof",
    )
    args = parser.parse_args()
    if args.burst:
        args.voters = (args.warmup + args.burst) * args.threads

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse
    from django.utils import timezone

    from grassroots.evaluation.campaigns import services
    from grassroots.evaluation.campaigns.models import Ballot, Elector

    static_root = tempfile.mkdtemp(prefix="grassroots-bench-static-")
    with override_settings(ALLOWED_HOSTS=["testserver"], STATIC_ROOT=static_root):
        call_command("collectstatic", interactive=False, verbosity=0)
        run_id = uuid.uuid4().hex[:6].upper()
        started = time.perf_counter()
        campaign, users, on_roll = build(run_id, args.voters)
        print(
            f"- setup (people, campaign, opening with a roll of {on_roll}): "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        url = reverse("evaluation:campaign_vote", args=[campaign.pk])
        subjects = list(campaign.subjects.all())
        items = list(campaign.items.all())
        accepted: list[float] = []
        refused: list[float] = []
        pages: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

        def record(status: int, content: bytes, elapsed: float) -> None:
            with lock:
                if status == 200 and b"receipt-code" in content:
                    accepted.append(elapsed)
                elif status == 409:
                    refused.append(elapsed)
                else:
                    errors.append(str(status))

        timed = accepted  # the times reported (a burst leaves its warm-up rounds out)
        tasks: queue.Queue = queue.Queue()
        duplicates = 0
        if not args.burst and not args.cost:
            for n, user in enumerate(users):
                tasks.put(user)
                if n % 10 == 0:
                    tasks.put(user)  # the same person again, at once
                    duplicates += 1

        post = http_poster(args.server) if args.server else None

        def worker(number: int) -> None:
            client = Client()
            rng = random.Random(number)
            try:
                while True:
                    try:
                        user = tasks.get_nowait()
                    except queue.Empty:
                        return
                    if post is None:
                        client.force_login(user)
                    data = ballot_data(user, subjects, items)
                    if args.think:
                        time.sleep(rng.uniform(0, 2 * args.think))
                    if post is not None:
                        record(*post(user, url, data))
                    else:
                        begin = time.perf_counter()
                        response = client.post(url, data)
                        elapsed = (time.perf_counter() - begin) * 1000
                        record(response.status_code, response.content, elapsed)
            finally:
                connection.close()

        load_before = os.getloadavg()
        started = time.perf_counter()
        if args.cost:
            costs = run_cost(users, url, subjects, items, record)
            for kind, values in costs.items():
                print(  # the first voter's page draws the kept questions: also without it
                    f"- {kind}: p50 {percentile(values, 0.5):.1f} ms, "
                    f"p95 {percentile(values, 0.95):.1f} ms "
                    f"(first left out: {percentile(values[1:], 0.5):.1f} ms p50)"
                )
        elif args.burst:
            duplicates, pages, timed = run_burst(
                args, users, url, subjects, items, record, accepted
            )
        else:
            threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.threads)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        wall = time.perf_counter() - started
        load_after = os.getloadavg()
        ballots = Ballot.objects.filter(campaign=campaign).count()
        voted = Elector.objects.filter(campaign=campaign, voted_on__isnull=False).count()
        started = time.perf_counter()
        services.campaign_close(actor=None, campaign=campaign, today=timezone.localdate())
        closing = time.perf_counter() - started
        where = f"HTTP to {args.server}" if args.server else "the in-process test client"
        print(f"- requests through {where}")
        if args.burst:
            print(
                f"- database: {connection.vendor}; burst: {args.burst} rounds of "
                f"{args.threads} voters released together (and {duplicates} twins in all, "
                f"each a voter's second device), "
                + (
                    "every page loaded first, then the ballots released together; "
                    if args.pages_first and args.server
                    else "each loading the page then voting; "
                )
                + "30 answers a ballot"
            )
        else:
            print(
                f"- database: {connection.vendor}; {args.threads} threads, think time "
                f"{args.think} s; {len(users)} voters, "
                f"{duplicates} of them submitting twice at once; 30 answers a ballot"
            )
        print(f"- load average before / after: {load_before[0]:.2f} / {load_after[0]:.2f}")
        print(f"- wall time {wall:.1f} s, {len(accepted) / wall:.0f} ballots/s")
        if pages:
            print(
                f"- voting page GETs: {len(pages)}; p50 {percentile(pages, 0.5):.0f} ms, "
                f"p95 {percentile(pages, 0.95):.0f} ms, max {max(pages):.0f} ms"
            )
        print(
            f"- accepted ballots: {len(accepted)} (timed: {len(timed)}); p50 "
            f"{percentile(timed, 0.5):.0f} ms, p95 {percentile(timed, 0.95):.0f} ms, "
            f"max {max(timed):.0f} ms"
        )
        if refused:
            print(
                f"- refused (second ballot): {len(refused)}; p95 {percentile(refused, 0.95):.0f} ms"
            )
        print(f"- errors: {len(errors)} {errors[:5]}")
        print(
            f"- box: {ballots} ballots; roll: {voted} marked as voted; distinct voters "
            f"{len(users)}; duplicates refused {len(refused)} of {duplicates}"
        )
        print(f"- closing (box of {ballots} ballots rewritten in random order): {closing:.1f} s")
        ok = ballots == voted == len(users) == len(accepted) and len(refused) == duplicates
        print(f"- no double vote: {'yes' if ok and not errors else 'NO'}")
        if not ok or errors:
            sys.exit(1)


if __name__ == "__main__":
    main()
