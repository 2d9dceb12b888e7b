"""Generate an enterprise group at scale for the page benchmarks (bench/run.py).

Full scale, the figures in docs/benchmarks.md (1,000,000 employees, 100,000 member
records, 5,000 branches; a few minutes on two cores):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench \\
        .venv/bin/python bench/generate.py

A quick run on SQLite in a scratch data folder (10,000 employees, 1,000 member records,
50 branches):

    GRASSROOTS_DATA_DIR=/tmp/bench-sqlite .venv/bin/python bench/generate.py --scale 0.01

The database is created when missing (PostgreSQL) and migrated. One that already holds
employees or organisations is refused unless --reset is given, which drops and recreates
it (PostgreSQL) or deletes the file (SQLite) first.

Shape, after the enterprise groups the field reports describe:

- departments: the group company with its head-office departments, about 50 subsidiaries,
  each with a few offices and workshops of about ten teams; employees are spread over
  the offices and teams (about 100 a team);
- the Party tree: the group committee (集团党委) with a few head-office branches and one
  committee per subsidiary; every other subsidiary has general branches (党总支) between
  its committee and the workshop branches; each subsidiary has an office branch; about
  half the branches have two or three Party groups;
- member records drawn from the employees of the departments each branch covers, with
  the demo's distributions: mostly full members, some probationary, applicants,
  activists and candidates; members born mostly 1966–1999, the pipeline younger;
- posts: a secretary in every branch, a committee where a branch has seven or more full
  members, group leaders, committee posts in every committee and general branch, and
  the roles those posts grant (grassroots.orgs.services.roles_for_post, as
  orgpost_assign does).

Every row is written with bulk inserts in one transaction, with primary keys chosen
here: a node's tree path (grassroots.core.tree.path_segment of its key after its
parent's path) is known before the row is written, parents first, so no row is written
twice. The per-row services (covered by the tests) would take hours at this size. All
employees share one password hash ("bench-password").
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

BATCH = 5_000
PASSWORD = "bench-password"  # noqa: S105 - a throwaway benchmark database

CITIES = (
    "北京", "天津", "上海", "重庆", "石家庄", "太原", "呼和浩特", "沈阳", "长春", "哈尔滨",
    "南京", "杭州", "合肥", "福州", "南昌", "济南", "郑州", "武汉", "长沙", "广州",
    "南宁", "海口", "成都", "贵阳", "昆明", "拉萨", "西安", "兰州", "西宁", "银川",
    "乌鲁木齐", "大连", "青岛", "宁波", "厦门", "深圳", "苏州", "无锡", "佛山", "东莞",
    "唐山", "烟台", "泉州", "温州", "洛阳", "宜昌", "襄阳", "株洲", "柳州", "绵阳",
)  # fmt: skip
HEAD_OFFICES = (
    "集团办公室",
    "党群工作部",
    "人力资源部",
    "财务部",
    "生产运营部",
    "安全环保部",
    "纪检监察室",
    "审计部",
)
SUBSIDIARY_OFFICES = ("综合办公室", "人力资源科", "财务科", "生产技术科")
TEAMS_PER_WORKSHOP = 10
EMPLOYEES_PER_TEAM = 100
WORKSHOPS_PER_GENERAL_BRANCH = 5

# Distributions follow grassroots/demo/enterprise.py (the welfare factory), with the
# share of each stage of a large group's member roll.
STAGE_WEIGHTS = {"full": 82, "probationary": 5, "applicant": 6, "activist": 4, "candidate": 3}
STATUS_WEIGHTS = {"normal": 988, "retained": 4, "restored": 1, "suspended": 2, "left": 5}
MEMBER_BIRTH_YEARS = [
    ((1966, 1969), 30),
    ((1970, 1979), 40),
    ((1980, 1989), 18),
    ((1990, 1999), 12),
]
MEMBER_EDUCATION = {
    "junior_or_below": 24,
    "high_school": 26,
    "secondary_vocational": 20,
    "college": 18,
    "bachelor": 10,
    "postgraduate": 2,
}
PIPELINE_EDUCATION = {"college": 45, "bachelor": 35, "secondary_vocational": 20}
ETHNICITY = {"汉族": 92, "回族": 4, "满族": 2, "蒙古族": 2}


@dataclass(frozen=True)
class Size:
    employees: int
    members: int
    branches: int
    subsidiaries: int
    head_office_branches: int
    teams_per_subsidiary: int


def size_from(args: argparse.Namespace) -> Size:
    employees = round(args.employees * args.scale)
    members = round(args.members * args.scale)
    branches = max(round(args.branches * args.scale), 6)
    # About 100 branches under each second-level committee at every scale, so that "one
    # second-level committee" means the same thing in a quick run as at full scale.
    subsidiaries = args.subsidiaries or max(2, min(50, round(branches / 100)))
    head_office_branches = max(1, branches // 1000)
    if branches < head_office_branches + 2 * subsidiaries:
        sys.exit("Too few branches for that many subsidiaries (each needs two).")
    teams = max(employees // EMPLOYEES_PER_TEAM, 2 * branches)
    return Size(
        employees=employees,
        members=members,
        branches=branches,
        subsidiaries=subsidiaries,
        head_office_branches=head_office_branches,
        teams_per_subsidiary=-(-teams // subsidiaries),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=100_000, help="member records")
    parser.add_argument("--branches", type=int, default=5_000)
    parser.add_argument(
        "--subsidiaries",
        type=int,
        default=0,
        help="second-level committees (default: one per 100 branches, 2 to 50)",
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply the three counts (0.01: quick run)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--reset", action="store_true", help="drop and recreate a database that has data"
    )
    args = parser.parse_args()
    size = size_from(args)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    prepare_database(reset=args.reset)
    call_command("migrate", verbosity=0)
    refuse_if_not_empty()
    print(
        f"Generating {size.employees:,} employees, {size.members:,} member records, "
        f"{size.branches:,} branches under {size.subsidiaries} second-level committees "
        f"into {connection.vendor} {connection.settings_dict['NAME']} (seed {args.seed})",
        flush=True,
    )
    Generator(size=size, seed=args.seed).run()
    if connection.vendor == "postgresql":
        clock = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE: {time.perf_counter() - clock:.1f} s")
    print(f"Done in {time.perf_counter() - started:.0f} s.")


def prepare_database(*, reset: bool) -> None:
    """Create a missing PostgreSQL database; with reset, start from an empty one."""
    from django.db import connection

    settings_dict = connection.settings_dict
    name = str(settings_dict["NAME"])
    if connection.vendor == "sqlite":
        if reset:
            for suffix in ("", "-wal", "-shm"):
                Path(name + suffix).unlink(missing_ok=True)
        return
    if connection.vendor != "postgresql":
        sys.exit(f"The generator supports SQLite and PostgreSQL, not {connection.vendor}.")
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        dbname="postgres",
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        autocommit=True,
    ) as server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            server.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def refuse_if_not_empty() -> None:
    from grassroots.accounts.models import User
    from grassroots.orgs.models import Department, OrgUnit

    if User.objects.exists() or Department.objects.exists() or OrgUnit.objects.exists():
        sys.exit(
            "This database already holds employees or organisations. Use another "
            "database, or add --reset to drop everything in it and start again."
        )


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class BranchPlan:
    """A branch before its rows are written: what it covers and how many it holds."""

    unit: Any  # OrgUnit
    departments: list[Any]  # Department
    holds_posts: bool = False  # its members hold the posts of the committee above it
    size: int = 0  # member records
    groups: list[Any] = field(default_factory=list)  # OrgUnit

    @property
    def minimum(self) -> int:
        return 20 if self.holds_posts else 3

    @property
    def sure_full_members(self) -> int:
        """Leading records made full members in good standing: the secretary, and for a
        branch holding a committee's posts enough for all of them."""
        return 10 if self.holds_posts else 1


class Generator:
    """Plans the group in memory, then writes it table by table in one transaction."""

    def __init__(self, *, size: Size, seed: int) -> None:
        from django.utils import timezone

        self.size = size
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.clock = time.perf_counter()
        self.departments: list[Any] = []
        self.units: list[Any] = []
        self.branches: list[BranchPlan] = []
        # committee or general branch -> the branch whose members hold its posts
        self.post_pool: dict[int, BranchPlan] = {}
        self.department_of_user: list[int] = []  # index: user pk - 1

    def tick(self, label: str) -> None:
        now = time.perf_counter()
        print(f"  {label}: {now - self.clock:.1f} s", flush=True)
        self.clock = now

    def run(self) -> None:
        from django.db import transaction

        with transaction.atomic():
            self.plan_trees()
            self.write_trees()
            self.write_employees()
            members = self.write_members()
            self.write_posts(members)
            self.reset_sequences()

    # --- the two trees -------------------------------------------------------------------

    def department(self, parent: Any, code: str, name: str, kind: str) -> Any:
        from grassroots.core.tree import path_segment
        from grassroots.orgs.models import Department

        pk = len(self.departments) + 1
        node = Department(
            pk=pk,
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            depth=parent.depth + 1 if parent is not None else 0,
            path=(parent.path if parent is not None else "") + path_segment(pk),
        )
        self.departments.append(node)
        return node

    def unit(self, parent: Any, code: str, name: str, kind: str, **extra: Any) -> Any:
        from grassroots.core.tree import path_segment
        from grassroots.orgs.models import OrgUnit

        pk = len(self.units) + 1
        if kind != OrgUnit.Kind.GROUP:
            extra.setdefault("term_ends_on", self.today + self.days(-60, 1100))
            extra.setdefault("founded_on", datetime.date(self.rng.randint(1985, 2020), 7, 1))
        node = OrgUnit(
            pk=pk,
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            depth=parent.depth + 1 if parent is not None else 0,
            path=(parent.path if parent is not None else "") + path_segment(pk),
            **extra,
        )
        self.units.append(node)
        return node

    def days(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=self.rng.randint(low, high))

    def plan_trees(self) -> None:
        """Both trees, parents before children, and the branches with what they cover."""
        company = self.department(None, "G", "集团公司", "company")
        group = self.unit(None, "JT", "集团党委", "committee")
        self.plan_head_office(company, group)
        size = self.size
        workshop_branches = split_count(
            size.branches - size.head_office_branches - size.subsidiaries, size.subsidiaries
        )
        for s in range(size.subsidiaries):
            self.plan_subsidiary(s, company, group, workshop_branches[s])
        self.plan_branch_sizes()
        for plan in self.branches:
            if plan.size >= 10 and self.rng.random() < 0.6:
                plan.groups = [
                    self.unit(
                        plan.unit,
                        f"{plan.unit.code}-G{g + 1}",
                        f"{plan.unit.name}第{g + 1}党小组",
                        "group",
                    )
                    for g in range(2 if plan.size < 25 else 3)
                ]

    def plan_head_office(self, company: Any, group: Any) -> None:
        """Head-office departments and the branches directly under the group committee;
        members of the first hold the group committee's posts."""
        offices = [
            self.department(company, f"G-O{n + 1:02d}", name, "office")
            for n, name in enumerate(HEAD_OFFICES)
        ]
        for n, covered in enumerate(split(offices, self.size.head_office_branches)):
            branch = self.unit(group, f"JT-B{n + 1:02d}", f"集团机关第{n + 1}党支部", "branch")
            if n == 0:
                self.branches.append(BranchPlan(branch, [company, *covered], holds_posts=True))
                self.post_pool[group.pk] = self.branches[-1]
            else:
                self.branches.append(BranchPlan(branch, covered))

    def plan_subsidiary(self, s: int, company: Any, group: Any, workshop_branches: int) -> None:
        """A subsidiary: offices, workshops of teams, its committee with an office branch,
        general branches in every other one, and branches covering runs of teams."""
        size = self.size
        city = CITIES[s % len(CITIES)] + (str(s // len(CITIES) + 1) if s >= len(CITIES) else "")
        code = f"S{s + 1:02d}"
        subsidiary = self.department(company, code, f"{city}分公司", "company")
        offices = [
            self.department(subsidiary, f"{code}-O{n + 1}", name, "office")
            for n, name in enumerate(SUBSIDIARY_OFFICES)
        ]
        workshop_count = max(1, round(size.teams_per_subsidiary / TEAMS_PER_WORKSHOP))
        teams: list[tuple[Any, Any]] = []  # (workshop, team)
        for w, team_count in enumerate(split_count(size.teams_per_subsidiary, workshop_count)):
            workshop = self.department(
                subsidiary, f"{code}-W{w + 1:02d}", f"{city}第{w + 1}车间", "workshop"
            )
            teams += [
                (
                    workshop,
                    self.department(
                        workshop,
                        f"{workshop.code}-T{t + 1:02d}",
                        f"{workshop.name}{t + 1}班",
                        "team",
                    ),
                )
                for t in range(team_count)
            ]

        committee = self.unit(group, f"{code}-C", f"{city}分公司党委", "committee")
        office_branch = self.unit(committee, f"{code}-B00", f"{city}分公司机关党支部", "branch")
        self.branches.append(BranchPlan(office_branch, [subsidiary, *offices], holds_posts=True))
        self.post_pool[committee.pk] = self.branches[-1]
        general_of: dict[int, Any] = {}  # workshop pk -> its general branch
        if s % 2 == 0:
            workshops = list(dict.fromkeys(workshop for workshop, _team in teams))
            for g, run in enumerate(
                split(workshops, -(-len(workshops) // WORKSHOPS_PER_GENERAL_BRANCH))
            ):
                general = self.unit(
                    committee, f"{code}-Z{g + 1}", f"{city}分公司第{g + 1}党总支", "general_branch"
                )
                general_of |= {workshop.pk: general for workshop in run}
        for b, chunk in enumerate(split(teams, workshop_branches)):
            workshop = chunk[0][0]
            parent = general_of.get(workshop.pk, committee)
            branch = self.unit(
                parent,
                f"{code}-B{b + 1:03d}",
                f"{workshop.name}第{b + 1}党支部",
                "branch",
                is_joint=self.rng.random() < 0.04,
            )
            covered = [team for _workshop, team in chunk]
            if chunk[0][1].code.endswith("-T01"):
                covered.insert(0, workshop)  # the workshop's own staff
            self.branches.append(BranchPlan(branch, covered))
            if parent is not committee and parent.pk not in self.post_pool:
                self.post_pool[parent.pk] = self.branches[-1]

    def plan_branch_sizes(self) -> None:
        """Member records per branch: at least the minimum, the rest spread with
        log-normal weights (median about 18 at full scale, a few above 50)."""
        plans = self.branches
        for plan in plans:
            plan.size = plan.minimum
        rest = max(0, self.size.members - sum(plan.size for plan in plans))
        weights = [self.rng.lognormvariate(0, 0.5) for _ in plans]
        for index in self.rng.choices(range(len(plans)), weights=weights, k=rest):
            plans[index].size += 1

    def write_trees(self) -> None:
        from grassroots.orgs.models import Department, OrgUnit

        Department.objects.bulk_create(sorted(self.departments, key=depth), batch_size=BATCH)
        OrgUnit.objects.bulk_create(sorted(self.units, key=depth), batch_size=BATCH)
        through = OrgUnit.departments.through
        through.objects.bulk_create(
            [
                through(orgunit_id=plan.unit.pk, department_id=department.pk)
                for plan in self.branches
                for department in plan.departments
            ],
            batch_size=BATCH,
        )
        kinds: dict[str, int] = {}
        for unit in self.units:
            kinds[unit.kind] = kinds.get(unit.kind, 0) + 1
        self.tick(
            f"{len(self.departments):,} departments, {len(self.units):,} Party organisations "
            f"({', '.join(f'{count:,} {kind}' for kind, count in sorted(kinds.items()))})"
        )

    # --- employees -----------------------------------------------------------------------

    def write_employees(self) -> None:
        from django.contrib.auth.hashers import make_password

        from grassroots.accounts.models import User
        from grassroots.demo.enterprise import GIVEN, SURNAMES

        password = make_password(PASSWORD)
        rng = self.rng
        leaves = [
            d
            for d in self.departments
            if d.kind == "team" or (d.kind == "office" and d.parent is not None)
        ]
        weights = [rng.uniform(0.6, 1.4) * (1 if d.kind == "team" else 0.5) for d in leaves]
        self.department_of_user = [
            d.pk for d in rng.choices(leaves, weights=weights, k=self.size.employees)
        ]
        insert_rows(
            User,
            (
                {
                    "id": n + 1,
                    "employee_number": employee_number(n + 1),
                    "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                    # a bijection of n: unique, and not in employee-number order
                    "phone": f"1{3 + n % 7}{(n * 7919 + 12345) % 10**9:09d}"
                    if rng.random() < 0.85
                    else None,
                    "department_id": department_id,
                    "has_disability": rng.random() < 0.05,
                    "password": password,
                }
                for n, department_id in enumerate(self.department_of_user)
            ),
        )
        self.tick(f"{self.size.employees:,} employees")

    # --- member records ------------------------------------------------------------------

    def write_members(self) -> list[dict[str, Any]]:
        from grassroots.orgs import member_order
        from grassroots.orgs.models import Member

        rng = self.rng
        users_in: dict[int, list[int]] = {}
        for index, department_id in enumerate(self.department_of_user):
            users_in.setdefault(department_id, []).append(index + 1)
        members: list[dict[str, Any]] = []
        for plan in self.branches:
            pool = [pk for d in plan.departments for pk in users_in.get(d.pk, [])]
            chosen = rng.sample(pool, min(plan.size, len(pool)))
            for position, user_id in enumerate(chosen):
                sure = position < plan.sure_full_members
                stage = "full" if sure else weighted(rng, STAGE_WEIGHTS)
                status = "normal" if sure else weighted(rng, STATUS_WEIGHTS)
                party = stage in ("full", "probationary")
                members.append(
                    {
                        "id": len(members) + 1,
                        "user_id": user_id,
                        "branch_id": plan.unit.pk,
                        # COPY writes it as given (the field's pre_save is not run)
                        "list_key": member_order.list_key(plan.unit.path, employee_number(user_id)),
                        "group_id": plan.groups[position % len(plan.groups)].pk
                        if party and plan.groups
                        else None,
                        "stage": stage,
                        "status": status,
                        **self.member_values(stage),
                    }
                )
        insert_rows(Member, iter(members))
        self.tick(f"{len(members):,} member records")
        return members

    def member_values(self, stage: str) -> dict[str, Any]:
        """Dates and personal facts with the demo's distributions (see grassroots.demo)."""
        from grassroots.orgs import rules

        rng = self.rng
        young = stage in ("applicant", "activist", "candidate")
        if young:
            birth = random_date(rng, 1988, 2002)
            education = weighted(rng, PIPELINE_EDUCATION)
        else:
            low, high = rng.choices(
                [years for years, _ in MEMBER_BIRTH_YEARS],
                weights=[weight for _, weight in MEMBER_BIRTH_YEARS],
            )[0]
            birth = random_date(rng, low, high)
            education = weighted(rng, MEMBER_EDUCATION)
        female = rng.random() < 0.42
        values: dict[str, Any] = {
            "birth_date": birth,
            "gender": "f" if female else "m",
            "ethnicity": weighted(rng, ETHNICITY),
            "education": education,
            "is_mobile": rng.random() < 0.03,
        }
        if rng.random() < 0.5:
            region = rng.choice(["110105", "320102", "370202", "420106", "510104", "610113"])
            sequence = rng.randrange(0, 99) * 10 + rng.choice(
                [0, 2, 4, 6, 8] if female else [1, 3, 5, 7, 9]
            )
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            values["id_card_number"] = first17 + rules.id_card_check_character(first17)
        today = self.today
        adult = datetime.date(birth.year + 18, birth.month, min(birth.day, 28))
        if stage == "applicant":
            values["applied_on"] = max(today - self.days(20, 150), adult)
        elif stage == "activist":
            values["applied_on"] = max(today - self.days(500, 700), adult)
            values["activist_on"] = today - self.days(200, 450)
        elif stage == "candidate":
            values["applied_on"] = max(today - self.days(900, 1200), adult)
            values["activist_on"] = today - self.days(450, 800)
            values["candidate_on"] = today - self.days(30, 80)
        else:
            if stage == "probationary":
                admitted = today - self.days(60, 300)
            else:
                earliest = max(datetime.date(birth.year + 22, 1, 1), datetime.date(1985, 1, 1))
                latest = today - datetime.timedelta(days=420)
                admitted = (
                    latest
                    if earliest >= latest
                    else datetime.date.fromordinal(
                        rng.randint(earliest.toordinal(), latest.toordinal())
                    )
                )
                values["full_on"] = admitted + datetime.timedelta(days=366)
            values["admitted_on"] = admitted
            values["applied_on"] = admitted - self.days(700, 1400)
            values["activist_on"] = admitted - self.days(400, 650)
            values["candidate_on"] = admitted - self.days(60, 200)
        return values

    # --- posts and the roles they grant --------------------------------------------------

    def write_posts(self, members: list[dict[str, Any]]) -> None:
        from grassroots.accounts.models import RoleAssignment
        from grassroots.orgs.models import OrgPost, OrgUnit
        from grassroots.orgs.services import roles_for_post

        rng = self.rng
        in_good_standing: dict[int, list[dict[str, Any]]] = {}  # branch -> full, normal
        for member in members:
            if member["stage"] == "full" and member["status"] == "normal":
                in_good_standing.setdefault(member["branch_id"], []).append(member)
        posts: list[OrgPost] = []

        def post(unit: Any, member: dict[str, Any], kind: str) -> None:
            posts.append(
                OrgPost(
                    pk=len(posts) + 1,
                    unit=unit,
                    member_id=member["id"],
                    kind=kind,
                    starts_on=unit_term_start[unit.pk],
                )
            )

        unit_term_start = {unit.pk: self.today - self.days(30, 1000) for unit in self.units}
        for plan in self.branches:
            full = in_good_standing[plan.unit.pk]
            post(plan.unit, full[0], OrgPost.Kind.SECRETARY)
            if len(full) >= 7 and rng.random() < 0.9:
                kinds = ["organisation", "propaganda", "discipline"]
                if len(full) >= 15 and rng.random() < 0.5:
                    kinds.insert(0, "deputy_secretary")
                for position, kind in enumerate(kinds, start=1):
                    post(plan.unit, full[position], kind)
            elif len(full) >= 4 and rng.random() < 0.3:
                post(plan.unit, full[1], OrgPost.Kind.DEPUTY_SECRETARY)
            for group in plan.groups:
                if rng.random() < 0.9:
                    leader = next(
                        (m for m in full if m["group_id"] == group.pk),
                        None,
                    )
                    if leader is not None:
                        post(group, leader, OrgPost.Kind.GROUP_LEADER)
        committee_kinds = {
            OrgUnit.Kind.COMMITTEE: [
                "secretary",
                "deputy_secretary",
                "organisation",
                "propaganda",
                "discipline",
            ],
            OrgUnit.Kind.GENERAL_BRANCH: ["secretary", "organisation"],
        }
        for unit in self.units:
            if unit.kind not in committee_kinds:
                continue
            # Held by members of one of its branches who hold no post in that branch.
            full = in_good_standing[self.post_pool[unit.pk].unit.pk]
            for offset, kind in enumerate(committee_kinds[unit.kind]):
                post(unit, full[(5 + offset) % len(full)], kind)
        OrgPost.objects.bulk_create(posts, batch_size=BATCH)
        user_of_member = {member["id"]: member["user_id"] for member in members}

        roles = [
            RoleAssignment(
                user_id=user_of_member[each.member_id],
                role=role,
                org_unit=each.unit,
                post=each,
                starts_on=each.starts_on,
            )
            for each in posts
            for role in roles_for_post(each.unit.kind, each.kind)
        ]
        RoleAssignment.objects.bulk_create(roles, batch_size=BATCH)
        self.tick(f"{len(posts):,} posts, {len(roles):,} role assignments")

    def reset_sequences(self) -> None:
        """Keys were chosen here: move the sequences past them for later inserts."""
        from django.core.management.color import no_style
        from django.db import connection

        from grassroots.accounts.models import User
        from grassroots.orgs.models import Department, Member, OrgPost, OrgUnit

        statements = connection.ops.sequence_reset_sql(
            no_style(), [User, Department, OrgUnit, Member, OrgPost]
        )
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def insert_rows(model: Any, rows: Iterator[dict[str, Any]]) -> None:
    """Write rows given as {attname: value}, the model's defaults filling the rest.

    On PostgreSQL through COPY: for a million employees about five times quicker than
    bulk_create, which spends most of its time building model instances and arrays of
    parameters. Elsewhere bulk_create in batches.
    """
    from django.db import connection
    from django.utils import timezone
    from psycopg import sql

    fields = model._meta.concrete_fields
    now = timezone.now()
    defaults = {  # one date_joined for everyone, as from one import
        f.attname: now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    }
    if connection.vendor != "postgresql":
        while batch := [model(**(defaults | row)) for row in islice(rows, BATCH)]:
            model.objects.bulk_create(batch)
        return
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(f.column) for f in fields),
    )
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row.get(f.attname, defaults[f.attname]) for f in fields])


def employee_number(user_id: int) -> str:
    return f"G{user_id:07d}"


def split[T](items: list[T], parts: int) -> list[list[T]]:
    """`items` in `parts` consecutive runs whose lengths differ by at most one."""
    runs, start = [], 0
    for length in split_count(len(items), parts):
        runs.append(items[start : start + length])
        start += length
    return [run for run in runs if run]


def depth(node: Any) -> int:
    return int(node.depth)


def split_count(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def random_date(rng: random.Random, first_year: int, last_year: int) -> datetime.date:
    start = datetime.date(first_year, 1, 1).toordinal()
    end = datetime.date(last_year, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


if __name__ == "__main__":
    main()
