"""django-helpdesk timed the way bench/appeals.py times Grassroots. Run by
bench/helpdesk_compare.sh with the Python of a separate virtual environment holding
django-helpdesk from PyPI; nothing of django-helpdesk is kept in this repository.

    helpdesk_bench.py setup   --project DIR [--tickets N] [--reset]
    helpdesk_bench.py measure --project DIR [--requests 50] [--warmup 3] [--out FILE]

`setup` writes a minimal Django project into DIR (settings and URLs, as django-helpdesk's
installation guide describes), creates the PostgreSQL database (HELPDESK_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/helpdesk_bench), migrates it and loads N
tickets with COPY: 50 queues (one per subsidiary), tickets spread over two years, the
share still open (status open or reopened) given by --open-share (by default the share
of open appeals in the Grassroots benchmark data), a follow-up per step ("opened",
and for a closed ticket "resolved" and "closed"), 60 staff members as owners.

`measure` runs, with the test client in the process, 3 warm-up and 50 measured
requests each:

- h1 submit: a signed-in (non-staff) user POSTs the public ticket form /tickets/submit/
  (django-helpdesk's own path for it): the ticket, its first follow-up, the e-mails to
  the submitter and the queue (locmem backend: built, not sent), the redirect (302);
- h2 the staff ticket list /tickets/ (the page: filters, saved searches, the table's
  frame) and h3 the first page of its rows, the JSON the page's DataTable fetches
  (/datatables_ticket_list/<query>?draw=1&start=0&length=25, open tickets, oldest first
  as the default query says); h2 + h3 is what a member of staff waits for.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/helpdesk_bench"

SETTINGS = '''\
"""Minimal project for django-helpdesk, written by Grassroots' bench/helpdesk_bench.py."""
import os
from urllib.parse import urlparse

_db = urlparse(os.environ.get("HELPDESK_DATABASE_URL", "{default}"))
SECRET_KEY = "helpdesk-bench-only"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "hdproject.urls"
TEMPLATES = [
    {{
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {{
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        }},
    }}
]
DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _db.path.lstrip("/"),
        "USER": _db.username or "",
        "PASSWORD": _db.password or "",
        "HOST": _db.hostname or "",
        "PORT": _db.port or "",
        "CONN_MAX_AGE": int(os.environ.get("HELPDESK_CONN_MAX_AGE", "0")),
    }}
}}
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_CODE = "en"
SITE_ID = 1
STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(os.path.dirname(__file__), "..", "static")
MEDIA_ROOT = os.path.join(os.path.dirname(__file__), "..", "media")
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
# Teams (pinax-teams) are an optional extra; without it django-helpdesk uses users.
HELPDESK_TEAMS_MODE_ENABLED = False
'''

URLS = """\
from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
"""

WSGI = """\
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
"""

TITLES = [
    ("车间通风不好", "夏天装配车间温度太高，通风设备经常不开，希望改善。"),
    ("食堂排队时间太长", "中午食堂只开两个窗口，排队要二十分钟，希望增加窗口或错峰就餐。"),
    ("宿舍热水不稳定", "宿舍晚上洗澡时热水时有时无，冬天很不方便。"),
    ("加班费计算有疑问", "上个月的加班费比按考勤算的少了，希望核对一下。"),
    ("想学电工技能", "希望单位组织电工培训，我想考证。"),
]


def write_project(project: Path) -> None:
    package = project / "hdproject"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(SETTINGS.format(default=DEFAULT_DATABASE))
    (package / "urls.py").write_text(URLS)
    (package / "wsgi.py").write_text(WSGI)  # for bench/http_compare.py's gunicorn


def start(project: Path) -> None:
    sys.path.insert(0, str(project))
    os.environ["DJANGO_SETTINGS_MODULE"] = "hdproject.settings"
    import django

    django.setup()


def prepare_database(reset: bool) -> None:
    import psycopg
    from django.db import connection
    from psycopg import sql

    params = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        autocommit=True,
    ) as server:
        name = params["NAME"]
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            server.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def copy(table: str, columns: list[str], rows: Any) -> None:
    from django.db import connection
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.cursor() as cursor, cursor.copy(statement) as stream:
        for row in rows:
            stream.write_row(row)


def setup(args: argparse.Namespace) -> None:
    write_project(args.project)
    start(args.project)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from helpdesk.models import FollowUp, Queue, Ticket

    started = time.perf_counter()
    prepare_database(args.reset)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if Ticket.objects.exists():
        print(f"{Ticket.objects.count():,} tickets already loaded (--reset starts again).")
        return
    user_model = get_user_model()
    rng = random.Random(args.seed)
    password = make_password("bench-password")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        for n in range(60):  # one by one: django-helpdesk makes their settings on save
            user_model.objects.create(
                username=f"staff{n:02d}",
                email=f"staff{n:02d}@example.com",
                is_staff=True,
                password=password,
            )
        user_model.objects.create(
            username="employee", email="employee@example.com", password=password
        )
        staff_ids = list(user_model.objects.filter(is_staff=True).values_list("pk", flat=True))
        queues = Queue.objects.bulk_create(
            [
                Queue(
                    title=f"Subsidiary {n + 1:02d}",
                    slug=f"s{n + 1:02d}",
                    allow_public_submission=True,
                    email_address=f"s{n + 1:02d}@example.com",
                )
                for n in range(50)
            ]
        )
        queue_ids = [q.pk for q in queues]
        now = timezone.now()
        first = now - timezone.timedelta(days=730)
        span = (now - first).total_seconds()
        moments = sorted(
            first + timezone.timedelta(seconds=rng.random() * span) for _ in range(args.tickets)
        )
        ticket_columns = [
            "id", "title", "queue_id", "created", "modified", "submitter_email", "assigned_to_id",
            "status", "on_hold", "description", "resolution", "priority", "due_date",
            "last_escalation", "secret_key", "kbitem_id", "merged_to_id",
        ]  # fmt: skip
        followup_columns = ["ticket_id", "date", "title", "comment", "public", "user_id", "new_status", "message_id", "time_spent", "email_recipients"]  # fmt: skip
        recent = len(moments) - round(len(moments) * args.open_share)
        tickets, followups = [], []
        for index, created in enumerate(moments):
            pk = index + 1
            title, text = rng.choice(TITLES)
            is_open = index >= recent
            status = rng.choice([1, 1, 1, 2]) if is_open else rng.choice([3, 4, 4, 4])
            closed = created + timezone.timedelta(hours=rng.randint(4, 200))
            tickets.append([
                pk, title, rng.choice(queue_ids), created, created if is_open else closed,
                f"worker{rng.randrange(1_000_000)}@example.com",
                rng.choice(staff_ids) if rng.random() < 0.8 else None, status, False, text,
                None if is_open else "已处理。", rng.choice([1, 2, 3, 3, 3, 4, 5]), None, None,
                str(uuid.UUID(int=rng.getrandbits(128))), None, None,
            ])  # fmt: skip
            followups.append(
                [pk, created, "Ticket Opened", text, True, None, None, None, None, "{}"]
            )
            if not is_open:
                followups.append([pk, closed - timezone.timedelta(hours=1), "Resolved", "已处理。", True, rng.choice(staff_ids), 3, None, None, "{}"])  # fmt: skip
                if status == 4:
                    followups.append([pk, closed, "Closed", "", True, rng.choice(staff_ids), 4, None, None, "{}"])  # fmt: skip
            if len(tickets) >= 50_000:
                copy(Ticket._meta.db_table, ticket_columns, tickets)
                copy(FollowUp._meta.db_table, followup_columns, followups)
                tickets, followups = [], []
        copy(Ticket._meta.db_table, ticket_columns, tickets)
        copy(FollowUp._meta.db_table, followup_columns, followups)
        with connection.cursor() as cursor:
            for model in (Ticket, FollowUp):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608 - table names from the models
                )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"{Ticket.objects.count():,} tickets ({Ticket.objects.filter(status__in=[1, 2]).count():,} open), "
        f"{FollowUp.objects.count():,} follow-ups in {time.perf_counter() - started:.0f} s"
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# The member of staff whose ticket list is timed, here and by bench/http_compare.py --lists
STAFF = "staff00"


def staff_list_paths() -> tuple[str, str]:
    """The staff ticket list: the page, and the first 25 rows of its open tickets, oldest
    first as the default query says (the JSON the page's DataTable fetches)."""
    query = {
        "filtering": {"status__in": [1, 2]},
        "sorting": "created",
        "search_string": "",
        "sortreverse": False,
    }
    encoded = base64.urlsafe_b64encode(json.dumps(query).encode()).decode()
    return "/tickets/", f"/datatables_ticket_list/{encoded}?draw=1&start=0&length=25"


def measure(args: argparse.Namespace) -> None:
    start(args.project)
    import django
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from helpdesk.models import Queue, Ticket

    user_model = get_user_model()
    staff = user_model.objects.get(username=STAFF)
    employee = user_model.objects.get(username="employee")
    queue = Queue.objects.order_by("pk").first()
    page, rows = staff_list_paths()
    title, text = TITLES[1]
    scenarios = [
        ("h1", "submit a ticket (public form, signed in), 302", employee, "post", "/tickets/submit/",
         {"queue": str(queue.pk), "title": title, "body": text, "priority": "3",
          "submitter_email": "employee@example.com"}, 302),
        ("h2", "staff ticket list, the page", staff, "get", page, None, 200),
        ("h3", "staff ticket list, first 25 rows (JSON)", staff, "get", rows, None, 200),
    ]  # fmt: skip
    before = os.getloadavg()
    lines = [
        f"### {time.strftime('%Y-%m-%d %H:%M %Z')} · django-helpdesk "
        f"{__import__('importlib.metadata').metadata.version('django-helpdesk')}, "
        f"Django {django.get_version()}, Python {sys.version.split()[0]}",
        "",
        f"- {Ticket.objects.count():,} tickets ({Ticket.objects.filter(status__in=[1, 2]).count():,} open)",
        f"- load average before the run: {before[0]:.2f} / {before[1]:.2f} / {before[2]:.2f}",
        f"- {args.warmup} warm-up + {args.requests} measured requests per scenario",
        "",
        "| | scenario | p50 ms | p95 ms | max ms | SQL ms p50 | queries | KB |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    print("\n".join(lines), flush=True)
    created_before = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first()
    for key, label, user, method, url, data, expect in scenarios:
        client = Client()
        client.force_login(user)
        times, sql_times, counts, sizes = [], [], [], []
        for n in range(args.warmup + args.requests):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.post(url, data) if method == "post" else client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != expect:
                sys.exit(f"{url} answered {response.status_code}, not {expect}")
            if n >= args.warmup:
                times.append(elapsed)
                sql_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
                counts.append(len(captured.captured_queries))
                sizes.append(len(response.content))
        low, high = min(counts), max(counts)
        line = (
            f"| {key} | {label} | {statistics.median(times):.0f} | {percentile(times, 0.95):.0f} "
            f"| {max(times):.0f} | {statistics.median(sql_times):.0f} "
            f"| {low if low == high else f'{low}–{high}'} | {statistics.median(sizes) / 1024:.0f} |"
        )
        lines.append(line)
        print(line, flush=True)
    # Take the submitted tickets out again, so that runs measure the same data.
    Ticket.objects.filter(pk__gt=created_before or 0).delete()
    after = os.getloadavg()
    lines += ["", f"- load average after the run: {after[0]:.2f} / {after[1]:.2f} / {after[2]:.2f}"]
    print(lines[-1])
    if args.out:
        with open(args.out, "a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["setup", "measure"])
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--open-share", type=float, default=0.011)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("HELPDESK_DATABASE_URL", DEFAULT_DATABASE)
    setup(args) if args.command == "setup" else measure(args)


if __name__ == "__main__":
    main()
