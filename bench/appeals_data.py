"""Generate an enterprise with a million appeals for the appeal benchmarks (bench/appeals.py).

    .venv/bin/python bench/appeals_data.py            # into grassroots_bench_appeals
    .venv/bin/python bench/appeals_data.py --reset    # drop it and start again
    .venv/bin/python bench/appeals_data.py --appeals 20000 --org-scale 0.01   # quick

The database (PostgreSQL only: the rows go in with COPY) is DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/grassroots_bench_appeals; it is created and migrated.
The enterprise comes from bench/generate.py (its Generator, at --org-scale; at 1.0:
1,000,000 employees, 5,000 branches), then --appeals appeals spread over the two years
before today, replayed in memory the way grassroots/demo/appeals.py replays its year
through the services, and written table by table:

- the appeal with the facts the three rates are computed from (deadlines in working
  time, responded / answered / closed times, the final call-back answer), its status,
  its current deadline, its jieba tokens (the similar-appeal check reads them);
- the timeline (AppealEvent) the services write: submitted, warnings at 50 / 80 % and
  escalation at 100 % of the time allowed when they fire before the step, transferred,
  accepted or declined, assigned, co-handling and its reply, progress, answered, rated,
  reopened and the second round, closed unrated, merged, withdrawn;
- the call-back answers (Rating, one per round), co-handling requests, me-toos, and the
  open warning / call-back deadlines (Deadline) of the appeals still open.

Routing follows grassroots.appeals.routing (the branch covering the submitter's
department or the nearest department above it; conduct complaints one level above;
the top committee when no branch covers it), deadlines follow
grassroots.core.workcalendar (a minute-by-minute table of cumulative working time built
from the same calendar and hours, checked against workcalendar.add_working on a sample
at the start of every run). Not written: audit entries and notifications (no measured
page reads them) and the deadlines that already fired.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/grassroots_bench_appeals"
os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)

CHUNK = 50_000  # appeals per round of COPY statements
DAYS = 730
CATEGORY_WEIGHTS = {
    "conditions": 18,
    "pay": 15,
    "living": 25,
    "training": 8,
    "hardship": 6,
    "accessibility": 5,
    "suggestion": 12,
    "conduct": 2,
    "other": 9,
}
URGENCY_WEIGHTS = {"urgent": 10, "normal": 80, "complex": 10}
HOURS = [8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17, 19, 21]  # as the demo, and evenings
EXTRA_SENTENCES = [
    "",
    "这个情况已经持续一个多月了。",
    "班组里很多同事都有同样的想法。",
    "之前向班组长反映过，还没有结果。",
    "希望尽快给个答复。",
    "夜班的同事反映更强烈。",
    "新入职的职工也遇到这个情况。",
    "请领导关心一下。",
]


@dataclass
class World:
    """What the generator needs to know about the enterprise, read from the database."""

    department_of_user: dict[int, int | None]
    user_ids: list[int]
    names: dict[int, str]
    branch_for_department: dict[int, int]  # department -> covering branch (routing)
    parent_of_unit: dict[int, int | None]
    root_unit: int
    handler_of_unit: dict[int, int]  # demo's _handler: the officer who acts
    discipline_officer_of_unit: dict[int, int]
    assignables: dict[int, list[int]]  # unit -> first party members by employee number
    categories: dict[str, Any]  # code -> Category
    deadlines: dict[tuple[int, str], tuple[int, int]]  # (category, urgency) -> minutes
    departments: list[int]


class WorkingClock:
    """Working-time arithmetic on a minute grid: `cumulative[i]` is the working time
    (minutes) from `start` to `start + i` minutes, on the calendar in force."""

    def __init__(self, start: datetime.datetime, days: int) -> None:
        import numpy as np

        from grassroots.core import workcalendar

        self.start = start
        hours = workcalendar.current_hours()
        working = np.zeros(days * 1440, dtype=np.int32)
        for offset in range(days):
            day = start.date() + datetime.timedelta(days=offset)
            if not workcalendar.is_workday(day):
                continue
            for begin, end in hours:
                first = offset * 1440 + begin.hour * 60 + begin.minute
                working[first : offset * 1440 + end.hour * 60 + end.minute] = 1
        self.cumulative = np.concatenate([[0], np.cumsum(working, dtype=np.int64)])
        self.np = np

    def add(self, minute: int, working_minutes: int) -> int:
        """The minute `working_minutes` of working time after `minute`."""
        target = self.cumulative[minute] + working_minutes
        return int(self.cumulative.searchsorted(target))

    def between(self, first: int, last: int) -> int:
        return int(self.cumulative[last] - self.cumulative[first]) if last > first else 0

    def moment(self, minute: int) -> datetime.datetime:
        return self.start + datetime.timedelta(minutes=minute)

    def check(self, rng: random.Random, samples: int = 300) -> None:
        """Same answers as grassroots.core.workcalendar.add_working, or stop."""
        from grassroots.core import workcalendar

        for _ in range(samples):
            minute = rng.randrange(0, len(self.cumulative) - 40 * 1440)
            amount = rng.choice([1, 120, 450, 2250, 6750, rng.randint(1, 3000)])
            expected = workcalendar.add_working(self.moment(minute), amount)
            if self.moment(self.add(minute, amount)) != expected:
                sys.exit(f"working clock disagrees at {self.moment(minute)} + {amount}")


@dataclass
class Rows:
    appeals: list[list[Any]] = field(default_factory=list)
    events: list[list[Any]] = field(default_factory=list)
    ratings: list[list[Any]] = field(default_factory=list)
    co_handlings: list[list[Any]] = field(default_factory=list)
    me_toos: list[list[Any]] = field(default_factory=list)
    deadlines: list[list[Any]] = field(default_factory=list)


APPEAL_COLUMNS = [
    "id", "public_id", "number", "category_id", "title", "description", "department_id", "place",
    "urgency", "channel", "is_anonymous", "submitter_id", "recorded_by_id", "tracking_code",
    "pin_hash", "consent_publish", "idempotency_key", "status", "unit_id", "first_unit_id",
    "assignee_id", "merged_into_id", "transfers", "reopened", "escalated_at",
    "current_due_at", "created_at", "accept_due_at", "answer_due_at", "responded_at",
    "answered_at", "closed_at", "resolved", "satisfaction", "tokens", "public_summary",
    "published_at",
]  # fmt: skip
EVENT_COLUMNS = ["appeal_id", "kind", "actor_id", "actor_label", "is_public", "text", "data", "created_at"]  # fmt: skip
RATING_COLUMNS = ["appeal_id", "round", "resolved", "satisfaction", "comment", "created_at"]
CO_COLUMNS = ["public_id", "appeal_id", "department_id", "request", "due_at", "reply", "replied_at", "replied_by_id", "created_at"]  # fmt: skip
METOO_COLUMNS = ["appeal_id", "user_id", "created_at"]
DEADLINE_COLUMNS = ["kind", "subject_type_id", "subject_id", "due_at", "fired_at", "payload"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--org-scale", type=float, default=1.0, help="bench/generate.py --scale")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reset", action="store_true", help="drop the database and start again")
    args = parser.parse_args()

    import django

    django.setup()
    import generate
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/appeals_data.py writes with COPY: point DATABASE_URL at PostgreSQL.")
    started = time.perf_counter()
    generate.prepare_database(reset=args.reset)
    call_command("migrate", verbosity=0)
    from grassroots.appeals.models import Appeal
    from grassroots.orgs.models import OrgUnit

    if Appeal.objects.exists():
        sys.exit("This database already holds appeals: add --reset to start again.")
    if not OrgUnit.objects.exists():
        namespace = argparse.Namespace(
            employees=1_000_000,
            members=100_000,
            branches=5_000,
            subsidiaries=0,
            scale=args.org_scale,
        )
        size = generate.size_from(namespace)
        print(f"Enterprise: {size}", flush=True)
        generate.Generator(size=size, seed=args.seed).run()
    print(f"  enterprise ready: {time.perf_counter() - started:.0f} s", flush=True)
    AppealGenerator(count=args.appeals, seed=args.seed).run()
    clock = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE: {time.perf_counter() - clock:.1f} s")
    print(f"Done in {time.perf_counter() - started:.0f} s.")


def load_world() -> World:
    from grassroots.accounts.models import Role, RoleAssignment, User
    from grassroots.appeals.models import Category, CategoryDeadline
    from grassroots.appeals.routing import dispatcher_unit
    from grassroots.core.tree import ancestor_paths
    from grassroots.orgs.models import Department, Member, OrgUnit

    department_of_user: dict[int, int | None] = {}
    names: dict[int, str] = {}
    for pk, department_id, name in (
        User.objects.filter(is_active=True)
        .values_list("pk", "department_id", "name")
        .iterator(chunk_size=50_000)
    ):
        department_of_user[pk] = department_id
        names[pk] = name
    departments = dict(Department.objects.values_list("pk", "path"))
    by_path = {path: pk for pk, path in departments.items()}
    depth_of = {pk: len(path) for pk, path in departments.items()}
    units = list(
        OrgUnit.objects.filter(is_active=True).values_list("pk", "parent_id", "kind", "path")
    )
    unit_path = {pk: path for pk, _p, _k, path in units}
    # routing.covering_branch: the deepest covered department on the way up; among the
    # branches covering it, the first by path.
    covering: dict[int, tuple[str, int]] = {}
    for department_id, unit_id in OrgUnit.departments.through.objects.filter(
        orgunit__kind=OrgUnit.Kind.BRANCH, orgunit__is_active=True
    ).values_list("department_id", "orgunit_id"):
        known = covering.get(department_id)
        if known is None or unit_path[unit_id] < known[0]:
            covering[department_id] = (unit_path[unit_id], unit_id)
    branch_for_department: dict[int, int] = {}
    for pk, path in departments.items():
        for candidate in sorted(
            [by_path[p] for p in [*ancestor_paths(path), path]], key=lambda d: -depth_of[d]
        ):
            if candidate in covering:
                branch_for_department[pk] = covering[candidate][1]
                break
    handler: dict[int, int] = {}
    discipline: dict[int, int] = {}
    role_order = {Role.BRANCH_OFFICER: 0, Role.COMMITTEE_OFFICER: 1, Role.DISCIPLINE_OFFICER: 2}
    best: dict[int, tuple[int, int]] = {}
    for unit_id, role, user_id in (
        RoleAssignment.objects.current()
        .filter(org_unit__isnull=False)
        .order_by("starts_on", "pk")
        .values_list("org_unit_id", "role", "user_id")
    ):
        if role == Role.DISCIPLINE_OFFICER:
            discipline.setdefault(unit_id, user_id)
        rank = role_order[Role(role)]
        if role != Role.DISCIPLINE_OFFICER and (unit_id not in best or rank < best[unit_id][0]):
            best[unit_id] = (rank, user_id)
    handler = {unit_id: user_id for unit_id, (_rank, user_id) in best.items()}
    # services.assignable_members: Party members of the subtree, by employee number.
    assignables: dict[int, list[int]] = defaultdict(list)
    path_to_unit = {path: pk for pk, path in unit_path.items()}
    for user_id, branch_path in (
        Member.objects.filter(
            stage__in=Member.Stage.party_member_values(),
            status__in=Member.Status.active_values(),
            user__is_active=True,
        )
        .order_by("user__employee_number")
        .values_list("user_id", "branch__path")
    ):
        for path in [*ancestor_paths(branch_path), branch_path]:
            unit_id = path_to_unit.get(path)
            if unit_id is not None and len(assignables[unit_id]) < 8:
                assignables[unit_id].append(user_id)
    categories = {c.code: c for c in Category.objects.all()}
    deadlines = {
        (row.category_id, row.urgency): (row.accept_minutes, row.answer_minutes)
        for row in CategoryDeadline.objects.all()
    }
    return World(
        department_of_user=department_of_user,
        user_ids=list(department_of_user),
        names=names,
        branch_for_department=branch_for_department,
        parent_of_unit={pk: parent for pk, parent, _k, _p in units},
        root_unit=dispatcher_unit().pk,
        handler_of_unit=handler,
        discipline_officer_of_unit=discipline,
        assignables=dict(assignables),
        categories=categories,
        deadlines=deadlines,
        departments=list(departments),
    )


class AppealGenerator:
    def __init__(self, *, count: int, seed: int) -> None:
        from zoneinfo import ZoneInfo

        from django.conf import settings
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        self.count = count
        self.rng = random.Random(seed + 1)
        zone = ZoneInfo(settings.TIME_ZONE)
        today = timezone.localdate()
        self.first_day = today - datetime.timedelta(days=DAYS)
        start = datetime.datetime.combine(self.first_day, datetime.time(0), zone)
        self.clock = WorkingClock(start, DAYS + 200)
        self.now = int((timezone.now() - start).total_seconds() // 60)
        self.pin_hash = make_password("123456", hasher="pbkdf2_sha256_pin")
        self.tokens_cache: dict[str, str] = {}
        self.named_numbers: dict[int, int] = {}  # year -> the last named number given
        self.ticked = time.perf_counter()

    def tick(self, label: str) -> None:
        now = time.perf_counter()
        print(f"  {label}: {now - self.ticked:.1f} s", flush=True)
        self.ticked = now

    def run(self) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection, transaction

        from grassroots.appeals.models import Appeal
        from grassroots.demo.appeals import TOPICS

        self.clock.check(self.rng)
        self.world = load_world()
        self.appeal_type = ContentType.objects.get_for_model(Appeal).pk
        self.topics = TOPICS
        self.tick(
            f"calendar checked, enterprise read ({len(self.world.user_ids):,} employees, "
            f"{len(self.world.branch_for_department):,} covered departments)"
        )
        # When each appeal is raised: more lately (as in the demo), in working hours
        # mostly, every day of the week.
        rng = self.rng
        days = rng.choices(
            range(DAYS), weights=[1 + day / DAYS for day in range(DAYS)], k=self.count
        )
        minutes = sorted(day * 1440 + rng.choice(HOURS) * 60 + rng.randrange(60) for day in days)
        minutes = [m for m in minutes if m < self.now] or [self.now - 1]
        self.open_by_category: dict[int, int] = {}
        totals: dict[str, int] = defaultdict(int)
        with transaction.atomic():
            # Every row is consistent by construction: skip the foreign-key triggers,
            # which PostgreSQL would otherwise queue per row (tens of millions of
            # deferred checks) and run one by one at the commit.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
            for first in range(0, len(minutes), CHUNK):
                rows = Rows()
                for offset, minute in enumerate(minutes[first : first + CHUNK]):
                    status = self.appeal(first + offset + 1, minute, rows)
                    totals[status] += 1
                self.write(rows)
                print(
                    f"    {min(first + CHUNK, len(minutes)):,} appeals, "
                    f"{time.perf_counter() - self.ticked:.0f} s",
                    flush=True,
                )
            self.reset_sequences()
            self.write_counters()
        self.tick(
            f"{len(minutes):,} appeals: "
            + ", ".join(f"{count:,} {status}" for status, count in sorted(totals.items()))
        )

    # --- one appeal, as far as its age allows ---------------------------------------------

    def tokens(self, text: str) -> str:
        from grassroots.appeals import similarity

        if text not in self.tokens_cache:
            self.tokens_cache[text] = similarity.tokenize(text)
        return self.tokens_cache[text]

    def appeal(self, pk: int, created: int, rows: Rows) -> str:
        rng, world, clock = self.rng, self.world, self.clock
        moment = clock.moment
        code = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
        category = world.categories[code]
        urgency = rng.choices(list(URGENCY_WEIGHTS), weights=list(URGENCY_WEIGHTS.values()))[0]
        topic = rng.choice(self.topics[code])
        title, description = topic.title, topic.text
        description += rng.choice(EXTRA_SENTENCES)
        submitter = rng.choice(world.user_ids)
        roll = rng.random()
        department = world.department_of_user[submitter] if roll > 0.05 else None
        channel = (
            "anonymous"
            if roll > 0.9
            else "on_behalf"
            if roll > 0.83
            else "qr"
            if roll > 0.7
            else "web"
        )
        anonymous = channel == "anonymous"
        # routing.receiving_unit
        branch = world.branch_for_department.get(department) if department else None
        if category.to_discipline:
            parent = world.parent_of_unit.get(branch) if branch else None
            unit = parent or world.root_unit
        else:
            unit = branch or world.root_unit
        first_unit = unit
        accept_minutes, answer_minutes = world.deadlines[(category.pk, urgency)]
        accept_due = clock.add(created, accept_minutes)
        answer_due = clock.add(created, answer_minutes)
        handler = world.handler_of_unit.get(unit)
        recorder = handler if channel == "on_behalf" and handler else None
        if channel == "on_behalf" and recorder is None:
            channel = "web"
        assignee = world.discipline_officer_of_unit.get(unit) if category.to_discipline else None
        fact: dict[str, Any] = {
            "status": "submitted",
            "transfers": 0,
            "reopened": 0,
            "escalated_at": None,
            "current_due_at": accept_due,
            "responded_at": None,
            "answered_at": None,
            "closed_at": None,
            "resolved": None,
            "satisfaction": "",
            "merged_into_id": None,
        }
        events = rows.events

        def event(
            kind: str,
            at: int,
            actor: int | None,
            text: str = "",
            public: bool = True,
            data: Any = None,
        ) -> None:
            events.append(
                [pk, kind, actor, world.names.get(actor, "") if actor else "", public, text,
                 json.dumps(data, ensure_ascii=False) if data else "{}", moment(at)]
            )  # fmt: skip

        def warnings(stage: str, start: int, total: int, used_before: int, until: int) -> None:
            """The scheduler's warnings and escalation that fire before `until`."""
            for share in (0.5, 0.8, 1.0):
                due = clock.add(start, max(1, round(total * share) - used_before))
                if due >= until or due >= self.now:
                    continue
                what = "受理" if stage == "accept" else "答复"
                if share < 1.0:
                    event(
                        "warning",
                        due,
                        None,
                        f"{round(share * 100)}% of the time for {what} is used.",
                        public=False,
                    )
                else:
                    fact["escalated_at"] = fact["escalated_at"] or due
                    event(
                        "escalated", due, None, f"Overdue ({what}): the level above supervises it."
                    )

        submit_actor = None if anonymous else (recorder or submitter)
        event("submitted", created, submit_actor, data={"on_behalf": True} if recorder else {})
        fate = rng.random()
        late = rng.random() < 0.1
        accept_at = clock.add(created, rng.randint(500, 900) if late else rng.randint(20, 300))
        open_deadlines: list[tuple[str, int, dict[str, Any]]] = []

        def finish() -> str:
            self.appeal_row(pk, created, code, category, title, description, department,
                            urgency, channel, anonymous, submitter, recorder, unit, first_unit,
                            assignee, accept_due, answer_due, fact, rows)  # fmt: skip
            for kind, due, payload in open_deadlines:
                rows.deadlines.append(
                    [kind, self.appeal_type, str(pk), moment(due), None, json.dumps(payload)]
                )
            if fact["status"] in ("submitted", "accepted", "in_progress", "reopened"):
                self.open_by_category[category.pk] = pk
                if rng.random() < 0.05:
                    for _ in range(rng.randint(1, 3)):
                        rows.me_toos.append([pk, rng.choice(world.user_ids), moment(created + 60)])
            return str(fact["status"])

        def pending(stage: str, start: int, total: int, used_before: int = 0) -> None:
            for share in (0.5, 0.8, 1.0):
                due = clock.add(start, max(1, round(total * share) - used_before))
                if due >= self.now:
                    open_deadlines.append((f"appeals.{stage}.{round(share * 100)}", due,
                                           {"share": share, "stage": stage}))  # fmt: skip

        if (
            handler is None
            or (created > self.now - 2 * 1440 and fate < 0.6)
            or accept_at >= self.now
        ):
            warnings("accept", created, accept_minutes, 0, self.now)
            pending("accept", created, accept_minutes)
            return finish()
        if fate < 0.01 and not anonymous:
            withdraw_at = min(accept_at, created + 30)
            fact.update(status="withdrawn", closed_at=withdraw_at, current_due_at=None)
            event("withdrawn", withdraw_at, submitter, "不需要了。")
            return finish()
        warnings("accept", created, accept_minutes, 0, accept_at)
        if fate < 0.04:
            fact.update(
                status="declined", responded_at=accept_at, closed_at=accept_at, current_due_at=None
            )
            event(
                "declined",
                accept_at,
                handler,
                "该事项属于工会职责范围。\nWhere to go instead: 公司工会办公室",
            )
            return finish()
        if fate < 0.07 and world.parent_of_unit.get(unit):
            unit = world.parent_of_unit[unit]  # type: ignore[assignment]
            fact["transfers"] = 1
            assignee = (
                world.discipline_officer_of_unit.get(unit) if category.to_discipline else None
            )
            event(
                "transferred",
                accept_at,
                handler,
                "涉及多个车间，由党委统筹。",
                data={"to": str(unit)},
            )
            handler = world.handler_of_unit.get(unit, handler)
            accept_at = clock.add(accept_at, 60)
            if accept_at >= self.now:
                pending("accept", created, accept_minutes)
                return finish()
        if fate < 0.09 and self.open_by_category.get(category.pk):
            fact.update(status="merged", closed_at=accept_at, current_due_at=None,
                        merged_into_id=self.open_by_category[category.pk])  # fmt: skip
            event("merged", accept_at, handler, "Handled together with an earlier appeal.")
            return finish()
        fact.update(status="accepted", responded_at=accept_at, current_due_at=answer_due)
        event("accepted", accept_at, handler)
        step = accept_at
        people = world.assignables.get(unit, [])
        if people and not category.to_discipline:
            step = clock.add(step, rng.randint(10, 120))
            if step >= self.now:
                pending("answer", accept_at, answer_minutes, clock.between(created, accept_at))
                return finish()
            assignee = rng.choice(people)
            event("assigned", step, handler, f"Handled by {world.names.get(assignee, '')}",
                  data={"assignee": world.names.get(assignee, "")})  # fmt: skip
        worker = assignee or handler
        if rng.random() < 0.1:
            step = clock.add(step, 60)
            department_asked = rng.choice(world.departments)
            reply_at = clock.add(step, rng.randint(200, 900))
            replied = reply_at < self.now
            rows.co_handlings.append(
                [new_public_id(), pk, department_asked, "请协助核实并提出处理意见。", moment(clock.add(step, 1350)),
                 "已核实，按规定处理。" if replied else "", moment(reply_at) if replied else None,
                 None, moment(step)]
            )  # fmt: skip
            event(
                "co_handling",
                step,
                handler,
                "A department is asked to help",
                data={"department": str(department_asked)},
            )
            if replied:
                event("co_handling_reply", reply_at, None, "已核实，按规定处理。", public=False)
        step = clock.add(step, rng.randint(60, 400))
        used = clock.between(created, accept_at)
        if step >= self.now:
            warnings("answer", accept_at, answer_minutes, used, self.now)
            pending("answer", accept_at, answer_minutes, used)
            return finish()
        fact["status"] = "in_progress"
        event("follow_up", step, worker, "已联系相关部门，正在落实。")
        work = rng.randint(300, 2000) if rng.random() < 0.85 else rng.randint(2500, 6000)
        answer_at = clock.add(step, work)
        warnings("answer", accept_at, answer_minutes, used, min(answer_at, self.now))
        if answer_at >= self.now:
            pending("answer", accept_at, answer_minutes, used)
            return finish()
        fact.update(status="answered", answered_at=answer_at, current_due_at=None)
        event("answered", answer_at, worker, rng.choice(REPLIES))
        rate_at = answer_at + rng.randint(2, 90) * 60
        roll = rng.random()
        rater = None if anonymous else submitter
        if rate_at >= self.now:
            open_deadlines.append(("appeals.callback", answer_at + 7 * 1440, {}))
            return finish()
        if roll < 0.07:
            closed = answer_at + 7 * 1440 + 1
            if closed >= self.now:
                open_deadlines.append(("appeals.callback", answer_at + 7 * 1440, {}))
                return finish()
            fact.update(status="closed", closed_at=closed)
            event("closed", closed, None, "Closed without a rating.")
            return finish()

        def rate(at: int, round_number: int, resolved: bool, satisfaction: str) -> None:
            rows.ratings.append([pk, round_number, resolved, satisfaction, "", moment(at)])
            fact.update(resolved=resolved, satisfaction=satisfaction)
            event("rated", at, rater, data={"resolved": resolved, "satisfaction": satisfaction})

        if roll < 0.15:
            rate(rate_at, 1, False, "not")
            again_due = clock.add(rate_at, answer_minutes)
            fact.update(
                status="reopened", reopened=1, escalated_at=rate_at, current_due_at=again_due
            )
            event(
                "reopened",
                rate_at,
                None,
                "Not satisfied: the appeal is reopened and the level above supervises it.",
            )
            again = clock.add(rate_at, rng.randint(300, 1500))
            if again >= self.now:
                pending("answer", rate_at, answer_minutes)
                return finish()
            fact.update(status="answered", current_due_at=None)
            event("answered", again, worker, "经上级督办，已重新处理并落实。")
            second = again + rng.randint(2, 48) * 60
            if second >= self.now:
                open_deadlines.append(("appeals.callback", again + 7 * 1440, {}))
                return finish()
            rate(second, 2, rng.random() < 0.7, rng.choice(["fairly", "satisfied", "not"]))
            fact.update(status="closed", closed_at=second)
            return finish()
        satisfaction = rng.choices(["satisfied", "fairly", "not"], weights=[72, 22, 6])[0]
        rate(rate_at, 1, satisfaction != "not" or rng.random() < 0.3, satisfaction)
        # A first "not satisfied" beyond the reopened share above is final only after a
        # reopening; keep the data consistent with rules.after_rating: reopen it.
        if satisfaction == "not":
            fact.update(status="reopened", reopened=1, escalated_at=rate_at,
                        current_due_at=clock.add(rate_at, answer_minutes))  # fmt: skip
            event(
                "reopened",
                rate_at,
                None,
                "Not satisfied: the appeal is reopened and the level above supervises it.",
            )
            pending("answer", rate_at, answer_minutes)
            if rate_at < self.now - 30 * 1440:
                # old enough: answered again and rated a second time
                again = clock.add(rate_at, rng.randint(300, 1500))
                event("answered", again, worker, "经上级督办，已重新处理并落实。")
                second = again + rng.randint(2, 48) * 60
                open_deadlines.clear()
                rate(second, 2, True, rng.choice(["fairly", "satisfied"]))
                fact.update(status="closed", closed_at=second, current_due_at=None)
            return finish()
        fact.update(status="closed", closed_at=rate_at)
        return finish()

    def appeal_row(self, pk: int, created: int, code: str, category: Any, title: str,
                   description: str, department: int | None, urgency: str, channel: str,
                   anonymous: bool, submitter: int, recorder: int | None, unit: int,
                   first_unit: int, assignee: int | None, accept_due: int, answer_due: int,
                   fact: dict[str, Any], rows: Rows) -> None:  # fmt: skip
        moment = self.clock.moment

        def at(value: int | None) -> datetime.datetime | None:
            return moment(value) if value is not None else None

        created_at = moment(created)
        rows.appeals.append(
            [
                pk, new_public_id(), self.number(created_at, anonymous, pk), category.pk, title, description, department,
                "", urgency, channel, anonymous, None if anonymous else submitter,
                None if anonymous else recorder, tracking_code(pk) if anonymous else None,
                self.pin_hash if anonymous else "", self.rng.random() < 0.3, None,
                fact["status"], unit, first_unit, assignee, fact["merged_into_id"],
                fact["transfers"], fact["reopened"], at(fact["escalated_at"]),
                at(fact["current_due_at"]), created_at, moment(accept_due), moment(answer_due),
                at(fact["responded_at"]), at(fact["answered_at"]), at(fact["closed_at"]),
                fact["resolved"], fact["satisfaction"], self.tokens(f"{title} {description}"),
                "", None,
            ]
        )  # fmt: skip

    # --- writing ------------------------------------------------------------------------

    def write(self, rows: Rows) -> None:
        from grassroots.appeals.models import Appeal, AppealEvent, CoHandling, MeToo, Rating
        from grassroots.core.models import Deadline

        copy(Appeal, APPEAL_COLUMNS, rows.appeals)
        copy(AppealEvent, EVENT_COLUMNS, rows.events)
        copy(Rating, RATING_COLUMNS, rows.ratings)
        copy(CoHandling, CO_COLUMNS, rows.co_handlings)
        # one voice per person and appeal (metoo_once)
        copy(MeToo, METOO_COLUMNS, list({(r[0], r[1]): r for r in rows.me_toos}.values()))
        copy(Deadline, DEADLINE_COLUMNS, rows.deadlines)

    def number(self, created_at: datetime.datetime, anonymous: bool, pk: int) -> str:
        """As services.intake numbers them: named appeals from the year's counter,
        anonymous ones at random (here from the tracking code, unique too)."""
        from django.utils import timezone

        year = timezone.localtime(created_at).year
        if anonymous:
            return f"SQ{year}-{tracking_code(pk)[-8:]}"
        self.named_numbers[year] = self.named_numbers.get(year, 0) + 1
        return f"SQ{year}{self.named_numbers[year]:06d}"

    def write_counters(self) -> None:
        """The counters the numbers above came from, so that the next appeal raised in
        the application takes the next number."""
        from grassroots.appeals.models import NumberCounter

        for year, last in self.named_numbers.items():
            NumberCounter.objects.update_or_create(year=year, defaults={"last": last})

    def reset_sequences(self) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        from grassroots.appeals.models import Appeal

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Appeal]):
                cursor.execute(statement)


REPLIES = [
    "已与后勤保障部协调，问题已解决。",
    "已安排专人处理，并将持续跟进。",
    "已按规定核对并补发，请查收。",
    "已向公司提出建议，公司同意下月起实施。",
    "已完成整改，欢迎继续监督。",
]


def tracking_code(pk: int) -> str:
    from grassroots.appeals.services import CODE_ALPHABET, CODE_LENGTH

    digits = []
    value = pk * 7919 + 104729  # not in appeal order, still unique
    while value:
        value, remainder = divmod(value, len(CODE_ALPHABET))
        digits.append(CODE_ALPHABET[remainder])
    return "".join(reversed(digits)).rjust(CODE_LENGTH, CODE_ALPHABET[0])


def new_public_id() -> str:
    from grassroots.core.public_ids import new_public_id as new

    return new()


def copy(model: Any, columns: list[str], rows: list[list[Any]]) -> None:
    from django.db import connection
    from psycopg import sql

    if not rows:
        return
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.cursor() as cursor, cursor.copy(statement) as stream:
        for row in rows:
            stream.write_row(row)


if __name__ == "__main__":
    main()
