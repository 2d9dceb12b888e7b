"""orglife's read contract for evaluation's democratic appraisal: a branch's 民主评议
meetings of a year with their quorum, and members' attendance at the year's held
meetings — one query each."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.orglife import rules, selectors
from grassroots.orglife.models import Attendance
from grassroots.orglife.services import (
    attendance_record,
    meeting_cancel,
    meeting_hold,
    meeting_plan,
)
from grassroots.orgs.models import Member
from grassroots.orgs.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _meeting(world, kind=rules.APPRAISAL, *, days_ago=3, absent=(), hold=True):
    meeting = meeting_plan(
        actor=world.officer_a,
        unit=world.branch_a,
        kind=kind,
        topic="民主评议党员",
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        place="活动室",
    )
    if hold:
        statuses = dict.fromkeys(absent, (Attendance.Status.ABSENT, ""))
        attendance_record(
            actor=world.officer_a, meeting=meeting, statuses=statuses, rest_present=True
        )
        meeting = meeting_hold(actor=world.officer_a, meeting=meeting, minutes="评议。")
    return meeting


def test_appraisal_meetings_give_the_quorum_among_full_members(world, django_assert_num_queries):
    # given branch A: three full members, one probationary (no vote)
    MemberFactory(branch=world.branch_a, stage=Member.Stage.PROBATIONARY)
    year = timezone.localtime(timezone.now() - datetime.timedelta(days=3)).year
    thin = _meeting(world, absent=[world.member_a.pk, world.officer_a.member.pk])
    full = _meeting(world, days_ago=2)
    planned = _meeting(world, days_ago=1, hold=False)
    cancelled = _meeting(world, days_ago=1, hold=False)
    meeting_cancel(actor=world.officer_a, meeting=cancelled, reason="改期")
    # when
    with django_assert_num_queries(1):
        rows = selectors.appraisal_meetings(world.branch_a, year=year)
    # then
    by_pk = {row.pk: row for row in rows}
    assert set(by_pk) == {thin.pk, full.pk, planned.pk}
    assert (by_pk[thin.pk].present, by_pk[thin.pk].entitled, by_pk[thin.pk].is_quorate) == (
        1,
        3,
        False,
    )
    assert (by_pk[full.pk].present, by_pk[full.pk].entitled, by_pk[full.pk].is_quorate) == (
        3,
        3,
        True,
    )
    assert not by_pk[planned.pk].is_held
    assert selectors.appraisal_meetings(world.branch_b, year=year) == []


def test_members_attendance_counts_the_years_held_meetings(world, django_assert_num_queries):
    meeting = _meeting(world, absent=[world.member_a.pk])
    _meeting(world, days_ago=2)
    _meeting(world, days_ago=1, hold=False)  # planned: not counted
    year = meeting.held_on.year
    with django_assert_num_queries(1):
        rows = selectors.members_attendance([world.member_a.pk, world.member_b.pk], year=year)
    mine = rows[world.member_a.pk]
    assert (mine.expected, mine.present, mine.absent, mine.leave) == (2, 1, 1, 0)
    assert [m.pk for m in mine.missed] == [meeting.pk]
    assert rows[world.member_b.pk].expected == 0
    assert (
        selectors.members_attendance([world.member_a.pk], year=year - 5)[world.member_a.pk].expected
        == 0
    )
