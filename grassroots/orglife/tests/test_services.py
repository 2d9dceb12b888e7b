"""Planning, leave, attendance, quorum, holding and compliance through the services."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.core.periods import QUARTER, Period
from grassroots.notifications.models import Notification
from grassroots.orglife import jobs, rules, selectors, services
from grassroots.orglife.models import Attendance, Meeting, MeetingCount
from grassroots.orgs.models import Member
from grassroots.orgs.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def at(days: int, hour: int = 14) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def plan(world, kind=rules.ASSEMBLY, unit=None, when=None, **extra):
    return services.meeting_plan(
        actor=world.officer_a,
        unit=unit or world.branch_a,
        kind=kind,
        topic="学习党的二十届四中全会精神",
        starts_at=when or at(-1),
        place="三楼会议室",
        **extra,
    )


def test_planning_fixes_who_is_expected_and_tells_them(world):
    probationary = MemberFactory(branch=world.branch_a, stage=Member.Stage.PROBATIONARY)
    MemberFactory(branch=world.branch_a, stage=Member.Stage.ACTIVIST)  # not a Party member
    meeting = plan(world, when=at(3))
    expected = {a.member_id: a.counts_for_quorum for a in meeting.attendances.all()}
    branch_party = Member.objects.filter(
        branch=world.branch_a, stage__in=["full", "probationary"]
    ).values_list("pk", flat=True)
    assert set(expected) == set(branch_party)
    assert expected[probationary.pk] is False  # attends the assembly without a vote
    assert Notification.objects.filter(recipient=world.member_a.user).exists()
    assert not Notification.objects.filter(recipient=world.member_b.user).exists()
    assert AuditEntry.objects.filter(action="meeting.plan").exists()
    assert MeetingCount.objects.get(meeting=meeting).planned


def test_a_lecture_needs_a_lecturer_and_a_group_meeting_a_group(world):
    with pytest.raises(ValidationError) as error:
        plan(world, kind=rules.LECTURE)
    assert "lecturer" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        plan(world, kind=rules.GROUP)
    assert "kind" in error.value.message_dict
    assert not Meeting.objects.exists()


def test_a_quorate_assembly_closes_the_gap_and_an_inquorate_one_does_not(world):
    today = timezone.localdate()
    meeting = plan(world)
    present = {a.member_id: ("present", "") for a in meeting.attendances.all()}
    with pytest.raises(ValidationError, match="3"):  # three people not yet recorded
        services.meeting_hold(actor=world.officer_a, meeting=meeting, minutes="讨论了…")
    services.attendance_record(actor=world.officer_a, meeting=meeting, statuses=present)
    meeting = services.meeting_hold(actor=world.officer_a, meeting=meeting, minutes="讨论了…")
    assert meeting.is_quorate and meeting.counts
    rows = {
        row.kind: row
        for row in selectors.unit_compliance(world.branch_a, year=today.year, today=today)
    }
    quarter = Period.of(today, QUARTER)
    cell = next(c for c in rows[rules.ASSEMBLY].cells if c.period == quarter)
    assert cell.status == rules.DONE

    # Everyone absent but one: recorded, yet it no longer counts.
    first, *others = list(present)
    services.attendance_record(
        actor=world.officer_a,
        meeting=meeting,
        statuses={first: ("present", "")} | dict.fromkeys(others, ("absent", "")),
    )
    meeting.refresh_from_db()
    assert meeting.is_quorate is False and not meeting.counts
    assert not MeetingCount.objects.filter(meeting=meeting).exists()


def test_a_meeting_marked_as_two_kinds_counts_for_both(world):
    meeting = plan(world, kind=rules.THEMED_DAY, also_counts_as=[rules.LECTURE], lecturer="书记")
    services.attendance_record(
        actor=world.officer_a,
        meeting=meeting,
        statuses={a.member_id: ("present", "") for a in meeting.attendances.all()},
    )
    services.meeting_hold(actor=world.officer_a, meeting=meeting, minutes="主题党日暨党课")
    assert set(MeetingCount.objects.filter(meeting=meeting).values_list("kind", flat=True)) == {
        rules.THEMED_DAY,
        rules.LECTURE,
    }


def test_editing_a_held_meeting_is_audited_with_what_it_was(world):
    meeting = plan(world, kind=rules.THEMED_DAY)
    services.attendance_record(
        actor=world.officer_a,
        meeting=meeting,
        statuses={a.member_id: ("present", "") for a in meeting.attendances.all()},
    )
    services.meeting_hold(actor=world.officer_a, meeting=meeting, minutes="原记录")
    services.meeting_update(actor=world.officer_a, meeting=meeting, minutes="更正后的记录")
    entry = AuditEntry.objects.get(action="meeting.edit_held")
    assert entry.changes == {"minutes": ["原记录", "更正后的记录"]}


def test_members_ask_for_leave_before_the_meeting_only(world):
    meeting = plan(world, when=at(2))
    services.leave_request(meeting=meeting, member=world.member_a, reason="出差")
    row = Attendance.objects.get(meeting=meeting, member=world.member_a)
    assert (row.status, row.reason) == ("leave", "出差") and row.leave_requested_at
    with pytest.raises(ValidationError):
        services.leave_request(meeting=meeting, member=world.member_b, reason="不在本支部")
    with pytest.raises(ValidationError):
        services.meeting_hold(actor=world.officer_a, meeting=meeting, minutes="还没开")


def test_cancelling_tells_the_members_and_removes_the_plan(world):
    meeting = plan(world, when=at(2))
    services.meeting_cancel(actor=world.officer_a, meeting=meeting, reason="改期")
    assert not MeetingCount.objects.filter(meeting=meeting).exists()
    assert (
        Notification.objects.filter(recipient=world.member_a.user, title__contains="改期").count()
        == 0
    )
    assert Notification.objects.filter(recipient=world.member_a.user).count() == 2


def test_members_absent_for_six_months_are_flagged_to_their_branch(world):
    today = timezone.localdate()
    meeting = plan(world, when=at(-30))
    services.attendance_record(
        actor=world.officer_a,
        meeting=meeting,
        statuses={
            a.member_id: ("present" if a.member_id != world.member_a.pk else "absent", "")
            for a in meeting.attendances.all()
        },
    )
    services.meeting_hold(actor=world.officer_a, meeting=meeting, minutes="…")
    flagged = [
        m.pk for m, _last in selectors.inactive_members(world.branch_a, today=today, months=6)
    ]
    assert flagged == [world.member_a.pk]
    newcomer = MemberFactory(branch=world.branch_a, admitted_on=today, full_on=None)
    flagged = [
        m.pk for m, _last in selectors.inactive_members(world.branch_a, today=today, months=6)
    ]
    assert newcomer.pk not in flagged


def test_gap_reminders_reach_the_officers_once(world, monkeypatch):
    today = timezone.localdate()
    quarter = Period.of(today, QUARTER)
    # Pretend it is five days before the quarter ends, at 08:00.
    day = quarter.last - datetime.timedelta(days=5)
    now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(8, 0)))
    monkeypatch.setattr(timezone, "localdate", lambda *a: day)
    first = jobs.gap_reminders(now)
    assert first > 0
    titles = list(
        Notification.objects.filter(recipient=world.officer_a).values_list("title", flat=True)
    )
    assert any(quarter.key in title for title in titles)
    assert jobs.gap_reminders(now) == 0  # the same gap is told once


def test_the_assembly_cannot_be_ticked_as_an_extra_kind(world):
    with pytest.raises(ValidationError) as error:
        plan(world, kind=rules.LECTURE, lecturer="书记", also_counts_as=[rules.ASSEMBLY])
    assert "also_counts_as" in error.value.message_dict


def test_changing_a_planned_meetings_kind_changes_who_is_expected(world):
    meeting = plan(world, kind=rules.THEMED_DAY, when=at(3))
    everyone = meeting.attendances.count()
    services.meeting_update(actor=world.officer_a, meeting=meeting, kind=rules.COMMITTEE)
    committee = {
        m.pk
        for m, _v in selectors.expected_attendees(
            world.branch_a, rules.COMMITTEE, on=timezone.localdate()
        )
    }
    assert set(meeting.attendances.values_list("member_id", flat=True)) == committee
    assert len(committee) < everyone


def test_a_held_meeting_keeps_its_kind_and_cannot_move_into_the_future(world):
    meeting = plan(world, kind=rules.COMMITTEE)
    services.attendance_record(
        actor=world.officer_a, meeting=meeting, statuses={}, rest_present=True
    )
    services.meeting_hold(actor=world.officer_a, meeting=meeting, minutes="研究工作")
    with pytest.raises(ValidationError):
        services.meeting_update(actor=world.officer_a, meeting=meeting, kind=rules.ASSEMBLY)
    with pytest.raises(ValidationError):
        services.meeting_update(actor=world.officer_a, meeting=meeting, starts_at=at(5))


def test_leave_cannot_be_asked_once_the_meeting_began_or_was_recorded(world):
    started = plan(world, when=at(0, hour=0))
    with pytest.raises(ValidationError):
        services.leave_request(meeting=started, member=world.member_a, reason="迟到")
    coming = plan(world, when=at(3))
    services.attendance_record(
        actor=world.officer_a, meeting=coming, statuses={world.member_a.pk: ("absent", "")}
    )
    with pytest.raises(ValidationError):
        services.leave_request(meeting=coming, member=world.member_a, reason="补请假")


def test_a_group_meeting_held_as_a_themed_day_is_the_branchs_themed_day(world):
    meeting = services.meeting_plan(
        actor=world.officer_a,
        unit=world.group_a,
        kind=rules.GROUP,
        topic="小组会暨主题党日",
        starts_at=at(-1),
        place="班组",
        also_counts_as=[rules.THEMED_DAY],
    )
    rows = dict(MeetingCount.objects.filter(meeting=meeting).values_list("kind", "unit_id"))
    assert rows == {rules.GROUP: world.group_a.pk, rules.THEMED_DAY: world.branch_a.pk}


def test_the_overview_takes_as_many_queries_for_many_branches_as_for_few(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from grassroots.orgs.models import OrgUnit
    from grassroots.orgs.tests.factories import OrgUnitFactory

    today = timezone.localdate()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.subtree_gaps(world.committee, year=today.year, today=today)
        return len(captured)

    plan(world)
    queries()  # the rule parameters load into their cache once
    few = queries()
    for n in range(6):
        branch = OrgUnitFactory(
            name=f"新支部{n}", code=f"N{n}", kind=OrgUnit.Kind.BRANCH, parent=world.committee
        )
        MemberFactory(branch=branch)
        plan(world, unit=branch, kind=rules.THEMED_DAY)
    assert queries() == few


@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 3, 25), datetime.date(2026, 7, 10), datetime.date(2026, 12, 28)],
)
def test_the_overview_agrees_with_each_units_calendar(world, today):
    import random

    from grassroots.orgs.models import OrgPost
    from grassroots.orgs.services import orgpost_assign

    for kind in (OrgPost.Kind.ORGANISATION, OrgPost.Kind.PROPAGANDA):  # give A a committee
        orgpost_assign(
            actor=None,
            unit=world.branch_a,
            member=MemberFactory(branch=world.branch_a),
            kind=kind,
            starts_on=datetime.date(2024, 1, 1),
        )
    rng = random.Random(7)
    units = [world.branch_a, world.branch_b, world.group_a]
    picks = []
    for _ in range(120):
        unit = rng.choice(units)
        kind = (
            rules.GROUP
            if unit == world.group_a
            else rng.choice([rules.ASSEMBLY, rules.COMMITTEE, rules.LECTURE, rules.THEMED_DAY])
        )
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        picks.append((unit, kind, day, rng.random() < 0.3))
    meetings = Meeting.objects.bulk_create(
        Meeting(unit=u, kind=k, topic="t", place="p", starts_at=at(-1)) for u, k, _d, _p in picks
    )
    MeetingCount.objects.bulk_create(
        MeetingCount(meeting=m, unit=u, kind=k, held_on=d, planned=p)
        for m, (u, k, d, p) in zip(meetings, picks, strict=True)
    )
    services.meeting_months_rebuild()  # rows written in bulk, past the services
    overview = {
        g.unit_id: g.by_kind
        for g in selectors.subtree_gaps(world.committee, year=2026, today=today)
    }
    for unit in units:
        calendar = selectors.unit_compliance(unit, year=2026, today=today)
        assert overview[unit.pk] == {row.kind: row.gaps for row in calendar}, unit


def test_only_a_committee_holds_centre_group_study_with_its_committee_members(world):
    from grassroots.orglife.forms import kinds_for

    assert rules.CENTRE_STUDY in {kind for kind, _label in kinds_for(world.committee)}
    assert rules.CENTRE_STUDY not in {kind for kind, _label in kinds_for(world.branch_a)}
    assert rules.CENTRE_STUDY not in {kind for kind, _label in kinds_for(world.group_a)}
    meeting = plan(world, kind=rules.CENTRE_STUDY, unit=world.committee)
    expected = set(meeting.attendances.values_list("member_id", flat=True))
    assert expected == {world.committee_officer.member.pk}
    # not a kind required of anyone: no compliance row is asked for it
    assert rules.CENTRE_STUDY not in rules.KINDS
