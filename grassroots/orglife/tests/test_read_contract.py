"""The read contract of organisational life: meeting compliance and overdue development
steps per unit and per `core.periods.Period`."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.core.periods import MONTH, Period
from grassroots.orglife import rules, selectors, services
from grassroots.orglife.models import DevelopmentRecord
from grassroots.orgs.models import Member
from grassroots.orgs.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def held(world, kind, *, when):
    meeting = services.meeting_plan(
        actor=world.officer_a,
        unit=world.branch_a,
        kind=kind,
        topic="学习党章",
        starts_at=when,
        place="三楼会议室",
        lecturer="书记",
    )
    present = {a.member_id: ("present", "") for a in meeting.attendances.all()}
    services.attendance_record(actor=world.officer_a, meeting=meeting, statuses=present)
    return services.meeting_hold(actor=world.officer_a, meeting=meeting, minutes="讨论了…")


def yesterday_at_two() -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 0)))


def test_a_years_compliance_agrees_with_the_calendar_of_each_unit(world):
    # given an assembly and a lecture held yesterday
    today = timezone.localdate()
    held(world, rules.ASSEMBLY, when=yesterday_at_two())
    held(world, rules.LECTURE, when=yesterday_at_two())
    # when the committee's subtree is read for the year
    found = {
        each.unit_id: each
        for each in selectors.meeting_compliance(
            world.committee, Period.year(today.year), today=today
        )
    }
    # then every branch and group shows what its calendar shows, kind by kind
    for unit in (world.branch_a, world.branch_b, world.group_a):
        calendar = selectors.unit_compliance(unit, year=today.year, today=today)
        compliance = found[unit.pk]
        assert [k.kind for k in compliance.kinds] == [row.kind for row in calendar]
        for row in calendar:
            kind = compliance.of(row.kind)
            assert kind is not None
            assert kind.required == len(row.cells)
            assert kind.held == sum(cell.status == rules.DONE for cell in row.cells)
            assert kind.missing == sum(cell.status == rules.MISSING for cell in row.cells)
    assert found[world.branch_a.pk].of(rules.ASSEMBLY).held == 1  # type: ignore[union-attr]


def test_a_past_year_without_meetings_is_all_missing(world):
    # given nothing held last year
    today = timezone.localdate()
    last_year = Period.year(today.year - 1)
    # when
    branch = next(
        each
        for each in selectors.meeting_compliance(world.committee, last_year, today=today)
        if each.unit_id == world.branch_a.pk
    )
    # then every required period is missing (monthly kinds twelve times)
    assert branch.required > 0
    assert branch.held == 0
    assert branch.missing == branch.required
    themed = branch.of(rules.THEMED_DAY)
    assert themed is not None and themed.required == 12
    assert branch.of(rules.GROUP) is None  # a branch is not asked for group meetings


def test_a_month_asks_nothing_of_the_quarterly_and_yearly_kinds(world):
    # given a month (the assembly is quarterly, the appraisal yearly)
    today = timezone.localdate()
    month = Period.of(today, MONTH).previous()
    # when
    branch = next(
        each
        for each in selectors.meeting_compliance(world.branch_a, month, today=today)
        if each.unit_id == world.branch_a.pk
    )
    # then
    assert branch.of(rules.ASSEMBLY).required == 0  # type: ignore[union-attr]
    assert branch.of(rules.APPRAISAL).required == 0  # type: ignore[union-attr]
    assert branch.of(rules.THEMED_DAY).required == 1  # type: ignore[union-attr]


def test_compliance_reads_a_subtree_in_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    today = timezone.localdate()
    selectors.current_frequencies()  # parameters are cached after the first read
    with django_assert_max_num_queries(4):
        result = selectors.meeting_compliance(world.committee, Period.year(today.year), today=today)
    assert {each.unit_id for each in result} >= {world.branch_a.pk, world.group_a.pk}
    assert world.committee.pk not in {each.unit_id for each in result}  # holds no meetings


def test_an_overdue_talk_counts_in_the_period_it_fell_due(world):
    # given an applicant who applied sixty days ago and has not been talked with
    today = timezone.localdate()
    applicant = MemberFactory(
        branch=world.branch_a,
        stage=Member.Stage.APPLICANT,
        birth_date=datetime.date(2000, 5, 1),
        applied_on=today - datetime.timedelta(days=60),
        activist_on=None,
        candidate_on=None,
        admitted_on=None,
        full_on=None,
    )
    DevelopmentRecord.objects.create(member=applicant, step=1, done_on=applicant.applied_on)
    board = selectors.development_overdue(world.branch_a, Period.year(today.year), today=today)
    due = next(step.due_on for step in board.steps if step.member_id == applicant.pk)
    # when read for the month it fell due, and for the month before
    month = Period.of(due, MONTH)
    in_month = selectors.development_overdue(world.branch_a, month, today=today)
    before = selectors.development_overdue(world.branch_a, month.previous(), today=today)
    # then it is overdue in the first and not in the second
    assert [(s.member_id, s.step) for s in in_month.steps] == [(applicant.pk, 2)]
    assert in_month.count == 1
    assert applicant.pk not in {s.member_id for s in before.steps}
    assert in_month.branch_id == world.branch_a.pk and in_month.period == month
