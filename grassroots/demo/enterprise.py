"""The demo enterprise: a welfare factory like the one in the field reports.

About 600 employees (more than half with a disability), offices and workshops with teams,
one Party committee with six branches (one joint), groups, about 90 Party members born
mostly in the 1960s–70s with few graduates, and people at every stage of the pipeline.
Built through the services, so the audit log and the derived roles are as in real use.
Deterministic for a given seed and day.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from grassroots.accounts.models import Role, User
from grassroots.accounts.services import role_assign
from grassroots.orgs import rules, services
from grassroots.orgs.models import Department, Member, OrgPost, OrgUnit

DEMO_PASSWORD = "grassroots-demo"  # noqa: S105 - printed for the demo logins on purpose

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Given names as commonly read: a man's, a woman's, or either. The order of GIVEN (which
# the seeded draw picks from) is kept, so the demo logins keep their names.
GIVEN = (
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "建国",
    "志强",
    "海燕",
    "玉兰",
    "红梅",
    "文",
    "华",
    "春梅",
    "德胜",
    "国庆",
    "淑珍",
    "凤英",
    "卫东",
    "建军",
    "小红",
    "晓东",
    "丹",
    "鹏",
    "浩",
    "宇",
    "欣",
    "婷",
    "雪",
    "慧",
    "琳",
    "健",
    "斌",
    "凯",
    "飞",
    "玲",
    "莉",
    "萍",
    "亮",
    "斌斌",
    "海涛",
    "永刚",
    "金凤",
    "桂兰",
    "秀珍",
    "建平",
    "立新",
)
MALE_GIVEN = frozenset(
    {
        "伟",
        "强",
        "磊",
        "军",
        "洋",
        "勇",
        "杰",
        "涛",
        "明",
        "超",
        "刚",
        "建国",
        "志强",
        "德胜",
        "国庆",
        "卫东",
        "建军",
        "晓东",
        "鹏",
        "浩",
        "宇",
        "健",
        "斌",
        "凯",
        "飞",
        "亮",
        "斌斌",
        "海涛",
        "永刚",
        "建平",
    }
)
FEMALE_GIVEN = frozenset(
    {
        "芳",
        "娜",
        "秀英",
        "静",
        "丽",
        "艳",
        "娟",
        "秀兰",
        "霞",
        "桂英",
        "海燕",
        "玉兰",
        "红梅",
        "春梅",
        "淑珍",
        "凤英",
        "小红",
        "丹",
        "欣",
        "婷",
        "雪",
        "慧",
        "琳",
        "玲",
        "莉",
        "萍",
        "金凤",
        "桂兰",
        "秀珍",
    }
)


def gender_of(name: str) -> str | None:
    """The gender a demo name reads as (Member.Gender), or None when it could be either.
    Demo surnames are one character."""
    given = name[1:]
    if given in MALE_GIVEN:
        return Member.Gender.MALE
    if given in FEMALE_GIVEN:
        return Member.Gender.FEMALE
    return None


@dataclass(frozen=True)
class DemoLogin:
    role: str
    employee_number: str
    name: str
    note: str


@dataclass
class DemoEnterprise:
    logins: list[DemoLogin] = field(default_factory=list)
    departments: dict[str, Department] = field(default_factory=dict)
    units: dict[str, OrgUnit] = field(default_factory=dict)
    users: list[User] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)


# (code, name, kind, parent code, employees, share with a disability)
DEPARTMENTS = [
    ("D00", "阳光福利实业有限公司", Department.Kind.COMPANY, None, 6, 0.2),
    ("D01", "综合办公室", Department.Kind.OFFICE, "D00", 16, 0.25),
    ("D02", "人力资源部", Department.Kind.OFFICE, "D00", 10, 0.3),
    ("D03", "财务部", Department.Kind.OFFICE, "D00", 9, 0.2),
    ("D04", "生产技术部", Department.Kind.OFFICE, "D00", 18, 0.3),
    ("D05", "安全环保部", Department.Kind.OFFICE, "D00", 9, 0.3),
    ("D06", "后勤保障部", Department.Kind.OFFICE, "D00", 24, 0.5),
    ("D07", "销售部", Department.Kind.OFFICE, "D00", 14, 0.2),
    ("D08", "质检科", Department.Kind.OFFICE, "D00", 12, 0.5),
    ("D09", "仓储物流部", Department.Kind.OFFICE, "D00", 20, 0.5),
    ("D10", "一车间（装配）", Department.Kind.WORKSHOP, "D00", 8, 0.6),
    ("D10-1", "装配一班", Department.Kind.TEAM, "D10", 49, 0.7),
    ("D10-2", "装配二班", Department.Kind.TEAM, "D10", 47, 0.7),
    ("D10-3", "装配三班", Department.Kind.TEAM, "D10", 47, 0.7),
    ("D11", "二车间（包装）", Department.Kind.WORKSHOP, "D00", 6, 0.6),
    ("D11-1", "包装一班", Department.Kind.TEAM, "D11", 52, 0.75),
    ("D11-2", "包装二班", Department.Kind.TEAM, "D11", 51, 0.75),
    ("D12", "三车间（印刷）", Department.Kind.WORKSHOP, "D00", 6, 0.5),
    ("D12-1", "印刷一班", Department.Kind.TEAM, "D12", 45, 0.6),
    ("D12-2", "印刷二班", Department.Kind.TEAM, "D12", 43, 0.6),
    ("D13", "四车间（手工编织）", Department.Kind.WORKSHOP, "D00", 5, 0.7),
    ("D13-1", "编织一班", Department.Kind.TEAM, "D13", 53, 0.8),
    ("D13-2", "编织二班", Department.Kind.TEAM, "D13", 51, 0.8),
]

# (code, name, departments covered, joint?, full, probationary, pipeline [app, act, cand],
#  committee posts beyond the secretary, term ends in N days)
BRANCHES = [
    ("B01", "机关第一党支部", ["D00", "D01", "D02", "D03"], False, 16, 1, (1, 1, 1), 4, 700),
    ("B02", "机关第二党支部", ["D04", "D05", "D06"], False, 12, 1, (1, 1, 0), 2, 500),
    ("B03", "一车间党支部", ["D10", "D10-1", "D10-2", "D10-3"], False, 18, 2, (2, 1, 1), 4, 400),
    ("B04", "二车间党支部", ["D11", "D11-1", "D11-2"], False, 13, 1, (1, 1, 1), 1, 300),
    ("B05", "三车间党支部", ["D12", "D12-1", "D12-2"], False, 10, 1, (1, 1, 0), 2, 60),
    ("B06", "联合党支部", ["D07", "D08", "D09", "D13"], True, 6, 2, (1, 1, 1), 1, 800),
]
GROUPS = [
    ("G0301", "装配一组", "B03"),
    ("G0302", "装配二组", "B03"),
    ("G0401", "包装一组", "B04"),
    ("G0402", "包装二组", "B04"),  # left without a leader: a health warning to show
]

EDUCATION_WEIGHTS = [
    (Member.Education.JUNIOR_OR_BELOW, 24),
    (Member.Education.HIGH_SCHOOL, 26),
    (Member.Education.SECONDARY_VOCATIONAL, 20),
    (Member.Education.COLLEGE, 18),
    (Member.Education.BACHELOR, 10),
    (Member.Education.POSTGRADUATE, 2),
]


class _People:
    """Hands out names, phone numbers and employee numbers without repeats."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.phones: set[str] = set()
        self.next_number: dict[str, int] = {}

    def name(self) -> str:
        while True:
            candidate = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if candidate not in self.names or len(self.names) > 3000:
                self.names.add(candidate)
                return candidate

    def phone(self) -> str:
        while True:
            candidate = (
                "1"
                + self.rng.choice("3456789")
                + "".join(self.rng.choice("0123456789") for _ in range(9))
            )
            if candidate not in self.phones:
                self.phones.add(candidate)
                return candidate

    def number(self, prefix: str) -> str:
        self.next_number[prefix] = self.next_number.get(prefix, 0) + 1
        return f"{prefix}{self.next_number[prefix]:04d}"


def _id_card_number(rng: random.Random, birth: datetime.date, female: bool) -> str:
    region = rng.choice(["110105", "320102", "370202", "420106", "510104", "610113"])
    sequence = rng.randrange(0, 99) * 10 + (
        rng.choice([0, 2, 4, 6, 8]) if female else rng.choice([1, 3, 5, 7, 9])
    )
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + rules.id_card_check_character(first17)


def _birth_date(rng: random.Random, start_year: int, end_year: int) -> datetime.date:
    start = datetime.date(start_year, 1, 1).toordinal()
    end = datetime.date(end_year, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


def _member_birth(rng: random.Random) -> datetime.date:
    # Mostly born in the 1960s and 1970s, as the reports describe (still of working age).
    start, end = rng.choices(
        [(1966, 1969), (1970, 1979), (1980, 1989), (1990, 1999)], weights=[30, 40, 18, 12]
    )[0]
    return _birth_date(rng, start, end)


def build_enterprise(*, today: datetime.date, seed: int = 2026) -> DemoEnterprise:
    rng = random.Random(seed)
    demo = DemoEnterprise()
    people = _People(rng)
    password = make_password(DEMO_PASSWORD)

    # --- Departments ---------------------------------------------------------------------
    for code, name, kind, parent, _count, _share in DEPARTMENTS:
        demo.departments[code] = services.department_create(
            actor=None, code=code, name=name, kind=kind, parent=demo.departments.get(parent or "")
        )

    # --- Employees -----------------------------------------------------------------------
    users_by_department: dict[str, list[User]] = {}
    new_users: list[User] = []
    for code, _name, _kind, _parent, count, share in DEPARTMENTS:
        for _ in range(count):
            prefix = (
                "1"
                if code in ("D00", "D01", "D02", "D03", "D04", "D05", "D06")
                else (
                    "3"
                    if code.startswith("D10")
                    else "4"
                    if code.startswith("D11")
                    else "5"
                    if code.startswith("D12")
                    else "6"
                    if code.startswith("D13")
                    else "2"
                )
            )
            user = User(
                employee_number=people.number(prefix),
                name=people.name(),
                phone=people.phone() if rng.random() < 0.85 else None,
                department=demo.departments[code],
                has_disability=rng.random() < share,
                password=password,
            )
            new_users.append(user)
            users_by_department.setdefault(code, []).append(user)
    User.objects.bulk_create(new_users, batch_size=500)
    if new_users and new_users[0].pk is None:  # pragma: no cover - SQLite < 3.35
        ids = dict(User.objects.values_list("employee_number", "pk"))
        for user in new_users:
            user.pk = ids[user.employee_number]
    demo.users = new_users

    # --- Party organisations -------------------------------------------------------------
    committee = services.orgunit_create(
        actor=None,
        code="C00",
        name="阳光福利实业有限公司党委",
        kind=OrgUnit.Kind.COMMITTEE,
        founded_on=datetime.date(1992, 7, 1),
        term_ends_on=today + datetime.timedelta(days=420),
    )
    demo.units["C00"] = committee
    for code, name, covered, joint, *_rest, term_days in BRANCHES:
        demo.units[code] = services.orgunit_create(
            actor=None,
            code=code,
            name=name,
            kind=OrgUnit.Kind.BRANCH,
            parent=committee,
            departments=[demo.departments[d] for d in covered],
            founded_on=datetime.date(rng.randint(1995, 2012), rng.randint(1, 12), 1),
            term_ends_on=today + datetime.timedelta(days=term_days),
            is_joint=joint,
        )
    for code, name, parent_code in GROUPS:
        demo.units[code] = services.orgunit_create(
            actor=None,
            code=code,
            name=name,
            kind=OrgUnit.Kind.GROUP,
            parent=demo.units[parent_code],
            founded_on=demo.units[parent_code].founded_on,
        )

    # --- Members and the pipeline --------------------------------------------------------
    taken: set[int] = set()

    def pick(branch_code: str) -> User:
        covered = next(b[2] for b in BRANCHES if b[0] == branch_code)
        pool = [u for d in covered for u in users_by_department[d] if u.pk not in taken]
        user = rng.choice(pool)
        taken.add(user.pk)
        return user

    branch_members: dict[str, list[Member]] = {}
    for code, _name, _covered, _joint, full, probationary, pipeline, _posts, _term in BRANCHES:
        branch = demo.units[code]
        groups = [demo.units[g[0]] for g in GROUPS if g[2] == code]
        members: list[Member] = []
        stages = (
            [Member.Stage.FULL] * full
            + [Member.Stage.PROBATIONARY] * probationary
            + [Member.Stage.APPLICANT] * pipeline[0]
            + [Member.Stage.ACTIVIST] * pipeline[1]
            + [Member.Stage.CANDIDATE] * pipeline[2]
        )
        for stage in stages:
            user = pick(code)
            members.append(
                services.member_create(
                    actor=None,
                    user=user,
                    **_member_values(rng, stage, branch, groups, today, user.name),
                )
            )
        branch_members[code] = members
        demo.members.extend(members)

    # --- Posts (which grant the officer roles) -------------------------------------------
    committee_kinds = [
        OrgPost.Kind.DEPUTY_SECRETARY,
        OrgPost.Kind.ORGANISATION,
        OrgPost.Kind.PROPAGANDA,
        OrgPost.Kind.DISCIPLINE,
    ]
    term_start = today - datetime.timedelta(days=600)
    for code, *_middle, extra_posts, _term in BRANCHES:
        full_members = [m for m in branch_members[code] if m.stage == Member.Stage.FULL]
        services.orgpost_assign(
            actor=None,
            unit=demo.units[code],
            member=full_members[0],
            kind=OrgPost.Kind.SECRETARY,
            starts_on=term_start,
        )
        kinds = (
            committee_kinds
            if extra_posts >= 4
            else [OrgPost.Kind.DEPUTY_SECRETARY]
            + [OrgPost.Kind.COMMITTEE_MEMBER] * (extra_posts - 1)
        )
        for index, post_kind in enumerate(kinds[:extra_posts], start=1):
            services.orgpost_assign(
                actor=None,
                unit=demo.units[code],
                member=full_members[index],
                kind=post_kind,
                starts_on=term_start,
            )
    for code, _name, branch_code in GROUPS[:-1]:  # the last group has no leader
        candidates = [
            m
            for m in branch_members[branch_code]
            if m.is_party_member and m.group_id == demo.units[code].pk
        ]
        services.orgpost_assign(
            actor=None,
            unit=demo.units[code],
            member=candidates[0],
            kind=OrgPost.Kind.GROUP_LEADER,
            starts_on=term_start,
        )
    # The committee: members of the office branches hold its posts.
    b01 = [m for m in branch_members["B01"] if m.stage == Member.Stage.FULL]
    b02 = [m for m in branch_members["B02"] if m.stage == Member.Stage.FULL]
    committee_posts = [
        (b01[0], OrgPost.Kind.SECRETARY),
        (b02[0], OrgPost.Kind.DEPUTY_SECRETARY),
        (b01[5], OrgPost.Kind.ORGANISATION),
        (b01[6], OrgPost.Kind.PROPAGANDA),
        (b01[7], OrgPost.Kind.DISCIPLINE),
    ]
    for member, post_kind in committee_posts:
        services.orgpost_assign(
            actor=None, unit=committee, member=member, kind=post_kind, starts_on=term_start
        )

    # --- Demo logins ---------------------------------------------------------------------
    admin = User.objects.create_superuser("admin", "系统管理员", None)
    admin.password = password
    admin.save(update_fields=["password"])
    liaison = users_by_department["D06"][0]
    role_assign(
        actor=None,
        user=liaison,
        role=Role.DEPARTMENT_LIAISON,
        department=demo.departments["D06"],
        starts_on=term_start,
    )
    b03 = branch_members["B03"]
    b04 = branch_members["B04"]
    plain_member = next(m for m in b03 if m.stage == Member.Stage.FULL and not m.posts.exists())
    plain_employee = next(
        u for u in users_by_department["D11-1"] if u.pk not in taken and u.has_disability
    )
    demo.logins = [
        DemoLogin("administrator", "admin", admin.name, "configuration, imports"),
        DemoLogin("committee officer", b01[0].user.employee_number, b01[0].user.name, "党委书记"),
        DemoLogin(
            "discipline officer", b01[7].user.employee_number, b01[7].user.name, "党委纪检委员"
        ),
        DemoLogin(
            "branch officer", b03[0].user.employee_number, b03[0].user.name, "一车间党支部书记"
        ),
        DemoLogin(
            "branch officer (another branch)",
            b04[0].user.employee_number,
            b04[0].user.name,
            "二车间党支部书记",
        ),
        DemoLogin(
            "member", plain_member.user.employee_number, plain_member.user.name, "一车间党员"
        ),
        DemoLogin(
            "employee",
            plain_employee.employee_number,
            plain_employee.name,
            "二车间职工（残疾职工）",
        ),
        DemoLogin("department liaison", liaison.employee_number, liaison.name, "后勤保障部联络人"),
    ]
    return demo


def _member_values(
    rng: random.Random,
    stage: str,
    branch: OrgUnit,
    groups: list[OrgUnit],
    today: datetime.date,
    name: str,
) -> dict[str, object]:
    def days_ago(low: int, high: int) -> datetime.date:
        return today - datetime.timedelta(days=rng.randint(low, high))

    young = stage in (Member.Stage.APPLICANT, Member.Stage.ACTIVIST, Member.Stage.CANDIDATE)
    birth = _birth_date(rng, 1988, 2002) if young else _member_birth(rng)
    female = rng.random() < 0.42  # drawn always, so the seeded draws stay as they were
    if (by_name := gender_of(name)) is not None:
        female = by_name == Member.Gender.FEMALE
    if young:
        education = rng.choices(
            [
                Member.Education.COLLEGE,
                Member.Education.BACHELOR,
                Member.Education.SECONDARY_VOCATIONAL,
            ],
            weights=[45, 35, 20],
        )[0]
    else:
        education = rng.choices(
            [level for level, _ in EDUCATION_WEIGHTS], weights=[w for _, w in EDUCATION_WEIGHTS]
        )[0]
    values: dict[str, object] = {
        "stage": stage,
        "branch": branch,
        "group": rng.choice(groups) if groups else None,
        "birth_date": birth,
        "gender": Member.Gender.FEMALE if female else Member.Gender.MALE,
        "ethnicity": rng.choices(["汉族", "回族", "满族", "蒙古族"], weights=[92, 4, 2, 2])[0],
        "education": education,
        "is_mobile": rng.random() < 0.03,
    }
    if rng.random() < 0.5:
        values["id_card_number"] = _id_card_number(rng, birth, female)
    earliest_application = rules.years_before(birth, -18)  # 18 years after birth
    if stage == Member.Stage.APPLICANT:
        values["applied_on"] = max(days_ago(20, 150), earliest_application)
    elif stage == Member.Stage.ACTIVIST:
        values["applied_on"] = max(days_ago(500, 700), earliest_application)
        values["activist_on"] = days_ago(200, 450)
    elif stage == Member.Stage.CANDIDATE:
        values["applied_on"] = max(days_ago(900, 1200), earliest_application)
        values["activist_on"] = days_ago(450, 800)
        values["candidate_on"] = days_ago(30, 80)
    else:
        admitted = (
            days_ago(60, 300)
            if stage == Member.Stage.PROBATIONARY
            else _admission_date(rng, birth, today)
        )
        values["admitted_on"] = admitted
        values["applied_on"] = admitted - datetime.timedelta(days=rng.randint(700, 1400))
        values["activist_on"] = admitted - datetime.timedelta(days=rng.randint(400, 650))
        values["candidate_on"] = admitted - datetime.timedelta(days=rng.randint(60, 200))
        if stage == Member.Stage.FULL:
            values["full_on"] = admitted + datetime.timedelta(days=366)
    return values


def _admission_date(
    rng: random.Random, birth: datetime.date, today: datetime.date
) -> datetime.date:
    earliest = rules.years_before(birth, -22) if birth.year < 2000 else birth
    earliest = max(earliest, datetime.date(1985, 1, 1))
    latest = today - datetime.timedelta(days=420)
    if earliest >= latest:
        return latest
    return datetime.date.fromordinal(rng.randint(earliest.toordinal(), latest.toordinal()))
