from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grassroots.accounts.scope import scope_for
from grassroots.insights.statistics.tables import cross_checks, statistics_for_year
from grassroots.orgs import services
from grassroots.orgs.importing import import_spreadsheet
from grassroots.orgs.models import Member, OrgPost, OrgUnit, Transfer
from grassroots.orgs.tests.factories import MemberFactory, OrgUnitFactory
from grassroots.orgs.tests.test_importing import xlsx

pytestmark = pytest.mark.django_db


def _figures(statistics):
    """Every figure of the set, keyed by table and row, and the checks' outcomes."""
    figures = {(t.key, r.key): r.count for t in statistics.tables for r in t.rows}
    return figures, [(c.label, c.expected, c.actual) for c in statistics.checks]


def _admitted(branch, on, **values):
    return MemberFactory(
        branch=branch,
        stage=Member.Stage.PROBATIONARY,
        applied_on=on - datetime.timedelta(days=700),
        activist_on=on - datetime.timedelta(days=400),
        candidate_on=on - datetime.timedelta(days=100),
        admitted_on=on,
        full_on=None,
        **values,
    )


def test_the_committee_counts_its_members_on_the_year_end(world):
    # given: five full members in the world, one admitted in 2024, one applicant
    _admitted(world.branch_b, datetime.date(2024, 7, 1), gender=Member.Gender.FEMALE)
    MemberFactory(
        branch=world.branch_a,
        stage=Member.Stage.APPLICANT,
        applied_on=datetime.date(2024, 3, 1),
        activist_on=None,
        candidate_on=None,
        admitted_on=None,
        full_on=None,
    )
    # when
    statistics = statistics_for_year(world.committee, 2024)
    # then
    assert statistics.party_members == 6
    assert statistics.table("members_stage").count("probationary") == 1
    assert statistics.table("members_gender").count("f") == 1
    assert statistics.table("developed_gender").count("f") == 1
    assert statistics.table("pipeline_on_day").count("applicant") == 1
    assert statistics.table("pipeline_in_year").count("applied") == 1
    changes = statistics.table("changes")
    assert (changes.count("start"), changes.count("admitted"), changes.count("end")) == (5, 1, 6)
    assert statistics.table("units").count("branch") == 2
    assert statistics.table("units").count("committee_committee") == 1
    assert statistics.failed_checks == []


def test_a_branch_sees_only_its_own_members(world):
    statistics = statistics_for_year(world.branch_b, 2024)
    assert statistics.party_members == 2  # officer_b and member_b
    assert statistics.table("units").count("branch") == 1


def test_changes_after_the_year_end_leave_the_years_tables_unchanged(world):
    # given: the 2024 tables of the committee and of both branches, and a branch C
    # that existed in 2024
    branch_c = OrgUnitFactory(
        name="丙支部",
        code="CC",
        kind=OrgUnit.Kind.BRANCH,
        parent=world.committee,
        founded_on=datetime.date(2010, 1, 1),
    )
    probationary = _admitted(world.branch_a, datetime.date(2024, 6, 1))
    struck_off = MemberFactory(branch=world.branch_b)
    candidate = MemberFactory(
        branch=world.branch_a,
        stage=Member.Stage.CANDIDATE,
        applied_on=datetime.date(2023, 1, 5),
        activist_on=datetime.date(2023, 9, 1),
        candidate_on=datetime.date(2024, 10, 1),
        admitted_on=None,
        full_on=None,
    )
    units = (world.committee, world.branch_a, world.branch_b, branch_c)
    before = {unit.pk: _figures(statistics_for_year(unit, 2024)) for unit in units}
    # when: in 2025 a member dies, one moves to the other branch, one is struck off
    # without a day given (today), one becomes a full member, one is admitted, branch C
    # is dissolved, a new branch is founded, a secretary takes office
    services.member_update(
        actor=None,
        member=world.member_a,
        status=Member.Status.LEFT,
        left_on=datetime.date(2025, 3, 1),
        leaving_reason=Member.LeavingReason.DEATH,
    )
    transfer = services.transfer_request(
        actor=None,
        member=world.member_b,
        to_branch=world.branch_a,
        to_group=None,
        effective_on=datetime.date(2025, 2, 1),
        reason="工作调动",
    )
    services.transfer_decide(actor=None, transfer=transfer, confirm=True)
    services.member_update(actor=None, member=struck_off, status=Member.Status.LEFT)
    services.member_update(
        actor=None, member=probationary, stage=Member.Stage.FULL, full_on=datetime.date(2025, 6, 1)
    )
    services.member_update(
        actor=None,
        member=candidate,
        stage=Member.Stage.PROBATIONARY,
        admitted_on=datetime.date(2025, 7, 1),
    )
    services.orgunit_update(
        actor=None, unit=branch_c, is_active=False, dissolved_on=datetime.date(2025, 4, 1)
    )
    OrgUnitFactory(
        name="丁支部",
        code="DD",
        kind=OrgUnit.Kind.BRANCH,
        parent=world.committee,
        founded_on=datetime.date(2025, 5, 1),
    )
    services.orgpost_assign(
        actor=None,
        unit=world.branch_b,
        member=world.officer_b.member,
        kind=OrgPost.Kind.DEPUTY_SECRETARY,
        starts_on=datetime.date(2025, 1, 10),
    )
    # then: 2024 is as it was, for every unit
    after = {unit.pk: _figures(statistics_for_year(unit, 2024)) for unit in units}
    changed = {
        (pk, key): (figure, after[pk][0][key])
        for pk, (figures, _checks) in before.items()
        for key, figure in figures.items()
        if after[pk][0][key] != figure
    }
    assert changed == {}
    assert after == before
    # and 2025 shows the changes
    year = statistics_for_year(world.branch_a, 2025)
    changes = year.table("changes")
    assert changes.count("died") == 1
    assert changes.count("moved_in") == 1
    assert changes.count("admitted") == 1
    assert year.failed_checks == []
    branch_b = statistics_for_year(world.branch_b, 2025).table("changes")
    assert branch_b.count("moved_out") == 1
    committee = statistics_for_year(world.committee, 2025)
    assert committee.table("changes").count("moved_in") == 0  # inside the subtree
    assert committee.table("units").count("branch") == 3  # A, B, D (C dissolved)


def test_a_record_made_inactive_today_is_gone_from_today_only(world):
    # given
    member = MemberFactory(branch=world.branch_a)
    # when: left without a day given
    services.member_update(actor=None, member=member, status=Member.Status.LEFT)
    member.refresh_from_db()
    # then: the leaving day is today, the reason "other"; restoring clears them
    assert member.left_on is not None
    assert member.leaving_reason == Member.LeavingReason.OTHER
    services.member_update(actor=None, member=member, status=Member.Status.NORMAL)
    member.refresh_from_db()
    assert (member.left_on, member.leaving_reason) == (None, "")


def test_the_subtree_total_is_checked_against_the_branches_counted_apart(world):
    # given: the 2024 set, whose branches agree
    statistics = statistics_for_year(world.committee, 2024)
    per_branch = {world.branch_a.path: 3, world.branch_b.path: 2}
    checks = cross_checks(statistics, left=0, per_branch=per_branch, probationary_at_start=0)
    assert checks[-3].passed and statistics.checks[-3].passed
    # when: the separate count per branch misses a member (as a branch placed by a
    # different reading of the transfers would)
    per_branch[world.branch_b.path] = 1
    checks = cross_checks(statistics, left=0, per_branch=per_branch, probationary_at_start=0)
    # then
    branches = checks[-3]
    assert not branches.passed
    assert (branches.expected, branches.actual) == (5, 4)


def test_more_made_full_than_could_be_fails_the_check(world):
    # given: a record made full in 2024 with no admission day (an incomplete import):
    # nobody was probationary at the start, admitted or transferred in
    member = MemberFactory(branch=world.branch_a, admitted_on=None)
    Member.objects.filter(pk=member.pk).update(full_on=datetime.date(2024, 5, 1))
    # when
    statistics = statistics_for_year(world.committee, 2024)
    # then
    made_full = statistics.checks[-2]
    assert not made_full.passed
    assert (made_full.expected, made_full.actual) == (1, 0)
    assert statistics_for_year(world.committee, 2023).checks[-2].passed


def test_a_value_outside_the_tables_fails_the_cross_check(world):
    # given: a gender the tables do not list (written past the services)
    Member.objects.filter(pk=world.member_b.pk).update(gender="x")
    # when
    statistics = statistics_for_year(world.committee, 2024)
    # then
    failed = statistics.failed_checks
    assert len(failed) == 1
    assert failed[0].expected == statistics.party_members
    assert failed[0].actual == statistics.party_members - 1


def test_the_balance_check_fails_when_the_records_disagree(world):
    # given: a member whose record left in 2024 but with no admission date at all
    # (an incomplete import) is in the start figure through a full_on only
    member = MemberFactory(
        branch=world.branch_a, admitted_on=None, full_on=datetime.date(2003, 1, 2)
    )
    Member.objects.filter(pk=member.pk).update(full_on=datetime.date(2024, 5, 1))
    # when: the year 2024 counts a full member who was never admitted
    statistics = statistics_for_year(world.committee, 2024)
    # then
    balance = statistics.checks[-1]
    assert not balance.passed
    assert balance.expected == statistics.party_members


def test_leavers_without_a_reason_have_a_row_of_their_own(world):
    # given: a member who left in 2024 with no reason recorded (an older record)
    Member.objects.filter(pk=world.member_b.pk).update(
        status=Member.Status.LEFT, left_on=datetime.date(2024, 5, 1), leaving_reason=""
    )
    # when
    changes = statistics_for_year(world.committee, 2024).table("changes")
    # then: the printed rows add up (start − every leaving row = end)
    assert changes.count("unknown") == 1
    leaving_rows = sum(
        row.count for row in changes.rows if row.key not in ("start", "admitted", "end")
    )
    assert changes.count("start") - leaving_rows == changes.count("end")


def test_an_organisation_founded_without_a_day_counts_in_past_years(world):
    # given: a branch recorded today without a founding day
    services.orgunit_create(
        actor=None, code="X9", name="新支部", kind=OrgUnit.Kind.BRANCH, parent=world.committee
    )
    # when
    units = statistics_for_year(world.committee, 2024).table("units")
    # then: A, B and the new one
    assert units.count("branch") == 3


def test_the_number_of_queries_does_not_grow_with_the_records(world):
    # given
    with CaptureQueriesContext(connection) as small:
        statistics_for_year(world.committee, 2024)
    for day in range(1, 20):
        _admitted(
            world.branch_b,
            datetime.date(2024, 3, day),
            birth_date=datetime.date(1990 + day % 8, 1, 1),
        )
    OrgUnitFactory(kind=OrgUnit.Kind.BRANCH, parent=world.committee)
    # when
    with CaptureQueriesContext(connection) as large:
        statistics_for_year(world.committee, 2024)
    # then
    assert len(large.captured_queries) == len(small.captured_queries) == 8


def _branch_figures(world, year):
    return {
        unit.pk: _figures(statistics_for_year(unit, year))
        for unit in (world.branch_a, world.branch_b)
    }


def test_a_branch_edited_on_the_record_leaves_the_past_years_unchanged(world):
    # given: 2025's tables of both branches
    before = _branch_figures(world, 2025)
    # when: in 2026 (today) member_b's branch is changed on the member form
    services.member_update(
        actor=world.committee_officer, member=world.member_b, branch=world.branch_a
    )
    # then: 2025 is as it was, and the move is a confirmed transfer effective today
    assert _branch_figures(world, 2025) == before
    move = Transfer.objects.get(member=world.member_b)
    assert (move.status, move.from_branch, move.to_branch) == (
        Transfer.Status.CONFIRMED,
        world.branch_b,
        world.branch_a,
    )
    assert move.effective_on == timezone.localdate()


def test_a_branch_changed_by_the_import_leaves_the_past_years_unchanged(world):
    # given
    before = _branch_figures(world, 2025)
    member = world.member_b
    # when: the import puts member_b in branch A (支部编码)
    batch = import_spreadsheet(
        actor=world.committee_officer,
        scope=scope_for(world.committee_officer),
        kind="members",
        data=xlsx(
            [
                ["工号", "姓名", "发展阶段", "支部编码"],
                [member.user.employee_number, member.user.name, "正式党员", "A"],
            ]
        ),
        filename="move.xlsx",
        max_rows=10,
    )
    # then
    assert batch.outcome == "applied", batch.errors
    member.refresh_from_db()
    assert member.branch == world.branch_a
    assert _branch_figures(world, 2025) == before
    assert Transfer.objects.filter(member=member, status=Transfer.Status.CONFIRMED).count() == 1


def test_two_transfers_on_the_same_day_count_the_member_once(world):
    # given: 2024's tables
    before = _branch_figures(world, 2024)
    # when: member_b moves B → A and back A → B, both effective on 2025-03-01
    for to_branch, decider in (
        (world.branch_a, world.officer_a),
        (world.branch_b, world.officer_b),
    ):
        transfer = services.transfer_request(
            actor=None,
            member=world.member_b,
            to_branch=to_branch,
            to_group=None,
            effective_on=datetime.date(2025, 3, 1),
            reason="调动",
        )
        services.transfer_decide(actor=decider, transfer=transfer, confirm=True)
        world.member_b.refresh_from_db()
    # then: on 31 December 2024 they were in B only
    assert _branch_figures(world, 2024) == before


def _applicant(branch, applied_on):
    return MemberFactory(
        branch=branch,
        stage=Member.Stage.APPLICANT,
        applied_on=applied_on,
        activist_on=None,
        candidate_on=None,
        admitted_on=None,
        full_on=None,
    )


def test_the_years_steps_count_where_they_were_taken_even_of_those_gone_since(world):
    # given: in 2024 one applied in branch A and moved to B in September; another
    # applied in A and withdrew in June
    mover = _applicant(world.branch_a, datetime.date(2024, 3, 1))
    Transfer.objects.create(
        member=mover,
        from_branch=world.branch_a,
        to_branch=world.branch_b,
        effective_on=datetime.date(2024, 9, 1),
        reason="调动",
        status=Transfer.Status.CONFIRMED,
    )
    Member.objects.filter(pk=mover.pk).update(branch=world.branch_b)
    gone = _applicant(world.branch_a, datetime.date(2024, 4, 1))
    services.member_update(
        actor=None, member=gone, status=Member.Status.LEFT, left_on=datetime.date(2024, 6, 1)
    )
    # when
    flows_a = statistics_for_year(world.branch_a, 2024).table("pipeline_in_year")
    flows_b = statistics_for_year(world.branch_b, 2024).table("pipeline_in_year")
    # then: both applications belong to branch A's year, none to B's
    assert flows_a.count("applied") == 2
    assert flows_b.count("applied") == 0
