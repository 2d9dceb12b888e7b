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
"""

from __future__ import annotations

import argparse
import math
import os
import queue
import random
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


def http_poster(base: str):
    """POST a voter's ballot to a running server: a session made for the voter here (the
    server shares the database), the CSRF token from a GET of the page (not timed), then
    the timed POST. Returns (status, body, milliseconds)."""
    import http.cookiejar
    import re
    import urllib.error
    import urllib.parse
    import urllib.request

    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    token_pattern = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')

    def post(user, url: str, data: dict) -> tuple[int, bytes, float]:
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
        with opener.open(base + url, timeout=60) as page:
            match = token_pattern.search(page.read())
        body = urllib.parse.urlencode(
            data | {"csrfmiddlewaretoken": match.group(1).decode() if match else ""}
        ).encode()
        begin = time.perf_counter()
        try:
            with opener.open(base + url, data=body, timeout=60) as response:
                status, content = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, content = error.code, error.read()
        return status, content, (time.perf_counter() - begin) * 1000

    return post


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
    args = parser.parse_args()

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
        tasks: queue.Queue = queue.Queue()
        duplicates = 0
        for n, user in enumerate(users):
            tasks.put(user)
            if n % 10 == 0:
                tasks.put(user)  # the same person again, at once
                duplicates += 1
        accepted: list[float] = []
        refused: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()

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
                    data = {
                        f"s{s.pk}_i{i.pk}": str(1 + (user.pk + i.pk + s.pk) % 5)
                        for s in subjects
                        for i in items
                    }
                    data |= {f"c{subjects[0].pk}": "食堂排队太久"} if user.pk % 7 == 0 else {}
                    if args.think:
                        time.sleep(rng.uniform(0, 2 * args.think))
                    if post is not None:
                        status, content, elapsed = post(user, url, data)
                    else:
                        begin = time.perf_counter()
                        response = client.post(url, data)
                        elapsed = (time.perf_counter() - begin) * 1000
                        status, content = response.status_code, response.content
                    with lock:
                        if status == 200 and b"receipt-code" in content:
                            accepted.append(elapsed)
                        elif status == 409:
                            refused.append(elapsed)
                        else:
                            errors.append(f"{user.employee_number}: {status}")
            finally:
                connection.close()

        load_before = os.getloadavg()
        started = time.perf_counter()
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
        print(
            f"- database: {connection.vendor}; {args.threads} threads, think time "
            f"{args.think} s; {len(users)} voters, "
            f"{duplicates} of them submitting twice at once; 30 answers a ballot"
        )
        print(f"- load average before / after: {load_before[0]:.2f} / {load_after[0]:.2f}")
        print(f"- wall time {wall:.1f} s, {len(accepted) / wall:.0f} ballots/s")
        print(
            f"- accepted ballots: {len(accepted)}; p50 {percentile(accepted, 0.5):.0f} ms, "
            f"p95 {percentile(accepted, 0.95):.0f} ms, max {max(accepted):.0f} ms"
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
