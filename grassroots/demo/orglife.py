"""Two years of organisational life for the demo: most required meetings held, some
missing, a few assemblies without a quorum, and the coming month's meetings planned, so
that the compliance calendar and the committee's overview show gaps worth acting on.

Written in bulk (it is history, not news: nobody should get two years of notices), in
the same rows the services write: meetings, attendance and the compliance counts.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.conf import settings

from grassroots.core.periods import periods_in_year
from grassroots.orglife import rules, selectors, services
from grassroots.orglife.models import Attendance, Meeting, MeetingCount
from grassroots.orgs.models import OrgUnit

# Topics only: the pages show "kind：topic", so a topic never repeats its kind.
TOPICS = {
    rules.ASSEMBLY: ["学习贯彻党的二十届四中全会精神", "讨论发展党员事项", "通报支部半年工作"],
    rules.COMMITTEE: ["研究本月支部工作安排", "讨论职工诉求办理情况", "研究“我为群众办实事”项目"],
    rules.GROUP: ["学习安全生产规定", "交流岗位建功经验", "讨论班组困难职工帮扶"],
    rules.LECTURE: ["新时代产业工人的担当（支部书记主讲）", "全心全意为人民服务"],
    rules.THEMED_DAY: ["走访困难职工", "志愿服务进车间", "重温入党誓词"],
    rules.LIFE_MEETING: ["对照检查，开展批评和自我批评"],
    rules.APPRAISAL: ["个人自评、党员互评、表决等次"],
}
# Branches (and a group) that keep every meeting the rules require, so the compliance
# calendar and the overview show good examples next to the gaps of the others.
KEEPS_UP = ("B01", "B03", "G0301")
PLACES = ["党员活动室", "三楼会议室", "车间学习角", "职工之家"]


CENTRE_STUDY_TOPICS = (
    "学习新修订的党内法规",
    "学习习近平新时代中国特色社会主义思想专题",
    "学习全国劳动模范先进事迹与企业安全生产",
    "学习党的全会精神，研究明年工作思路",
)


def build_meetings(*, today: datetime.date, seed: int = 2026) -> int:
    rng = random.Random(seed + 5)
    zone = ZoneInfo(settings.TIME_ZONE)
    frequencies = selectors.current_frequencies()
    units = list(
        OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.BRANCH, OrgUnit.Kind.GROUP], is_active=True)
    )
    with_committee = selectors.committee_units([u.pk for u in units], today)
    meetings: list[tuple[Meeting, list[tuple[int, bool]], bool, bool]] = []
    for unit in units:
        reliable = rng.random()  # some branches keep up, a few let things slide
        keeps_up = unit.code in KEEPS_UP
        people = {
            kind: [(m.pk, votes) for m, votes in selectors.expected_attendees(unit, kind, on=today)]
            for kind in rules.KINDS
        }
        for year in (today.year - 1, today.year):
            for requirement in rules.requirements(
                unit_kind=unit.kind,
                has_committee=unit.pk in with_committee,
                frequencies=frequencies,
            ):
                for period in periods_in_year(year, requirement.frequency):
                    if period.first > today + datetime.timedelta(days=30):
                        continue
                    if rng.random() > 0.55 + 0.42 * reliable and not keeps_up:
                        continue  # a gap
                    span = (
                        min(period.last, today + datetime.timedelta(days=30)) - period.first
                    ).days
                    day = period.first + datetime.timedelta(days=rng.randint(0, max(span, 0)))
                    starts = datetime.datetime.combine(
                        day, datetime.time(rng.choice([9, 14, 16]), 0), zone
                    )
                    took_place = day < today
                    if not took_place and period.last < today:
                        continue
                    meeting = Meeting(
                        unit=unit,
                        kind=requirement.kind,
                        topic=rng.choice(TOPICS[requirement.kind]),
                        starts_at=starts,
                        place=rng.choice(PLACES),
                        agenda="1. 学习\n2. 讨论\n3. 部署",
                        lecturer="支部书记" if requirement.kind == rules.LECTURE else "",
                        status=Meeting.Status.HELD if took_place else Meeting.Status.PLANNED,
                        minutes="会议按议程进行，与会党员逐一发言。" if took_place else "",
                        held_on=day if took_place else None,
                    )
                    meetings.append((meeting, people[requirement.kind], took_place, keeps_up))
    # The committee's centre group studies once a quarter (no frequency is required of it).
    for committee in OrgUnit.objects.filter(kind=OrgUnit.Kind.COMMITTEE, is_active=True):
        expected = [
            (m.pk, votes)
            for m, votes in selectors.expected_attendees(committee, rules.CENTRE_STUDY, on=today)
        ]
        for year in (today.year - 1, today.year):
            for month in (3, 6, 9, 12):
                day = datetime.date(year, month, 18)
                if day >= today:
                    continue
                meeting = Meeting(
                    unit=committee,
                    kind=rules.CENTRE_STUDY,
                    topic=CENTRE_STUDY_TOPICS[month // 3 - 1],
                    starts_at=datetime.datetime.combine(day, datetime.time(9), zone),
                    place="党委会议室",
                    agenda="1. 集中学习\n2. 交流研讨",
                    status=Meeting.Status.HELD,
                    minutes="中心组成员集中学习并逐一交流发言。",
                    held_on=day,
                )
                meetings.append((meeting, expected, True, True))
    Meeting.objects.bulk_create([m for m, _p, _h, _k in meetings], batch_size=2000)
    attendances: list[Attendance] = []
    for meeting, expected, held, keeps_up in meetings:
        # now and then a poorly attended meeting (not where they keep up)
        sloppy = rng.random() < 0.05 and not keeps_up
        present = 0
        entitled = 0
        for member_id, votes in expected:
            status = Attendance.Status.EXPECTED
            reason = ""
            if held:
                roll = rng.random()
                if roll < (0.4 if sloppy else 0.9):
                    status = Attendance.Status.PRESENT
                elif roll < 0.95:
                    status, reason = Attendance.Status.LEAVE, rng.choice(["出差", "夜班", "病假"])
                else:
                    status = Attendance.Status.ABSENT
            if votes:
                entitled += 1
                present += status == Attendance.Status.PRESENT
            attendances.append(
                Attendance(
                    meeting=meeting,
                    member_id=member_id,
                    status=status,
                    reason=reason,
                    counts_for_quorum=votes,
                )
            )
        if held and keeps_up:  # where they keep up, enough voters come to make a quorum
            for attendance in attendances[len(attendances) - len(expected) :]:
                if rules.quorum_met(present, entitled):
                    break
                if attendance.counts_for_quorum and attendance.status != Attendance.Status.PRESENT:
                    attendance.status, attendance.reason = Attendance.Status.PRESENT, ""
                    present += 1
        if held and meeting.needs_quorum:
            meeting.is_quorate = rules.quorum_met(present, entitled)
    Attendance.objects.bulk_create(attendances, batch_size=5000)
    Meeting.objects.bulk_update(
        [m for m, _p, held, _k in meetings if held and m.needs_quorum],
        ["is_quorate"],
        batch_size=2000,
    )
    MeetingCount.objects.bulk_create(
        [
            MeetingCount(
                meeting=m,
                unit_id=m.unit_id,
                kind=m.kind,
                held_on=m.starts_at.astimezone(zone).date(),
                planned=m.status == Meeting.Status.PLANNED,
            )
            for m, _p, _h, _k in meetings
            if m.status == Meeting.Status.PLANNED or m.counts
        ],
        batch_size=5000,
    )
    services.meeting_months_rebuild()  # the overview's rollup of the rows just written
    return len(meetings)


def build_development(*, today: datetime.date, seed: int = 2026) -> int:
    """Development records for the people in the demo's pipeline: applications and talks
    (one talk late, one not yet held), cultivation contacts for activists, introducers for
    candidates. Written in bulk with the dates already on their member records."""
    from grassroots.orglife.models import DevelopmentRecord
    from grassroots.orgs.models import Member

    rng = random.Random(seed + 7)
    pipeline = Member.objects.filter(
        stage__in=["applicant", "activist", "candidate"]
    ).select_related("branch")
    full_by_branch: dict[int, list[Member]] = {}
    for member in Member.objects.filter(stage="full").order_by("pk"):
        full_by_branch.setdefault(member.branch_id, []).append(member)
    records: list[tuple[DevelopmentRecord, list[Member]]] = []
    for member in pipeline:
        full = full_by_branch.get(member.branch_id, [])
        applied = member.applied_on or today - datetime.timedelta(days=rng.randint(20, 300))
        records.append((DevelopmentRecord(member=member, step=1, done_on=applied), []))
        talk = applied + datetime.timedelta(days=rng.choice([7, 12, 20, 45]))
        if member.stage == "applicant" and talk >= today:
            continue  # the talk is still to come (due within the month)
        if member.stage == "applicant" and rng.random() < 0.3:
            continue  # not yet talked to: overdue on the board
        talkers = rng.sample(full, k=min(1, len(full)))
        records.append(
            (DevelopmentRecord(member=member, step=2, done_on=min(talk, today)), talkers)
        )
        if member.stage == "applicant" or member.activist_on is None:
            continue
        for step in (3, 4):
            records.append(
                (DevelopmentRecord(member=member, step=step, done_on=member.activist_on), [])
            )
        contacts = rng.sample(full, k=min(2, len(full)))
        records.append(
            (DevelopmentRecord(member=member, step=5, done_on=member.activist_on), contacts)
        )
        records.append((DevelopmentRecord(member=member, step=6, done_on=member.activist_on), []))
        if member.stage != "candidate" or member.candidate_on is None:
            continue
        for step in (7, 8):
            records.append(
                (DevelopmentRecord(member=member, step=step, done_on=member.candidate_on), [])
            )
        introducers = rng.sample(full, k=min(2, len(full)))
        records.append(
            (DevelopmentRecord(member=member, step=9, done_on=member.candidate_on), introducers)
        )
    DevelopmentRecord.objects.bulk_create([record for record, _people in records])
    through = DevelopmentRecord.people.through
    through.objects.bulk_create(
        through(developmentrecord_id=record.pk, member_id=person.pk)
        for record, people in records
        for person in people
    )
    return len(records)


def build_talks(*, today: datetime.date, seed: int = 2026) -> int:
    """This year's one-to-one talks: each branch's committee has reached most members."""
    from grassroots.orglife.models import Talk

    rng = random.Random(seed + 9)
    talks: list[Talk] = []
    for branch in OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, is_active=True):
        committee = [m for m, _v in selectors.expected_attendees(branch, rules.COMMITTEE, on=today)]
        if not committee:
            continue
        members = [m for m, _v in selectors.expected_attendees(branch, rules.ASSEMBLY, on=today)]
        start = datetime.date(today.year, 1, 1)
        span = max((today - start).days, 1)
        for member in members:
            if member in committee or rng.random() < 0.3:
                continue
            talks.append(
                Talk(
                    unit=branch,
                    talker=rng.choice(committee),
                    talkee=member,
                    held_on=start + datetime.timedelta(days=rng.randrange(span)),
                    notes="了解工作和家庭情况，听取对支部工作的意见。",
                )
            )
    Talk.objects.bulk_create(talks)
    return len(talks)


def build_activities(*, today: datetime.date, seed: int = 2026) -> int:
    """A year of activities per branch; the coming ones of every other branch full with a
    waitlist, the others with places left; past ones recorded with volunteer hours."""
    from decimal import Decimal

    from grassroots.orgs.models import Member
    from grassroots.service.models import Activity, SignUp

    rng = random.Random(seed + 11)
    zone = ZoneInfo(settings.TIME_ZONE)
    ideas = [
        ("义务理发进车间", Activity.Type.VOLUNTEER, ["masses"]),
        ("无障碍通道检查", Activity.Type.SUPPORT, ["masses", "development"]),
        ("走访困难职工家庭", Activity.Type.RELIEF, ["masses", "society"]),
        ("合理化建议现场会", Activity.Type.INNOVATION, ["reform", "development"]),
        ("与社区党委共建读书角", Activity.Type.JOINT, ["society", "members"]),
        ("质量攻关 QC 小组活动", Activity.Type.QC, ["development"]),
    ]
    activities: list[Activity] = []
    branches = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, is_active=True).order_by("path")
    for branch_index, branch in enumerate(branches):
        for month_back in range(-1, 12, 3):
            title, kind, domains = rng.choice(ideas)
            day = today - datetime.timedelta(days=30 * month_back + rng.randint(0, 20))
            start = datetime.datetime.combine(day, datetime.time(14, 0), zone)
            past = day < today
            activities.append(
                Activity(
                    unit=branch,
                    title=title,
                    type=kind,
                    partner="阳光社区党委" if kind == Activity.Type.JOINT else "",
                    services=domains,
                    starts_at=start,
                    ends_at=start + datetime.timedelta(hours=2),
                    place=rng.choice(PLACES),
                    audience=rng.choice([Activity.Audience.EVERYONE, Activity.Audience.MEMBERS]),
                    capacity=rng.choice([None, 8, 12]) if past else (3, 20)[branch_index % 2],
                    status=Activity.Status.HELD if past else Activity.Status.PLANNED,
                    summary="活动顺利完成，职工反映良好。" if past else "",
                    beneficiaries=rng.randint(10, 80) if past else None,
                )
            )
    Activity.objects.bulk_create(activities)
    popular = {a.pk for a in activities if a.status == Activity.Status.PLANNED and a.capacity == 3}
    signups: list[SignUp] = []
    for activity in activities:
        people = list(Member.objects.filter(branch=activity.unit).values_list("user_id", flat=True))
        rng.shuffle(people)
        past = activity.status == Activity.Status.HELD
        limit = activity.capacity or 10
        if past:
            taken = limit
        elif activity.pk in popular:
            taken = limit + 2  # full, two on the waitlist
        else:
            taken = min(limit - 1, rng.randint(3, 8))  # places left
        for index, user_id in enumerate(people[:taken]):
            confirmed = index < limit
            signups.append(
                SignUp(
                    activity=activity,
                    user_id=user_id,
                    status=SignUp.Status.CONFIRMED if confirmed else SignUp.Status.WAITING,
                    attended=(rng.random() < 0.9) if past and confirmed else None,
                    hours=Decimal(rng.choice(["1.5", "2", "2.5"])) if past and confirmed else 0,
                )
            )
    SignUp.objects.bulk_create(signups)
    return len(activities)
