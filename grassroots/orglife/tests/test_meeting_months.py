"""The months rollup (MeetingMonths) that the committee overview reads: kept by the
services meeting by meeting, it must give the overview exactly what each unit's own
calendar computes from the compliance rows, through planning, holding, editing held
meetings, quorum lost and regained, and cancelling."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from grassroots.orglife import rules, selectors, services
from grassroots.orglife.models import Attendance, Meeting, MeetingMonths
from grassroots.orgs.models import OrgPost
from grassroots.orgs.services import orgpost_assign
from grassroots.orgs.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def rollup() -> set[tuple[int, str, int, int, int]]:
    return set(MeetingMonths.objects.values_list("unit_id", "kind", "year", "held", "booked"))


def assert_overview_matches_calendars(world, years, days) -> None:
    """The fast path (subtree_gaps over the rollup) against the straightforward one
    (unit_compliance over the compliance rows, one unit at a time)."""
    units = [world.branch_a, world.branch_b, world.group_a]
    for year in years:
        for today in days:
            overview = {
                g.unit_id: g.by_kind
                for g in selectors.subtree_gaps(world.committee, year=year, today=today)
            }
            for unit in units:
                calendar = selectors.unit_compliance(unit, year=year, today=today)
                assert overview[unit.pk] == {row.kind: row.gaps for row in calendar}, (
                    unit.name,
                    year,
                    today,
                )


def hold(world, meeting: Meeting, *, quorate: bool = True) -> Meeting:
    people = list(meeting.attendances.values_list("member_id", flat=True))
    statuses = dict.fromkeys(people, (Attendance.Status.PRESENT, ""))
    if not quorate:
        statuses = dict.fromkeys(people, (Attendance.Status.ABSENT, ""))
    services.attendance_record(actor=world.officer_a, meeting=meeting, statuses=statuses)
    return services.meeting_hold(actor=world.officer_a, meeting=meeting, minutes="记录")


def test_the_overview_read_from_the_rollup_agrees_with_every_calendar(world):
    # given: branch A has a committee (so committee meetings are required of it)
    for kind in (OrgPost.Kind.ORGANISATION, OrgPost.Kind.PROPAGANDA):
        orgpost_assign(
            actor=None,
            unit=world.branch_a,
            member=MemberFactory(branch=world.branch_a),
            kind=kind,
            starts_on=datetime.date(2020, 1, 1),
        )
    MemberFactory.create_batch(2, branch=world.branch_b)
    today = timezone.localdate()
    rng = random.Random(2026)
    branch_kinds = [rules.ASSEMBLY, rules.COMMITTEE, rules.LECTURE, rules.THEMED_DAY]
    branch_kinds += [rules.LIFE_MEETING, rules.APPRAISAL]
    held, planned = [], []
    # when: fourteen months of meetings through the services, held or only planned, a
    # few still to come
    for _ in range(45):
        unit = rng.choice([world.branch_a, world.branch_b, world.group_a])
        if unit == world.group_a:
            kind, extra = rules.GROUP, rng.choice([[], [rules.THEMED_DAY]])
        else:
            kind = rng.choice(branch_kinds if unit == world.branch_a else branch_kinds[::2])
            extra = [rules.LECTURE] if kind == rules.THEMED_DAY and rng.random() < 0.3 else []
        day = today + datetime.timedelta(days=rng.randint(-420, 30))
        meeting = services.meeting_plan(
            actor=world.officer_a,
            unit=unit,
            kind=kind,
            topic="学习",
            starts_at=at(day),
            place="会议室",
            also_counts_as=extra,
            lecturer="书记" if rules.LECTURE in (kind, *extra) else "",
        )
        if day < today and rng.random() < 0.75:
            held.append(hold(world, meeting, quorate=rng.random() < 0.85))
        else:
            planned.append(meeting)
    rebuilt_as_we_went = rollup()
    # then
    assert_overview_matches_calendars(
        world,
        years=[today.year - 1, today.year],
        days=[today, today - datetime.timedelta(days=200), datetime.date(today.year, 12, 25)],
    )

    # when: held meetings are edited — moved to another month, to the year before, lose
    # their quorum and get it back, count for one more kind — and plans are cancelled
    valid = [m for m in held if m.counts]
    services.meeting_update(
        actor=world.officer_a,
        meeting=valid[0],
        starts_at=valid[0].starts_at - datetime.timedelta(days=40),
    )
    services.meeting_update(
        actor=world.officer_a,
        meeting=valid[1],
        starts_at=at(datetime.date(today.year - 1, 12, 31)),
    )
    assemblies = [m for m in valid if m.kind == rules.ASSEMBLY]
    if assemblies:
        hold_again = assemblies[0]
        people = list(hold_again.attendances.values_list("member_id", flat=True))
        services.attendance_record(
            actor=world.officer_a,
            meeting=hold_again,
            statuses=dict.fromkeys(people, (Attendance.Status.ABSENT, "")),
        )
        assert not Meeting.objects.get(pk=hold_again.pk).counts
    inquorate = next((m for m in held if not m.counts), None)
    if inquorate is not None:
        services.attendance_record(
            actor=world.officer_a, meeting=inquorate, statuses={}, rest_present=True
        )
        people = list(inquorate.attendances.values_list("member_id", flat=True))
        services.attendance_record(
            actor=world.officer_a,
            meeting=inquorate,
            statuses=dict.fromkeys(people, (Attendance.Status.PRESENT, "")),
        )
    themed = next((m for m in valid[2:] if m.kind == rules.THEMED_DAY), None)
    if themed is not None:
        services.meeting_update(
            actor=world.officer_a,
            meeting=themed,
            also_counts_as=[rules.LECTURE],
            lecturer="书记",
        )
    for meeting in planned[:5]:
        services.meeting_cancel(actor=world.officer_a, meeting=meeting, reason="改期")
    # then: the rollup changed, and still agrees with every calendar ...
    assert rollup() != rebuilt_as_we_went
    assert_overview_matches_calendars(
        world,
        years=[today.year - 1, today.year],
        days=[today, today - datetime.timedelta(days=100), datetime.date(today.year - 1, 6, 30)],
    )
    # ... and with the rollup rebuilt from scratch
    kept = {row for row in rollup() if row[3] or row[4]}  # rows emptied by edits stay as 0
    services.meeting_months_rebuild()
    assert rollup() == kept


def test_a_rebuild_of_some_years_leaves_the_others(world):
    today = timezone.localdate()
    for day in (datetime.date(today.year - 1, 3, 3), today - datetime.timedelta(days=1)):
        hold(
            world,
            services.meeting_plan(
                actor=world.officer_a,
                unit=world.branch_a,
                kind=rules.THEMED_DAY,
                topic="主题党日",
                starts_at=at(day),
                place="会议室",
            ),
        )
    before = rollup()
    MeetingMonths.objects.filter(year=today.year).update(held=0, booked=0)
    # when
    services.meeting_months_rebuild(years=[today.year])
    # then
    assert rollup() == before
    assert MeetingMonths.objects.filter(year=today.year - 1).count() == 1


def test_the_nightly_job_rebuilds_this_year_and_last(world):
    from grassroots.orglife import jobs

    today = timezone.localdate()
    hold(
        world,
        services.meeting_plan(
            actor=world.officer_a,
            unit=world.branch_a,
            kind=rules.THEMED_DAY,
            topic="主题党日",
            starts_at=at(today - datetime.timedelta(days=1)),
            place="会议室",
        ),
    )
    before = rollup()
    MeetingMonths.objects.all().delete()
    assert jobs.meeting_months(timezone.now()) == len(before)
    assert rollup() == before
